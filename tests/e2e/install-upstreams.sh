#!/usr/bin/env bash
# Installs the real MCP servers the Gateway tests put behind Portico (idempotent; a second run
# with everything present does nothing). The tests call this themselves; CI may call it early.
#
#   tests/e2e/install-upstreams.sh            install (or verify) and print the install dir
#
# Installs into tests/e2e/.tools/upstreams (gitignored): @modelcontextprotocol/server-everything
# and @modelcontextprotocol/server-memory, pinned, plus Node 22 from the npm package node@22.
set -euo pipefail

EVERYTHING_VERSION="2026.8.31"
MEMORY_VERSION="2026.8.31"
NODE_PACKAGE="node@22"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$SCRIPT_DIR/.tools/upstreams"
NODE_BIN="$DIR/node_modules/node/bin/node"

log() { printf '[install-upstreams] %s\n' "$*" >&2; }

installed() {
  [[ -x "$NODE_BIN" ]] || return 1
  [[ "$("$NODE_BIN" --version 2>/dev/null)" == v22.* ]] || return 1
  "$NODE_BIN" -e '
    const [dir, ev, mv] = process.argv.slice(1);
    const v = p => require(dir + "/node_modules/@modelcontextprotocol/" + p + "/package.json").version;
    process.exit(v("server-everything") === ev && v("server-memory") === mv ? 0 : 1);
  ' "$DIR" "$EVERYTHING_VERSION" "$MEMORY_VERSION" 2>/dev/null
}

if installed; then
  echo "$DIR"
  exit 0
fi

command -v npm >/dev/null || { log "npm is required to install the upstream MCP servers (apt-get install npm)"; exit 1; }
mkdir -p "$DIR"
if [[ ! -f "$DIR/package.json" ]]; then
  printf '{\n  "name": "portico-gateway-upstreams",\n  "private": true\n}\n' >"$DIR/package.json"
fi
# The `node` package downloads its binary in a preinstall script, so scripts stay enabled.
npm install --prefix "$DIR" --save-exact --no-audit --no-fund --ignore-scripts=false \
  "$NODE_PACKAGE" "@modelcontextprotocol/server-everything@$EVERYTHING_VERSION" \
  "@modelcontextprotocol/server-memory@$MEMORY_VERSION" >&2
installed || { log "installation did not produce node v22 and the pinned servers in $DIR"; exit 1; }
echo "$DIR"
