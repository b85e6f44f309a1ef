#!/usr/bin/env bash
# A throw-away PostgreSQL server on 127.0.0.1 for the tests (CI and `make test-pg`).
#   tools/pg_test_server.sh start DIR   -> prints the admin URL for KBANG_TEST_PG
#   tools/pg_test_server.sh stop DIR
# Installs Debian's postgresql package when it is missing and we are root.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?folder for the server}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

bin=$(find_bin)
if [ "$action" = stop ]; then
    [ -n "$bin" ] && [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi
if [ -z "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -q postgresql || { apt-get update -q && apt-get install -y -q postgresql; }; } >&2
        bin=$(find_bin)
    fi
    if [ -z "$bin" ]; then
        echo "PostgreSQL is not installed (Debian: apt-get install postgresql)." >&2
        exit 1
    fi
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
# fsync off: a test server, thrown away afterwards
as_owner "$bin/pg_ctl" -D "$dir/data" -o "-h 127.0.0.1 -p $port -k $dir -F -c max_connections=200" -l "$dir/log" -w start >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
