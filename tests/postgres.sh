#!/usr/bin/env bash
# Starts a private PostgreSQL 15 for the tests and the benchmark, or stops it.
#   eval "$(tests/postgres.sh start DIR)"   # prints: export REPORTING_TEST_POSTGRES='…'
#   tests/postgres.sh stop DIR
# The cluster lives in DIR (owned by the postgres user when run as root: initdb refuses root), listens
# on 127.0.0.1 only, on a free port, with trust auth for local connections (test data only).
set -euo pipefail
action=${1:?start|stop}; dir=${2:?folder}
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  else
    echo "postgres.sh: PostgreSQL 15 is needed (sudo apt-get install postgresql-15)" >&2; exit 1
  fi
fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }

case "$action" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  as_owner "'$bin/initdb' -D '$dir/db' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # A port nothing answers on (bash's /dev/tcp connects only if something listens).
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  as_owner "'$bin/pg_ctl' -D '$dir/db' -l '$dir/server.log' -w -o \"-k '$dir' -p $port -h 127.0.0.1 -c max_connections=300\" start >&2" \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export REPORTING_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
  ;;
stop)
  [ -d "$dir/db" ] && as_owner "'$bin/pg_ctl' -D '$dir/db' -m fast -w stop >/dev/null 2>&1" || true
  ;;
*) echo "postgres.sh: start or stop" >&2; exit 2 ;;
esac
