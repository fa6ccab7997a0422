// OAuth sign-in of the official MCP TypeScript SDK client against Portico, end to end.
//
// Usage: node client.mjs http://127.0.0.1:PORT/mcp <email> <password>
//
// The SDK's StreamableHTTPClientTransport gets an OAuthClientProvider (client information, tokens and
// the PKCE verifier kept in memory) and no token. Connecting hits the 401; the SDK discovers the
// authorization server, registers a client (RFC 7591) and calls redirectToAuthorization, which plays
// the user: it opens Portico's login page, signs in, approves on the consent page (cookies and the
// CSRF field carried like a browser would) and follows the redirect to this program's loopback
// listener, which receives the code. finishAuth exchanges it; a new connection lists and calls tools.
//
// Prints one "PASS <check>" or "FAIL <check>: <reason>" line per check, then a summary line
// "ts-oauth: N counts.passed, N failed", and exits 1 if any check failed (2 on a usage error).
// On failure it also prints every HTTP exchange it made.
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { assert, check, counts, fail } from '../checks.mjs';

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error('usage: node client.mjs <mcp-endpoint-url> <email> <password>');
  process.exit(2);
}

const REQUEST_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 120_000;
const CLIENT_NAME = 'Portico e2e (TypeScript SDK)';

// ------------------------------------------------------------------ HTTP trace
// Every request (the SDK's and the "user's") goes through this fetch, which records the exchange.
const trace = [];
function tracingFetch(label) {
  return async (input, init = {}) => {
    const entry = { client: label, method: init.method ?? 'GET', url: String(input instanceof Request ? input.url : input) };
    trace.push(entry);
    try {
      const response = await fetch(input, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
      entry.status = response.status;
      const location = response.headers.get('location');
      if (location) entry.location = location.replace(/code=[^&]+/, 'code=(redacted)');
      const challenge = response.headers.get('www-authenticate');
      if (challenge) entry.wwwAuthenticate = challenge;
      return response;
    } catch (error) {
      entry.error = String(error?.cause ?? error);
      throw error;
    }
  };
}
const exchanges = (method, path) => trace.filter((e) => e.method === method && new URL(e.url).pathname === path);

// ------------------------------------------------------------------ checks

// ------------------------------------------------------------------ the loopback redirect_uri
// A native client listens on 127.0.0.1 for the authorization response (RFC 8252 7.3).
function startCallbackListener() {
  let resolveCallback;
  const received = new Promise((resolve) => (resolveCallback = resolve));
  const server = http.createServer((req, res) => {
    const callback = new URL(req.url, 'http://127.0.0.1');
    if (callback.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in; you can close this window.');
    resolveCallback(callback.searchParams);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, redirectUrl: `http://127.0.0.1:${server.address().port}/callback`, received })));
}

// ------------------------------------------------------------------ the user at Portico's pages
/** Hidden inputs as Portico renders them (HtmlEncoder-escaped values). */
function hiddenFields(html) {
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields.append(decodeHtml(m[1]), decodeHtml(m[2]));
  return fields;
}
function decodeHtml(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A cookie jar of one site and a fetch that follows no redirects, like a browser tab on Portico. */
function browser() {
  const jar = new Map();
  const fetchPage = tracingFetch('browser');
  return async (target, init = {}) => {
    const headers = new Headers(init.headers ?? {});
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetchPage(target, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  };
}

/** Signs in and approves on the pages of authorizationUrl; returns the Location of the final redirect. */
async function signInAndApprove(authorizationUrl) {
  const open = browser();
  let loginForm;
  await check('login page: a sign-in form with a CSRF field', async () => {
    const response = await open(authorizationUrl);
    const html = await response.text();
    assert(response.status === 200, `GET ${authorizationUrl.pathname} answered ${response.status}: ${html.slice(0, 300)}`);
    assert(response.headers.get('content-type')?.startsWith('text/html'), `content-type ${response.headers.get('content-type')}`);
    assert(html.includes('name="password"') && html.includes('id="sign-in"'), `no sign-in form: ${html.slice(0, 500)}`);
    loginForm = hiddenFields(html);
    assert([...loginForm.keys()].some((k) => /csrf/i.test(k)), `no CSRF field among ${JSON.stringify([...loginForm.keys()])}`);
    assert(html.includes(CLIENT_NAME), `the page does not name the client "${CLIENT_NAME}"`);
  });
  if (!loginForm) return undefined;

  const action = new URL('/oauth/authorize', authorizationUrl);
  const post = (form) => open(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });

  let consentForm;
  await check('sign in: the consent page lists the requested scopes', async () => {
    loginForm.set('action', 'login');
    loginForm.set('email', email);
    loginForm.set('password', password);
    const response = await post(loginForm);
    const html = await response.text();
    const alert = html.match(/role="alert">([^<]*)</)?.[1];
    assert(!alert, `the login page says: ${alert && decodeHtml(alert)}`);
    assert(response.status === 200 && html.includes('id="approve"'), `sign-in answered ${response.status}: ${html.slice(0, 500)}`);
    const shown = [...html.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((m) => decodeHtml(m[1]));
    const requested = (authorizationUrl.searchParams.get('scope') ?? '').split(' ').filter(Boolean);
    assert(shown.length > 0, 'the consent page lists no scopes');
    // portico/admin is only for Portico administrators: for this user it is listed as not granted.
    const notGranted = [...(html.match(/<p id="not-granted">(.*?)<\/p>/s)?.[1] ?? '').matchAll(/<code>([^<]*)<\/code>/g)].map((m) => decodeHtml(m[1]));
    for (const scope of requested) {
      assert(shown.includes(scope) || notGranted.includes(scope), `requested scope ${scope} is not on the consent page (shown: ${shown.join(' ')}; not granted: ${notGranted.join(' ')})`);
    }
    if (requested.includes('portico/admin')) assert(notGranted.includes('portico/admin') && !shown.includes('portico/admin'), 'portico/admin is offered to a user who is not an administrator');
    assert(html.includes(email), `the consent page does not show the signed-in user ${email}`);
    consentForm = hiddenFields(html);
    return `scopes: ${shown.join(' ')}${notGranted.length ? `; not granted: ${notGranted.join(' ')}` : ''}`;
  });
  if (!consentForm) return undefined;

  let location;
  await check('allow: 303 to the loopback redirect_uri', async () => {
    consentForm.set('action', 'approve');
    const response = await post(consentForm);
    await response.body?.cancel();
    location = response.headers.get('location');
    assert(response.status === 303 && location, `approve answered ${response.status}, Location ${location}`);
    assert(location.startsWith(authorizationUrl.searchParams.get('redirect_uri') + '?'), `redirected to ${location}`);
  });
  return location;
}

// ------------------------------------------------------------------ the SDK's OAuth client provider
class InMemoryOAuthProvider {
  constructor(redirectUrl) {
    this._redirectUrl = redirectUrl;
    this._state = crypto.randomUUID();
    this.authorizationUrls = [];
  }
  get redirectUrl() {
    return this._redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this._redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return this._state;
  }
  clientInformation() {
    return this._client;
  }
  saveClientInformation(info) {
    this._client = info;
  }
  tokens() {
    return this._tokens;
  }
  saveTokens(tokens) {
    this._tokens = tokens;
  }
  saveCodeVerifier(verifier) {
    this._verifier = verifier;
  }
  codeVerifier() {
    if (!this._verifier) throw new Error('no code verifier saved');
    return this._verifier;
  }
  /** The "browser": Portico's pages, driven over fetch; the redirect's target is our loopback listener. */
  async redirectToAuthorization(authorizationUrl) {
    this.authorizationUrls.push(authorizationUrl);
    this.location = await signInAndApprove(authorizationUrl);
    if (this.location) await tracingFetch('browser')(this.location, { redirect: 'manual' }).then((r) => r.body?.cancel());
  }
}

// ------------------------------------------------------------------ scenario
async function main() {
  console.log(`ts-oauth: @modelcontextprotocol/sdk with OAuth against ${url} (node ${process.version})`);
  const listener = await startCallbackListener();
  try {
    await scenario(listener);
  } finally {
    listener.server.close();
  }
}

async function scenario(listener) {
  const provider = new InMemoryOAuthProvider(listener.redirectUrl);

  // 1. No token: connect is refused, and the SDK runs discovery, registration and the authorization request.
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: tracingFetch('sdk') });
  const firstClient = new Client({ name: 'portico-e2e-ts-oauth', version: '0.0.0' });
  let refusal;
  try {
    await firstClient.connect(first, { timeout: REQUEST_TIMEOUT_MS });
  } catch (error) {
    refusal = error;
  }

  await check('unauthenticated POST /mcp answers 401 with resource_metadata', async () => {
    const [post] = exchanges('POST', new URL(url).pathname);
    assert(post, 'the SDK sent no POST to the MCP endpoint');
    assert(post.status === 401, `the first POST answered ${post.status}`);
    assert(/resource_metadata="[^"]+"/.test(post.wwwAuthenticate ?? ''), `WWW-Authenticate: ${post.wwwAuthenticate}`);
    assert(refusal instanceof UnauthorizedError, `connect ended with ${refusal ?? 'success'}, expected UnauthorizedError`);
  });
  await check('discovery: protected resource and authorization server metadata', async () => {
    const prm = trace.find((e) => new URL(e.url).pathname.startsWith('/.well-known/oauth-protected-resource') && e.status === 200);
    const asm = trace.find((e) => new URL(e.url).pathname.startsWith('/.well-known/oauth-authorization-server') && e.status === 200);
    assert(prm, 'no protected resource metadata fetched');
    assert(asm, 'no authorization server metadata fetched');
    return `${new URL(prm.url).pathname}, ${new URL(asm.url).pathname}`;
  });
  await check('dynamic client registration', async () => {
    const [register] = exchanges('POST', '/oauth/register');
    assert(register?.status === 201, `POST /oauth/register answered ${register?.status}`);
    assert(provider.clientInformation()?.client_id, 'no client_id saved');
    return `client_id ${provider.clientInformation().client_id}`;
  });
  const authorizationUrl = provider.authorizationUrls[0];
  await check('authorization request: PKCE S256, resource, state', async () => {
    assert(provider.authorizationUrls.length === 1, `redirectToAuthorization called ${provider.authorizationUrls.length} time(s)`);
    const q = authorizationUrl.searchParams;
    assert(q.get('code_challenge_method') === 'S256' && q.get('code_challenge'), `code_challenge_method ${q.get('code_challenge_method')}`);
    assert(q.get('resource') === url, `resource ${q.get('resource')}, expected ${url}`);
    assert(q.get('state') === provider.state(), `state ${q.get('state')}`);
    assert(q.get('client_id') === provider.clientInformation()?.client_id, 'client_id is not the registered one');
  });

  let code;
  await check('the loopback listener receives the code, state and issuer', async () => {
    assert(provider.location, 'the pages did not end in a redirect');
    const params = await Promise.race([listener.received, new Promise((_, reject) => setTimeout(() => reject(new Error('no callback within 5 s')), 5000))]);
    code = params.get('code');
    assert(code, `no code in the callback: ${params}`);
    assert(params.get('state') === provider.state(), `state ${params.get('state')}, expected ${provider.state()}`);
    assert(params.get('iss') === new URL(url).origin, `iss ${params.get('iss')}, expected ${new URL(url).origin}`);
  });
  if (!code) return;

  await check('finishAuth exchanges the code for tokens', async () => {
    await first.finishAuth(code);
    const tokens = provider.tokens();
    assert(tokens?.access_token, 'no access token saved');
    assert(tokens.token_type?.toLowerCase() === 'bearer', `token_type ${tokens.token_type}`);
    assert(tokens.refresh_token, 'no refresh token saved');
    return `scope: ${tokens.scope}`;
  });
  if (!provider.tokens()) return;

  // 2. Reconnect with the same provider: the SDK sends the access token.
  const before = trace.length;
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: tracingFetch('sdk') });
  const client = new Client({ name: 'portico-e2e-ts-oauth', version: '0.0.0' });
  client.onerror = (e) => console.log(`  (transport error: ${e?.message ?? e})`);
  const connected = await check('reconnect with the access token: initialize', async () => {
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    assert(client.getServerCapabilities()?.tools, 'server capabilities lack "tools"');
    return `session ${transport.sessionId}, protocol ${transport.protocolVersion}`;
  });
  if (!connected) return;

  await check('tools/list contains ping', async () => {
    const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    assert(tools.some((t) => t.name === 'ping'), `tools are ${JSON.stringify(tools.map((t) => t.name))}`);
    return `${tools.length} tool(s)`;
  });
  await check('tools/call ping', async () => {
    const result = await client.callTool({ name: 'ping', arguments: { message: 'signed in with OAuth' } }, undefined, { timeout: REQUEST_TIMEOUT_MS });
    assert(result.isError !== true, `isError: ${JSON.stringify(result)}`);
    const text = result.content?.find((c) => c.type === 'text')?.text;
    assert(text === 'signed in with OAuth', `text ${JSON.stringify(text)}`);
  });
  await check('tools/call get-session-context: an OAuth credential of the signed-in user', async () => {
    const result = await client.callTool({ name: 'get-session-context' }, undefined, { timeout: REQUEST_TIMEOUT_MS });
    const sc = result.structuredContent;
    assert(result.isError !== true && sc, `result: ${JSON.stringify(result)}`);
    assert(sc.credential?.kind === 'oauth', `credential ${JSON.stringify(sc.credential)}`);
    assert(sc.user?.id, `user ${JSON.stringify(sc.user)}`);
    assert(sc.groups?.length > 0, `the user's groups are missing: ${JSON.stringify(sc.groups)}`);
    return `user ${sc.user.id}, scopes ${sc.scopes?.join(' ')}`;
  });
  await check('no request after sign-in was refused', async () => {
    const refused = trace.slice(before).filter((e) => e.status === 401 || e.status === 403);
    assert(refused.length === 0, `refused: ${JSON.stringify(refused)}`);
  });

  client.onerror = () => {};
  await client.close();
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
  console.log(`ts-oauth: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed > 0 ? 1 : 0);
}

try {
  await main();
} catch (error) {
  fail('scenario', error?.stack ?? String(error));
}
finish();
