#!/usr/bin/env bash
# Framing benchmark (see bench/framing.py): BABE SG2 and BASIL lexical spans. Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/analysis" ] || { echo "no benchmark data at $SHARED/bench/analysis" >&2; exit 1; }
cargo build --release --quiet
python3 bench/framing.py --shared "$SHARED" "$@"
