#!/usr/bin/env bash
# Scale-out benchmark (see bench/work.py): 1, 2 and 4 workers into PostgreSQL against one SQLite
# process. Starts a PostgreSQL of its own (scripts/local-postgres.sh), stopped at the end.
#   bench/work.sh                    # the 1M-article stream (about 6 GB of JSONL, 20 GB of disk)
#   bench/work.sh --articles 100000  # a quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/clustering" ] || { echo "no benchmark data at $SHARED/bench/clustering" >&2; exit 1; }
cargo build --release --quiet
PGDIR="$(mktemp -d /tmp/parallax-bench-pg.XXXXXX)"
URL="$(scripts/local-postgres.sh start "$PGDIR")"
trap 'scripts/local-postgres.sh stop "$PGDIR" >/dev/null 2>&1; rm -rf "$PGDIR"' EXIT
PID="$(head -1 "$PGDIR/postmaster.pid")"
python3 bench/work.py --shared "$SHARED" --pg "$URL" --pg-pid "$PID" "$@"
