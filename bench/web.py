#!/usr/bin/env python3
"""Web ingest benchmark (issue 16): everything on 127.0.0.1 or local files, nothing else.

1. A WARC file of N generated pages (paragraphs of BASIL articles recombined, as in the
   clustering benchmark's stream): pages/s through `parallax add FILE.warc`, against
   `parallax ingest DIR` on the same pages as .html files, in one run, fresh stores.
2. A local feed server with F feeds of I items each (full-text items): `parallax add` of all
   feeds through an OPML file, then two `parallax watch --once --all` rounds: wall time,
   requests the server saw, and 304s on the second round.

Standard library only. Data from ../shared; outputs in bench/out/web.
"""
import argparse, gzip, html, json, os, random, shutil, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "parallax")
OUT = os.path.join(ROOT, "bench", "out", "web")


def paragraphs(shared):
    rows = [json.loads(l) for l in open(os.path.join(shared, "bench/clustering/basil/articles.jsonl"))]
    return [p for r in rows for p in r["text"].split("\n\n") if len(p.split()) >= 20]


def page(i, paras, rnd):
    body = "".join(f"<p>{html.escape(rnd.choice(paras))}</p>" for _ in range(rnd.randint(8, 20)))
    title = f"Report {i}: " + " ".join(rnd.choice(paras).split()[:6])
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title><meta property=\"og:site_name\" content=\"Outlet {i % 50}\">"
            f"<meta property=\"article:published_time\" content=\"2024-01-{1 + i // 1000:02d}T10:00:00Z\"></head>"
            f"<body><nav><a href=/>Home</a> <a href=/world>World</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
            f"<footer>Copyright Outlet {i % 50}</footer></body></html>")


def warc_record(url, payload):
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def timed(cmd):
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return time.time() - t0, r.stdout


def warc_bench(shared, n):
    rnd = random.Random(11)
    paras = paragraphs(shared)
    d = os.path.join(OUT, "pages")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    warc = os.path.join(OUT, "pages.warc.gz")
    with gzip.open(warc, "wb") as w:
        for i in range(n):
            p = page(i, paras, rnd).encode()
            with open(os.path.join(d, f"p{i:05d}.html"), "wb") as f:
                f.write(p)
            w.write(warc_record(f"https://outlet{i % 50}.example/{i}", p))
    res = {}
    for name, cmd in (("add", [BIN, "add", "--json", warc]), ("ingest", [BIN, "ingest", "--json", d])):
        db = os.path.join(OUT, f"{name}.db")
        for f in os.listdir(OUT):
            if f.startswith(f"{name}.db"):
                os.remove(os.path.join(OUT, f))
        wall, out = timed(cmd[:2] + ["--db", db] + cmd[2:])
        res[name] = (wall, json.loads(out))
    return res


class Feeds:
    def __init__(self, feeds, items, shared):
        rnd = random.Random(5)
        paras = paragraphs(shared)
        self.bodies = {}
        for f in range(feeds):
            its = []
            for k in range(items):
                text = " ".join(f"<p>{html.escape(rnd.choice(paras))}</p>" for _ in range(6))
                its.append(f"<item><title>Feed {f} item {k}</title><link>https://feed{f}.example/{k}</link>"
                           f"<pubDate>Mon, 01 Jan 2024 {k % 24:02d}:00:00 GMT</pubDate><description><![CDATA[{text}]]></description></item>")
            self.bodies[f"/feed{f}.xml"] = (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {f}</title>"
                                            f"<link>https://feed{f}.example/</link>{''.join(its)}</channel></rss>").encode()
        self.requests = 0
        self.not_modified = 0
        self.lock = threading.Lock()


def feed_bench(shared, nfeeds, nitems):
    state = Feeds(nfeeds, nitems, shared)

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            with state.lock:
                state.requests += 1
            body = state.bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            etag = f'"{len(body)}"'
            if self.headers.get("If-None-Match") == etag:
                with state.lock:
                    state.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    opml = os.path.join(OUT, "feeds.opml")
    with open(opml, "w") as f:
        f.write("<opml version=\"2.0\"><body>" + "".join(f"<outline text=\"f{i}\" xmlUrl=\"http://127.0.0.1:{port}/feed{i}.xml\"/>" for i in range(nfeeds)) + "</body></opml>")
    db = os.path.join(OUT, "feeds.db")
    for f in os.listdir(OUT):
        if f.startswith("feeds.db"):
            os.remove(os.path.join(OUT, f))
    common = ["--db", db, "--allow-private", "--delay", "0"]
    add_wall, add_out = timed([BIN, "add", "--json"] + common + [opml])
    rounds = []
    for _ in range(2):
        before, nm_before = state.requests, state.not_modified
        wall, out = timed([BIN, "watch", "--once", "--all", "--json"] + common)
        rounds.append((wall, state.requests - before, state.not_modified - nm_before, json.loads(out.splitlines()[-1])))
    srv.shutdown()
    return add_wall, json.loads(add_out), rounds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    w = warc_bench(a.shared, a.pages)
    (aw, ao), (iw, io) = w["add"], w["ingest"]
    print(f"WARC of {a.pages} pages: add {a.pages / aw:,.0f} pages/s ({aw:.1f} s, {ao['stored']} stored); "
          f"ingest of the same pages as files {a.pages / iw:,.0f} pages/s ({iw:.1f} s, {io['stored']} stored); ratio {iw / aw:.2f}")
    add_wall, add_out, rounds = feed_bench(a.shared, a.feeds, a.items)
    print(f"{a.feeds} feeds x {a.items} items: add via OPML {add_wall:.1f} s ({add_out['stored']} stored)")
    for k, (wall, req, nm, r) in enumerate(rounds, 1):
        print(f"  watch round {k}: {wall:.2f} s, {req} requests, {nm} answered 304, {r['stored']} new articles, {r['feeds_failed']} feeds failed")


if __name__ == "__main__":
    main()
