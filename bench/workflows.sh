#!/usr/bin/env bash
# Workflow engine benchmark (issue 16): runs per second the engine sustains for a one-step workflow, on SQLite and
# on PostgreSQL, and the scheduling delay (due → started) at that load. One Portico instance per store, a fresh
# store each; bench/workflows.py starts runs at increasing rates (open loop) and reads due_at/started_at/finished_at
# of every run from the store. Writes a Markdown report to bench/results/workflows-latest.md. Asserts nothing.
#
# Environment (defaults in brackets):
#   BENCH_STORES       stores to measure [sqlite postgres]
#   BENCH_RATES        offered rates, runs/s, in order; stops after the first the engine does not keep up with
#                      [5 10 20 40 80 160 320]
#   BENCH_DURATION     seconds each rate is offered [10]
#   BENCH_WARMUP_RUNS  runs started (and waited for) before measuring, for the JIT [200]
#   BENCH_TOOL         the step's tool [ping]
#   BENCH_PORTICO_ENV  extra VAR=value words for Portico, e.g. "Portico__Workflows__MaxConcurrentRuns=32" [none]
#   BENCH_BUILD=0      use the existing Release build of src/Portico
#   BENCH_OUT          where to write the report [bench/results/workflows-latest.md]
#   BENCH_NOTE         a sentence for the report about the conditions of the run [none]
#   PORTICO_PG_PORT    port of the throwaway PostgreSQL cluster (scripts/postgres.sh) [55432]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
read -r -a STORES <<<"${BENCH_STORES:-sqlite postgres}"
RATES="${BENCH_RATES:-5 10 20 40 80 160 320}"
DURATION="${BENCH_DURATION:-10}"
WARMUP_RUNS="${BENCH_WARMUP_RUNS:-200}"
TOOL="${BENCH_TOOL:-ping}"
BUILD="${BENCH_BUILD:-1}"
OUT="${BENCH_OUT:-$SCRIPT_DIR/results/workflows-latest.md}"
PG_PORT="${PORTICO_PG_PORT:-55432}"
PORTICO_DLL="$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll"
PG_DB="portico_bench_workflows_$$"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { printf '[bench-workflows] %s\n' "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-bench-workflows.XXXXXX")"
SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() {
  local status=$?
  stop_server
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $status -ne 0 ]]; then
    for f in "$WORK"/*.log; do [[ -f "$f" ]] && { log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "$BUILD" != 0 ]]; then
  log "building src/Portico (Release)"
  dotnet build -c Release "$REPO_ROOT/src/Portico" -nologo -v quiet >"$WORK/build.log" 2>&1
fi
[[ -f "$PORTICO_DLL" ]] || { log "missing $PORTICO_DLL (build first)"; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# CPU load of the whole machine over a window, in cores: reads /proc/stat twice.
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }

export Portico__Security__KeyEncryptionKeyFile="$WORK/portico.kek"
(umask 077 && head -c 32 /dev/urandom | base64 >"$Portico__Security__KeyEncryptionKeyFile")
# One user starts every run: its limits (and its runs' step calls') are raised so none is refused.
read -r -a EXTRA_ENV <<<"Portico__RateLimits__TierMultipliers__pro_plus=1000000 ${BENCH_PORTICO_ENV:-}"

RESULTS="$WORK/results.txt"
: >"$RESULTS"
for store_kind in "${STORES[@]}"; do
  case "$store_kind" in
    sqlite) STORE="$WORK/bench.db"; READ_STORE="sqlite:$STORE" ;;
    postgres)
      bash "$REPO_ROOT/scripts/postgres.sh" start >/dev/null
      psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB" >/dev/null
      STORE="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
      READ_STORE="postgres:postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB" ;;
    *) log "unknown store '$store_kind' (sqlite, postgres)"; exit 2 ;;
  esac
  cli() { dotnet "$PORTICO_DLL" "$@" --store "$STORE" </dev/null; }
  tenant="$(cli tenants create --name Bench --plan pro_plus --json | json_field id)"
  cli members add --tenant "$tenant" --user bench@portico.local --role owner --json >/dev/null
  KEY="$(cli keys create --user bench@portico.local --tenant "$tenant" --name bench --json 2>/dev/null | json_field key)"
  PORT="$(free_port)"
  log "$store_kind: Portico on 127.0.0.1:$PORT, store $STORE"
  setsid env "${EXTRA_ENV[@]}" dotnet "$PORTICO_DLL" serve --urls "http://127.0.0.1:$PORT" --store "$STORE" >"$WORK/portico-$store_kind.log" 2>&1 </dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { log "Portico exited"; exit 1; }
    sleep 0.1
  done
  URL="http://127.0.0.1:$PORT/mcp"
  log "$store_kind: warm-up, $WARMUP_RUNS runs"
  python3 "$SCRIPT_DIR/workflows.py" --url "$URL" --key "$KEY" --store "$READ_STORE" --tool "$TOOL" \
    --rates "$((WARMUP_RUNS / 5))" --duration 5 >/dev/null
  ticks_before="$(busy_ticks)"
  cpu_before="$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")"
  started=$SECONDS
  python3 "$SCRIPT_DIR/workflows.py" --url "$URL" --key "$KEY" --store "$READ_STORE" --tool "$TOOL" \
    --rates "$RATES" --duration "$DURATION" | sed -n "s/^RESULT /$store_kind /p" >>"$RESULTS"
  elapsed=$((SECONDS - started))
  portico_cores="$(awk -v a="$cpu_before" -v t="$elapsed" -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15-a)/hz/(t>0?t:1)}' "/proc/$SERVER_PID/stat")"
  all_cores="$(awk -v a="$ticks_before" -v b="$(busy_ticks)" -v t="$elapsed" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz/(t>0?t:1)}')"
  echo "LOAD $store_kind $portico_cores $all_cores $elapsed" >>"$RESULTS"
  stop_server
done

# ---------------------------------------------------------------- report
commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD)"
dirty="$(git -C "$REPO_ROOT" status --porcelain -- src | head -c1)"
python3 - "$RESULTS" "$OUT" "$commit${dirty:+ (src/ modified)}" "$TOOL" "$DURATION" "$(nproc)" "$(uptime | sed 's/.*load average: //')" "${BENCH_NOTE:-}" <<'PY'
import json, sys, datetime
results, out, commit, tool, duration, cpus, loadavg, note = sys.argv[1:]
rows, load = {}, {}
for line in open(results):
    kind, _, rest = line.strip().partition(" ")
    if kind == "LOAD":
        store, portico, machine, seconds = rest.split()
        load[store] = (portico, machine, seconds)
    else:
        rows.setdefault(kind, []).append(json.loads(rest))
lines = [
    "# Workflow engine benchmark: a one-step workflow on SQLite and on PostgreSQL",
    "",
    f"- When: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}, commit {commit}; machine: {cpus} CPUs; load average at the end: {loadavg}",
    f"- One Portico instance per store (fresh store, defaults: `MaxConcurrentRuns` 16, `PollInterval` 1 s); the runs' one step calls `{tool}` through the policy pipeline as the run's owner (audit included).",
    f"- `bench/workflows.py` starts runs with `execute_workflow` over MCP at each offered rate for {duration} s (open loop, 16 client connections), waits until all have ended and reads `due_at`, `started_at`, `finished_at` of every run from the store. "
    "started/s: what the client managed to offer; done/s: runs ended ÷ (last end − first due); delay: started_at − due_at (queued → claimed and started); run: finished_at − started_at. It stops after the first rate the engine did not keep up with (done/s < 90 % of started/s, p99 delay > 1 s, or runs left unfinished). The store's times are milliseconds.",
    *([f"- Note: {note}"] if note else []),
    "",
    "| store | offered runs/s | started/s | done/s | runs | succeeded | delay p50 ms | delay p99 ms | delay max ms | run p50 ms | start errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
summary = []
for store, results in rows.items():
    for r in results:
        lines.append(f"| {store} | {r['rate']:g} | {r['started_per_s']} | {r['done_per_s']} | {r['runs']} | {r['succeeded']} | {r['delay_p50_ms']} | {r['delay_p99_ms']} | {r['delay_max_ms']} | {r['run_p50_ms']} | {r['start_errors']} |")
    kept = [r for r in results if r["unfinished"] == 0 and r["done_per_s"] and r["done_per_s"] >= 0.9 * (r["started_per_s"] or 0) and (r["delay_p99_ms"] or 0) <= 1000]
    best = max(kept, key=lambda r: r["done_per_s"]) if kept else None
    peak = max((r["done_per_s"] or 0) for r in results)
    if best:
        summary.append(f"- **{store}: sustained {best['done_per_s']} runs/s** (offered {best['rate']:g}/s) with scheduling delay p50 {best['delay_p50_ms']} ms, p99 {best['delay_p99_ms']} ms; highest throughput seen {peak} runs/s"
                       + ("" if best is results[-1] else f" (at {results[-1]['rate']:g}/s offered it fell behind)") + ".")
    else:
        summary.append(f"- **{store}: did not keep up even with the lowest rate**; highest throughput seen {peak} runs/s.")
    if any(r["start_errors"] for r in results):
        sample = next(r["start_error_sample"] for r in results if r["start_errors"])
        summary.append(f"  - start errors, e.g.: `{sample}`")
lines += ["", *summary, ""]
for store, (portico, machine, seconds) in load.items():
    runs = sum(r["runs"] for r in rows.get(store, []))
    per_run = f"; Portico CPU per run (its execute_workflow call included) {float(portico) * float(seconds) * 1000 / runs:.1f} ms" if runs else ""
    lines.append(f"- Load during the {store} measurement ({seconds} s): Portico {portico} cores, the whole machine {machine} cores of {cpus} (the load generator, PostgreSQL and everything else included){per_run}.")
if float(loadavg.split(",")[0]) > float(cpus):
    lines += ["", f"> **Noisy run:** the load average was {loadavg} on {cpus} CPUs: other work shared the machine, and Portico got only the cores shown above. "
              "The throughput figures are far below what the engine does on a quiet machine; the CPU per run is the steadier figure."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
log "report written to $OUT"
