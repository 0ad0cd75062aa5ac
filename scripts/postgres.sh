#!/usr/bin/env bash
# A throwaway PostgreSQL server for the web service's tests: `source scripts/postgres.sh` starts a cluster in a
# temporary folder on 127.0.0.1 (trust authentication, nothing else listens) and exports
# KIEMCHUNG_TEST_DATABASE_URL; `stop_postgres` stops it and removes the folder. PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` account the Debian package creates.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
    echo "scripts/postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
fi
_pg_dir=$(mktemp -d /tmp/kiemchung-postgres.XXXXXX)
_pg_port=$((20000 + RANDOM % 20000))
if [ "$(id -u)" = 0 ]; then _pg_as=(runuser -u postgres --); chown postgres "$_pg_dir"; else _pg_as=(); fi
"${_pg_as[@]}" "$bin/initdb" -D "$_pg_dir/data" -A trust -U kiemchung -E UTF8 >/dev/null
"${_pg_as[@]}" "$bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/log" -w \
    -o "-h 127.0.0.1 -p $_pg_port -k $_pg_dir" start >/dev/null
export KIEMCHUNG_TEST_DATABASE_URL="postgresql://kiemchung@127.0.0.1:$_pg_port/postgres"

stop_postgres() {
    "${_pg_as[@]}" "$bin/pg_ctl" -D "$_pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$_pg_dir"
}
