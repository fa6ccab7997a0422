#!/usr/bin/env bash
# Scale-out end to end: three Portico instances on one PostgreSQL database behind nginx
# (deploy/cluster.sh, no sticky sessions), driven by a raw Streamable HTTP client
# (tests/e2e/scale-out.py, Python standard library):
#
#   writes      one MCP session makes 1,000 create-record calls through nginx (4 in flight at a
#               time), each with its own idempotencyKey; instance 2 is SIGKILLed after ~300 calls
#               and restarted after ~600; the last 100 calls wait until it is ready again. Every
#               call succeeds, or fails retryably (HTTP 502/503/504, a connection error, a stream
#               cut off) and one retry with the same key resolves it. Then the store holds exactly
#               1,000 records (psql), the Mcp-Session-Id never changed, nginx sends calls to the
#               restarted instance again, and it serves that session.
#   rate-limit  a fresh session of a basic-plan tenant (create-record: 30 calls/minute) calls the
#               instances directly in turn (1, 2, 3, 1, ...): calls 1-30 succeed, the 31st is
#               refused with structuredContent.error.code RATE_LIMITED.
#   revocation  a key in use on every instance (so each has it cached) is revoked with
#               `portico keys revoke` (no instance exposes API-key revocation); each instance is
#               polled directly every 50 ms and must refuse it (401) within 1 s of the commit.
#               The worst latency is reported.
#
# Prints "PASS <check>" / "FAIL <check>: <reason>" lines and ends with
# "scale-out: N passed, M failed"; exits 1 if any check failed.
#
# Needs: nginx, PostgreSQL (scripts/postgres.sh installs and starts a throwaway cluster), python3,
# curl; deploy/cluster.sh builds src/Portico (Release) unless PORTICO_CLUSTER_BUILD=0.
#
# Environment:
#   SCALE_OUT_KEEP=1          leave the cluster running afterwards (deploy/cluster.sh down stops it)
#   SCALE_OUT_CALLS=1000      calls of the writes check (kill after 30 %, restart after 60 %)
#   SCALE_OUT_CONCURRENCY=4   calls in flight at a time in the writes check (one session)
#   PORTICO_CLUSTER_DIR, PORTICO_CLUSTER_PORT, PORTICO_CLUSTER_DB: where the test cluster lives
#                             [a new temp dir, 4 free consecutive loopback ports, portico_scale_out_<pid>;
#                             so two runs at once (e.g. CI and a person) do not meet]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CLUSTER_SH="$REPO_ROOT/deploy/cluster.sh"
CLIENT="$SCRIPT_DIR/scale-out.py"
CALLS="${SCALE_OUT_CALLS:-1000}"
CONCURRENCY="${SCALE_OUT_CONCURRENCY:-4}"
RUN_ID="so$(date +%s)"
# nginx on the first of 4 consecutive free loopback ports, the instances on the other 3.
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
  OWN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portico-scale-out.XXXXXX")"
  export PORTICO_CLUSTER_DIR="$OWN_DIR"
fi
export PORTICO_CLUSTER_PORT="${PORTICO_CLUSTER_PORT:-$(free_ports)}"
export PORTICO_CLUSTER_DB="${PORTICO_CLUSTER_DB:-portico_scale_out_$$}"
# The cluster's own tenant is pro_plus with a write limit high enough for 1,000 calls in a minute;
# basic stays at the default 30/minute for the rate-limit check.
export PORTICO_CLUSTER_PLAN=pro_plus
export PORTICO_CLUSTER_ENV="Portico__RateLimits__TierMultipliers__pro_plus=1000"

log() { printf '[scale-out] %s\n' "$*" >&2; }

PASSED=0
FAILED=0
OUTPUT="$(mktemp "${TMPDIR:-/tmp}/portico-scale-out.XXXXXX")"
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

finish() {
  local rc=$?
  set +e
  if ((rc != 0)); then
    local f
    for f in "$PORTICO_CLUSTER_DIR"/portico-*.log "$PORTICO_CLUSTER_DIR/nginx/error.log"; do
      [[ -s "$f" ]] && { log "--- last 30 lines of $f"; tail -n 30 "$f" >&2; }
    done
  fi
  if [[ "${SCALE_OUT_KEEP:-0}" == 1 ]]; then
    log "the cluster keeps running (SCALE_OUT_KEEP=1): PORTICO_CLUSTER_DIR=$PORTICO_CLUSTER_DIR $CLUSTER_SH status | down"
  else
    "$CLUSTER_SH" down
    # The database and the state directory were this run's alone.
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -h 127.0.0.1 -p "${PORTICO_PG_PORT:-55432}" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $PORTICO_CLUSTER_DB WITH (FORCE)" >/dev/null 2>&1
    [[ -n "$OWN_DIR" ]] && rm -rf "$OWN_DIR"
  fi
  rm -f "$OUTPUT"
  if ((rc != 0 && PASSED + FAILED == 0)); then
    echo "scale-out: 0 passed, 1 failed (setup failed, exit $rc)"
    exit 1
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs the client; its PASS/FAIL lines count here.
client() {
  set +e
  python3 "$CLIENT" "$@" | tee "$OUTPUT"
  set -e
  PASSED=$((PASSED + $(grep -c '^PASS ' "$OUTPUT" || true)))
  FAILED=$((FAILED + $(grep -c '^FAIL ' "$OUTPUT" || true)))
}

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -d "$CLUSTER_DB" -c "$1"; }
portico() { dotnet "$CLUSTER_DLL" "$@" --store "$CLUSTER_STORE"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# A user who is the only member of a new tenant, and a key bound to it: "TENANT KEY_ID KEY".
new_tenant_key() { # NAME PLAN
  local tenant created
  tenant="$(portico tenants create --name "$1" --plan "$2" --json | json_field id)"
  portico members add --tenant "$tenant" --user "$1@scale-out.test" --role owner --json >/dev/null
  created="$(portico keys create --user "$1@scale-out.test" --tenant "$tenant" --name "$1" --json 2>/dev/null)"
  echo "$tenant $(json_field id <<<"$created") $(json_field key <<<"$created")"
}

# ---------------------------------------------------------------- cluster
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
log "starting the cluster (deploy/cluster.sh up 3) in $PORTICO_CLUSTER_DIR"
"$CLUSTER_SH" up 3 >&2
eval "$("$CLUSTER_SH" env)"
"$CLUSTER_SH" status >&2
DIRECT_URLS="$(printf 'http://127.0.0.1:%s/mcp,' "${CLUSTER_PORTS[@]}")"
DIRECT_URLS="${DIRECT_URLS%,}"

# ---------------------------------------------------------------- (a) writes with a SIGKILL
echo "--- writes: $CALLS create-record calls in one session through nginx while instance 2 is killed and restarted"
client writes --url "$CLUSTER_URL/mcp" --key "$CLUSTER_KEY" --calls "$CALLS" \
  --kill-at $((CALLS * 3 / 10)) --start-at $((CALLS * 6 / 10)) --rejoin-at $((CALLS * 9 / 10)) --concurrency "$CONCURRENCY" \
  --cluster-sh "$CLUSTER_SH" --instance 2 --instance-url "http://127.0.0.1:${CLUSTER_PORTS[1]}/mcp" --run-id "$RUN_ID"
# The store is the judge: exactly one record per idempotency key, none lost, none doubled.
total="$(sql "select count(*) from data_entities")"
mine="$(sql "select count(*) || ' ' || count(distinct idempotency_key) from data_entities where tenant_id = '$CLUSTER_TENANT' and model = 'scale-out' and idempotency_key like '$RUN_ID-%'")"
if [[ "$total" == "$CALLS" && "$mine" == "$CALLS $CALLS" ]]; then
  pass "the store holds exactly $CALLS records, one per idempotency key (psql: select count(*) from data_entities = $total)"
else
  fail "the store holds exactly $CALLS records: select count(*) from data_entities = $total; for this run's keys: records, distinct keys = $mine"
fi

# ---------------------------------------------------------------- (b) a global rate limit
echo "--- rate-limit: create-record (basic plan: 30 per minute) alternating over the instances' own ports"
read -r BASIC_TENANT _ BASIC_KEY <<<"$(new_tenant_key "ratelimit$RUN_ID" basic)"
client rate-limit --urls "$DIRECT_URLS" --key "$BASIC_KEY" --limit 30 --run-id "$RUN_ID"
stored="$(sql "select count(*) from data_entities where tenant_id = '$BASIC_TENANT'")"
if [[ "$stored" == 30 ]]; then
  pass "the refused call stored nothing (30 records for that tenant)"
else
  fail "the refused call stored nothing: $stored records for that tenant, expected 30"
fi

# ---------------------------------------------------------------- (c) revocation
echo "--- revocation: a key revoked with 'portico keys revoke' is refused by every instance within 1 s"
read -r _ REVOKE_ID REVOKE_KEY <<<"$(new_tenant_key "revoke$RUN_ID" basic)"
client revocation --urls "$DIRECT_URLS" --key "$REVOKE_KEY" --budget-ms 1000 --poll-ms 50 \
  --revoke "dotnet $CLUSTER_DLL keys revoke --id $REVOKE_ID --store $CLUSTER_STORE" \
  --revoked-at "psql -X -At -h 127.0.0.1 -p $CLUSTER_PG_PORT -U postgres -d $CLUSTER_DB -c \"select revoked_at from api_keys where id = '$REVOKE_ID'\""
worst="$(sed -n 's/^REVOCATION_WORST_MS //p' "$OUTPUT")"
[[ -n "$worst" ]] && echo "revocation: worst latency ${worst} ms from the commit to the first refusal"

# ---------------------------------------------------------------- the instances stayed healthy
if "$CLUSTER_SH" status >"$OUTPUT" 2>&1; then
  pass "all instances and nginx are up and ready at the end"
else
  fail "all instances and nginx are up and ready at the end: $(tr '\n' ' ' <"$OUTPUT")"
fi
errors="$(grep -hE ' (fail|crit): ' "$CLUSTER_DIR"/portico-*.log | grep -v 'RATE_LIMITED' | head -n 5 || true)"
if [[ -z "$errors" ]]; then
  pass "no fail/crit lines in the instances' logs"
else
  fail "the instances logged errors: $errors"
fi

echo "scale-out: $PASSED passed, $FAILED failed"
((FAILED == 0))
