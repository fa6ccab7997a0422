// End-to-end check of Portico with the official MCP TypeScript SDK client.
//
// Usage: node client.mjs http://127.0.0.1:PORT/mcp
//   PORTICO_E2E_TOKEN (optional): sent as "Authorization: Bearer <token>" on every request.
//   The server runs with --conformance: the last checks call its input-required fixture tools.
//
// Prints one "PASS <check>" or "FAIL <check>: <reason>" line per check, then a summary line
// "ts-client: N counts.passed, N failed", and exits 1 if any check failed (2 on a usage error).
// On failure it also prints every HTTP exchange it made, so a server-side problem can be
// pinned to the exact request and response.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
// The TypeScript SDK v2 client: speaks 2026-07-28 and answers input_required results (SEP-2322); SDK 1.x does neither.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { assert, check, counts, fail } from '../checks.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node client.mjs <mcp-endpoint-url>');
  process.exit(2);
}

const token = process.env.PORTICO_E2E_TOKEN;
const authHeaders = token ? { authorization: `Bearer ${token}` } : {};
const requestInit = { headers: authHeaders };

const REQUEST_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 90_000;

// ------------------------------------------------------------------ HTTP trace
// Every request the SDK sends goes through this fetch, which records the exchange.
const trace = [];
function tracingFetch(label) {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers ?? {});
    const entry = {
      client: label,
      method: init.method ?? 'GET',
      url: String(input),
      requestHeaders: pick(headers, ['accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']),
      requestBody: typeof init.body === 'string' ? init.body : undefined,
    };
    if (headers.has('authorization')) entry.requestHeaders.authorization = '(redacted)';
    trace.push(entry);
    try {
      const response = await fetch(input, init);
      entry.status = response.status;
      entry.responseHeaders = pick(response.headers, ['content-type', 'mcp-session-id', 'mcp-protocol-version']);
      return response;
    } catch (error) {
      entry.error = String(error?.cause ?? error);
      throw error;
    }
  };
}
function pick(headers, names) {
  const out = {};
  for (const n of names) {
    const v = headers.get(n);
    if (v !== null) out[n] = v;
  }
  return out;
}
function rpcMethods(entries) {
  const methods = [];
  for (const e of entries) {
    if (!e.requestBody) continue;
    try {
      const body = JSON.parse(e.requestBody);
      for (const m of Array.isArray(body) ? body : [body]) if (m.method) methods.push(m.method);
    } catch {
      // not JSON: ignore
    }
  }
  return methods;
}

// ------------------------------------------------------------------ checks
function textOf(result) {
  assert(Array.isArray(result?.content), `result has no content array: ${JSON.stringify(result)}`);
  const texts = result.content.filter((c) => c.type === 'text');
  assert(texts.length === 1, `expected exactly one text content item, got ${JSON.stringify(result.content)}`);
  return texts[0].text;
}
function assertPing(result, expectedText, expectedSessionId) {
  assert(result.isError !== true, `tool returned isError: ${JSON.stringify(result)}`);
  const text = textOf(result);
  assert(text === expectedText, `text content is ${JSON.stringify(text)}, expected ${JSON.stringify(expectedText)}`);
  const sc = result.structuredContent;
  assert(sc && typeof sc === 'object', `no structuredContent: ${JSON.stringify(result)}`);
  assert(sc.message === expectedText, `structuredContent.message is ${JSON.stringify(sc.message)}, expected ${JSON.stringify(expectedText)}`);
  assert(typeof sc.serverTime === 'string' && !Number.isNaN(Date.parse(sc.serverTime)),
    `structuredContent.serverTime is not a timestamp: ${JSON.stringify(sc.serverTime)}`);
  assert(sc.sessionId === expectedSessionId,
    `structuredContent.sessionId is ${JSON.stringify(sc.sessionId)}, expected ${JSON.stringify(expectedSessionId)}`);
}
const opts = { timeout: REQUEST_TIMEOUT_MS };

// ------------------------------------------------------------------ scenario
async function main() {
  console.log(`ts-client: @modelcontextprotocol/sdk against ${url} (node ${process.version})`);

  // 1. A fresh client: initialize, list tools, call ping twice.
  const transport1 = new StreamableHTTPClientTransport(new URL(url), { fetch: tracingFetch('client1'), requestInit });
  const client1 = new Client({ name: 'portico-e2e-ts-client', version: '0.0.0' });
  client1.onerror = (e) => console.log(`  (client1 transport error: ${e?.message ?? e})`);

  const connected = await check('initialize', async () => {
    await client1.connect(transport1, opts);
    const sv = client1.getServerVersion();
    assert(sv?.name, `server sent no serverInfo.name: ${JSON.stringify(sv)}`);
    assert(transport1.sessionId, 'server sent no Mcp-Session-Id header on the initialize response');
    assert(transport1.protocolVersion === LATEST_PROTOCOL_VERSION,
      `negotiated protocol version ${transport1.protocolVersion}, expected ${LATEST_PROTOCOL_VERSION}`);
    assert(client1.getServerCapabilities()?.tools, `server capabilities lack "tools": ${JSON.stringify(client1.getServerCapabilities())}`);
    return `server ${sv.name} ${sv.version ?? ''}, protocol ${transport1.protocolVersion}, session ${transport1.sessionId}`;
  });
  if (!connected) return;
  const sessionId = transport1.sessionId;
  const protocolVersion = transport1.protocolVersion;

  await check('tools/list contains ping', async () => {
    const { tools } = await client1.listTools(undefined, opts);
    const names = tools.map((t) => t.name);
    assert(names.includes('ping'), `tools are ${JSON.stringify(names)}`);
    return `${tools.length} tool(s): ${names.join(', ')}`;
  });

  await check('tools/call ping {message:"hello from ts"}', async () => {
    const result = await client1.callTool({ name: 'ping', arguments: { message: 'hello from ts' } }, undefined, opts);
    assertPing(result, 'hello from ts', sessionId);
  });

  await check('tools/call ping without arguments returns "pong"', async () => {
    const result = await client1.callTool({ name: 'ping' }, undefined, opts);
    assertPing(result, 'pong', sessionId);
  });

  // Stop the first client without ending the session (close() aborts its streams only; the
  // aborted GET stream reports an AbortError, which is expected here).
  client1.onerror = () => {};
  await client1.close();

  // 2. A second client instance resumes the same session: the SDK skips initialize when the
  //    transport is constructed with a sessionId; we restore the negotiated protocol version
  //    as a reconnecting application would.
  const transport2 = new StreamableHTTPClientTransport(new URL(url), { sessionId, fetch: tracingFetch('client2'), requestInit });
  transport2.setProtocolVersion(protocolVersion);
  const client2 = new Client({ name: 'portico-e2e-ts-client-resumed', version: '0.0.0' });
  client2.onerror = (e) => console.log(`  (client2 transport error: ${e?.message ?? e})`);
  const resumed = await check('second client resumes the session without initialize', async () => {
    await client2.connect(transport2, opts);
    assert(transport2.sessionId === sessionId, `transport session id ${transport2.sessionId}, expected ${sessionId}`);
    const result = await client2.callTool({ name: 'ping', arguments: { message: 'hello again' } }, undefined, opts);
    assertPing(result, 'hello again', sessionId);
    const methods = rpcMethods(trace.filter((e) => e.client === 'client2'));
    assert(!methods.includes('initialize'), `second client sent initialize: ${JSON.stringify(methods)}`);
    return `methods sent: ${methods.join(', ')}`;
  });

  if (resumed) {
    await check('resumed client lists tools', async () => {
      const { tools } = await client2.listTools(undefined, opts);
      assert(tools.some((t) => t.name === 'ping'), `tools are ${JSON.stringify(tools.map((t) => t.name))}`);
    });
  }

  // 3. End the session with DELETE, then check the server forgets it.
  await check('terminateSession (DELETE)', async () => {
    await transport2.terminateSession();
    const del = trace.filter((e) => e.method === 'DELETE').at(-1);
    assert(del, 'no DELETE request was sent');
    assert(del.status >= 200 && del.status < 300, `DELETE answered ${del.status}, expected 2xx (405 would mean no termination support)`);
    assert(transport2.sessionId === undefined, 'transport still holds a session id');
    return `HTTP ${del.status}`;
  });
  client2.onerror = () => {};
  await client2.close();

  await check('terminated session id is rejected with 404', async () => {
    const probe = tracingFetch('probe');
    const response = await probe(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': protocolVersion,
        ...authHeaders,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: 'ping', arguments: {} } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    assert(response.status === 404, `POST with the terminated session id answered ${response.status}, expected 404`);
    return 'HTTP 404';
  });

  // 4. A 2026-07-28 client (@modelcontextprotocol/client 2.4.0, no session): the native tools ask for input with
  //    input_required results, the SDK answers with its elicitation/sampling handlers and retries with inputResponses
  //    and the sealed requestState. test_sampling is the same tool code that 2025 sessions get a server→client request from.
  const modern = new ModernClient({ name: 'portico-e2e-ts-client-2026', version: '0.0.0' }, {
    capabilities: { elicitation: {}, sampling: {} },
    versionNegotiation: { mode: { pin: '2026-07-28' } },
  });
  const asked = [];
  modern.setRequestHandler('elicitation/create', async (request) => {
    asked.push(`elicit: ${request.params.message}`);
    const field = Object.keys(request.params.requestedSchema?.properties ?? {})[0];
    return { action: 'accept', content: { [field]: field === 'color' ? 'teal' : 'Ada' } };
  });
  modern.setRequestHandler('sampling/createMessage', async (request) => {
    asked.push(`sample: ${request.params.messages[0].content.text}`);
    return { role: 'assistant', model: 'e2e-model', content: { type: 'text', text: 'Paris' } };
  });
  const modernConnected = await check('2026-07-28 client connects without a session', async () => {
    await modern.connect(new ModernTransport(new URL(url), { fetch: tracingFetch('modern'), requestInit }), opts);
    const calls = trace.filter((e) => e.client === 'modern');
    assert(calls.every((e) => !e.responseHeaders?.['mcp-session-id']), 'the server issued an Mcp-Session-Id to a 2026-07-28 client');
    // The server also admits anonymous loopback callers in --conformance mode: make sure these calls were the key's.
    assert(!token || calls.every((e) => e.requestHeaders.authorization), 'a 2026-07-28 request went without the Authorization header');
    return `protocol ${modern.getNegotiatedProtocolVersion?.() ?? '2026-07-28'}`;
  });
  if (modernConnected) {
    await check('2026-07-28 tools/call test_sampling: one input_required round, then the answer', async () => {
      const before = trace.length;
      const result = await modern.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } }, opts);
      assert(result.isError !== true, `tool returned isError: ${JSON.stringify(result)}`);
      assert(textOf(result) === 'LLM response: Paris', `text is ${JSON.stringify(textOf(result))}`);
      const posts = trace.slice(before).filter((e) => e.requestBody?.includes('"tools/call"')).map((e) => JSON.parse(e.requestBody).params);
      assert(posts.length === 2, `expected 2 tools/call requests (ask, answer), got ${posts.length}`);
      assert(!posts[0].requestState && typeof posts[1].requestState === 'string' && posts[1].inputResponses?.answer,
        `the retry did not carry inputResponses.answer and the requestState: ${JSON.stringify(posts[1])}`);
    });
    await check('2026-07-28 tools/call test_input_required_result_multi_round: two rounds, then the answer', async () => {
      asked.length = 0;
      const result = await modern.callTool({ name: 'test_input_required_result_multi_round', arguments: {} }, opts);
      assert(textOf(result) === "Ada's favourite colour is teal.", `text is ${JSON.stringify(textOf(result))}`);
      assert(JSON.stringify(asked) === JSON.stringify(['elicit: Step 1: What is your name?', 'elicit: Step 2: What is your favorite color?']),
        `asked ${JSON.stringify(asked)}`);
    });
  }
  await modern.close();
}

const overall = setTimeout(() => {
  fail('overall', `scenario did not finish within ${OVERALL_TIMEOUT_MS / 1000} s`);
  finish();
}, OVERALL_TIMEOUT_MS);
overall.unref();

function finish() {
  if (counts.failed > 0) {
    console.log('--- HTTP exchanges ---');
    for (const e of trace) console.log(JSON.stringify(e));
  }
  console.log(`ts-client: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed > 0 ? 1 : 0);
}

try {
  await main();
} catch (error) {
  fail('scenario', error?.stack ?? String(error));
}
finish();
