#!/usr/bin/env bash
# End-to-end check of /metrics with a real Prometheus server (Debian's `prometheus` package):
# Portico on a fresh SQLite store, a scraper key with only the portico/metrics scope (made with the
# CLI), Prometheus scraping /metrics every second with that key, then a known number of tool calls —
# successful ones and failing ones with known error codes — sent with curl. The script polls
# Prometheus' HTTP API (/api/v1/query, bounded) until the counts it stored equal what was sent, and
# names expected and seen values when they do not.
#
# Prerequisites: a Release build of src/Portico (this script builds nothing), curl, python3 and
# prometheus (scripts/install-prereqs.sh installs them).
#
# Environment:
#   E2E_KEEP_WORK_DIR=1   keep the temp dir (store, logs, Prometheus config and data) after the run
#   PROMETHEUS_BIN        the Prometheus server to run (default: prometheus on PATH)
#
# Output: "prometheus: N passed, N failed" (tests/run-all.sh adds it up). Exit status: 0 only if every count matched.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_NAME="prometheus"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

PROMETHEUS_BIN="${PROMETHEUS_BIN:-$(command -v prometheus || true)}"
[[ -x "$PROMETHEUS_BIN" ]] || e2e_die "prometheus is not installed (run scripts/install-prereqs.sh)"
command -v python3 >/dev/null 2>&1 || e2e_die "python3 is required (run scripts/install-prereqs.sh)"

# What is sent, and so what Prometheus must count.
OK_CALLS=5
INVALID_CALLS=3 # ping with a number for its string argument: VALIDATION_FAILED
UNKNOWN_CALLS=2 # a tool no catalog has: UNKNOWN_TOOL (a JSON-RPC error, counted without a tool name)
POLL_SECONDS=60

# ---------------------------------------------------------------- Portico
e2e_init
e2e_start_portico
e2e_wait_healthy 60
API_KEY="$(e2e_demo_api_key)"
[[ -n "$API_KEY" ]] || { e2e_log "the server printed no demo API key"; e2e_dump_server_log 100; exit 1; }
portico_cli() { DOTNET_NOLOGO=1 dotnet "$PORTICO_DLL" "$@" --store "$PORTICO_STORE" </dev/null; }
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
SCRAPE_KEY="$(portico_cli keys create --user demo@portico.local --name prometheus --scopes metrics --json 2>/dev/null | json_field key || true)"
[[ "$SCRAPE_KEY" == ptk_* ]] || e2e_die "portico keys create --scopes metrics made no key"

# ---------------------------------------------------------------- Prometheus
PROM_PORT="$(e2e_free_port)"
PROM_URL="http://127.0.0.1:$PROM_PORT"
mkdir -p "$E2E_WORK_DIR/tsdb"
printf '%s' "$SCRAPE_KEY" >"$E2E_WORK_DIR/scrape.key"
cat >"$E2E_WORK_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: portico
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials_file: $E2E_WORK_DIR/scrape.key
    static_configs:
      - targets: ["127.0.0.1:$PORTICO_PORT"]
YAML
PROM_LOG="$E2E_WORK_DIR/prometheus.log"
e2e_log "starting Prometheus on $PROM_URL (log: $PROM_LOG)"
setsid "$PROMETHEUS_BIN" --config.file="$E2E_WORK_DIR/prometheus.yml" --storage.tsdb.path="$E2E_WORK_DIR/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$PROM_LOG" 2>&1 </dev/null &
PROM_PID=$!
stop_prometheus() {
  kill -0 "$PROM_PID" 2>/dev/null || return 0
  kill -TERM -- "-$PROM_PID" 2>/dev/null || kill -TERM "$PROM_PID" 2>/dev/null || true
  local _
  for _ in $(seq 1 50); do
    kill -0 "$PROM_PID" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$PROM_PID" 2>/dev/null || true
  wait "$PROM_PID" 2>/dev/null || true
}
e2e_on_exit stop_prometheus

# Prints the value of an instant query's single result ("" when there is none).
query() {
  curl -fsS --max-time 2 --get --data-urlencode "query=$1" "$PROM_URL/api/v1/query" 2>/dev/null | python3 -c '
import json, sys
try:
    result = json.load(sys.stdin)["data"]["result"]
    print(result[0]["value"][1] if result else "")
except Exception:
    print("")' || true
}

# Polls QUERY until it equals EXPECTED (bounded by POLL_SECONDS); on timeout names both and exits 1.
expect() {
  local what="$1" promql="$2" expected="$3" seen="" deadline=$((SECONDS + POLL_SECONDS))
  while ((SECONDS < deadline)); do
    seen="$(query "$promql")"
    [[ "$seen" == "$expected" ]] && { e2e_log "ok: $what = $seen"; CHECKS=$((CHECKS + 1)); return 0; }
    kill -0 "$PROM_PID" 2>/dev/null || { cat "$PROM_LOG" >&2; e2e_die "Prometheus exited"; }
    sleep 0.5
  done
  e2e_log "FAILED: $what: expected $expected, Prometheus has ${seen:-nothing} after ${POLL_SECONDS} s ($promql)"
  e2e_log "the scrape target's state: $(curl -fsS --max-time 2 "$PROM_URL/api/v1/targets" 2>/dev/null | head -c 1000)"
  tail -n 20 "$PROM_LOG" >&2
  e2e_dump_server_log 60
  echo "prometheus: $CHECKS passed, 1 failed"
  exit 1
}
CHECKS=0

expect "the Portico target is up (scraped with the portico/metrics key)" 'up{job="portico"}' 1

# ---------------------------------------------------------------- tool calls
HEADERS="$E2E_WORK_DIR/headers"
post() {
  curl -fsS --max-time 30 -D "$HEADERS" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-11-25' ${SESSION:+-H "Mcp-Session-Id: $SESSION"} \
    -d "$1" "$PORTICO_MCP_URL"
}
SESSION=""
post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"prometheus-e2e","version":"1"}}}' >/dev/null
SESSION="$(sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *\([^[:space:]]*\).*/\1/p' "$HEADERS" | head -n 1)"
[[ -n "$SESSION" ]] || e2e_die "initialize returned no Mcp-Session-Id"
post '{"jsonrpc":"2.0","method":"notifications/initialized"}' >/dev/null

call() { post "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"; }
id=10
for _ in $(seq 1 "$OK_CALLS"); do
  id=$((id + 1))
  body="$(call "$id" ping '{"message":"hello"}')"
  [[ "$body" == *'"isError":true'* || "$body" == *'"error":{'* || "$body" != *'"result"'* ]] && e2e_die "ping should succeed: $body"
done
for _ in $(seq 1 "$INVALID_CALLS"); do
  id=$((id + 1))
  body="$(call "$id" ping '{"message":42}')"
  [[ "$body" == *VALIDATION_FAILED* ]] || e2e_die "ping with a number should fail with VALIDATION_FAILED: $body"
done
for _ in $(seq 1 "$UNKNOWN_CALLS"); do
  id=$((id + 1))
  body="$(call "$id" no_such_tool '{}')"
  [[ "$body" == *'"error":{'* ]] || e2e_die "an unknown tool should be a JSON-RPC error: $body"
done
e2e_log "sent $OK_CALLS successful, $INVALID_CALLS VALIDATION_FAILED and $UNKNOWN_CALLS UNKNOWN_TOOL calls"

# ---------------------------------------------------------------- what Prometheus stored
calls='mcp_server_operation_duration_seconds_count{job="portico",mcp_method_name="tools/call"'
expect "tools/call operations" "sum($calls})" $((OK_CALLS + INVALID_CALLS + UNKNOWN_CALLS))
expect "successful tools/call operations" "sum($calls,error_type=\"\"})" "$OK_CALLS"
expect "ping calls answered with a tool error" "sum($calls,gen_ai_tool_name=\"ping\",error_type=\"tool_error\"})" "$INVALID_CALLS"
expect "tool errors VALIDATION_FAILED" 'sum(portico_tool_errors_total{job="portico",portico_error_code="VALIDATION_FAILED",gen_ai_tool_name="ping"})' "$INVALID_CALLS"
expect "tool errors UNKNOWN_TOOL (no tool name)" 'sum(portico_tool_errors_total{job="portico",portico_error_code="UNKNOWN_TOOL",gen_ai_tool_name=""})' "$UNKNOWN_CALLS"
expect "tool errors of any code" 'sum(portico_tool_errors_total{job="portico"})' $((INVALID_CALLS + UNKNOWN_CALLS))
expect "live sessions" 'sum(portico_mcp_sessions_active{job="portico"})' 1
e2e_log "prometheus passed"
echo "prometheus: $CHECKS passed, 0 failed"
