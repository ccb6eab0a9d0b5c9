"""Open-loop load at a fixed rate (what wrk, closed-loop, cannot do): sends RATE requests a second
to each URL for SECONDS, each on schedule whatever the answers before it, and prints p50/p99 of
the latency counted from when the request was due (so a stall counts against every request it
delays). Loopback only; keep-alive connections from a pool of threads.

    python3 bench/paced.py RATE SECONDS URL...
"""
import http.client, sys, threading, time, urllib.parse, queue

def run(url, rate, seconds):
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    due = queue.Queue()
    lat, errors = [], [0]
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        while True:
            t = due.get()
            if t is None:
                return
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except Exception:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
                ok = False
            d = time.monotonic() - t
            with lock:
                lat.append(d)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(32)]
    for th in threads:
        th.start()
    start = time.monotonic() + 0.1
    n = int(rate * seconds)
    for i in range(n):
        t = start + i / rate
        now = time.monotonic()
        if t > now:
            time.sleep(t - now)
        due.put(t)
    for _ in threads:
        due.put(None)
    for th in threads:
        th.join()
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    took = time.monotonic() - start
    print(f"{path[:36]:<36} {len(lat) / took:6.1f} req/s offered {rate}, p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {lat[-1]*1000:.1f} ms, errors {errors[0]}")

if __name__ == "__main__":
    rate, seconds = float(sys.argv[1]), float(sys.argv[2])
    for url in sys.argv[3:]:
        run(url, rate, seconds)
