#!/usr/bin/env bash
# Throughput/latency benchmark: Portico's tools/call against a bare Kestrel endpoint that
# answers with the same bytes. Builds Release, starts both servers on free loopback ports,
# loads each with the same settings, prints a Markdown table and writes it to
# bench/results/latest.md. See bench/README.md.
#
# Environment (defaults in brackets):
#   BENCH_CONNECTIONS   concurrent connections, one MCP session each [32]
#   BENCH_DURATION      measured seconds per target [10]
#   BENCH_WARMUP        warm-up seconds per target, not measured [15: Portico needs ~12 s of load
#                       on 2 cores before tiered JIT settles; see README]
#   BENCH_TOOL          tool to call [ping]
#   BENCH_ARGUMENTS     its arguments as a JSON object [{}]
#   BENCH_PIN=1         pin servers to CPU 0 and the load generator to CPU 1 (taskset) [0: share both]
#   BENCH_NICE=-10      run servers and generator at this nice level (negative needs root) so other
#                       processes on the machine disturb the measurement less [unset: normal]
#   BENCH_PORTICO_ENV   extra VAR=value words for a second Portico run, e.g.
#                       "Logging__LogLevel__Portico=Warning" (adds a row "portico+env") [none]
#   BENCH_STATELESS=0   skip the row "portico-stateless": the same call at protocol 2026-07-28 (no
#                       session; _meta and the Mcp-Method/Mcp-Name headers on every call), measured
#                       on a fresh Portico after the session row [1: run it]
#   BENCH_API_KEY       API key to send as 'Authorization: Bearer …' [the demo key Portico prints
#                       when it seeds its empty temp store; none if it prints none]
#   BENCH_BUILD=0       skip the Release builds (use what is in bin/Release)
#   BENCH_PORTICO_DLL   benchmark this portico.dll instead of building src/Portico (e.g. a build
#                       of another commit)
#   BENCH_OUT           where to write the report [bench/results/latest.md]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-15}"
TOOL="${BENCH_TOOL:-ping}"
ARGUMENTS="${BENCH_ARGUMENTS:-"{}"}"
PIN="${BENCH_PIN:-0}"
PORTICO_ENV="${BENCH_PORTICO_ENV:-}"
STATELESS="${BENCH_STATELESS:-1}"
API_KEY="${BENCH_API_KEY:-}"
BUILD="${BENCH_BUILD:-1}"
OUT="${BENCH_OUT:-$SCRIPT_DIR/results/latest.md}"

PORTICO_DLL="${BENCH_PORTICO_DLL:-$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll}"
BENCH_DLL="$SCRIPT_DIR/Portico.Bench/bin/Release/net10.0/portico-bench.dll"

log() { printf '[bench] %s\n' "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-bench.XXXXXX")"
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then
    for f in "$WORK"/*.log; do
      [[ -f "$f" ]] && { log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; }
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SERVER_CPUS=()
LOAD_CPUS=()
if [[ -n "${BENCH_NICE:-}" ]]; then
  SERVER_CPUS=(nice -n "$BENCH_NICE")
  LOAD_CPUS=(nice -n "$BENCH_NICE")
fi
if [[ "$PIN" == 1 ]]; then
  command -v taskset >/dev/null || { log "BENCH_PIN=1 needs taskset"; exit 1; }
  SERVER_CPUS+=(taskset -c 0)
  LOAD_CPUS+=(taskset -c 1)
fi

# ---------------------------------------------------------------- build
build() {
  local project=$1 attempt
  for attempt in 1 2 3; do
    if dotnet build -c Release "$project" -nologo -v quiet >"$WORK/build.log" 2>&1; then
      return 0
    fi
    log "building $project failed (attempt $attempt); retrying in 5 s (another build may hold a lock)"
    sleep 5
  done
  cat "$WORK/build.log" >&2
  return 1
}
if [[ "$BUILD" != 0 ]]; then
  if [[ -z "${BENCH_PORTICO_DLL:-}" ]]; then
    log "building Release: src/Portico"
    build "$REPO_ROOT/src/Portico"
  fi
  log "building Release: bench/Portico.Bench"
  build "$SCRIPT_DIR/Portico.Bench"
fi
[[ -f "$PORTICO_DLL" && -f "$BENCH_DLL" ]] || { log "missing $PORTICO_DLL or $BENCH_DLL (build first)"; exit 1; }

# ---------------------------------------------------------------- servers
# Each server listens on port 0 (the kernel picks a free port) and the URL is read from its log.
wait_for_url() {
  local logfile=$1 pattern=$2 pid=$3 url=""
  for _ in $(seq 1 300); do
    url="$(grep -oE "$pattern" "$logfile" | head -n 1 | grep -oE 'http://[0-9.]+:[0-9]+' || true)"
    if [[ -n "$url" ]] && curl -fsS "$url/health" >/dev/null 2>&1; then
      printf '%s' "$url"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "$logfile: the server exited"; tail -n 20 "$logfile" >&2; return 1; }
    sleep 0.1
  done
  log "$logfile: no server after 30 s"
  return 1
}

# start_portico NAME [VAR=value ...]: sets PORTICO_URL and PORTICO_PID.
start_portico() {
  local name=$1
  shift
  mkdir -p "$WORK/$name"
  env "$@" "${SERVER_CPUS[@]}" dotnet "$PORTICO_DLL" serve --urls http://127.0.0.1:0 --store "$WORK/$name/portico.db" \
    >"$WORK/$name.log" 2>&1 &
  PORTICO_PID=$!
  PIDS+=("$PORTICO_PID")
  PORTICO_URL="$(wait_for_url "$WORK/$name.log" 'Portico is listening on http://[0-9.]+:[0-9]+' "$PORTICO_PID")"
  log "$name: $PORTICO_URL (pid $PORTICO_PID)"
  # A fresh store is seeded with a demo user and API key, printed once; every request sends it.
  local seeded
  seeded="$(grep -oE 'API key \(shown once[^:]*: *[^ ]+' "$WORK/$name.log" | head -n 1 | sed -E 's/.*: *//' || true)"
  if [[ -z "${BENCH_API_KEY:-}" && -n "$seeded" ]]; then
    API_KEY="$seeded"
  fi
  AUTH=()
  if [[ -n "$API_KEY" ]]; then
    AUTH=(--header "Authorization: Bearer $API_KEY")
    log "$name: authenticating with API key ${API_KEY:0:17}…"
  fi
}

start_bare() {
  "${SERVER_CPUS[@]}" dotnet "$BENCH_DLL" bare --urls http://127.0.0.1:0 --template-from "$1/mcp" \
    --tool "$TOOL" --arguments "$ARGUMENTS" "${AUTH[@]}" --dump "$WORK" >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
  BARE_URL="$(wait_for_url "$WORK/bare.log" 'Now listening on: http://[0-9.]+:[0-9]+' "$BARE_PID")"
  log "bare: $BARE_URL (pid $BARE_PID), replaying Portico's answer"
}

# load NAME URL PID [--protocol VERSION]
load() {
  "${LOAD_CPUS[@]}" dotnet "$BENCH_DLL" load --name "$1" --url "$2/mcp" --server-pid "$3" \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --tool "$TOOL" --arguments "$ARGUMENTS" "${AUTH[@]}" --out "$WORK/$1.json" "${@:4}"
}

# stop_server PID: a stopped Portico cannot keep working off background jobs (e.g. audit writes)
# while the next target is measured.
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

start_portico portico
start_bare "$PORTICO_URL"

RESULTS=()
load portico "$PORTICO_URL" "$PORTICO_PID"
RESULTS+=(--result "portico=$WORK/portico.json")
stop_server "$PORTICO_PID"

if [[ "$STATELESS" != 0 ]]; then
  start_portico portico-stateless
  load portico-stateless "$PORTICO_URL" "$PORTICO_PID" --protocol 2026-07-28
  RESULTS+=(--result "portico-stateless=$WORK/portico-stateless.json")
  stop_server "$PORTICO_PID"
fi

if [[ -n "$PORTICO_ENV" ]]; then
  read -r -a extra_env <<<"$PORTICO_ENV"
  start_portico portico-env "${extra_env[@]}"
  load "portico+env" "$PORTICO_URL" "$PORTICO_PID"
  RESULTS+=(--result "portico+env=$WORK/portico+env.json")
  stop_server "$PORTICO_PID"
fi

load bare "$BARE_URL" "$BARE_PID"
RESULTS+=(--result "bare=$WORK/bare.json")

# ---------------------------------------------------------------- report
REPORT_STATUS=0
TABLE="$(dotnet "$BENCH_DLL" report --baseline bare "${RESULTS[@]}")" || REPORT_STATUS=$?

cpu_model="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
if [[ -n "${BENCH_PORTICO_DLL:-}" ]]; then
  commit="Portico from $BENCH_PORTICO_DLL"
else
  commit="commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null)" ]]; then
    commit="$commit (src/ has uncommitted changes)"
  fi
fi
if [[ -n "${BENCH_API_KEY:-}" ]]; then
  auth="every request sends 'Authorization: Bearer <BENCH_API_KEY>'"
elif [[ -n "$API_KEY" ]]; then
  auth="every request sends 'Authorization: Bearer <API key>' (the demo key Portico seeded into its fresh temp store)"
else
  auth="none (this Portico build accepts anonymous loopback calls)"
fi
if [[ "$PIN" == 1 ]]; then
  placement="servers pinned to CPU 0, load generator to CPU 1"
else
  placement="servers and load generator share all CPUs (unpinned)"
fi
if [[ -n "${BENCH_NICE:-}" ]]; then
  placement="$placement, at nice $BENCH_NICE"
fi

REPORT="$(cat <<EOF
# Portico benchmark: tools/call $TOOL

- When: $(date -u +%Y-%m-%dT%H:%M:%SZ), $commit
- Machine: $(nproc) CPUs ($cpu_model), $(uname -sr), .NET $(dotnet --version)
- Load: $CONNECTIONS HTTP/1.1 keep-alive connections (one MCP session each, closed loop), warm-up ${WARMUP} s, measured ${DURATION} s per target, one target at a time
- Placement: $placement
- Authentication: $auth
${PORTICO_ENV:+- portico+env: Portico restarted with \`$PORTICO_ENV\`
}$([[ "$STATELESS" != 0 ]] && printf '%s' "- portico-stateless: a fresh Portico, the same call at protocol 2026-07-28: no session, per-request _meta, MCP-Protocol-Version/Mcp-Method/Mcp-Name headers on every call")

$TABLE
EOF
)"

printf '%s\n' "$REPORT"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$REPORT" >"$OUT"
# What the bare server replayed, for the curious (headers and SSE bytes captured from Portico).
cp "$WORK/bare-template.md" "$(dirname "$OUT")/bare-template.md" 2>/dev/null || true
log "wrote $OUT"
if [[ $REPORT_STATUS -ne 0 ]]; then
  log "a target had errors or completed no calls (see the errors column and the lines above)"
  exit "$REPORT_STATUS"
fi
