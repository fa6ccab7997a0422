#!/usr/bin/env bash
# Workflow crash test (issue 16's acceptance): two Portico instances on one PostgreSQL database behind
# nginx (deploy/cluster.sh up 2), 200 runs of a five-step workflow, one instance SIGKILLed while it
# works on runs, then restarted; the store is the judge.
#
# The workflow (every step a real tools/call through the policy pipeline, as the run's owner):
#   create  create-record {collection crash, data {n, run}}, idempotencyKey "{{ run.id }}-create"
#   wait    slow__sleep {ms: WORKFLOW_CRASH_SLEEP_MS}: an upstream MCP server (workflow-crash.py
#           upstream, added with 'portico upstreams add') that takes its time, so the kill lands mid-step
#   get     get-record of the created record
#   update  update-record of it (data {n, run, seen_version}; no expectedVersion, so running it again
#           after a takeover is harmless: idempotent in effect, though the version moves)
#   log     create-record {collection crash-log}, idempotencyKey "{{ run.id }}-log"
#
# Steps: start 200 runs through nginx; once they are all queued and instance 2 holds runs with a
# step in progress, SIGKILL instance 2 (deploy/cluster.sh kill 2) and start it again; poll psql
# (bounded) until no run is queued or running. Then, from the store:
#   - every run of the workflow (200) ended succeeded; none queued/running; no lease left
#   - every run has exactly 5 step rows, each succeeded with one recorded completion (finished_at)
#   - the runs instance 2 held when it died were continued to succeeded
#   - exactly one 'crash' and one 'crash-log' record per run (the idempotency keys held)
#   - every 'crash' record carries the update (its data has seen_version)
# Prints PASS/FAIL lines and "workflow-crash: N passed, M failed"; exits 1 if any check failed.
#
# Lease settings are short (Portico__Workflows__LeaseDuration=3 s) so the takeover happens within the stage.
#
# Environment:
#   WORKFLOW_CRASH_RUNS=200        runs to start
#   WORKFLOW_CRASH_SLEEP_MS=1000   how long the 'wait' step takes
#   WORKFLOW_CRASH_KEEP=1          leave the cluster running afterwards
#   PORTICO_CLUSTER_BUILD=0        use the existing Release build (deploy/cluster.sh)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CLUSTER_SH="$REPO_ROOT/deploy/cluster.sh"
CLIENT="$SCRIPT_DIR/workflow-crash.py"
RUNS="${WORKFLOW_CRASH_RUNS:-200}"
SLEEP_MS="${WORKFLOW_CRASH_SLEEP_MS:-1000}"
STEPS=5

# nginx on the first of 3 consecutive free loopback ports, the instances on the next 2; the upstream on a 4th.
free_ports() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randint(20000, 60000)
    sockets = []
    try:
        for port in range(base, base + 4):
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            sockets.append(s)
        print(base)
        break
    except OSError:
        pass
    finally:
        for s in sockets:
            s.close()
PY
}
OWN_DIR=""
if [[ -z "${PORTICO_CLUSTER_DIR:-}" ]]; then
  OWN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portico-workflow-crash.XXXXXX")"
  export PORTICO_CLUSTER_DIR="$OWN_DIR"
fi
BASE_PORT="$(free_ports)"
export PORTICO_CLUSTER_PORT="${PORTICO_CLUSTER_PORT:-$BASE_PORT}"
UPSTREAM_PORT=$((PORTICO_CLUSTER_PORT + 3))
export PORTICO_CLUSTER_DB="${PORTICO_CLUSTER_DB:-portico_workflow_crash_$$}"
export PORTICO_CLUSTER_PLAN=pro_plus
# Short leases so a dead instance's runs are taken over within seconds; the engine's claims logged
# (Debug) so the test knows which lease holder is instance 2; writes not rate-limited at this volume;
# the upstream is plain http on loopback, which the outbound policy refuses by default.
export PORTICO_CLUSTER_ENV="Portico__RateLimits__TierMultipliers__pro_plus=1000 \
Portico__Workflows__LeaseDuration=00:00:03 Portico__Workflows__PollInterval=00:00:00.200 \
Logging__LogLevel__Portico.Tools.Workflows.WorkflowEngine=Debug \
Portico__Outbound__Upstreams__AllowPrivateNetworks=true Portico__Outbound__Upstreams__AllowHttp=true"

log() { printf '[workflow-crash] %s\n' "$*" >&2; }

PASSED=0
FAILED=0
UPSTREAM_PID=""
START_PID=""
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-workflow-crash-work.XXXXXX")"
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

finish() {
  local rc=$?
  set +e
  [[ -n "$START_PID" ]] && kill "$START_PID" 2>/dev/null
  [[ -n "$UPSTREAM_PID" ]] && kill "$UPSTREAM_PID" 2>/dev/null
  if ((rc != 0)); then
    local f
    for f in "$PORTICO_CLUSTER_DIR"/portico-*.log "$WORK"/*.log; do
      [[ -s "$f" ]] && { log "--- last 30 lines of $f"; grep -v 'dbug: \|claimed by' "$f" | tail -n 30 >&2; }
    done
  fi
  if [[ "${WORKFLOW_CRASH_KEEP:-0}" == 1 ]]; then
    log "the cluster keeps running (WORKFLOW_CRASH_KEEP=1): PORTICO_CLUSTER_DIR=$PORTICO_CLUSTER_DIR $CLUSTER_SH status | down"
  else
    "$CLUSTER_SH" down
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -h 127.0.0.1 -p "${PORTICO_PG_PORT:-55432}" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $PORTICO_CLUSTER_DB WITH (FORCE)" >/dev/null 2>&1
    [[ -n "$OWN_DIR" ]] && rm -rf "$OWN_DIR"
  fi
  rm -rf "$WORK"
  if ((rc != 0 && PASSED + FAILED == 0)); then
    echo "workflow-crash: 0 passed, 1 failed (setup failed, exit $rc)"
    exit 1
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -d "$CLUSTER_DB" -c "$1"; }
# Waits until the SQL answers "t", polling every 0.2 s for at most SECONDS; false on timeout.
wait_for() { # SECONDS SQL
  local until=$((SECONDS + $1))
  while ((SECONDS < until)); do
    [[ "$(sql "$2")" == t ]] && return 0
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------- cluster, upstream, workflow
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
log "starting the cluster (deploy/cluster.sh up 2) in $PORTICO_CLUSTER_DIR"
"$CLUSTER_SH" up 2 >&2
eval "$("$CLUSTER_SH" env)"

log "starting the slow upstream on 127.0.0.1:$UPSTREAM_PORT and adding it with 'portico upstreams add'"
python3 "$CLIENT" upstream --port "$UPSTREAM_PORT" >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!
dotnet "$CLUSTER_DLL" upstreams add --name slow --url "http://127.0.0.1:$UPSTREAM_PORT/mcp" --store "$CLUSTER_STORE" >&2

DEFINITION="$(python3 - "$SLEEP_MS" <<'PY'
import json, sys
save = lambda name, collection, data: {"name": name, "tool": "create-record", "arguments": {
    "collection": collection, "data": data, "idempotencyKey": "{{ run.id }}-" + name}}
record = "{{ steps.create.output.record.id }}"
print(json.dumps({"name": "crash test", "input_schema": {"type": "object", "required": ["n"]}, "steps": [
    save("create", "crash", {"n": "{{ input.n }}", "run": "{{ run.id }}"}),
    {"name": "wait", "tool": "slow__sleep", "arguments": {"ms": int(sys.argv[1]), "tag": "{{ run.id }}"}},
    {"name": "get", "tool": "get-record", "arguments": {"id": record}},
    {"name": "update", "tool": "update-record", "arguments": {"id": record, "data": {
        "n": "{{ input.n }}", "run": "{{ run.id }}", "seen_version": "{{ steps.get.output.record.version }}"}}},
    {"name": "log", "tool": "create-record", "arguments": {"collection": "crash-log",
        "data": {"run": "{{ run.id }}", "record": record}, "idempotencyKey": "{{ run.id }}-log"}},
]}))
PY
)"
DIRECT_URLS="$(printf 'http://127.0.0.1:%s/mcp,' "${CLUSTER_PORTS[@]}")"
WORKFLOW="$(python3 "$CLIENT" setup --url "$CLUSTER_URL/mcp" --key "$CLUSTER_KEY" --definition "$DEFINITION" \
  --urls "${DIRECT_URLS%,}" --wait-tool slow__sleep)"
log "workflow $WORKFLOW created and activated"

# ---------------------------------------------------------------- runs, kill, restart
began=$SECONDS
log "starting $RUNS runs through nginx"
python3 "$CLIENT" start --url "$CLUSTER_URL/mcp" --key "$CLUSTER_KEY" --workflow "$WORKFLOW" --runs "$RUNS" >"$WORK/started.txt" 2>"$WORK/start.log" &
START_PID=$!
start_rc=0
wait "$START_PID" || start_rc=$?
START_PID=""
started="$(grep -c '^RUN ' "$WORK/started.txt" || true)"
if ((start_rc == 0 && started == RUNS)); then
  pass "$RUNS runs started ($(head -n 1 "$WORK/started.txt"))"
else
  fail "$RUNS runs started: $started did (exit $start_rc): $(head -c 600 "$WORK/start.log")"
fi

# Instance 2's engine names itself in its claims ("Run … claimed by wfe_…").
INSTANCE2=""
HELD=0
until=$((SECONDS + 120))
while ((SECONDS < until)); do
  INSTANCE2="$(grep -o 'claimed by wfe_[0-9a-f]*' "$CLUSTER_DIR/portico-2.log" | head -n 1 | cut -d' ' -f3 || true)"
  if [[ -n "$INSTANCE2" ]]; then
    HELD="$(sql "select count(distinct r.id) from workflow_runs r join workflow_run_steps s on s.run_id = r.id
                 where r.workflow_id = '$WORKFLOW' and r.status = 'running' and r.lease_holder = '$INSTANCE2' and s.status = 'running'")"
    ((HELD >= 3)) && break
  fi
  sleep 0.2
done
sql "select id from workflow_runs where workflow_id = '$WORKFLOW' and status = 'running' and lease_holder = '$INSTANCE2'" >"$WORK/held.txt"
in_flight_steps="$(sql "select string_agg(step_name || ' ' || n, ', ') from (select s.step_name, count(*) n from workflow_runs r
  join workflow_run_steps s on s.run_id = r.id where r.workflow_id = '$WORKFLOW' and r.lease_holder = '$INSTANCE2'
  and r.status = 'running' and s.status = 'running' group by s.step_name order by 1) x")"
done_before="$(sql "select count(*) from workflow_runs where workflow_id = '$WORKFLOW' and status = 'succeeded'")"
"$CLUSTER_SH" kill 2 >&2
if ((HELD >= 1)); then
  pass "instance 2 ($INSTANCE2) was SIGKILLed holding $(wc -l <"$WORK/held.txt") running runs, $HELD of them mid-step (${in_flight_steps:-none}); $done_before of $RUNS runs had succeeded"
else
  fail "instance 2 was SIGKILLed while it worked on runs: it held ${HELD:-0} runs with a step in progress (instance id '${INSTANCE2:-not found in its log}')"
fi
"$CLUSTER_SH" start 2 >&2
log "instance 2 restarted $((SECONDS - began)) s after the runs began"

if wait_for 150 "select count(*) = 0 from workflow_runs where workflow_id = '$WORKFLOW' and status in ('queued', 'running')"; then
  pass "every run reached an end $((SECONDS - began)) s after the runs began"
else
  fail "every run reached an end within 150 s: $(sql "select string_agg(status || ' ' || n, ', ') from (select status, count(*) n from workflow_runs where workflow_id = '$WORKFLOW' group by status) x")"
fi

# ---------------------------------------------------------------- the store is the judge
statuses="$(sql "select coalesce(string_agg(status || ' ' || n, ', '), 'none') from (select status, count(*) n from workflow_runs where workflow_id = '$WORKFLOW' group by status order by 1) x")"
if [[ "$statuses" == "succeeded $RUNS" ]]; then
  pass "all $RUNS runs succeeded (psql: $statuses)"
else
  fail "all $RUNS runs succeeded: $statuses; errors: $(sql "select string_agg(distinct coalesce(error, '-'), ' | ') from workflow_runs where workflow_id = '$WORKFLOW' and status <> 'succeeded'" | head -c 600)"
fi

leases="$(sql "select count(*) from workflow_runs where workflow_id = '$WORKFLOW' and (lease_holder is not null or lease_until is not null or finished_at is null)")"
if [[ "$leases" == 0 ]]; then
  pass "no run holds a lease or lacks its finish time"
else
  fail "no run holds a lease or lacks its finish time: $leases do"
fi

# One row per (run, step) is the table's key; every one must be a single recorded completion.
steps="$(sql "select count(*) || ' ' || count(*) filter (where s.status = 'succeeded' and s.finished_at is not null)
  || ' ' || count(distinct (run_id, step_index)) from workflow_run_steps s join workflow_runs r on r.id = s.run_id where r.workflow_id = '$WORKFLOW'")"
per_run="$(sql "select count(*) from (select r.id from workflow_runs r left join workflow_run_steps s on s.run_id = r.id
  where r.workflow_id = '$WORKFLOW' group by r.id having count(s.step_index) <> $STEPS or count(distinct s.step_index) <> $STEPS) x")"
if [[ "$steps" == "$((RUNS * STEPS)) $((RUNS * STEPS)) $((RUNS * STEPS))" && "$per_run" == 0 ]]; then
  pass "each of the $((RUNS * STEPS)) (run, step) pairs has exactly one recorded completion, succeeded"
else
  fail "each (run, step) has exactly one recorded completion: rows, succeeded+finished, distinct pairs = $steps; runs without exactly $STEPS steps: $per_run"
fi

retried="$(sql "select coalesce(string_agg(step_name || ' ' || n, ', '), 'none') from (select step_name, count(*) n from workflow_run_steps s
  join workflow_runs r on r.id = s.run_id where r.workflow_id = '$WORKFLOW' and s.attempt > 1 group by step_name order by 1) x")"
echo "steps run again after the takeover (attempt > 1; idempotent steps without recorded completion): $retried"

if [[ -s "$WORK/held.txt" ]]; then
  ids="$(sed "s/.*/'&'/" "$WORK/held.txt" | paste -sd, -)"
  continued="$(sql "select count(*) || ' ' || count(*) filter (where status = 'succeeded') from workflow_runs where id in ($ids)")"
  held_count="$(wc -l <"$WORK/held.txt")"
  if [[ "$continued" == "$held_count $held_count" ]]; then
    pass "the $held_count runs instance 2 held when it died were continued to succeeded"
  else
    fail "the runs instance 2 held were continued: of $held_count, (rows, succeeded) = $continued"
  fi
fi

effects="$(sql "select count(*) filter (where model = 'crash') || ' ' || count(distinct idempotency_key) filter (where model = 'crash')
  || ' ' || count(*) filter (where model = 'crash-log') || ' ' || count(distinct idempotency_key) filter (where model = 'crash-log')
  || ' ' || count(*) filter (where model = 'crash' and data::jsonb ? 'seen_version')
  from data_entities where tenant_id = '$CLUSTER_TENANT'")"
if [[ "$effects" == "$RUNS $RUNS $RUNS $RUNS $RUNS" ]]; then
  pass "exactly one 'crash' and one 'crash-log' record per run ($RUNS each, one per idempotency key), every 'crash' record updated"
else
  fail "the effects exactly once: crash records, their keys, crash-log records, their keys, updated crash records = $effects (expected $RUNS each)"
fi
versions="$(sql "select coalesce(string_agg('version ' || version || ': ' || n, ', '), 'none') from (select version, count(*) n from data_entities
  where tenant_id = '$CLUSTER_TENANT' and model = 'crash' group by version order by 1) x")"
echo "'crash' record versions (2 = updated once; 3 = the update ran again after the takeover): $versions"

if "$CLUSTER_SH" status >"$WORK/status.txt" 2>&1; then
  pass "both instances and nginx are up and ready at the end"
else
  fail "both instances and nginx are up and ready at the end: $(tr '\n' ' ' <"$WORK/status.txt")"
fi
# A lost race to start a step is handled (the loser gives the run up; it is claimed again when its lease runs out) and
# logged by Portico at Information. It happens when a live instance's lease runs out: with 3 s leases on a loaded machine
# an engine can stall past one. Counted and shown, not an error; no fail/crit line at all is allowed.
races="$(grep -hE 'was started by another instance first' "$CLUSTER_DIR"/portico-*.log | wc -l || true)"
echo "steps whose start two instances raced (a live instance's lease ran out; the loser gave the run up): $races"
errors="$(grep -hE ' (fail|crit): ' "$CLUSTER_DIR"/portico-*.log | head -n 5 || true)"
if [[ -z "$errors" ]]; then
  pass "no fail/crit lines in the instances' logs"
else
  fail "the instances logged errors: $errors"
fi

echo "workflow-crash: $PASSED passed, $FAILED failed"
((FAILED == 0))
