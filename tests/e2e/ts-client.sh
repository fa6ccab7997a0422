#!/usr/bin/env bash
# End-to-end check of Portico with the official MCP TypeScript SDK client
# (@modelcontextprotocol/sdk, pinned in tests/e2e/ts-client/package.json): initialize,
# tools/list, tools/call ping (with and without a message), a second client resuming the same
# session without initialize, DELETE of the session, and 404 for the terminated session id; then
# the TypeScript SDK v2 client (@modelcontextprotocol/client) on 2026-07-28 answers the input-required
# rounds of the conformance fixture's native tools (the server runs with --conformance for them).
#
# Prerequisite: a Release build of src/Portico (this script builds nothing), e.g.
#   dotnet build -c Release src/Portico
#
# Runtime: Node 22 from the npm package `node` (pinned exactly in the project's
# devDependencies, the same major as tests/e2e/conformance.sh uses), installed by `npm ci`
# into tests/e2e/ts-client/node_modules (gitignored); the machine's npm runs `npm ci`.
# `npm ci` is skipped when node_modules already matches package-lock.json.
#
# Environment:
#   E2E_KEEP_WORK_DIR=1   keep the temp dir (store, server log) after the run
#   PORTICO_E2E_TOKEN     if set, the client sends "Authorization: Bearer $PORTICO_E2E_TOKEN"
#
# Exit status: the client's (0 only if every check passed), or 1 if setup failed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_NAME="ts-client"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

CLIENT_DIR="$SCRIPT_DIR/ts-client"

# ---------------------------------------------------------------- npm ci (idempotent)
e2e_npm_ci "$CLIENT_DIR"

# ---------------------------------------------------------------- server
e2e_init
e2e_start_portico --conformance
e2e_wait_healthy 60
# The server seeds an empty store with a demo user and prints its API key once.
if [[ -z "${PORTICO_E2E_TOKEN:-}" ]]; then
  PORTICO_E2E_TOKEN="$(e2e_demo_api_key)"
  [[ -n "$PORTICO_E2E_TOKEN" ]] || { e2e_log "the server printed no demo API key"; e2e_dump_server_log 100; exit 1; }
  export PORTICO_E2E_TOKEN
fi

# ---------------------------------------------------------------- client
e2e_log "running the client against $PORTICO_MCP_URL"
set +e
(cd "$CLIENT_DIR" && timeout --kill-after=10 180 "$NODE_BIN" client.mjs "$PORTICO_MCP_URL")
client_rc=$?
set -e

if ((client_rc != 0)); then
  ((client_rc == 124)) && e2e_log "the client timed out after 180 s"
  e2e_log "ts-client FAILED (client exit $client_rc)"
  e2e_dump_server_log 200
  exit "$client_rc"
fi
e2e_log "ts-client passed"
