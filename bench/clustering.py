#!/usr/bin/env python3
"""Story clustering and near-duplicate benchmark: parallax (shipped defaults) against the Python
TF-IDF baseline, side by side in one run.

Sets (../shared/bench/clustering): AllSides with its dates (time window on), BASIL with dates
removed (no time). B-cubed P/R/F1 by ../shared/tools/score_clustering.py. Speed is articles per
CPU-second of each process, parse and store included for parallax; on the synthetic stream also
articles per second of wall time. Every timed run is repeated (`--repeat`, default 3) and the
median reported: wall time on a shared machine moves by a third from run to run.

Near-duplicates: a test set built here from the benchmark articles with realistic edits
(headline changed, paragraphs dropped or reordered, boilerplate added, sentences rewritten) and
hard negatives (the other outlets' reports of the same event, other events of the same outlet).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def measured(cmd, stdout=subprocess.DEVNULL):
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed")
    return ru.ru_utime + ru.ru_stime


def score(tools, gold, pred):
    out = subprocess.run([sys.executable, str(tools / "score_clustering.py"), gold, pred], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def write_gold(rows, path):
    with open(path, "w") as f:
        for r in rows:
            f.write(f"{r['id']}\t{r['event_id']}\n")


EXTRA = []


def parallax_assign(binary, jsonl, work):
    db = work / "p.db"
    for f in work.glob(db.name + "*"):
        f.unlink()
    tsv = work / "assign.tsv"
    cpu = measured([binary, "ingest", "--db", str(db), "--assignments", str(tsv), *EXTRA, str(jsonl)])
    pred = work / "pred.tsv"
    with open(tsv) as f, open(pred, "w") as out:
        for line in f:
            inp, _, story, _ = line.rstrip("\n").split("\t")
            out.write(f"{inp}\t{story}\n")
    return pred, cpu, tsv


SENTENCE = re.compile(r"(?<=[.!?])\s+")
BOILER = ["Sign up for our daily newsletter to get the top stories in your inbox.",
          "Follow us on social media for the latest updates.",
          "This article originally appeared on a partner site and is republished with permission.",
          "Read more: our full coverage of the story is available in the app."]
SWAPS = [("said", "stated"), ("people", "residents"), ("government", "administration"), ("announced", "revealed"),
         ("officials", "authorities"), ("Monday", "Tuesday"), ("about", "around"), ("large", "big")]


def edit(row, rnd):
    paras = [p for p in row["text"].split("\n\n") if p.strip()]
    kind = rnd.choice(["drop", "reorder", "boiler", "rewrite", "mixed", "excerpt", "heavy"])
    if kind == "excerpt" and len(paras) >= 5:
        # an aggregator's excerpt: the first part of the story and a link
        paras = paras[: max(2, int(len(paras) * 0.4))] + ["Read the full story at the original publisher."]
    if kind == "heavy":
        # a rewrite pass over a third of the sentences, on top of dropped paragraphs
        if len(paras) > 4:
            paras.pop(rnd.randrange(1, len(paras)))
        for i in range(len(paras)):
            sents = SENTENCE.split(paras[i])
            for j in range(len(sents)):
                if rnd.random() < 0.33:
                    for a, b in SWAPS:
                        sents[j] = sents[j].replace(a, b)
                    words = sents[j].split()
                    if len(words) > 8:
                        k = rnd.randrange(1, len(words) - 1)
                        words[k], words[k + 1] = words[k + 1], words[k]
                    sents[j] = " ".join(words)
            paras[i] = " ".join(sents)
    if kind in ("drop", "mixed") and len(paras) > 4:
        for _ in range(rnd.randint(1, 2)):
            paras.pop(rnd.randrange(1, len(paras)))
    if kind in ("reorder", "mixed") and len(paras) > 3:
        i = rnd.randrange(1, len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
    if kind in ("boiler", "mixed"):
        paras.insert(0, "UPDATED - " + rnd.choice(BOILER))
        paras.append(rnd.choice(BOILER))
    if kind in ("rewrite", "mixed"):
        for _ in range(2):
            i = rnd.randrange(len(paras))
            sents = SENTENCE.split(paras[i])
            j = rnd.randrange(len(sents))
            for a, b in SWAPS:
                sents[j] = sents[j].replace(a, b)
            paras[i] = " ".join(sents)
    return {"id": row["id"] + "~copy", "source": "Aggregator " + str(rnd.randint(1, 9)), "title": "REPOST: " + (row.get("title") or "")[::-1][:40][::-1],
            "text": "\n\n".join(paras)}


def near_dups(binary, rows, work, rnd):
    """Originals first (every one of them distinct: any link among them is a false positive),
    then edited copies of a sample (each should link to its original)."""
    originals = [{"id": r["id"], "source": r["source"], "title": r.get("title"), "text": r["text"]} for r in rows]
    long_enough = [r for r in rows if len(r["text"].split()) >= 150]
    sample = rnd.sample(long_enough, min(300, len(long_enough)))
    copies = [edit(r, rnd) for r in sample]
    feed = work / "dups.jsonl"
    with open(feed, "w") as f:
        for r in originals + copies:
            f.write(json.dumps(r) + "\n")
    _, _, tsv = parallax_assign(binary, feed, work)
    by_input, dup = {}, {}
    for line in open(tsv):
        inp, aid, _, d = line.rstrip("\n").split("\t")
        by_input[inp] = aid
        dup[inp] = d
    id_to_input = {v: k for k, v in by_input.items()}
    fp = sum(1 for r in originals if dup.get(r["id"]))
    tp = sum(1 for c in copies if id_to_input.get(dup.get(c["id"], "")) == c["id"][:-len("~copy")])
    wrong = sum(1 for c in copies if dup.get(c["id"]) and id_to_input.get(dup[c["id"]]) != c["id"][:-len("~copy")])
    p = tp / (tp + fp + wrong) if tp + fp + wrong else 0.0
    r = tp / len(copies) if copies else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs": len(copies), "negatives": len(originals), "tp": tp, "fp": fp + wrong, "p": p, "r": r, "f1": f1}


def synthetic_stream(basil, n, rnd, path, first=0):
    """Full-length articles made of paragraphs from different BASIL articles: unique texts of
    realistic length, for throughput only. Dates advance one day every 3,000 articles (a large
    feed's day), continuing from article number `first`."""
    import datetime
    paras = [p for r in basil for p in r["text"].split("\n\n") if len(p.split()) >= 20]
    start = datetime.date(2024, 1, 1)
    with open(path, "w") as f:
        for i in range(first, first + n):
            k = rnd.randint(12, 30)
            text = "\n\n".join(rnd.choice(paras) for _ in range(k))
            day = start + datetime.timedelta(days=i // 3000)
            f.write(json.dumps({"id": f"syn{i}", "source": f"Outlet {i % 50}", "title": " ".join(text.split()[:8]),
                                "date": day.isoformat(), "text": text}) + "\n")


def timed(cmd, stdout=subprocess.DEVNULL):
    import time
    t0 = time.time()
    cpu = measured(cmd, stdout)
    return cpu, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--parallax", default="target/release/parallax")
    ap.add_argument("--baseline-threshold", type=float, default=0.3)
    ap.add_argument("--parallax-arg", action="append", default=[], help="extra parallax option (tuning on dev sets only)")
    ap.add_argument("--stream", type=int, default=20000, help="articles per batch in the synthetic throughput stream")
    ap.add_argument("--batches", type=int, default=3, help="batches ingested one after another into one store")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (stores, predictions) for inspection")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each batch from the same store; the median is reported")
    ap.add_argument("--embed-model", help="also run the optional embedding path with this model directory (binary built with --features embed)")
    args = ap.parse_args()
    EXTRA.extend(args.parallax_arg)
    shared = Path(args.shared)
    tools = shared / "tools"
    work = Path(tempfile.mkdtemp(prefix="parallax-bench-"))
    sets = []
    allsides = [json.loads(l) for l in open(shared / "bench/clustering/allsides_neus/articles.jsonl")]
    basil = [json.loads(l) for l in open(shared / "bench/clustering/basil/articles.jsonl")]
    basil_nodate = work / "basil-nodate.jsonl"
    with open(basil_nodate, "w") as f:
        for r in basil:
            f.write(json.dumps({k: v for k, v in r.items() if k != "date"}) + "\n")
    sets.append(("AllSides (window on)", allsides, shared / "bench/clustering/allsides_neus/articles.jsonl", 3.0))
    sets.append(("BASIL (no time)", basil, basil_nodate, None))

    print(f"{'set':<22} {'system':<26} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'articles/CPU-s':>15}")
    for name, rows, path, window in sets:
        gold = work / "gold.tsv"
        write_gold(rows, gold)
        # small sets take a fraction of a second: the median of `--repeat` runs (same output)
        runs = [parallax_assign(args.parallax, path, work) for _ in range(args.repeat)]
        pred, cpu, _ = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
        s = score(tools, str(gold), str(pred))
        speed_p = len(rows) / cpu
        print(f"{name:<22} {'parallax (defaults)':<26} {s['b3_p']:>6.3f} {s['b3_r']:>6.3f} {s['b3_f1']:>6.3f} {speed_p:>15.0f}")
        if args.embed_model:
            EXTRA.extend(["--embed-model", args.embed_model])
            pred_e, cpu_e, _ = parallax_assign(args.parallax, path, work)
            del EXTRA[-2:]
            e = score(tools, str(gold), str(pred_e))
            print(f"{'':<22} {'parallax + MiniLM (opt.)':<26} {e['b3_p']:>6.3f} {e['b3_r']:>6.3f} {e['b3_f1']:>6.3f} {len(rows) / cpu_e:>15.0f}")
        base_pred = work / "base.tsv"
        cmd = [sys.executable, "bench/peers/tfidf_baseline.py", str(path), str(args.baseline_threshold)] + ([str(window)] if window else [])
        cpu_runs = []
        for _ in range(args.repeat):
            with open(base_pred, "w") as out:
                cpu_runs.append(measured(cmd, stdout=out))
        cpu_b = sorted(cpu_runs)[len(cpu_runs) // 2]
        b = score(tools, str(gold), str(base_pred))
        speed_b = len(rows) / cpu_b
        print(f"{'':<22} {'Python TF-IDF (t=%.2f)' % args.baseline_threshold:<26} {b['b3_p']:>6.3f} {b['b3_r']:>6.3f} {b['b3_f1']:>6.3f} {speed_b:>15.0f}   speed ratio x{speed_p / speed_b:.1f}")

    print(f"\nthroughput: synthetic full-length articles (BASIL paragraphs recombined), {args.batches} x {args.stream} into one store")
    rnd = random.Random(11)
    db = work / "stream.db"
    for b in range(args.batches):
        batch = work / f"stream{b}.jsonl"
        synthetic_stream(basil, args.stream, rnd, batch, first=b * args.stream)
        # Wall time on a shared machine moves by a third from run to run: each batch is run
        # `--repeat` times from the same store, and the median run is reported with the range.
        runs = []
        # the store is the database and the state files beside it (stream.db-*)
        store_files = lambda: sorted(work.glob(db.name + "*"))
        backup = work / "before"
        for r in range(args.repeat):
            last = r == args.repeat - 1
            if not last:
                shutil.rmtree(backup, ignore_errors=True)
                backup.mkdir()
                for f in store_files():
                    shutil.copyfile(f, backup / f.name)
            # no run pays for the disk writes of the one before it
            os.sync()
            runs.append(timed([args.parallax, "ingest", "--db", str(db), *EXTRA, str(batch)]))
            if not last:
                for f in store_files():
                    f.unlink()
                for f in backup.iterdir():
                    shutil.move(f, work / f.name)
        rates = sorted(args.stream / wall for _, wall in runs)
        cpu, wall = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
        spread = f" (runs {rates[0]:.0f}-{rates[-1]:.0f})" if len(runs) > 1 else ""
        line = f"  batch {b + 1}: store had {b * args.stream:>7} articles; parallax {args.stream / wall:>6.0f} articles/s wall{spread}, {args.stream / cpu:>6.0f} per CPU-s"
        if b == 0:
            # the baseline compares each article with every cluster: quadratic, so it runs on the
            # first 2,000 articles only (its rate only falls with more)
            head = work / "stream-head.jsonl"
            n_head = min(args.stream, 2000)
            with open(batch) as src, open(head, "w") as dst:
                for _, l in zip(range(n_head), src):
                    dst.write(l)
            cpu_b, wall_b = timed([sys.executable, "bench/peers/tfidf_baseline.py", str(head), str(args.baseline_threshold), "3"])
            rate_b = n_head / wall_b
            line += f"; Python TF-IDF {rate_b:>5.0f} articles/s wall on the first {n_head} (ratio x{args.stream / wall / rate_b:.1f})"
        print(line, flush=True)
        batch.unlink()

    nd = near_dups(args.parallax, allsides + basil, work, random.Random(7))
    print(f"\nnear-duplicates: {nd['pairs']} edited copies, {nd['negatives']} distinct articles (hard negatives incl. same-event reports)")
    print(f"  P {nd['p']:.3f}  R {nd['r']:.3f}  F1 {nd['f1']:.3f}  (tp {nd['tp']}, fp {nd['fp']})")
    if args.keep:
        print(f"\n(stores and predictions kept in {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
