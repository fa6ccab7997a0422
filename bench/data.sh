#!/usr/bin/env bash
# The data pack's query bench (issue 17): 1,000,000 entities in one tenant, on SQLite and on PostgreSQL;
# query_entities with a selective filter on a hinted attribute and aggregate_entities with one groupBy, called
# through Portico's MCP endpoint; p50/p99 latency and the query plans. See bench/README.md ("Data queries").
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
ROWS="${BENCH_ROWS:-1000000}"
STORES="${BENCH_STORES:-sqlite postgres}"
CONNECTIONS="${BENCH_CONNECTIONS:-1}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-3}"
BUILD="${BENCH_BUILD:-1}"
OUT="${BENCH_OUT:-$SCRIPT_DIR/results/data-latest.md}"
PORTICO_DLL="$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll"
BENCH_DLL="$SCRIPT_DIR/Portico.Bench/bin/Release/net10.0/portico-bench.dll"
MODEL="Industry.Meter-1" # index hint: site

# The calls measured. Sites repeat every ROWS/10 entities, so the filter matches 10 of the ROWS.
QUERY_ARGS='{"modelId":"Industry.Meter-1","filter":[{"attributePath":"site","op":"eq","value":"site-4242"}],"limit":20}'
# The aggregation: count and avg(power) by status over the sites from "site-99" to "site-9:" (a range on the hinted
# attribute: sites 99, 990-999, 9900-9999 and 99000-99999, 11,110 entities of a million).
AGGREGATE_ARGS='{"modelId":"Industry.Meter-1","filter":[{"attributePath":"site","op":"gte","value":"site-99"},{"attributePath":"site","op":"lt","value":"site-9:"}],"aggregations":[{"function":"count"},{"function":"avg","attributePath":"power"}],"groupByAttributePaths":["status"]}'
# Once, timed: the same aggregation over every entity (no filter, so no index narrows it).
FULL_AGGREGATE_ARGS='{"modelId":"Industry.Meter-1","aggregations":[{"function":"count"},{"function":"avg","attributePath":"power"}],"groupByAttributePaths":["status"]}'

log() { printf '[data-bench] %s\n' "$*" >&2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-data-bench.XXXXXX")"
PIDS=()
PG_DATABASES=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${PG_DATABASES[@]}"; do psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  if [[ $status -ne 0 ]]; then
    for f in "$WORK"/*.log; do [[ -f "$f" ]] && { log "--- tail of $(basename "$f")"; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# libpq CONNECTION_STRING [DATABASE]: the Npgsql string as psql's conninfo (optionally for another database).
libpq() {
  python3 - "$@" <<'PY'
import sys
keys = {"host": "host", "port": "port", "username": "user", "user id": "user", "password": "password", "database": "dbname"}
parts = dict((k.strip().lower(), v.strip()) for k, v in (p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p))
if len(sys.argv) > 2:
    parts["database"] = sys.argv[2]
print(" ".join(f"{keys[k]}='{v}'" for k, v in parts.items() if k in keys))
PY
}

if [[ "$BUILD" != 0 ]]; then
  log "building Release: src/Portico and bench/Portico.Bench"
  dotnet build -c Release "$REPO_ROOT/src/Portico" -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  dotnet build -c Release "$SCRIPT_DIR/Portico.Bench" -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi
[[ -f "$PORTICO_DLL" && -f "$BENCH_DLL" ]] || { log "missing $PORTICO_DLL or $BENCH_DLL (build first)"; exit 1; }
PG_ADMIN=""
if [[ " $STORES " == *" postgres "* ]]; then
  # An Npgsql connection string (Host=…;Port=…;Username=…;Database=…), as scripts/postgres.sh prints it.
  PG_ADMIN_CS="${BENCH_POSTGRES:-$(bash "$REPO_ROOT/scripts/postgres.sh" url)}"
  PG_ADMIN="$(libpq "$PG_ADMIN_CS")"
fi

# sql STORE STORE_KIND STATEMENTS: run SQL against the store as an operator would (sqlite3 / psql).
sql() {
  if [[ "$2" == postgres ]]; then psql "$1" -qAt -v ON_ERROR_STOP=1 -c "$3"; else sqlite3 -bail "$1" "$3"; fi
}

# mcp URL KEY TOOL ARGUMENTS: one tools/call on a fresh session; prints the JSON-RPC answer.
mcp() {
  local url=$1 key=$2 headers session
  headers="$WORK/headers.txt"
  curl -fsS -D "$headers" -o /dev/null "$url/mcp" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"data-bench","version":"1"}}}'
  session="$(grep -i '^mcp-session-id:' "$headers" | cut -d: -f2 | tr -d ' \r')"
  curl -fsS -o /dev/null "$url/mcp" -H "Authorization: Bearer $key" -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-11-25' \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  # --max-time: an aggregation over a million rows on a loaded machine can take minutes.
  curl -fsS --max-time 300 "$url/mcp" -H "Authorization: Bearer $key" -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-11-25' \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"$3\",\"arguments\":$4}}" | sed -n 's/^data: //p' | tail -n 1
}

SECTIONS=()
for kind in $STORES; do
  log "$kind: fresh store"
  env_vars=()
  if [[ "$kind" == postgres ]]; then
    db="portico_data_bench_$$"
    psql "$PG_ADMIN" -qc "CREATE DATABASE \"$db\"" >/dev/null
    PG_DATABASES+=("$db")
    # Portico takes the Npgsql connection string; psql the same as conninfo.
    store="$(libpq "$PG_ADMIN_CS" "$db")"
    store_cs="$(python3 -c 'import re,sys; print(re.sub(r"(?i)database=[^;]*", "Database=" + sys.argv[2], sys.argv[1]))' "$PG_ADMIN_CS" "$db")"
    env_vars=("Portico__Security__KeyEncryptionKey=$(head -c 32 /dev/urandom | base64)")
  else
    store="$WORK/$kind.db"
    store_cs="$store"
  fi
  env "${env_vars[@]}" dotnet "$PORTICO_DLL" serve --urls http://127.0.0.1:0 --store "$store_cs" >"$WORK/$kind.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  url=""
  for _ in $(seq 1 600); do
    url="$(grep -oE 'Portico is listening on http://[0-9.]+:[0-9]+' "$WORK/$kind.log" | head -n 1 | grep -oE 'http://[0-9.]+:[0-9]+' || true)"
    [[ -n "$url" ]] && curl -fsS "$url/health" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { log "$kind: Portico exited"; exit 1; }
    sleep 0.2
  done
  key="$(grep -oE 'API key \(shown once[^:]*: *[^ ]+' "$WORK/$kind.log" | head -n 1 | sed -E 's/.*: *//')"
  tenant="$(sql "$store" "$kind" "SELECT id FROM tenants ORDER BY created_at LIMIT 1;")"
  log "$kind: $url, tenant $tenant; loading $ROWS entities with one INSERT … SELECT"

  # site-N repeats every ROWS/10 rows; status cycles through three values; power 0-999.
  started=$(date +%s.%N)
  if [[ "$kind" == postgres ]]; then
    sql "$store" "$kind" "INSERT INTO data_entities (tenant_id, id, model, data, created_by, created_at, updated_at, version)
      SELECT '$tenant', lpad(to_hex(i), 24, '0'), '$MODEL',
             '{\"site\":\"site-' || (i % ($ROWS / 10)) || '\",\"power\":' || (i % 1000) || ',\"status\":\"' || (ARRAY['online','offline','maintenance'])[i % 3 + 1] || '\"}',
             'bench', 1767258000000 + i, 1767258000000 + i, 1
      FROM generate_series(1, $ROWS) AS i;"
  else
    sql "$store" "$kind" "PRAGMA journal_mode=WAL; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
      INSERT INTO data_entities (tenant_id, id, model, data, created_by, created_at, updated_at, version)
      SELECT '$tenant', printf('%024x', i), '$MODEL',
             '{\"site\":\"site-' || (i % ($ROWS / 10)) || '\",\"power\":' || (i % 1000) || ',\"status\":\"' || (CASE i % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'offline' ELSE 'maintenance' END) || '\"}',
             'bench', 1767258000000 + i, 1767258000000 + i, 1
      FROM n;" >/dev/null
  fi
  load_s=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$started")

  # The model is imported after the load, through MCP: its index hint (site) is built over the million rows.
  started=$(date +%s.%N)
  mcp "$url" "$key" import_model "{\"modelId\":\"$MODEL\"}" >"$WORK/import.json"
  grep -q '"isError":true' "$WORK/import.json" && { log "$kind: import_model failed: $(cat "$WORK/import.json")"; exit 1; }
  import_s=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$started")
  sql "$store" "$kind" "ANALYZE;" >/dev/null
  log "$kind: loaded in ${load_s} s, imported (index built) in ${import_s} s"

  # The statements the two calls run (QueryTools.PageSql / AggregateAsync for these arguments; IndexHintTests checks
  # the plan of the same builder's statement), with the values inlined for EXPLAIN.
  if [[ "$kind" == postgres ]]; then
    query_sql="SELECT id FROM (SELECT * FROM data_entities WHERE tenant_id = '$tenant') AS rows WHERE model = '$MODEL' AND (data::jsonb @> '{\"site\":\"site-4242\"}'::jsonb AND (data::jsonb #> '{site}'::text[]) = '\"site-4242\"'::jsonb) ORDER BY created_at DESC, id DESC LIMIT 21"
    aggregate_sql="SELECT COALESCE((data::jsonb #> '{status}'::text[])::text, 'null'), COUNT(*), AVG((CASE WHEN jsonb_typeof(data::jsonb #> '{power}'::text[]) = 'number' THEN (data::jsonb #> '{power}'::text[])::numeric END)) FROM (SELECT * FROM data_entities WHERE tenant_id = '$tenant') AS rows WHERE model = '$MODEL' AND (jsonb_typeof(data::jsonb #> '{site}'::text[]) = 'string' AND (data::jsonb #> '{site}'::text[]) >= '\"site-99\"'::jsonb) AND (jsonb_typeof(data::jsonb #> '{site}'::text[]) = 'string' AND (data::jsonb #> '{site}'::text[]) < '\"site-9:\"'::jsonb) GROUP BY 1 ORDER BY 1 LIMIT 1001"
    explain="EXPLAIN"
  else
    query_sql="SELECT id FROM (SELECT * FROM data_entities WHERE tenant_id = '$tenant') AS rows WHERE model = '$MODEL' AND (json_type(data, '\$.site') = 'text' AND json_extract(data, '\$.site') = 'site-4242') ORDER BY created_at DESC, id DESC LIMIT 21"
    aggregate_sql="SELECT (CASE json_type(data, '\$.status') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(json_extract(data, '\$.status')) END), COUNT(*), AVG((CASE WHEN json_type(data, '\$.power') IN ('integer', 'real') THEN json_extract(data, '\$.power') END)) FROM (SELECT * FROM data_entities WHERE tenant_id = '$tenant') AS rows WHERE model = '$MODEL' AND (json_type(data, '\$.site') = 'text' AND json_extract(data, '\$.site') >= 'site-99') AND (json_type(data, '\$.site') = 'text' AND json_extract(data, '\$.site') < 'site-9:') GROUP BY 1 ORDER BY 1 LIMIT 1001"
    explain="EXPLAIN QUERY PLAN"
  fi
  query_plan="$(sql "$store" "$kind" "$explain $query_sql")"
  aggregate_plan="$(sql "$store" "$kind" "$explain $aggregate_sql")"
  matches="$(mcp "$url" "$key" query_entities "$QUERY_ARGS" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]["structuredContent"]["entities"]))')"

  for call in query aggregate; do
    if [[ $call == query ]]; then tool=query_entities; args="$QUERY_ARGS"; else tool=aggregate_entities; args="$AGGREGATE_ARGS"; fi
    log "$kind: $tool, $CONNECTIONS connection(s), ${WARMUP} s warm-up, ${DURATION} s measured"
    dotnet "$BENCH_DLL" load --name "$kind-$call" --url "$url/mcp" --server-pid "$pid" --connections "$CONNECTIONS" \
      --duration "$DURATION" --warmup "$WARMUP" --tool "$tool" --arguments "$args" --header "Authorization: Bearer $key" \
      --out "$WORK/$kind-$call.json" >"$WORK/$kind-$call.out" 2>&1 || { cat "$WORK/$kind-$call.out" >&2; exit 1; }
  done
  log "$kind: aggregate_entities over every entity, once"
  started=$(date +%s.%N)
  if mcp "$url" "$key" aggregate_entities "$FULL_AGGREGATE_ARGS" >"$WORK/full.json" && grep -q '"groups"' "$WORK/full.json"; then
    full_s="$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f} s')" "$started")"
  else
    full_s="failed: $(head -c 300 "$WORK/full.json" 2>/dev/null)"
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  SECTIONS+=("$(python3 - "$WORK/$kind-query.json" "$WORK/$kind-aggregate.json" <<PY
import json, sys
def row(name, path):
    r = json.load(open(path))
    return f"| {name} | {r['requests']} | {r['errors']} | {r['requestsPerSecond']:.1f} | {r['p50Ms']:.1f} | {r['p99Ms']:.1f} | {r['maxMs']:.1f} |"
print("### $kind")
print()
print("- $ROWS entities of $MODEL in one tenant, loaded in ${load_s} s; import_model (building the hint index on site) took ${import_s} s; the query's filter matches $matches entities")
print()
print("| call | calls | errors | calls/s | p50 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|")
print(row("query_entities (site = site-4242)", sys.argv[1]))
print(row("aggregate_entities (count, avg power by status; site from site-99 to site-9:, 11,110 entities)", sys.argv[2]))
print()
print("- aggregate_entities with no filter (count, avg power by status over all $ROWS entities), one call: $full_s")
PY
)

Plan of the query (\`$explain\`):

\`\`\`
$query_plan
\`\`\`

Plan of the aggregation:

\`\`\`
$aggregate_plan
\`\`\`
")
done

load_avg="$(cut -d' ' -f1-3 /proc/loadavg)"
REPORT="# Data queries: 1,000,000 entities (bench/data.sh)

- When: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n "$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null)" ]] && printf ' (src/ has uncommitted changes)')
- Machine: $(nproc) CPUs, $(uname -sr), .NET $(dotnet --version); load average at the end: $load_avg (other jobs share the machine: the latencies are upper bounds)
- Calls: through Portico's MCP endpoint (Streamable HTTP, a session per connection, API key), $CONNECTIONS connection(s) closed loop, ${WARMUP} s warm-up, ${DURATION} s measured per call
- query_entities: \`$QUERY_ARGS\`
- aggregate_entities: \`$AGGREGATE_ARGS\`

$(printf '%s\n' "${SECTIONS[@]}")"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$REPORT" >"$OUT"
printf '%s\n' "$REPORT"
log "wrote $OUT"
