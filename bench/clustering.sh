#!/usr/bin/env bash
# Story clustering and near-duplicate benchmark (see bench/clustering.py). Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/clustering" ] || { echo "no benchmark data at $SHARED/bench/clustering" >&2; exit 1; }
MODEL=models/all-MiniLM-L6-v2
if [ -f "$MODEL/model.safetensors" ]; then
  # the optional embedding path is benchmarked too when scripts/fetch-model.sh has been run
  cargo build --release --quiet --features embed
  python3 bench/clustering.py --shared "$SHARED" --embed-model "$MODEL" "$@"
else
  echo "(no model at $MODEL: the optional embedding path is skipped; scripts/fetch-model.sh fetches it)"
  cargo build --release --quiet
  python3 bench/clustering.py --shared "$SHARED" "$@"
fi
