#!/usr/bin/env bash
# Installs the mock REST servers the connector tests put behind Portico (idempotent; a second run with everything
# present does nothing). The tests call this themselves; CI may call it early.
#
#   tests/e2e/connector-tools.sh            install (or verify) and print the install dir
#
# Installs into tests/e2e/.tools/connectors (gitignored), pinned: @stoplight/prism-cli (serves an OpenAPI document as a
# mock that validates every request against it) and json-server (a REST API with real state), plus Node 22 from the
# npm package node@22.
set -euo pipefail

PRISM_VERSION="5.16.0"
JSON_SERVER_VERSION="0.17.4"
NODE_PACKAGE="node@22"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$SCRIPT_DIR/.tools/connectors"
NODE_BIN="$DIR/node_modules/node/bin/node"

log() { printf '[connector-tools] %s\n' "$*" >&2; }

installed() {
  [[ -x "$NODE_BIN" ]] || return 1
  [[ "$("$NODE_BIN" --version 2>/dev/null)" == v22.* ]] || return 1
  "$NODE_BIN" -e '
    const [dir, pv, jv] = process.argv.slice(1);
    const v = p => require(dir + "/node_modules/" + p + "/package.json").version;
    process.exit(v("@stoplight/prism-cli") === pv && v("json-server") === jv ? 0 : 1);
  ' "$DIR" "$PRISM_VERSION" "$JSON_SERVER_VERSION" 2>/dev/null
}

if installed; then
  echo "$DIR"
  exit 0
fi

command -v npm >/dev/null || { log "npm is required to install the connector test servers (apt-get install npm)"; exit 1; }
mkdir -p "$DIR"
if [[ ! -f "$DIR/package.json" ]]; then
  printf '{\n  "name": "portico-connector-servers",\n  "private": true\n}\n' >"$DIR/package.json"
fi
# The `node` package downloads its binary in a preinstall script, so scripts stay enabled.
npm install --prefix "$DIR" --save-exact --no-audit --no-fund --ignore-scripts=false \
  "$NODE_PACKAGE" "@stoplight/prism-cli@$PRISM_VERSION" "json-server@$JSON_SERVER_VERSION" >&2
installed || { log "installation did not produce node v22 and the pinned servers in $DIR"; exit 1; }
echo "$DIR"
