#!/usr/bin/env bash
# Scale-out benchmark: tools/call of a read tool (ping) and of a write tool that hits the store
# (create-record) against 1 Portico instance called directly, the same instance behind nginx, and
# 3 instances behind nginx round-robin, all on one PostgreSQL database (deploy/cluster.sh). Uses
# the load generator of bench/Portico.Bench (`portico-bench load`, the same options as
# bench/run.sh). Reports throughput, p50/p99, CPU per call of each process group and the store's
# share of the time per call; it asserts nothing. Prints a Markdown report and writes it to
# bench/results/cluster-latest.md. See "Scale-out" in bench/README.md.
#
# Environment (defaults in brackets):
#   BENCH_CONNECTIONS   concurrent connections, one MCP session each [32]
#   BENCH_DURATION      measured seconds per run [10]
#   BENCH_WARMUP        warm-up seconds per run, not measured [40: each of 3 instances gets a third
#                       of the calls, so tiered JIT settles later than bench/run.sh's 15 s allow]
#   BENCH_SETTLE        idle seconds after each run, before the next [2]
#   BENCH_INSTANCES     instance counts to measure, "1 3": with 1, both direct and via nginx [1 3]
#   BENCH_PORTICO_ENV   extra VAR=value words for every instance, e.g. "DOTNET_gcServer=0" [none]
#   BENCH_BUILD=0       use the existing Release builds of src/Portico and bench/Portico.Bench
#   BENCH_CLUSTER_PORT  nginx port of the benchmark cluster; instances use the next ports [18280]
#   BENCH_OUT           where to write the report [bench/results/cluster-latest.md]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-40}"
SETTLE="${BENCH_SETTLE:-2}"
read -r -a INSTANCE_COUNTS <<<"${BENCH_INSTANCES:-1 3}"
BUILD="${BENCH_BUILD:-1}"
OUT="${BENCH_OUT:-$SCRIPT_DIR/results/cluster-latest.md}"
BENCH_DLL="$SCRIPT_DIR/Portico.Bench/bin/Release/net10.0/portico-bench.dll"
CLUSTER_SH="$REPO_ROOT/deploy/cluster.sh"
PG_DIR="${PORTICO_PG_DIR:-/tmp/portico-pg}"

export PORTICO_CLUSTER_DIR="${BENCH_CLUSTER_DIR:-/tmp/portico-bench-cluster}"
export PORTICO_CLUSTER_PORT="${BENCH_CLUSTER_PORT:-18280}"
export PORTICO_CLUSTER_DB=portico_bench
export PORTICO_CLUSTER_BUILD="$BUILD"
# One user sends every call: its write limit (30/minute by default) is raised so no call is
# refused. The limiter still runs, one store transaction per write call.
export PORTICO_CLUSTER_ENV="Portico__RateLimits__WriteCallsPerMinute=1000000000 ${BENCH_PORTICO_ENV:-}"

CREATE_ARGUMENTS='{"collection":"bench","data":{"title":"Call Ann","due":"2026-02-01"}}'

log() { printf '[bench-cluster] %s\n' "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-bench-cluster.XXXXXX")"
SAMPLER=""
cleanup() {
  local status=$?
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null
  "$CLUSTER_SH" down >/dev/null 2>&1 || true
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

# ---------------------------------------------------------------- build
if [[ "$BUILD" != 0 ]]; then
  log "building Release: bench/Portico.Bench (deploy/cluster.sh builds src/Portico)"
  for attempt in 1 2 3; do
    dotnet build -c Release "$SCRIPT_DIR/Portico.Bench" -nologo -v quiet >"$WORK/build.log" 2>&1 && break
    ((attempt < 3)) || { cat "$WORK/build.log" >&2; exit 1; }
    log "build failed (attempt $attempt); retrying in 10 s (another build may hold a lock)"
    sleep 10
  done
fi
[[ -f "$BENCH_DLL" ]] || { log "missing $BENCH_DLL (build first)"; exit 1; }

# ---------------------------------------------------------------- measurements
# CPU time (user+system, clock ticks) of a set of pids, from /proc/PID/stat.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    fields="$(sed -E 's/^.*\) //' "/proc/$pid/stat" 2>/dev/null)" || continue
    read -r -a f <<<"$fields"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Busy clock ticks of the whole machine (all CPUs), from /proc/stat.
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

portico_pids() { echo "${CLUSTER_PIDS[@]}"; }
nginx_pids() {
  local master
  master="$(cat "$PORTICO_CLUSTER_DIR/pids/nginx.pid")"
  echo "$master $(pgrep -P "$master" | tr '\n' ' ')"
}
# This database's backends (and autovacuum workers). The shared background processes (WAL
# writer, checkpointer) are left out: other test runs use the same PostgreSQL cluster.
postgres_pids() {
  local postmaster pid cmd
  postmaster="$(head -n 1 "$PG_DIR/postmaster.pid")"
  for pid in $(pgrep -P "$postmaster"); do
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmd" == *" $PORTICO_CLUSTER_DB "* ]] && echo -n "$pid "
  done
  echo
}

# Statements PostgreSQL committed (or rolled back) in this database; each autocommit statement
# counts as one, Npgsql's DISCARD ALL on reusing a pooled connection included.
pg_transactions() {
  psql -X -At -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -d postgres \
    -c "select xact_commit + xact_rollback from pg_stat_database where datname = '$PORTICO_CLUSTER_DB'"
}

# Every 0.1 s: "EPOCH_SECONDS LOCK_WAITING ACTIVE" for this database's backends that are executing
# a statement (state active, not waiting for the client to send more of it), and how many of those
# wait for a lock (e.g. the rate limiter's advisory lock). One psql for the whole run (the last
# process of its pipeline, so $! is its pid).
ACTIVITY_SQL="select round(extract(epoch from clock_timestamp()), 3), count(*) filter (where wait_event_type = 'Lock'), count(*) from pg_stat_activity where datname = '$PORTICO_CLUSTER_DB' and state = 'active' and wait_event_type is distinct from 'Client'"

now() { date +%s.%N; }

# cpu_snapshot: "PORTICO NGINX POSTGRES MACHINE EPOCH" (clock ticks, seconds).
cpu_snapshot() {
  echo "$(cpu_ticks "${PIDS_PORTICO[@]}") $(cpu_ticks "${PIDS_NGINX[@]}") $(cpu_ticks "${PIDS_PG[@]}") $(machine_busy) $(now)"
}

# measure NAME URL TOOL ARGUMENTS [SERVER_PID]: one load run. The load generator measures its
# window (after the warm-up) itself; CPU snapshots are taken when that window begins (start-up
# + warm-up + about 1 s to connect the sessions) and when the generator exits, and PostgreSQL's
# activity is sampled throughout and cut to the same interval. A tab-separated line per run goes
# to $WORK/runs.tsv for the report.
measure() {
  local name=$1 url=$2 tool=$3 arguments=$4 server_pid=${5:-}
  local file="$WORK/run-$(wc -l <"$WORK/runs.tsv").json"
  read -r -a PIDS_PORTICO <<<"$(portico_pids)"
  read -r -a PIDS_NGINX <<<"$(nginx_pids)"
  local x0 x1 before after loader
  x0="$(pg_transactions)"
  printf '%s;\n\\watch 0.1\n' "$ACTIVITY_SQL" \
    | psql -X -q -At -F ' ' -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -d postgres >"$WORK/activity" 2>/dev/null &
  SAMPLER=$!
  log "$name, tools/call $tool: $CONNECTIONS connections to $url, warm-up $WARMUP s, measuring $DURATION s"
  dotnet "$BENCH_DLL" load --name "$name" --url "$url" ${server_pid:+--server-pid "$server_pid"} \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --tool "$tool" --arguments "$arguments" --header "Authorization: Bearer $CLUSTER_KEY" \
    --out "$file" >>"$WORK/load.log" 2>&1 &
  loader=$!
  sleep "$((WARMUP + 1))"
  # PostgreSQL backends as they are when the window begins (the instances' pools have grown by then).
  read -r -a PIDS_PG <<<"$(postgres_pids)"
  before="$(cpu_snapshot)"
  wait "$loader" || { tail -n 20 "$WORK/load.log" >&2; log "$name: the load generator failed"; exit 1; }
  after="$(cpu_snapshot)"
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  tail -n 1 "$WORK/load.log" | grep -E '^\[' >&2 || true
  sleep "$SETTLE"
  x1="$(pg_transactions)"
  # Activity samples inside the interval: count, sum of lock-waiting, sum of active backends.
  local samples
  samples="$(awk -v from="${before##* }" -v to="${after##* }" \
    'NF == 3 && $1 >= from && $1 <= to { n++; l += $2; a += $3 } END { print n + 0, l + 0, a + 0 }' "$WORK/activity")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$file" "$before" "$after" "$samples" "$((x1 - x0))" >>"$WORK/runs.tsv"
}

run_cluster() { # N
  local n=$1 tool arguments
  log "deploy/cluster.sh up $n"
  "$CLUSTER_SH" up "$n" >"$WORK/cluster-up.log" 2>&1 || { cat "$WORK/cluster-up.log" >&2; exit 1; }
  eval "$("$CLUSTER_SH" env)"
  for tool in ping create-record; do
    [[ "$tool" == ping ]] && arguments='{}' || arguments="$CREATE_ARGUMENTS"
    if ((n == 1)); then
      measure "1 instance, direct" "http://127.0.0.1:${CLUSTER_PORTS[0]}/mcp" "$tool" "$arguments" "${CLUSTER_PIDS[0]}"
      measure "1 instance via nginx" "$CLUSTER_URL/mcp" "$tool" "$arguments"
    else
      measure "$n instances via nginx" "$CLUSTER_URL/mcp" "$tool" "$arguments"
    fi
  done
  "$CLUSTER_SH" down >/dev/null 2>&1
}

: >"$WORK/runs.tsv"
for n in "${INSTANCE_COUNTS[@]}"; do
  run_cluster "$n"
done

# ---------------------------------------------------------------- report
TABLE="$(python3 - "$WORK/runs.tsv" "$(getconf CLK_TCK)" <<'PY'
import json, sys
hz = int(sys.argv[2])
out = [
    "| target | tool | requests/s | p50 ms | p99 ms | errors | Portico CPU µs/call | nginx CPU µs/call | PostgreSQL CPU µs/call | store ms/call | store share | of which lock waits | PG transactions/call | other load (cores) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
by = {}
for line in open(sys.argv[1]):
    name, tool, path, before, after, samples, xacts = line.rstrip("\n").split("\t")
    r = json.load(open(path))
    b, a = [float(x) for x in before.split()], [float(x) for x in after.split()]
    seconds = a[4] - b[4]
    rps = r["requestsPerSecond"]
    calls = rps * seconds or 1  # calls between the two snapshots, at the window's rate
    us = lambda i: (a[i] - b[i]) / hz * 1e6 / calls
    generator = (r["generatorCpuMicrosPerRequest"] or 0) * rps / 1e6  # cores
    other = (a[3] - b[3]) / hz / seconds - sum(a[i] - b[i] for i in range(3)) / hz / seconds - generator
    n, locked, active = (int(x) for x in samples.split())
    in_store = active / n if n else 0.0  # calls executing a statement in PostgreSQL, on average
    # Closed loop: every connection always has a call in flight, so by Little's law the store's
    # share of the calls' time is the average number of them inside PostgreSQL ÷ connections, and
    # its time per call is that average ÷ throughput.
    share = in_store / r["connections"]
    store_ms = in_store / rps * 1000 if rps else float("nan")
    lock_cell = f"{locked / active:.0%}" if active else "–"
    nginx_cell = f"{us(1):.0f}" if "nginx" in name else "–"
    out.append(f"| {name} | {tool} | {rps:.0f} | {r['p50Ms']:.2f} | {r['p99Ms']:.2f} | {r['errors']} | "
               f"{us(0):.0f} | {nginx_cell} | {us(2):.0f} | {store_ms:.2f} | {share:.0%} | {lock_cell} | "
               f"{int(xacts) / max(r['totalCalls'], 1):.1f} | {max(other, 0):.2f} |")
    by[(name, tool)] = (rps, other)
out.append("")
for tool in ("ping", "create-record"):
    base = by.get(("1 instance, direct", tool))
    for (name, t), (rps, _) in by.items():
        if t == tool and base and name != "1 instance, direct":
            out.append(f"- **{tool}: {name} / 1 instance, direct = {rps / base[0]:.2f}×** throughput")
worst = max(other for _, other in by.values())
if worst > 0.2:
    out.append("")
    out.append(f"> **Noisy run:** other processes kept up to {worst:.2f} cores busy during a measurement (last column); the")
    out.append("> load generator, nginx, the instances and PostgreSQL share the machine's CPUs with them, so these")
    out.append("> numbers are lower than on a quiet machine.")
print("\n".join(out))
PY
)"

cpu_model="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
commit="commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null)" ]] || commit="$commit (src/ has uncommitted changes)"
if [[ "$BUILD" == 0 ]]; then
  commit="$commit; BENCH_BUILD=0: portico.dll built $(date -u -r "$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll" +%Y-%m-%dT%H:%M:%SZ)"
fi
REPORT="$(cat <<EOF
# Portico scale-out benchmark: 1 instance vs 3 behind nginx, on PostgreSQL

- When: $(date -u +%Y-%m-%dT%H:%M:%SZ), $commit
- Machine: $(nproc) CPUs ($cpu_model), $(uname -sr), .NET $(dotnet --version), $(psql --version | head -n 1), $(nginx -v 2>&1)
- Load: portico-bench load, $CONNECTIONS HTTP/1.1 keep-alive connections (one MCP session each, one API key = one user, closed loop), warm-up ${WARMUP} s, measured ${DURATION} s per run, one run at a time; everything (load generator, nginx, instances, PostgreSQL) on this machine
${BENCH_PORTICO_ENV:+- Instances run with \`$BENCH_PORTICO_ENV\`
}- Calls: \`tools/call ping {}\` (read tool, no store access of its own) and \`tools/call create-record $CREATE_ARGUMENTS\` (write tool: rate-limit transaction + insert); the user's write limit raised to 10⁹/minute
- Every column covers the measured window (CPU: /proc snapshots at its start and end; per call = ÷ the window's throughput × its length). Store share = the average number of this database's backends executing a statement (\`pg_stat_activity\` sampled every 0.1 s; state active and not waiting for the client) ÷ connections: with a closed loop every connection always has a call in flight, so that is the part of the calls' time spent inside PostgreSQL (Little's law); store ms/call = that average ÷ throughput; lock waits = the part of it spent waiting for a lock; both include background writes (audit batches, usage counters, change-feed polls). PostgreSQL CPU: this database's backends only. PG transactions/call: \`pg_stat_database\` commits + rollbacks ÷ calls over the whole run

$TABLE
EOF
)"
printf '%s\n' "$REPORT"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$REPORT" >"$OUT"
log "wrote $OUT"
