#!/usr/bin/env bash
# Server benchmark (issue 17): wrk against `parallax serve` over a store of 10,000 articles
# (the synthetic stream of bench/clustering.py), on the stories page, a story page,
# /api/stories and a search, while an ingest writes 20,000 more articles into the same store.
# Loopback only. Needs ../shared and wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
OUT=bench/out/serve; rm -rf "$OUT"; mkdir -p "$OUT"
python3 - "$SHARED" "$OUT" <<'PY'
import json, random, sys
sys.path.insert(0, "bench")
import clustering
basil = [json.loads(l) for l in open(f"{sys.argv[1]}/bench/clustering/basil/articles.jsonl")]
clustering.synthetic_stream(basil, 10000, random.Random(3), f"{sys.argv[2]}/base.jsonl")
clustering.synthetic_stream(basil, 20000, random.Random(4), f"{sys.argv[2]}/more.jsonl", first=10000)
PY
BIN=target/release/parallax
$BIN ingest --db "$OUT/p.db" "$OUT/base.jsonl" > /dev/null 2>&1
$BIN serve --db "$OUT/p.db" --addr 127.0.0.1:0 > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q http "$OUT/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT/serve.log" | head -1)
STORY=$(curl -s "$URL/api/stories" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"][0]["id"])')
curl -s "$URL/api/search?q=president" > /dev/null   # the index catches up once, before timing
$BIN ingest --db "$OUT/p.db" "$OUT/more.jsonl" > /dev/null 2>&1 &
INGEST=$!
for path in "/" "/story/$STORY" "/api/stories" "/api/search?q=president+campaign"; do
  printf '%-32s ' "$path"
  wrk -t2 -c8 -d8s --latency "$URL$path" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s\n", rps, p50, p99}'
done
wait $INGEST && echo "(an ingest of 20,000 articles wrote to the store meanwhile)"
