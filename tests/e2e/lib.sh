# Shared helpers for Portico's end-to-end scripts. Source it from bash:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   E2E_NAME=my-check                 # prefix of log lines (optional)
#   e2e_init                          # temp dir in $E2E_WORK_DIR + EXIT/INT/TERM traps
#   e2e_start_portico                 # Release build, free port, temp store; sets PORTICO_*
#   e2e_wait_healthy 60               # polls /health, prints the server log on failure
#   ... run checks against "$PORTICO_MCP_URL" ...
#
# The EXIT trap stops the server (whole process group), runs the commands added with
# e2e_on_exit, removes $E2E_WORK_DIR (unless E2E_KEEP_WORK_DIR=1) and keeps the exit status.
#
# Node projects of the TypeScript SDK clients:
#   e2e_npm_ci DIR                    npm ci in DIR unless node_modules matches its lock; sets NODE_BIN
#
# Variables set by e2e_start_portico:
#   PORTICO_PORT, PORTICO_BASE_URL (http://127.0.0.1:PORT), PORTICO_MCP_URL (.../mcp),
#   PORTICO_PID (process group leader), PORTICO_LOG (server stdout+stderr), PORTICO_STORE.
#
# Environment:
#   PORTICO_DLL         the server to run (default: src/Portico/bin/Release/net10.0/portico.dll)
#   E2E_KEEP_WORK_DIR=1 keep the temp dir (store, server log) after the script ends

E2E_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_REPO_ROOT="$(cd "$E2E_LIB_DIR/../.." && pwd)"
E2E_NAME="${E2E_NAME:-e2e}"
E2E_WORK_DIR=""
E2E_EXIT_HOOKS=()
PORTICO_DLL="${PORTICO_DLL:-$E2E_REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll}"
PORTICO_PID=""
PORTICO_PORT=""
PORTICO_BASE_URL=""
PORTICO_MCP_URL=""
PORTICO_LOG=""
PORTICO_STORE=""

e2e_log() { printf '[%s] %s\n' "$E2E_NAME" "$*" >&2; }
e2e_die() {
  e2e_log "$*"
  exit 1
}

# Installs DIR's pinned dependencies (among them Node 22 from the npm package `node`) with the
# machine's npm, unless node_modules already matches package.json + package-lock.json (a stamp
# file records the hash of the last successful `npm ci`). Sets NODE_BIN to that Node.
NODE_BIN=""
e2e_npm_ci() {
  local dir="$1"
  local stamp="$dir/node_modules/.portico-npm-ci.sha256" hash
  NODE_BIN="$dir/node_modules/node/bin/node"
  hash="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" && -x "$NODE_BIN" \
    && "$("$NODE_BIN" --version 2>/dev/null)" == v22.* && -f "$dir/node_modules/@modelcontextprotocol/sdk/package.json" ]]; then
    e2e_log "dependencies present in $dir (node $("$NODE_BIN" --version))"
    return 0
  fi
  command -v npm >/dev/null 2>&1 || e2e_die "npm is required (run scripts/install-prereqs.sh)"
  e2e_log "npm ci in $dir"
  # The `node` package fetches its platform binary from its preinstall script: scripts must run.
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts=false >&2) || e2e_die "npm ci failed in $dir"
  [[ -x "$NODE_BIN" && "$("$NODE_BIN" --version 2>/dev/null)" == v22.* ]] || e2e_die "npm ci did not produce Node 22 at $NODE_BIN"
  echo "$hash" >"$stamp"
  e2e_log "installed node $("$NODE_BIN" --version), @modelcontextprotocol/sdk $("$NODE_BIN" -p "require('$dir/node_modules/@modelcontextprotocol/sdk/package.json').version")"
}

# Creates the temp dir and installs the traps. Call once, early.
e2e_init() {
  E2E_WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portico-${E2E_NAME}.XXXXXX")"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Adds a command (a string, eval'ed) to run on exit, before the temp dir is removed.
e2e_on_exit() { E2E_EXIT_HOOKS+=("$1"); }

e2e_cleanup() {
  local rc=$?
  set +e
  e2e_stop_portico
  local hook
  for hook in "${E2E_EXIT_HOOKS[@]}"; do
    eval "$hook"
  done
  if [[ -n "$E2E_WORK_DIR" && -d "$E2E_WORK_DIR" ]]; then
    if [[ "${E2E_KEEP_WORK_DIR:-0}" == 1 ]]; then
      e2e_log "kept $E2E_WORK_DIR"
    else
      rm -rf "$E2E_WORK_DIR"
    fi
  fi
  exit "$rc"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
e2e_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
  fi
  local port _
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  e2e_die "no free port found"
}

# Starts Portico in the background in its own process group on a free port, with a store in
# $E2E_WORK_DIR. Extra arguments are passed to `serve` (e.g. --conformance). If the port turns
# out to be taken by the time the server binds it, e2e_wait_healthy restarts it on another one.
PORTICO_SERVE_ARGS=()
PORTICO_START_ATTEMPT=0
e2e_start_portico() {
  [[ -n "$E2E_WORK_DIR" ]] || e2e_die "e2e_init must be called before e2e_start_portico"
  [[ -f "$PORTICO_DLL" ]] || e2e_die "no server build at $PORTICO_DLL; run: dotnet build -c Release src/Portico"
  command -v dotnet >/dev/null 2>&1 || e2e_die "dotnet is not on PATH"
  command -v curl >/dev/null 2>&1 || e2e_die "curl is not on PATH (run scripts/install-prereqs.sh)"
  PORTICO_SERVE_ARGS=("$@")
  PORTICO_STORE="$E2E_WORK_DIR/portico.db"
  PORTICO_START_ATTEMPT=$((PORTICO_START_ATTEMPT + 1))
  PORTICO_PORT="$(e2e_free_port)"
  PORTICO_BASE_URL="http://127.0.0.1:$PORTICO_PORT"
  PORTICO_MCP_URL="$PORTICO_BASE_URL/mcp"
  PORTICO_LOG="$E2E_WORK_DIR/server-$PORTICO_START_ATTEMPT.log"
  e2e_log "starting Portico on $PORTICO_BASE_URL (log: $PORTICO_LOG)"
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 setsid \
    dotnet "$PORTICO_DLL" serve --urls "$PORTICO_BASE_URL" --store "$PORTICO_STORE" "$@" \
    >"$PORTICO_LOG" 2>&1 </dev/null &
  PORTICO_PID=$!
}

# Prints the demo API key the server printed when it seeded its empty store (empty if none).
e2e_demo_api_key() {
  sed -n 's/^API key (shown once, store it now): \(ptk_[A-Za-z0-9_]*\).*/\1/p' "$PORTICO_LOG" | head -n 1
}

# Waits until GET /health answers {"status":"ok"} (default timeout 60 s). On timeout or if
# the server exits, prints the server log and exits 1.
e2e_wait_healthy() {
  local timeout="${1:-60}"
  local start=$SECONDS deadline=$((SECONDS + timeout)) body
  while :; do
    body="$(curl -fsS --max-time 2 "$PORTICO_BASE_URL/health" 2>/dev/null || true)"
    if [[ "$body" =~ \"status\"[[:space:]]*:[[:space:]]*\"ok\" ]]; then
      e2e_log "Portico is healthy after $((SECONDS - start)) s"
      return 0
    fi
    if ! kill -0 "$PORTICO_PID" 2>/dev/null; then
      if ((PORTICO_START_ATTEMPT < 3)) && grep -qi 'address already in use' "$PORTICO_LOG"; then
        e2e_log "port $PORTICO_PORT was taken meanwhile; restarting on another port"
        wait "$PORTICO_PID" 2>/dev/null || true
        e2e_start_portico "${PORTICO_SERVE_ARGS[@]}"
        deadline=$((SECONDS + timeout))
        continue
      fi
      e2e_log "Portico exited before becoming healthy; server log:"
      cat "$PORTICO_LOG" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      e2e_log "Portico did not answer {\"status\":\"ok\"} on $PORTICO_BASE_URL/health within ${timeout} s (last body: ${body:-none}); server log:"
      cat "$PORTICO_LOG" >&2
      exit 1
    fi
    sleep 0.5
  done
}

# Stops the server started by e2e_start_portico: SIGTERM to its process group, SIGKILL after 10 s.
e2e_stop_portico() {
  [[ -n "$PORTICO_PID" ]] || return 0
  if kill -0 "$PORTICO_PID" 2>/dev/null; then
    kill -TERM -- "-$PORTICO_PID" 2>/dev/null || kill -TERM "$PORTICO_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do
      kill -0 "$PORTICO_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$PORTICO_PID" 2>/dev/null; then
      e2e_log "Portico did not stop within 10 s of SIGTERM; killing it"
      kill -KILL -- "-$PORTICO_PID" 2>/dev/null || kill -KILL "$PORTICO_PID" 2>/dev/null || true
    fi
  fi
  wait "$PORTICO_PID" 2>/dev/null || true
  PORTICO_PID=""
}

# Prints the last N (default 100) lines of the server log to stderr.
e2e_dump_server_log() {
  [[ -n "$PORTICO_LOG" && -f "$PORTICO_LOG" ]] || return 0
  e2e_log "last ${1:-100} lines of the server log ($PORTICO_LOG):"
  tail -n "${1:-100}" "$PORTICO_LOG" >&2
}
