#!/usr/bin/env bash
# Proxy-latency benchmark: what Portico's gateway adds to a tools/call. The same load generator,
# with the same settings, calls server-everything's `echo` over Streamable HTTP directly
# ("direct"), then the same tool through Portico's /mcp as `web__echo` ("portico"), on loopback,
# at each concurrency of BENCH_GATEWAY_CONNECTIONS; then the same with a C# upstream (a second
# Portico, its native `ping`), where node's own cost per call does not hide the gateway's. Prints a Markdown table with p50/p99,
# throughput and the latency Portico adds, and writes it to bench/results/gateway-latest.md.
# See bench/README.md ("Gateway proxy latency").
#
# Environment (defaults in brackets):
#   BENCH_GATEWAY_CONNECTIONS  space-separated concurrencies to measure ["1 8"]
#   BENCH_DURATION             measured seconds per target and concurrency [10]
#   BENCH_WARMUP               warm-up seconds per target and concurrency, not measured [10]
#   BENCH_GATEWAY_ENV          extra VAR=value words for the gateway Portico only, e.g.
#                              "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" [none]
#   BENCH_PIN=1                pin the servers (Portico, node) to CPU 0, the load generator to CPU 1 [0]
#   BENCH_BUILD=0              skip the Release builds (use what is in bin/Release)
#   BENCH_OUT                  where to write the report [bench/results/gateway-latest.md]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
read -r -a CONCURRENCIES <<<"${BENCH_GATEWAY_CONNECTIONS:-1 8}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-10}"
PIN="${BENCH_PIN:-0}"
BUILD="${BENCH_BUILD:-1}"
OUT="${BENCH_OUT:-$SCRIPT_DIR/results/gateway-latest.md}"

PORTICO_DLL="$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll"
BENCH_DLL="$SCRIPT_DIR/Portico.Bench/bin/Release/net10.0/portico-bench.dll"

log() { printf '[bench-gateway] %s\n' "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-bench-gateway.XXXXXX")"
PIDS=()
cleanup() {
  local status=$? pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
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
if [[ "$PIN" == 1 ]]; then
  command -v taskset >/dev/null || { log "BENCH_PIN=1 needs taskset"; exit 1; }
  SERVER_CPUS=(taskset -c 0)
  LOAD_CPUS=(taskset -c 1)
fi

if [[ "$BUILD" != 0 ]]; then
  for project in "$REPO_ROOT/src/Portico" "$SCRIPT_DIR/Portico.Bench"; do
    log "building Release: ${project#"$REPO_ROOT"/}"
    dotnet build -c Release "$project" -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  done
fi
[[ -f "$PORTICO_DLL" && -f "$BENCH_DLL" ]] || { log "missing $PORTICO_DLL or $BENCH_DLL (build first)"; exit 1; }
UPSTREAMS_DIR="$(bash "$REPO_ROOT/tests/e2e/install-upstreams.sh")"
NODE="$UPSTREAMS_DIR/node_modules/node/bin/node"
EVERYTHING="$UPSTREAMS_DIR/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------- servers
# start_portico NAME [VAR=value ...]: a Portico on a free port with a fresh store; sets URL, PID and KEY (its demo API key).
start_portico() {
  local name=$1
  shift
  env "$@" "${SERVER_CPUS[@]}" dotnet "$PORTICO_DLL" serve --urls http://127.0.0.1:0 --store "$WORK/$name.db" >"$WORK/$name.log" 2>&1 </dev/null &
  PID=$!
  PIDS+=("$PID")
  URL=""
  for _ in $(seq 1 300); do
    URL="$(grep -oE 'Portico is listening on http://[0-9.]+:[0-9]+' "$WORK/$name.log" | head -n 1 | grep -oE 'http://[0-9.]+:[0-9]+' || true)"
    [[ -n "$URL" ]] && curl -fsS "$URL/health" >/dev/null 2>&1 && break
    kill -0 "$PID" 2>/dev/null || { log "$name exited"; exit 1; }
    sleep 0.1
  done
  [[ -n "$URL" ]] || { log "$name did not start within 30 s"; exit 1; }
  KEY="$(grep -oE 'API key \(shown once[^:]*: *[^ ]+' "$WORK/$name.log" | head -n 1 | sed -E 's/.*: *//')"
  [[ -n "$KEY" ]] || { log "$name printed no demo API key"; exit 1; }
  log "$name: $URL (pid $PID)"
}

# The gateway under test.
read -r -a GATEWAY_ENV <<<"${BENCH_GATEWAY_ENV:-}"
start_portico gateway "${GATEWAY_ENV[@]}"
GATEWAY_URL="$URL" GATEWAY_PID="$PID" GATEWAY_KEY="$KEY"

# Upstream 1: server-everything (node) over Streamable HTTP; its echo tool.
UPSTREAM_PORT="$(free_port)"
NODE_URL="http://127.0.0.1:$UPSTREAM_PORT/mcp"
PORT="$UPSTREAM_PORT" "${SERVER_CPUS[@]}" "$NODE" "$EVERYTHING" streamableHttp >"$WORK/node.log" 2>&1 </dev/null &
NODE_PID=$!
PIDS+=("$NODE_PID")
log "server-everything: $NODE_URL (pid $NODE_PID)"

# Upstream 2: a second Portico (C# on Kestrel, the MCP C# SDK); its native ping tool, much cheaper than node's echo.
start_portico upstream
DOTNET_URL="$URL/mcp" DOTNET_PID="$PID" DOTNET_KEY="$KEY"

portico_cli() { dotnet "$PORTICO_DLL" "$@" --store "$WORK/gateway.db" </dev/null >&2; }
portico_cli upstreams add --name web --url "$NODE_URL"
portico_cli upstreams add --name dotnet --url "$DOTNET_URL" --header "Authorization: Bearer $DOTNET_KEY"
# Tool counts are details of /health/vendors that only an administrator's credential sees.
ADMIN_KEY="$(dotnet "$PORTICO_DLL" keys create --user demo@portico.local --name bench-admin --scopes admin --json --store "$WORK/gateway.db" </dev/null | jq -r .key)"
for _ in $(seq 1 120); do
  vendors="$(curl -fsS -H "Authorization: Bearer $ADMIN_KEY" "$GATEWAY_URL/health/vendors" 2>/dev/null || true)"
  [[ "$(jq '[.[] | select(.status == "up" and .tools > 0)] | length' <<<"$vendors" 2>/dev/null)" == 2 ]] && break
  sleep 0.5
done
[[ "$(jq '[.[] | select(.status == "up" and .tools > 0)] | length' <<<"$vendors")" == 2 ]] || { log "upstreams never up: $vendors"; exit 1; }

# ---------------------------------------------------------------- load
# load NAME URL TOOL ARGUMENTS SERVER_PID [--header ...]
load() {
  local name=$1 url=$2 tool=$3 arguments=$4 pid=$5
  shift 5
  "${LOAD_CPUS[@]}" dotnet "$BENCH_DLL" load --name "$name" --url "$url" --server-pid "$pid" \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --tool "$tool" --arguments "$arguments" "$@" --out "$WORK/$name-$CONNECTIONS.json"
}

# row UPSTREAM: the direct and the proxied row of one upstream at one concurrency.
row() {
  jq -r -s --argjson c "$CONNECTIONS" --arg upstream "$1" '
    (.[0]) as $d | (.[1]) as $p |
    def f: . * 1000 | round / 1000;
    def signed: if . >= 0 then "+\(f)" else "\(f)" end;
    def opt(fmt): if . == null then "n/a" else fmt end;
    "| \($upstream) | \($c) | direct | \($d.requestsPerSecond | round) | \($d.p50Ms | f) | \($d.p99Ms | f) | \($d.errors) | \($d.serverCpuMicrosPerRequest | opt(round | tostring)) | \($d.otherBusyCores | opt(. * 100 | round / 100 | tostring)) | |",
    "| \($upstream) | \($c) | portico | \($p.requestsPerSecond | round) | \($p.p50Ms | f) | \($p.p99Ms | f) | \($p.errors) | \($p.serverCpuMicrosPerRequest | opt(round | tostring)) | \($p.otherBusyCores | opt(. * 100 | round / 100 | tostring)) | **\(($p.p50Ms - $d.p50Ms) | signed) ms p50, \(($p.p99Ms - $d.p99Ms) | signed) ms p99** |"
  ' "$WORK/direct-$CONNECTIONS.json" "$WORK/portico-$CONNECTIONS.json"
}

ROWS=""
for CONNECTIONS in "${CONCURRENCIES[@]}"; do
  load direct "$NODE_URL" echo '{"message":"bench"}' "$NODE_PID"
  load portico "$GATEWAY_URL/mcp" web__echo '{"message":"bench"}' "$GATEWAY_PID" --header "Authorization: Bearer $GATEWAY_KEY"
  ROWS+="$(row "server-everything echo (node)")"$'\n'
  load direct "$DOTNET_URL" ping '{"message":"bench"}' "$DOTNET_PID" --header "Authorization: Bearer $DOTNET_KEY"
  load portico "$GATEWAY_URL/mcp" dotnet__ping '{"message":"bench"}' "$GATEWAY_PID" --header "Authorization: Bearer $GATEWAY_KEY"
  ROWS+="$(row "Portico ping (C#)")"$'\n'
done

# ---------------------------------------------------------------- report
cpu_model="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null)" ]] || commit="$commit (src/ has uncommitted changes)"
placement="servers and load generator share all CPUs (unpinned)"
[[ "$PIN" == 1 ]] && placement="Portico and node pinned to CPU 0, load generator to CPU 1"

REPORT="$(cat <<MD
# Portico gateway benchmark: tools/call direct vs through Portico

- When: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit
- Machine: $(nproc) CPUs ($cpu_model), $(uname -sr), .NET $(dotnet --version), node $("$NODE" --version)
- Upstreams, both over Streamable HTTP on loopback: @modelcontextprotocol/server-everything $(jq -r .version "$UPSTREAMS_DIR/node_modules/@modelcontextprotocol/server-everything/package.json") (node; \`echo\`, through Portico \`web__echo\`), and a second Portico (C#, Kestrel; its native \`ping\`, through Portico \`dotnet__ping\`)
- Call: \`tools/call\` with \`{"message":"bench"}\`; the gateway is a Portico on a fresh SQLite store, called with its demo API key
- Load: closed loop, one HTTP/1.1 keep-alive connection and one MCP session per worker, warm-up ${WARMUP} s, measured ${DURATION} s per row
- Placement: $placement${BENCH_GATEWAY_ENV:+
- Gateway started with: \`$BENCH_GATEWAY_ENV\`}
- Server CPU µs/call: of the process the generator calls (the upstream for direct, the gateway for portico, whose row excludes the upstream's share); other load: cores busy with anything but that server and the generator (the upstream included, for portico rows)

| upstream | concurrency | target | requests/s | p50 ms | p99 ms | errors | server CPU µs/call | other load (cores) | added by Portico |
|---|---:|---|---:|---:|---:|---:|---:|---:|---|
${ROWS}
Goal: ≤ 1 ms added at p50 (concurrency 1 is the pure per-call cost; higher concurrency adds queueing on the shared cores).
MD
)"
printf '%s\n' "$REPORT"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$REPORT" >"$OUT"
log "wrote $OUT"
