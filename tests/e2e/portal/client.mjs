// The MCP TypeScript SDK client, configured with exactly what the portal showed beside a new API key: the
// `mcpServers` JSON is read from the file given as the first argument (as a user would paste it), its one server's url
// and headers are used as they are. Calls the tool named by the second argument and prints, as JSON, the result and the
// request id Portico answered that call with (its X-Request-Id response header), which the audit search finds.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [configFile, tool] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, "utf8"));
const [name, server] = Object.entries(config.mcpServers)[0];
const requestIds = [];
const transport = new StreamableHTTPClientTransport(new URL(server.url), {
  requestInit: { headers: server.headers },
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    const body = typeof init?.body === "string" ? init.body : "";
    if (body.includes('"tools/call"')) {
      requestIds.push(response.headers.get("x-request-id"));
    }
    return response;
  },
});
const client = new Client({ name: "portal-e2e", version: "1.0.0" });
await client.connect(transport);
const result = await client.callTool({ name: tool, arguments: {} });
await client.close();
console.log(JSON.stringify({ server: name, requestId: requestIds[0], isError: result.isError ?? false, content: result.content }));
