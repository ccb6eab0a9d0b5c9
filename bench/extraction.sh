#!/usr/bin/env bash
# Extraction benchmark: parallax against trafilatura on the same pages, side by side in one run.
# Needs ../shared (benchmark data and scorers) and PyPI access for the peer's venv.
#   bash bench/extraction.sh            # AEB (181 pages) + WCXB test split, article pages
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
[ -d "$SHARED/bench/extraction" ] || { echo "no benchmark data at $SHARED/bench/extraction" >&2; exit 1; }
cargo build --release --quiet
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c "import trafilatura" 2>/dev/null; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet "trafilatura==2.3.1" lxml_html_clean
fi
python3 bench/extraction.py --shared "$SHARED" "$@"
