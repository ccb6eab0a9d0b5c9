#!/usr/bin/env bash
# A PostgreSQL server as a local process, for trying parallax's shared store, its tests and its
# benchmarks: no system service, a data directory of its own, listening on 127.0.0.1 only.
#
#   scripts/local-postgres.sh start DIR [PORT]   # prints the server's URL on stdout
#   scripts/local-postgres.sh stop DIR
#
# Debian's postgresql package is installed with apt-get when missing (as root). The server
# trusts local connections as user `parallax`: for a laptop or a test, not for a network.
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,9p' "$0" >&2; exit 2; }
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    command -v apt-get >/dev/null || { echo "no PostgreSQL here and no apt-get to install it" >&2; exit 1; }
    echo "installing postgresql" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
# the server refuses to run as root: as root it runs as the postgres user
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
case "$cmd" in
start)
    port="${3:-$(( 40000 + RANDOM % 20000 ))}"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_pg "$bin/initdb -D '$dir' -U parallax --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    as_pg "$bin/pg_ctl -D '$dir' -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l '$dir/log' -w start" >/dev/null
    echo "postgres://parallax@127.0.0.1:$port/postgres"
    ;;
stop)
    as_pg "$bin/pg_ctl -D '$dir' -m fast stop" >/dev/null
    ;;
*)
    sed -n '2,9p' "$0" >&2; exit 2
    ;;
esac
