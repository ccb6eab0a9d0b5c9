#!/usr/bin/env python3
"""Scale-out benchmark: the synthetic stream of bench/clustering.py (full-length articles made of
BASIL paragraphs) through 1, 2 and 4 `parallax work` processes into PostgreSQL, against the
single-process SQLite ingest of the same stream on the same machine.

For each run: articles per second (wall, from the first worker's start to the last one's exit),
the stories it made (they must equal the SQLite run's: same count of articles and stories), and
where the time went: the workers' own step timings (claim, prepare, hand back; read, place,
mark) and the CPU the PostgreSQL server used. From those, the rate one placer sustains
(articles per second of its place + read + mark time), which bounds a cluster.

Speed is measured, never asserted: this is not a test.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clustering import synthetic_stream  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def pg_cpu(pid):
    """CPU seconds of the server: the postmaster's own and those of its exited backends."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # fields after the name: utime stime cutime cstime are the 12th to 15th
    return sum(int(x) for x in fields[11:15]) / tick


def psql(url, sql):
    return subprocess.run(["psql", "-Atq", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--parallax", default="target/release/parallax")
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--workers", default="1,2,4", help="worker process counts to run")
    ap.add_argument("--pg", required=True, help="admin URL of a PostgreSQL server (postgres://USER@HOST:PORT/postgres)")
    ap.add_argument("--pg-pid", type=int, help="the server's postmaster pid, for its CPU time")
    ap.add_argument("--work", default="/tmp/parallax-bench-work")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    stream = work / f"stream-{args.articles}.jsonl"
    if not stream.exists():
        basil = [json.loads(l) for l in open(Path(args.shared) / "bench/clustering/basil/articles.jsonl")]
        print(f"writing the synthetic stream of {args.articles} articles", flush=True)
        synthetic_stream(basil, args.articles, random.Random(11), stream)
    n = args.articles
    cores = os.cpu_count()
    print(f"\nscale-out: {n} synthetic articles ({stream.stat().st_size / 1e9:.1f} GB of JSONL) on {cores} cores, PostgreSQL on the same machine\n")

    db = work / "one.db"
    for f in work.glob("one.db*"):
        f.unlink()
    t = time.time()
    run([args.parallax, "ingest", "--db", str(db), str(stream)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.time() - t
    out = subprocess.run([args.parallax, "stories", "--db", str(db), "--json", "--limit", "1"], check=True, capture_output=True, text=True)
    import sqlite3
    con = sqlite3.connect(db)
    lite = (con.execute("SELECT count(*) FROM articles").fetchone()[0], con.execute("SELECT count(*) FROM stories").fetchone()[0])
    con.close()
    print(f"{'SQLite, one process':<28} {n / wall:>8.0f} articles/s  ({wall:.0f} s; {lite[0]} articles in {lite[1]} stories)", flush=True)

    base = args.pg.rsplit("/", 1)[0]
    for w in [int(x) for x in args.workers.split(",")]:
        name = f"parallax_bench_{w}"
        psql(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(args.pg, f"CREATE DATABASE {name}")
        url = f"{base}/{name}"
        t = time.time()
        run([args.parallax, "ingest", "--db", url, "--queue", str(stream)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        queued = time.time() - t
        cpu0 = pg_cpu(args.pg_pid) if args.pg_pid else None
        t = time.time()
        procs = []
        for i in range(w):
            d = work / f"machine-{i}"
            d.mkdir(exist_ok=True)
            procs.append(subprocess.Popen([os.path.abspath(args.parallax), "work", "--db", url, "--exit-when-idle", "--json"],
                                          cwd=d, stdout=subprocess.PIPE, stderr=open(d / "stderr.log", "w"), text=True))
        outs = []
        for i, p in enumerate(procs):
            out = p.communicate()[0]
            if p.returncode != 0:
                sys.exit(f"worker {i} failed: {(work / f'machine-{i}' / 'stderr.log').read_text()[-2000:]}")
            outs.append(json.loads(out))
        wall = time.time() - t
        server = pg_cpu(args.pg_pid) - cpu0 if args.pg_pid else float("nan")
        stored = (int(psql(url, "SELECT count(*) FROM articles")), int(psql(url, "SELECT count(*) FROM stories")))
        secs = {k: sum(o["seconds"][k] for o in outs) for k in outs[0]["seconds"]}
        placer = [o for o in outs if o["placed"]]
        place_secs = secs["place"] + secs["ready"] + secs["mark"]
        same = "same stories as SQLite" if stored == lite else f"DIFFERENT from SQLite: {stored}"
        print(f"{'PostgreSQL, %d worker%s' % (w, 's' if w > 1 else ''):<28} {n / wall:>8.0f} articles/s  ({wall:.0f} s after {queued:.0f} s queuing at {n / queued:.0f}/s; {same})")
        print(f"{'':<30}worker threads: claim {secs['claim']:.0f} s, prepare {secs['prepare']:.0f} s, hand back {secs['finish']:.0f} s; "
              f"placer: read {secs['ready']:.0f} s, place+store {secs['place']:.0f} s, mark {secs['mark']:.0f} s; server CPU {server:.0f} s")
        print(f"{'':<30}one placer sustains {n / place_secs:.0f} articles/s of its own time ({len(placer)} placer)", flush=True)
        psql(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    # the placer on its own (with the server): the stream prepared first by a worker that never
    # places, then placed by one that finds nothing left to prepare. This is the rate one placer
    # sustains when preparation runs on other machines.
    name = "parallax_bench_placer"
    psql(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(args.pg, f"CREATE DATABASE {name}")
    url = f"{base}/{name}"
    run([args.parallax, "ingest", "--db", url, "--queue", str(stream)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run([args.parallax, "work", "--db", url, "--exit-when-idle", "--no-place"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu0 = pg_cpu(args.pg_pid) if args.pg_pid else None
    t = time.time()
    o = json.loads(run([args.parallax, "work", "--db", url, "--exit-when-idle", "--jobs", "1", "--json"], capture_output=True, text=True).stdout)
    wall = time.time() - t
    server = pg_cpu(args.pg_pid) - cpu0 if args.pg_pid else float("nan")
    s = o["seconds"]
    print(f"{'placer alone':<28} {n / wall:>8.0f} articles/s  ({wall:.0f} s: read {s['ready']:.0f} s, place+store {s['place']:.0f} s, mark {s['mark']:.0f} s; server CPU {server:.0f} s)")
    print(f"{'':<30}that is {n / wall * 86400 / 1e6:.0f} million articles a day through one placer")
    psql(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
