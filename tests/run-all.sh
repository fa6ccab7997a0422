#!/usr/bin/env bash
# The one test command of the repository (CI runs it through .ci/run):
#
#   bash tests/run-all.sh
#
# Stages, in order; the first failing stage stops the run with a message naming it:
#   prereqs      scripts/install-prereqs.sh (idempotent; installs only what is missing), the npm tools of the
#                portal and connector tests (tests/e2e/portal-tools.sh, tests/e2e/connector-tools.sh)
#   build        dotnet build -c Release Portico.slnx (warnings are errors)
#   format       dotnet format Portico.slnx --verify-no-changes
#   unit         dotnet test Portico.slnx -c Release --no-build (xunit v3, SQLite stores)
#   unit-postgres the same suite on PostgreSQL (scripts/postgres.sh starts a throwaway cluster)
#   conformance  tests/e2e/conformance.sh (official MCP conformance suite)
#   ts-client    tests/e2e/ts-client.sh (official MCP TypeScript SDK client)
#   ts-oauth     tests/e2e/ts-oauth.sh (the TypeScript SDK client signs in with OAuth: 401, discovery,
#                DCR, Portico's login and consent pages, PKCE code on a loopback redirect, tools)
#   ts-gateway   tests/e2e/ts-gateway.sh (the TypeScript SDK client through the gateway: server-everything
#                over stdio and Streamable HTTP and server-memory added with the CLI; tools, progress,
#                sampling and elicitation relayed)
#   prometheus   tests/e2e/prometheus.sh (Debian's Prometheus scrapes /metrics with a portico/metrics key;
#                the tool calls and error codes it stored equal what was sent)
#   scale-out    tests/e2e/scale-out.sh (3 instances on PostgreSQL behind nginx: SIGKILL under
#                load, global rate limit, revocation; deploy/cluster.sh starts the cluster)
#   workflow-crash tests/e2e/workflow-crash.sh (2 instances on PostgreSQL: 200 runs of a five-step workflow,
#                one instance SIGKILLed mid-step and restarted; every run succeeds, each step completed once)
#
# Ends with a table of each stage's duration and, on success, one line adding up the checks
# the stages reported: "tests: N passed, 0 failed".
#
# Environment:
#   PORTICO_STAGES="build unit"   run only these stages (space-separated, in the order above)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ALL_STAGES=(prereqs build format unit unit-postgres conformance ts-client ts-oauth ts-gateway prometheus scale-out workflow-crash)
read -r -a STAGES <<<"${PORTICO_STAGES:-${ALL_STAGES[*]}}"
for s in "${STAGES[@]}"; do
  [[ " ${ALL_STAGES[*]} " == *" $s "* ]] || {
    echo "run-all: unknown stage '$s' (stages: ${ALL_STAGES[*]})" >&2
    exit 2
  }
done

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portico-run-all.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

declare -A STAGE_CMD=(
  # the packages and tools the tests need: Debian (chromium, postgresql, …) and npm (the portal tests' axe-core and client)
  [prereqs]="bash scripts/install-prereqs.sh && bash tests/e2e/portal-tools.sh && bash tests/e2e/connector-tools.sh"
  [build]="dotnet build -c Release Portico.slnx"
  # after the build, so no second restore is needed
  [format]="dotnet format Portico.slnx --verify-no-changes --no-restore"
  [unit]="dotnet test Portico.slnx -c Release --no-build"
  # the same suite again, every test server on a fresh PostgreSQL database of a throwaway cluster
  [unit-postgres]="bash scripts/postgres.sh start && PORTICO_TEST_POSTGRES=\"\$(bash scripts/postgres.sh url)\" dotnet test Portico.slnx -c Release --no-build"
  [conformance]="bash tests/e2e/conformance.sh"
  [ts-client]="bash tests/e2e/ts-client.sh"
  [ts-oauth]="bash tests/e2e/ts-oauth.sh"
  [ts-gateway]="bash tests/e2e/ts-gateway.sh"
  [prometheus]="bash tests/e2e/prometheus.sh"
  [scale-out]="bash tests/e2e/scale-out.sh"
  [workflow-crash]="bash tests/e2e/workflow-crash.sh"
)

fmt_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

declare -A DURATION=() RESULT=()
run_started=$SECONDS
failed_stage=""

summary() {
  echo
  echo "=== run-all summary ==="
  local s
  for s in "${STAGES[@]}"; do
    printf '  %-12s %-8s %s\n' "$s" "${RESULT[$s]:-skipped}" "${DURATION[$s]:+$(fmt_duration "${DURATION[$s]}")}"
  done
  printf '  %-12s %-8s %s\n' total "" "$(fmt_duration $((SECONDS - run_started)))"
}

for s in "${STAGES[@]}"; do
  echo
  echo "=== [$s] ${STAGE_CMD[$s]} ==="
  started=$SECONDS
  set +e
  eval "${STAGE_CMD[$s]}" 2>&1 </dev/null | tee "$LOG_DIR/$s.log"
  rc=${PIPESTATUS[0]}
  set -e
  DURATION[$s]=$((SECONDS - started))
  if ((rc != 0)); then
    RESULT[$s]="FAILED"
    failed_stage="$s"
    break
  fi
  RESULT[$s]="ok"
  echo "=== [$s] ok in $(fmt_duration "${DURATION[$s]}") ==="
done

summary

if [[ -n "$failed_stage" ]]; then
  echo
  echo "run-all: FAILED at stage '$failed_stage' (exit $rc): see its output above"
  exit 1
fi

# Add up the checks the stages reported (xunit: "Passed!  - Failed: 0, Passed: N, ...";
# the e2e scripts: "<name>: N passed, N failed").
passed=0
failed=0
while read -r p f; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(
  cat "$LOG_DIR"/*.log 2>/dev/null | sed -nE \
    -e 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\3 \2/p' \
    -e 's/^(conformance|ts-client|ts-oauth|ts-gateway|prometheus|scale-out|workflow-crash): ([0-9]+) passed, ([0-9]+) failed$/\2 \3/p'
)
echo
echo "run-all: all ${#STAGES[@]} stage(s) passed"
echo "tests: $passed passed, $failed failed"
