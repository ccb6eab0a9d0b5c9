#!/usr/bin/env bash
# Story clustering and near-duplicate benchmark (see bench/clustering.py). Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/clustering" ] || { echo "no benchmark data at $SHARED/bench/clustering" >&2; exit 1; }
cargo build --release --quiet
python3 bench/clustering.py --shared "$SHARED" "$@"
