#!/usr/bin/env bash
# A private PostgreSQL 15 cluster on 127.0.0.1 for development, CI and benchmarks (no system cluster touched).
#   tools/pg-local.sh start   initdb (first time) + start; prints the TELEMETRY_DB_URL to use
#   tools/pg-local.sh url     prints the TELEMETRY_DB_URL
#   tools/pg-local.sh stop    stops the cluster (data kept)
#   tools/pg-local.sh destroy stops it and deletes its folder
# PG_LOCAL_DIR (default /tmp/bloom-pg) and PG_LOCAL_PORT (default 55432) choose where; role/password/database: bloom.
# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
set -euo pipefail

DIR="${PG_LOCAL_DIR:-/tmp/bloom-pg}"
PORT="${PG_LOCAL_PORT:-55432}"
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
URL="postgres://bloom:bloom@127.0.0.1:${PORT}/bloom"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_super() {
  as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

start() {
  [ -x "$BIN/initdb" ] || { echo "PostgreSQL binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    # Socket connections (the superuser, from this script) are trusted; TCP needs the role's password.
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-instructions >/dev/null
  fi
  if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200" start >/dev/null
  fi
  # CREATEDB: the e2e suites create and drop one database per test app.
  if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = 'bloom'")" != 1 ]; then
    psql_super -c "CREATE ROLE bloom LOGIN CREATEDB PASSWORD 'bloom'"
  fi
  # pg_signal_backend: DROP DATABASE … WITH (FORCE) of a test database may have to stop an autovacuum worker in it.
  psql_super -c "SET client_min_messages = warning" -c "GRANT pg_signal_backend TO bloom"
  if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = 'bloom'")" != 1 ]; then
    psql_super -c "CREATE DATABASE bloom OWNER bloom"
  fi
  echo "$URL"
}

stop() {
  if [ -f "$DIR/data/PG_VERSION" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; fi
}

case "${1:-start}" in
  start) start ;;
  url) echo "$URL" ;;
  stop) stop ;;
  destroy) stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|url|stop|destroy" >&2; exit 2 ;;
esac
