// End-to-end check of Portico's gateway with the official MCP TypeScript SDK client: three real
// upstreams (server-everything over stdio as "everything" and over Streamable HTTP as "web",
// server-memory over stdio as "memory") behind Portico's one /mcp endpoint.
//
// Usage: node client.mjs http://127.0.0.1:PORT/mcp
//   PORTICO_E2E_TOKEN: an API key, sent as "Authorization: Bearer <token>".
//
// Runs with tests/e2e/ts-client's node_modules (ts-gateway.sh links them here). Prints one
// "PASS <check>" or "FAIL <check>: <reason>" line per check, then "ts-gateway: N counts.passed, N failed",
// and exits 1 if any check failed (2 on a usage error).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { assert, check, counts, fail } from '../checks.mjs';

const url = process.argv[2];
const token = process.env.PORTICO_E2E_TOKEN;
if (!url || !token) {
  console.error('usage: PORTICO_E2E_TOKEN=<api key> node client.mjs <mcp-endpoint-url>');
  process.exit(2);
}

const REQUEST_TIMEOUT_MS = 30_000;
const OVERALL_TIMEOUT_MS = 120_000;
const opts = { timeout: REQUEST_TIMEOUT_MS };

function text(result) {
  assert(result.isError !== true, `tool returned isError: ${JSON.stringify(result)}`);
  return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

// What the upstreams asked this client, through Portico.
const asked = { sampling: [], elicitation: [] };

async function main() {
  console.log(`ts-gateway: @modelcontextprotocol/sdk against ${url} (node ${process.version})`);
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client(
    { name: 'portico-e2e-ts-gateway', version: '0.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {} } } },
  );
  client.onerror = (e) => console.log(`  (transport error: ${e?.message ?? e})`);
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    asked.sampling.push(request.params);
    return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: 'sampled by the TypeScript client' } };
  });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.elicitation.push(request.params);
    return { action: 'accept', content: { name: 'Grace from the TypeScript client', check: true } };
  });

  const connected = await check('initialize with sampling and elicitation capabilities', async () => {
    await client.connect(transport, opts);
    assert(client.getServerCapabilities()?.tools, `no tools capability: ${JSON.stringify(client.getServerCapabilities())}`);
    return `session ${transport.sessionId}`;
  });
  if (!connected) return;

  await check('tools/list has the tools of all three upstreams, prefixed', async () => {
    const { tools } = await client.listTools(undefined, opts);
    const names = tools.map((t) => t.name);
    for (const expected of ['everything__echo', 'web__echo', 'memory__create_entities', 'memory__read_graph',
      'everything__trigger-long-running-operation', 'everything__trigger-sampling-request', 'web__trigger-elicitation-request', 'ping']) {
      assert(names.includes(expected), `${expected} missing from ${JSON.stringify(names)}`);
    }
    const prefixes = new Set(names.filter((n) => n.includes('__')).map((n) => n.split('__')[0]));
    assert(prefixes.size === 3, `upstream prefixes ${JSON.stringify([...prefixes])}, expected everything, web and memory`);
    return `${tools.length} tools, prefixes ${[...prefixes].join(', ')}`;
  });

  for (const upstream of ['everything', 'web']) {
    await check(`${upstream}__echo answers through Portico`, async () => {
      const result = await client.callTool({ name: `${upstream}__echo`, arguments: { message: `hello ${upstream}` } }, undefined, opts);
      const got = text(result);
      assert(got === `Echo: hello ${upstream}`, `text is ${JSON.stringify(got)}`);
    });
  }

  await check('memory__create_entities then memory__read_graph returns the entity', async () => {
    const created = await client.callTool({
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'Portico', entityType: 'gateway', observations: ['relays the TypeScript client'] }] },
    }, undefined, opts);
    text(created);
    const graph = text(await client.callTool({ name: 'memory__read_graph', arguments: {} }, undefined, opts));
    assert(graph.includes('relays the TypeScript client'), `graph is ${graph}`);
  });

  await check('progress notifications of everything__trigger-long-running-operation reach the client', async () => {
    const progress = [];
    const steps = 4;
    const result = await client.callTool(
      { name: 'everything__trigger-long-running-operation', arguments: { duration: 0.4, steps } },
      undefined,
      { ...opts, onprogress: (p) => progress.push(p) },
    );
    text(result);
    assert(progress.length === steps, `${progress.length} progress notification(s), expected ${steps}: ${JSON.stringify(progress)}`);
    assert(progress.every((p, i) => p.progress === i + 1 && p.total === steps), `progress ${JSON.stringify(progress)}`);
    return `${progress.length} notifications`;
  });

  await check('sampling request of everything__trigger-sampling-request is relayed and answered', async () => {
    const result = await client.callTool(
      { name: 'everything__trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 10 } }, undefined, opts);
    const got = text(result);
    assert(asked.sampling.length === 1, `${asked.sampling.length} sampling request(s) reached the client`);
    assert(JSON.stringify(asked.sampling[0].messages).includes('say hi'), `sampling request ${JSON.stringify(asked.sampling[0])}`);
    assert(got.includes('sampled by the TypeScript client'), `result text is ${got}`);
  });

  await check('elicitation request of web__trigger-elicitation-request (HTTP upstream) is relayed and answered', async () => {
    const result = await client.callTool({ name: 'web__trigger-elicitation-request', arguments: {} }, undefined, opts);
    const got = text(result);
    assert(asked.elicitation.length === 1, `${asked.elicitation.length} elicitation request(s) reached the client`);
    const request = asked.elicitation[0];
    assert(request.message === 'Please provide inputs for the following fields:', `message ${JSON.stringify(request.message)}`);
    assert(request.requestedSchema?.required?.includes('name'), `schema ${JSON.stringify(request.requestedSchema)}`);
    assert(got.includes('- Name: Grace from the TypeScript client'), `result text is ${got}`);
    assert(got.includes('- Agreed to terms: true'), `result text is ${got}`);
  });

  client.onerror = () => {};
  await transport.terminateSession().catch(() => {});
  await client.close();
}

const overall = setTimeout(() => {
  fail('overall', `scenario did not finish within ${OVERALL_TIMEOUT_MS / 1000} s`);
  finish();
}, OVERALL_TIMEOUT_MS);
overall.unref();

function finish() {
  console.log(`ts-gateway: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed > 0 ? 1 : 0);
}

main()
  .catch((error) => fail('scenario', error?.stack ?? String(error)))
  .finally(finish);
