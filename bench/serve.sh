#!/usr/bin/env bash
# Server benchmark (issue 17): wrk against `parallax serve` over a store of 10,000 articles
# (the synthetic stream of bench/clustering.py), on the stories page, a story page,
# /api/stories and a search, while an ingest writes 150,000 more articles into the same store.
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
clustering.synthetic_stream(basil, 150000, random.Random(4), f"{sys.argv[2]}/more.jsonl", first=10000)
PY
BIN=target/release/parallax
$BIN ingest --db "$OUT/p.db" "$OUT/base.jsonl" > /dev/null 2>&1
$BIN serve --db "$OUT/p.db" --addr 127.0.0.1:0 > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q http "$OUT/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT/serve.log" | head -1)
STORY=$(curl -s "$URL/api/stories" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"][0]["id"])')
# the largest story's first view compares its articles (seconds); later views are kept pages
start=$(date +%s.%N); curl -s "$URL/story/$STORY" > /dev/null; end=$(date +%s.%N)
curl -s "$URL/api/stories/$STORY" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("largest story: %d articles, %d claims; first view" % (len(s["articles"]), len(s["claims"])), end=" ")'
python3 -c "print(f'{$end - $start:.2f} s')"
# the server's indexer takes the base store in on its own thread; wait until it has
until curl -s "$URL/api/search?q=president" | grep -q '"article"'; do sleep 0.2; done
sleep 2
$BIN ingest --db "$OUT/p.db" "$OUT/more.jsonl" > /dev/null 2>&1 &
INGEST=$!
# wrk is closed-loop (8 connections, each sending its next request when the last is answered):
# a path that serves far more than 200 requests/s with p99 under 50 ms meets the issue's goal
# (p99 < 50 ms at 200 req/s) a fortiori. (wrk's own pacing, a Lua delay(), throttles per thread,
# not per connection, and gave rates that had nothing to do with the delay asked.)
summary='/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s\n", rps, p50, p99}'
PATHS=("/" "/story/$STORY" "/api/stories" "/api/stories/$STORY" "/api/search?q=president+campaign" "/search?q=senate&from=2010-01-01")
# each page once before timing: a cold page is rendered on its first request (the largest
# story's took the time printed above); what is timed is a warm server under a writing ingest
for path in "${PATHS[@]}"; do curl -s "$URL$path" > /dev/null; done
# first at the issue's rate, open loop (bench/paced.py): 200 requests a second on schedule
echo "at 200 requests/s, open loop (latency from when each request was due):"
for path in "${PATHS[@]}"; do
  python3 bench/paced.py 200 5 "$URL$path" | tr -d '\n'
  if kill -0 $INGEST 2>/dev/null; then echo "   (ingest writing)"; else echo "   (ingest done)"; fi
done
echo "flat out, wrk -t2 -c8 (closed loop):"
for path in "${PATHS[@]}"; do
  printf '%-36s ' "$path"
  wrk -t2 -c8 -d6s --latency "$URL$path" | awk "$summary" | tr -d '\n'
  if kill -0 $INGEST 2>/dev/null; then echo "   (ingest writing)"; else echo "   (ingest done)"; fi
done
wait $INGEST && echo "(an ingest of 150,000 articles wrote to the store meanwhile)"
