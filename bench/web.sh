#!/usr/bin/env bash
# Web ingest benchmark (see bench/web.py): a local WARC through `add` against files through
# `ingest`, and a local feed server polled by `watch`. Loopback only. Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
cargo build --release --quiet
python3 bench/web.py --shared "$SHARED" "$@"
