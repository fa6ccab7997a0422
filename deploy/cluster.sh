#!/usr/bin/env bash
# A local Portico cluster: PostgreSQL, N Portico instances and nginx round-robin over them, all
# on loopback. For trying scale-out by hand, for tests/e2e/scale-out.sh and for bench/cluster.sh.
#
#   deploy/cluster.sh up [N]     # N instances (default 3) on a fresh database; prints the endpoint
#                                # and an API key of a new tenant + user. Replaces a previous cluster.
#   deploy/cluster.sh down       # stops nginx and the instances (PostgreSQL keeps running)
#   deploy/cluster.sh status     # endpoint, instances, their readiness; exit 1 unless all are up
#   deploy/cluster.sh kill I     # SIGKILL instance I (1-based)
#   deploy/cluster.sh start I    # start instance I again, on the same port, and wait until ready
#   deploy/cluster.sh env        # shell assignments for scripts: eval "$(deploy/cluster.sh env)"
#
# Layout: nginx listens on 127.0.0.1:$PORTICO_CLUSTER_PORT, instance I on $PORTICO_CLUSTER_PORT+I.
# Everything the cluster writes (pids, logs, rendered nginx.conf, the API key, the key-encryption
# key portico.kek that every instance and the CLI share) is under the state directory. nginx runs in the foreground (daemon off) with its own prefix, pid and logs
# there, as a background process of this script; the system nginx service is not touched.
#
# Environment, read by 'up' and remembered for the other commands (defaults in brackets):
#   PORTICO_CLUSTER_DIR    state directory [/tmp/portico-cluster]
#   PORTICO_CLUSTER_PORT   nginx port; instances use the next N ports [18080]
#   PORTICO_CLUSTER_DB     database created afresh on every 'up' [portico_cluster]
#   PORTICO_CLUSTER_PLAN   plan of the tenant 'up' creates: basic, pro, pro_plus [basic]
#   PORTICO_CLUSTER_ENV    extra VAR=value words for every instance, e.g.
#                          "Portico__RateLimits__WriteCallsPerMinute=600" [none]
#   PORTICO_CLUSTER_BUILD  0: use the existing Release build of src/Portico instead of building [1]
#   PORTICO_PG_PORT        port of the throwaway PostgreSQL cluster (scripts/postgres.sh) [55432]
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${PORTICO_CLUSTER_DIR:-/tmp/portico-cluster}"
STATE_FILE="$STATE_DIR/cluster.env"
NGINX_DIR="$STATE_DIR/nginx"
PID_DIR="$STATE_DIR/pids"
PORTICO_DLL="$REPO_ROOT/src/Portico/bin/Release/net10.0/portico.dll"
# One key-encryption key for the Data Protection key ring of the whole cluster: a PostgreSQL store
# refuses to start without one, and instances with different keys could not read each other's secrets.
KEK_FILE="$STATE_DIR/portico.kek"
export Portico__Security__KeyEncryptionKeyFile="$KEK_FILE"
PG_PORT="${PORTICO_PG_PORT:-55432}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# ------------------------------------------------------------------ state
load_state() {
  [[ -f "$STATE_FILE" ]] || die "no cluster in $STATE_DIR (run: deploy/cluster.sh up)"
  # shellcheck source=/dev/null
  source "$STATE_FILE"
}

save_state() {
  mkdir -p "$STATE_DIR"
  {
    printf 'CLUSTER_PORT=%q\n' "$CLUSTER_PORT"
    printf 'CLUSTER_SIZE=%q\n' "$CLUSTER_SIZE"
    printf 'CLUSTER_DB=%q\n' "$CLUSTER_DB"
    printf 'CLUSTER_STORE=%q\n' "$CLUSTER_STORE"
    printf 'CLUSTER_TENANT=%q\n' "${CLUSTER_TENANT:-}"
    printf 'CLUSTER_USER=%q\n' "${CLUSTER_USER:-}"
    printf 'CLUSTER_KEY_ID=%q\n' "${CLUSTER_KEY_ID:-}"
    # A plain assignment: 'declare -p' output would make the array local to load_state.
    printf 'CLUSTER_ENV=('
    ((${#CLUSTER_ENV[@]} == 0)) || printf '%q ' "${CLUSTER_ENV[@]}"
    printf ')\n'
  } >"$STATE_FILE.tmp"
  mv "$STATE_FILE.tmp" "$STATE_FILE"
}

instance_port() { echo $((CLUSTER_PORT + $1)); }

# ------------------------------------------------------------------ processes
# Only processes this script started are ever signalled: a pid is acted on only when its command
# line is the one we launched (a recycled pid belongs to someone else).
cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

instance_pattern() { echo "portico.dll serve --urls http://127.0.0.1:$1 "; }
nginx_pattern() { echo "-p $NGINX_DIR/ "; }

# A killed process stays a zombie until its parent (init here) reaps it; a zombie has no command
# line, so it does not count as running.
is_ours() { # PID PATTERN
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && [[ "$(cmdline_of "$1")" == *"$2"* ]]
}

pid_of() { cat "$PID_DIR/$1.pid" 2>/dev/null || true; }

# stop_pid PID PATTERN SECONDS: SIGTERM (graceful: Portico drains and flushes), SIGKILL after SECONDS.
stop_pid() {
  local pid=$1 pattern=$2 seconds=$3
  is_ours "$pid" "$pattern" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((seconds * 10))); do
    is_ours "$pid" "$pattern" || return 0
    sleep 0.1
  done
  log "pid $pid did not stop within ${seconds} s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

# Listening pids on a loopback port (nginx: the master and its workers share the socket); needs
# ss (iproute2). Without it, stale listeners are not identified, only detected (port_in_use).
listeners() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -oE 'pid=[0-9]+' | cut -d= -f2 | sort -u || true; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A leftover of an earlier run whose state directory is gone may still hold a port: stop it if it
# is one of ours (a Portico instance on exactly that port, or an nginx with our prefix), else fail.
free_port() {
  local port=$1 pid cmd
  for pid in $(listeners "$port"); do
    cmd="$(cmdline_of "$pid")"
    if [[ "$cmd" == *"$(instance_pattern "$port")"* ]]; then
      log "stopping a stale Portico instance on port $port (pid $pid)"
      stop_pid "$pid" "$(instance_pattern "$port")" 10
    elif [[ "$cmd" == *"nginx: master process"*"$(nginx_pattern)"* ]]; then
      log "stopping a stale nginx on port $port (pid $pid)"
      stop_pid "$pid" "$(nginx_pattern)" 10
    fi
  done
  for _ in $(seq 1 50); do
    port_in_use "$port" || return 0
    sleep 0.1
  done
  ss -ltnpH "sport = :$port" >&2 2>/dev/null || true
  die "port $port is in use by another process (choose another PORTICO_CLUSTER_PORT)"
}

stop_everything() {
  local f name
  stop_pid "$(pid_of nginx)" "$(nginx_pattern)" 10
  for f in "$PID_DIR"/portico-*.pid; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .pid)"
    stop_pid "$(cat "$f")" "$(instance_pattern "$((CLUSTER_PORT + ${name#portico-}))")" 20
    rm -f "$f"
  done
  rm -f "$PID_DIR/nginx.pid"
}

# ------------------------------------------------------------------ pieces
build() {
  [[ "${PORTICO_CLUSTER_BUILD:-1}" == 0 ]] && { [[ -f "$PORTICO_DLL" ]] || die "no build at $PORTICO_DLL"; return 0; }
  local attempt
  log "building src/Portico (Release)"
  for attempt in 1 2 3 4 5; do
    # 9>&-: MSBuild and compiler server processes outlive the build and must not hold the lock.
    if dotnet build -c Release "$REPO_ROOT/src/Portico" -nologo -v quiet >"$STATE_DIR/build.log" 2>&1 9>&-; then
      return 0
    fi
    # Other builds run concurrently on this machine; a locked file clears up after a while.
    log "build failed (attempt $attempt); retrying in 10 s"
    sleep 10
  done
  tail -n 30 "$STATE_DIR/build.log" >&2
  die "dotnet build -c Release src/Portico failed (see $STATE_DIR/build.log)"
}

psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

fresh_database() {
  bash "$REPO_ROOT/scripts/postgres.sh" start
  [[ "$CLUSTER_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "PORTICO_CLUSTER_DB must be a plain lowercase identifier, got '$CLUSTER_DB'"
  psql_admin -c "DROP DATABASE IF EXISTS $CLUSTER_DB WITH (FORCE)" -c "CREATE DATABASE $CLUSTER_DB" >/dev/null
  log "database $CLUSTER_DB created on 127.0.0.1:$PG_PORT"
}

portico_cli() { dotnet "$PORTICO_DLL" "$@" --store "$CLUSTER_STORE" 9>&-; }

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The CLI migrates the fresh store first, so instances starting together never race to migrate it,
# and with a user in the store no instance seeds (and prints) a demo key.
provision() {
  CLUSTER_USER="cluster@portico.local"
  CLUSTER_TENANT="$(portico_cli tenants create --name Cluster --plan "${PORTICO_CLUSTER_PLAN:-basic}" --json | json_field id)"
  portico_cli members add --tenant "$CLUSTER_TENANT" --user "$CLUSTER_USER" --role owner --json >/dev/null
  local created
  created="$(portico_cli keys create --user "$CLUSTER_USER" --tenant "$CLUSTER_TENANT" --name cluster --json 2>/dev/null)"
  CLUSTER_KEY_ID="$(json_field id <<<"$created")"
  (umask 077 && json_field key <<<"$created" >"$STATE_DIR/api-key")
}

start_instance() { # I
  local i=$1 port pid logfile
  port="$(instance_port "$i")"
  pid="$(pid_of "portico-$i")"
  if is_ours "$pid" "$(instance_pattern "$port")"; then
    log "instance $i is already running (pid $pid, port $port)"
    return 0
  fi
  free_port "$port"
  logfile="$STATE_DIR/portico-$i.log"
  printf '\n=== %s cluster.sh: starting instance %s on port %s\n' "$(date -u +%FT%TZ)" "$i" "$port" >>"$logfile"
  # setsid: the instance outlives this script and is not hit by a Ctrl-C meant for its caller.
  setsid env "${CLUSTER_ENV[@]}" dotnet "$PORTICO_DLL" serve --urls "http://127.0.0.1:$port" --store "$CLUSTER_STORE" \
    >>"$logfile" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_DIR/portico-$i.pid"
}

wait_ready() { # I
  local i=$1 port pid
  port="$(instance_port "$i")"
  pid="$(pid_of "portico-$i")"
  for _ in $(seq 1 600); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      return 0
    fi
    if ! is_ours "$pid" "$(instance_pattern "$port")"; then
      tail -n 30 "$STATE_DIR/portico-$i.log" >&2
      die "instance $i exited during start-up (log: $STATE_DIR/portico-$i.log)"
    fi
    sleep 0.1
  done
  die "instance $i is not ready after 60 s (log: $STATE_DIR/portico-$i.log)"
}

start_nginx() {
  local servers="" i conf
  for i in $(seq 1 "$CLUSTER_SIZE"); do
    servers+="        server 127.0.0.1:$(instance_port "$i") max_fails=1 fail_timeout=2s;"$'\n'
  done
  mkdir -p "$NGINX_DIR/tmp"
  conf="$(<"$REPO_ROOT/deploy/nginx.conf.template")"
  conf="${conf//@STATE_DIR@/$NGINX_DIR}"
  conf="${conf//@PORT@/$CLUSTER_PORT}"
  conf="${conf//@SERVERS@/${servers%$'\n'}}"
  printf '%s\n' "$conf" >"$NGINX_DIR/nginx.conf"
  nginx -t -q -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
    || die "nginx rejected $NGINX_DIR/nginx.conf"
  free_port "$CLUSTER_PORT"
  setsid nginx -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
    >>"$NGINX_DIR/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_DIR/nginx.pid"
  for _ in $(seq 1 100); do
    curl -fsS --max-time 2 "http://127.0.0.1:$CLUSTER_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$(pid_of nginx)" 2>/dev/null || { cat "$NGINX_DIR/error.log" >&2; die "nginx exited"; }
    sleep 0.1
  done
  die "nginx does not answer on port $CLUSTER_PORT (see $NGINX_DIR/error.log)"
}

# ------------------------------------------------------------------ commands
cmd_up() {
  local n=${1:-3} i
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "up: N must be 1-99, got '$n'"
  command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx-light)"

  # Whatever a previous run left behind goes first, with the settings it was started with.
  if [[ -f "$STATE_FILE" ]]; then
    load_state
    log "stopping the previous cluster in $STATE_DIR"
    stop_everything
  fi

  CLUSTER_PORT="${PORTICO_CLUSTER_PORT:-18080}"
  CLUSTER_SIZE=$n
  CLUSTER_DB="${PORTICO_CLUSTER_DB:-portico_cluster}"
  CLUSTER_STORE="postgres://postgres@127.0.0.1:$PG_PORT/$CLUSTER_DB"
  read -r -a CLUSTER_ENV <<<"${PORTICO_CLUSTER_ENV:-}"
  CLUSTER_TENANT="" CLUSTER_USER="" CLUSTER_KEY_ID=""
  for i in $(seq 0 "$n"); do
    free_port "$((CLUSTER_PORT + i))"
  done
  rm -rf "$NGINX_DIR" "$PID_DIR" "$STATE_DIR"/portico-*.log "$STATE_DIR/api-key" "$KEK_FILE"
  mkdir -p "$PID_DIR"
  # A fresh database gets a fresh key, written before anything starts so all share it.
  (umask 077 && head -c 32 /dev/urandom | base64 >"$KEK_FILE")
  save_state

  build
  fresh_database
  provision
  save_state

  for i in $(seq 1 "$n"); do
    start_instance "$i"
  done
  for i in $(seq 1 "$n"); do
    wait_ready "$i"
    log "instance $i ready on http://127.0.0.1:$(instance_port "$i") (pid $(pid_of "portico-$i"))"
  done
  start_nginx
  log "nginx round-robin on http://127.0.0.1:$CLUSTER_PORT (pid $(pid_of nginx))"

  cat <<EOF

Portico cluster: $n instance(s) behind nginx, store $CLUSTER_STORE
  MCP endpoint:  http://127.0.0.1:$CLUSTER_PORT/mcp
  instances:     $(for i in $(seq 1 "$n"); do printf 'http://127.0.0.1:%s ' "$(instance_port "$i")"; done)
  tenant:        $CLUSTER_TENANT (plan ${PORTICO_CLUSTER_PLAN:-basic}), user $CLUSTER_USER (owner)
  API key:       $(cat "$STATE_DIR/api-key")   (id $CLUSTER_KEY_ID; also in $STATE_DIR/api-key)
  logs:          $STATE_DIR/portico-*.log, $NGINX_DIR/access.log
  try:           deploy/cluster.sh status | kill 2 | start 2 | down
EOF
}

cmd_down() {
  [[ -f "$STATE_FILE" ]] || { log "no cluster in $STATE_DIR"; return 0; }
  load_state
  stop_everything
  log "stopped nginx and the instances (database $CLUSTER_DB and PostgreSQL are left running)"
}

cmd_status() {
  load_state
  local i port pid state ready ok=0
  echo "endpoint  http://127.0.0.1:$CLUSTER_PORT/mcp   store $CLUSTER_STORE   key id $CLUSTER_KEY_ID"
  pid="$(pid_of nginx)"
  if is_ours "$pid" "$(nginx_pattern)"; then
    state="running (pid $pid)"
    curl -fsS --max-time 2 "http://127.0.0.1:$CLUSTER_PORT/health" >/dev/null 2>&1 || { state="$state, not answering"; ok=1; }
  else
    state="stopped"
    ok=1
  fi
  printf '%-10s %-28s %s\n' nginx "127.0.0.1:$CLUSTER_PORT" "$state"
  for i in $(seq 1 "$CLUSTER_SIZE"); do
    port="$(instance_port "$i")"
    pid="$(pid_of "portico-$i")"
    if is_ours "$pid" "$(instance_pattern "$port")"; then
      state="running (pid $pid)"
      ready="$(curl -sS --max-time 6 -w ' HTTP %{http_code}' "http://127.0.0.1:$port/health/ready" 2>&1 || true)"
      [[ "$ready" == *"HTTP 200" ]] || ok=1
    else
      state="stopped"
      ready="-"
      ok=1
    fi
    printf '%-10s %-28s %-22s ready: %s\n' "portico-$i" "127.0.0.1:$port" "$state" "$ready"
  done
  return $ok
}

cmd_kill() {
  load_state
  local i=${1:-} port pid
  [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= CLUSTER_SIZE)) || die "kill: instance must be 1-$CLUSTER_SIZE"
  port="$(instance_port "$i")"
  pid="$(pid_of "portico-$i")"
  is_ours "$pid" "$(instance_pattern "$port")" || { log "instance $i is not running"; return 0; }
  kill -KILL "$pid"
  while is_ours "$pid" "$(instance_pattern "$port")"; do sleep 0.02; done
  log "instance $i (pid $pid, port $port) killed with SIGKILL"
}

cmd_start() {
  load_state
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= CLUSTER_SIZE)) || die "start: instance must be 1-$CLUSTER_SIZE"
  start_instance "$i"
  wait_ready "$i"
  log "instance $i ready on http://127.0.0.1:$(instance_port "$i") (pid $(pid_of "portico-$i"))"
}

cmd_env() {
  load_state
  local i ports=()
  for i in $(seq 1 "$CLUSTER_SIZE"); do ports+=("$(instance_port "$i")"); done
  printf 'CLUSTER_URL=%q\n' "http://127.0.0.1:$CLUSTER_PORT"
  printf 'CLUSTER_SIZE=%q\n' "$CLUSTER_SIZE"
  printf 'CLUSTER_PORTS=(%s)\n' "${ports[*]}"
  printf 'CLUSTER_PIDS=(%s)\n' "$(for i in $(seq 1 "$CLUSTER_SIZE"); do printf '%s ' "$(pid_of "portico-$i")"; done)"
  printf 'CLUSTER_STORE=%q\n' "$CLUSTER_STORE"
  printf 'CLUSTER_DB=%q\n' "$CLUSTER_DB"
  printf 'CLUSTER_PG_PORT=%q\n' "$PG_PORT"
  printf 'CLUSTER_TENANT=%q\n' "$CLUSTER_TENANT"
  printf 'CLUSTER_USER=%q\n' "$CLUSTER_USER"
  printf 'CLUSTER_KEY_ID=%q\n' "$CLUSTER_KEY_ID"
  printf 'CLUSTER_KEY=%q\n' "$(cat "$STATE_DIR/api-key" 2>/dev/null || true)"
  printf 'CLUSTER_DIR=%q\n' "$STATE_DIR"
  printf 'CLUSTER_DLL=%q\n' "$PORTICO_DLL"
  # Exported, so the caller's own portico CLI commands on the store find the cluster's key.
  printf 'export Portico__Security__KeyEncryptionKeyFile=%q\n' "$KEK_FILE"
}

# One command at a time per state directory (the test and a person must not interleave 'up's).
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/.lock"
flock -w 300 9 || die "another cluster.sh holds $STATE_DIR/.lock"

case "${1:-}" in
  up) cmd_up "${2:-3}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kill) cmd_kill "${2:-}" ;;
  start) cmd_start "${2:-}" ;;
  env) cmd_env ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
