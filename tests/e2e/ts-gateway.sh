#!/usr/bin/env bash
# End-to-end check of Portico's gateway with the official MCP TypeScript SDK client: three real
# upstreams added with the CLI (`portico upstreams add`) on a fresh SQLite store —
# @modelcontextprotocol/server-everything over stdio ("everything") and over Streamable HTTP
# ("web", started here on a free port), @modelcontextprotocol/server-memory over stdio ("memory").
# Once /health/vendors shows all three up, the client (the demo API key) lists their prefixed
# tools, calls echo on both everything upstreams and memory's create_entities/read_graph, counts
# the progress notifications of a long-running operation, and answers a sampling and an
# elicitation request relayed from the upstreams (tests/e2e/ts-gateway/client.mjs).
#
# Prerequisite: a Release build of src/Portico (this script builds nothing), e.g.
#   dotnet build -c Release src/Portico
#
# Runtime: the client runs on tests/e2e/ts-client's pinned packages (`npm ci` there when its
# node_modules does not match its lock; linked into tests/e2e/ts-gateway/node_modules); the
# upstreams run on the Node 22 tests/e2e/install-upstreams.sh installs beside them.
#
# Environment:
#   E2E_KEEP_WORK_DIR=1   keep the temp dir (store, server and upstream logs) after the run
#
# Output: the client's PASS/FAIL lines and "ts-gateway: N passed, N failed" (tests/run-all.sh adds
# these up). Exit status: the client's (0 only if every check passed), or 1 if setup failed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_NAME="ts-gateway"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

CLIENT_DIR="$SCRIPT_DIR/ts-gateway"

# ---------------------------------------------------------------- dependencies
e2e_npm_ci "$SCRIPT_DIR/ts-client"
ln -sfn ../ts-client/node_modules "$CLIENT_DIR/node_modules"
UPSTREAMS_DIR="$(bash "$SCRIPT_DIR/install-upstreams.sh")" || e2e_die "installing the upstream MCP servers failed"
UPSTREAM_NODE="$UPSTREAMS_DIR/node_modules/node/bin/node"
EVERYTHING="$UPSTREAMS_DIR/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
MEMORY="$UPSTREAMS_DIR/node_modules/@modelcontextprotocol/server-memory/dist/index.js"

# ---------------------------------------------------------------- server and upstreams
# The "web" upstream is a local sidecar on loopback over http, which the outbound policy refuses by default.
export Portico__Outbound__Upstreams__AllowPrivateNetworks=true Portico__Outbound__Upstreams__AllowHttp=true
e2e_init
e2e_start_portico
e2e_wait_healthy 60
PORTICO_E2E_TOKEN="$(e2e_demo_api_key)"
[[ -n "$PORTICO_E2E_TOKEN" ]] || { e2e_log "the server printed no demo API key"; e2e_dump_server_log 100; exit 1; }
export PORTICO_E2E_TOKEN

WEB_PORT="$(e2e_free_port)"
WEB_LOG="$E2E_WORK_DIR/server-everything-http.log"
e2e_log "starting server-everything over Streamable HTTP on 127.0.0.1:$WEB_PORT"
PORT="$WEB_PORT" setsid "$UPSTREAM_NODE" "$EVERYTHING" streamableHttp >"$WEB_LOG" 2>&1 </dev/null &
WEB_PID=$!
e2e_on_exit 'kill -TERM -- "-$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null'

# Runs the portico CLI on the running server's store, as an operator would.
portico_cli() { DOTNET_NOLOGO=1 dotnet "$PORTICO_DLL" "$@" --store "$PORTICO_STORE" </dev/null; }

e2e_log "adding the three upstreams with the CLI"
portico_cli upstreams add --name everything --command "$UPSTREAM_NODE" --arg "$EVERYTHING" --arg stdio >&2 \
  || e2e_die "portico upstreams add everything failed"
portico_cli upstreams add --name web --url "http://127.0.0.1:$WEB_PORT/mcp" >&2 \
  || e2e_die "portico upstreams add web failed"
portico_cli upstreams add --name memory --command "$UPSTREAM_NODE" --arg "$MEMORY" \
  --env "MEMORY_FILE_PATH=$E2E_WORK_DIR/memory.jsonl" >&2 \
  || e2e_die "portico upstreams add memory failed"

# The server picks the change up within a second; its health checks then list each upstream's tools
# (the tool counts are details of /health/vendors that only an administrator's credential sees).
ADMIN_KEY="$(portico_cli keys create --user demo@portico.local --name e2e-admin --scopes admin --json | "$UPSTREAM_NODE" -e '
  let body = ""; process.stdin.on("data", (d) => (body += d)).on("end", () => console.log(JSON.parse(body).key));')"
[[ -n "$ADMIN_KEY" ]] || e2e_die "portico keys create --scopes admin failed"
vendors=""
for _ in $(seq 1 120); do
  vendors="$(curl -fsS --max-time 2 -H "Authorization: Bearer $ADMIN_KEY" "$PORTICO_BASE_URL/health/vendors" 2>/dev/null || true)"
  up="$(printf '%s' "$vendors" | "$UPSTREAM_NODE" -e '
    let body = ""; process.stdin.on("data", (d) => (body += d)).on("end", () => {
      try { console.log(JSON.parse(body).filter((v) => v.status === "up" && v.tools > 0).length); } catch { console.log(0); }
    });')"
  ((up == 3)) && break
  sleep 0.5
done
((up == 3)) || {
  e2e_log "the three upstreams were not all up within 60 s; /health/vendors: ${vendors:-no answer}"
  e2e_log "server-everything (HTTP) log:"
  cat "$WEB_LOG" >&2
  e2e_dump_server_log 200
  exit 1
}
e2e_log "all three upstreams up: $vendors"

# ---------------------------------------------------------------- client
e2e_log "running the client against $PORTICO_MCP_URL"
set +e
(cd "$CLIENT_DIR" && timeout --kill-after=10 180 "$NODE_BIN" client.mjs "$PORTICO_MCP_URL")
client_rc=$?
set -e

if ((client_rc != 0)); then
  ((client_rc == 124)) && e2e_log "the client timed out after 180 s"
  e2e_log "ts-gateway FAILED (client exit $client_rc)"
  e2e_dump_server_log 200
  exit "$client_rc"
fi
e2e_log "ts-gateway passed"
