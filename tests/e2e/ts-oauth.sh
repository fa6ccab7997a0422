#!/usr/bin/env bash
# End-to-end OAuth sign-in of the official MCP TypeScript SDK client (@modelcontextprotocol/sdk,
# pinned in tests/e2e/ts-oauth/package.json) against Portico: the client starts with no token,
# gets the 401, discovers the authorization server, registers itself (DCR), signs in and approves
# on Portico's real login and consent pages (cookies, CSRF field), receives the code on a loopback
# redirect_uri, exchanges it (PKCE), reconnects with the access token, then lists and calls tools.
#
# The server runs on a fresh SQLite store; the user who signs in is created with the CLI
# (`portico users add`) and made owner of a tenant (`portico tenants create`, `portico members add`).
#
# Prerequisite: a Release build of src/Portico (this script builds nothing), e.g.
#   dotnet build -c Release src/Portico
#
# Runtime: Node 22 from the npm package `node` (pinned in the project's devDependencies, as in
# tests/e2e/ts-client), installed by `npm ci` into tests/e2e/ts-oauth/node_modules (gitignored);
# `npm ci` is skipped when node_modules already matches package-lock.json.
#
# Environment:
#   E2E_KEEP_WORK_DIR=1   keep the temp dir (store, server log) after the run
#
# Output: the client's PASS/FAIL lines and "ts-oauth: N passed, N failed" (tests/run-all.sh adds
# these up). Exit status: the client's (0 only if every check passed), or 1 if setup failed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_NAME="ts-oauth"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

CLIENT_DIR="$SCRIPT_DIR/ts-oauth"
USER_EMAIL="oauth-e2e@portico.test"
USER_PASSWORD="e2e password $RANDOM$RANDOM"

# ---------------------------------------------------------------- npm ci (idempotent)
e2e_npm_ci "$CLIENT_DIR"

# ---------------------------------------------------------------- server and user
e2e_init
e2e_start_portico
e2e_wait_healthy 60

# Runs the portico CLI on the running server's store, as an operator would.
portico_cli() { DOTNET_NOLOGO=1 dotnet "$PORTICO_DLL" "$@" --store "$PORTICO_STORE"; }

e2e_log "creating $USER_EMAIL with the CLI"
printf '%s\n' "$USER_PASSWORD" | portico_cli users add --email "$USER_EMAIL" --password-stdin >&2 \
  || e2e_die "portico users add failed"
tenant_id="$(portico_cli tenants create --name "OAuth e2e" </dev/null)" || e2e_die "portico tenants create failed"
portico_cli members add --tenant "$tenant_id" --user "$USER_EMAIL" --role owner </dev/null >&2 \
  || e2e_die "portico members add failed"

# ---------------------------------------------------------------- client
e2e_log "running the OAuth client against $PORTICO_MCP_URL"
set +e
(cd "$CLIENT_DIR" && timeout --kill-after=10 180 "$NODE_BIN" client.mjs "$PORTICO_MCP_URL" "$USER_EMAIL" "$USER_PASSWORD")
client_rc=$?
set -e

if ((client_rc != 0)); then
  ((client_rc == 124)) && e2e_log "the client timed out after 180 s"
  e2e_log "ts-oauth FAILED (client exit $client_rc)"
  e2e_dump_server_log 200
  exit "$client_rc"
fi
e2e_log "ts-oauth passed"
