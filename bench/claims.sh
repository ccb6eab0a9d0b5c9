#!/usr/bin/env bash
# Claims benchmark (see bench/claims.py): MRPC, FNC-1, PolNeAR, the dev gold set, a 200-article
# story. Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/analysis" ] || { echo "no benchmark data at $SHARED/bench/analysis" >&2; exit 1; }
cargo build --release --quiet
python3 bench/claims.py --shared "$SHARED" "$@"
