#!/bin/sh
# Initialises PGDATA when empty (superuser `postgres`, password from POSTGRES_PASSWORD),
# applies every /bootstrap/*.sql (idempotent role and database creation) through the local
# socket, then replaces itself with the server.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
socket_dir=/tmp
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username=postgres --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 "$PGDATA" >/dev/null
  rm -f "$pwfile"
  {
    echo "listen_addresses = '*'"
    echo "unix_socket_directories = '$socket_dir'"
    echo "max_connections = ${POSTGRES_MAX_CONNECTIONS:-300}"
    echo "shared_buffers = ${POSTGRES_SHARED_BUFFERS:-128MB}"
  } >> "$PGDATA/postgresql.conf"
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
if ls /bootstrap/*.sql >/dev/null 2>&1; then
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  for script in /bootstrap/*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -U postgres -d postgres -f "$script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA"
