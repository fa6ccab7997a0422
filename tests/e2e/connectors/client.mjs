// The MCP TypeScript SDK client against a Portico serving connectors: lists the tools, then runs the calls given as a
// JSON array [{ "name": "...", "arguments": { ... } }] in the file named by the third argument, and prints as JSON
// the names of the tools listed and each call's result. The SDK is loaded from the directory given as the first
// argument (tests/e2e/portal, where portal-tools.sh installs it), so this directory needs no node_modules of its own.
//
//   node client.mjs SDK_DIR MCP_URL CALLS_FILE        (the API key in PORTICO_API_KEY)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [sdkDir, url, callsFile] = process.argv.slice(2);
const sdk = join(sdkDir, "node_modules", "@modelcontextprotocol", "sdk", "dist", "esm", "client");
const { Client } = await import(pathToFileURL(join(sdk, "index.js")).href);
const { StreamableHTTPClientTransport } = await import(pathToFileURL(join(sdk, "streamableHttp.js")).href);

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${process.env.PORTICO_API_KEY}` } },
});
const client = new Client({ name: "connectors-e2e", version: "1.0.0" });
await client.connect(transport);
const { tools } = await client.listTools();
const results = [];
for (const call of JSON.parse(readFileSync(callsFile, "utf8"))) {
  // callTool checks structuredContent against the tool's outputSchema, as every SDK client does.
  results.push(await client.callTool({ name: call.name, arguments: call.arguments }));
}
await client.close();
console.log(JSON.stringify({ tools: tools.map(t => t.name), results }));
