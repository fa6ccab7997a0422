#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for tests and the local cluster demo.
#
#   scripts/postgres.sh start   # idempotent: creates the cluster once, starts it if stopped
#   scripts/postgres.sh stop
#   scripts/postgres.sh url     # prints the connection string Portico's tests use
#
# Data lives in $PORTICO_PG_DIR (default /tmp/portico-pg); the port is $PORTICO_PG_PORT (default 55432).
# Authentication is "trust" on loopback only: this cluster is for tests, never for data you keep.
set -euo pipefail

PG_DIR="${PORTICO_PG_DIR:-/tmp/portico-pg}"
PG_PORT="${PORTICO_PG_PORT:-55432}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

die() { echo "postgres.sh: $*" >&2; exit 1; }

as_postgres() {
  if [[ "$(id -u)" == "0" ]]; then
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

ensure_installed() {
  if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
    [[ "$(id -u)" == "0" ]] || die "PostgreSQL is not installed and installing needs root: apt-get install postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
}

start() {
  ensure_installed
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    mkdir -p "$PG_DIR"
    [[ "$(id -u)" == "0" ]] && chown postgres:postgres "$PG_DIR"
    as_postgres "'$PG_BIN/initdb' -D '$PG_DIR' -U postgres --auth=trust -E UTF8 --no-locale >'$PG_DIR.initdb.log' 2>&1" \
      || { cat "$PG_DIR.initdb.log" >&2; die "initdb failed"; }
    cat >>"$PG_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if as_postgres "'$PG_BIN/pg_ctl' -D '$PG_DIR' status" >/dev/null 2>&1; then
    return 0
  fi
  as_postgres "'$PG_BIN/pg_ctl' -D '$PG_DIR' -l '$PG_DIR/server.log' -w -t 60 start" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
}

stop() {
  [[ -n "$PG_BIN" && -f "$PG_DIR/PG_VERSION" ]] || return 0
  as_postgres "'$PG_BIN/pg_ctl' -D '$PG_DIR' -m fast -w stop" >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres" ;;
  *) die "usage: $0 start|stop|url" ;;
esac
