#!/usr/bin/env python3
"""Extraction benchmark: parallax and its peers on the same pages, scored by ../shared/tools.

Runs each system as its own process over every page, measures CPU time (user+sys) and peak RSS
of that process, scores bodies with score_extraction.py (AEB and the WCXB article slice) and
metadata (title, byline, date) by exact match after normalisation on WCXB, and prints one table.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path


def run_measured(cmd, out_path):
    """Runs cmd with stdout to out_path; returns (cpu_seconds, peak_rss_mb, wall)."""
    t0 = time.time()
    with open(out_path, "w") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed with status {status}")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, time.time() - t0


def page_id(path):
    name = os.path.basename(path)
    return re.sub(r"\.html?(\.gz)?$", "", name)


def load_rows(path):
    rows = {}
    for line in open(path):
        line = line.strip()
        if line:
            r = json.loads(line)
            rows[page_id(r["input"])] = r
    return rows


def write_pred(rows, path):
    json.dump({k: {"articleBody": v.get("text") or ""} for k, v in rows.items()}, open(path, "w"))


def score(tools, metric, truth, pred, extra=()):
    out = subprocess.run([sys.executable, str(tools / "score_extraction.py"), metric, str(truth), str(pred), "--json", *extra],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def norm_text(s):
    s = unicodedata.normalize("NFKC", s or "").lower()
    s = re.sub(r"^\s*by\s+", "", s)
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


def norm_date(s):
    m = re.match(r"(\d{4}-\d{2}-\d{2})", (s or "").strip())
    return m.group(1) if m else ""


def metadata_scores(rows, gt_dir, page_type):
    hits = {"title": [0, 0], "author": [0, 0], "publish_date": [0, 0]}
    field = {"title": "title", "author": "byline", "publish_date": "published"}
    for f in sorted(Path(gt_dir).glob("*.json")):
        g = json.load(open(f))
        if page_type and g.get("_internal", {}).get("page_type", {}).get("primary") != page_type:
            continue
        truth = g["ground_truth"]
        row = rows.get(f.stem, {})
        for k, (h_n) in hits.items():
            t = truth.get(k)
            if not t:
                continue
            h_n[1] += 1
            p = row.get(field[k])
            ok = norm_date(p) == norm_date(t) if k == "publish_date" else norm_text(p) == norm_text(t)
            h_n[0] += int(ok and bool(p))
    return {k: (v[0] / v[1] if v[1] else 0.0) for k, v in hits.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--parallax", default="target/release/parallax")
    ap.add_argument("--python", default="bench/.venv/bin/python")
    ap.add_argument("--out", default="bench/out/extraction")
    ap.add_argument("--only", help="run only systems whose name contains this (for quick iteration)")
    args = ap.parse_args()
    shared = Path(args.shared)
    tools = shared / "tools"
    aeb = shared / "bench/extraction/scrapinghub-aeb"
    wcxb = shared / "bench/extraction/wcxb-test"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    systems = {
        "parallax": lambda files: [args.parallax, "extract", "--format", "jsonl", *files],
        "trafilatura 2.3.1 (favor_precision)": lambda files: [args.python, "bench/peers/trafilatura_run.py", "--favor-precision", *files],
        "trafilatura 2.3.1 (default)": lambda files: [args.python, "bench/peers/trafilatura_run.py", *files],
    }
    aeb_files = sorted(str(p) for p in (aeb / "html").glob("*.html.gz"))
    wcxb_files = sorted(str(p) for p in (wcxb / "html").glob("*.html.gz"))
    results = []
    for name, cmd in systems.items():
        if args.only and args.only not in name:
            continue
        slug = re.sub(r"\W+", "-", name).strip("-")
        raw = out / f"{slug}-aeb.jsonl"
        cpu, rss, wall = run_measured(cmd(aeb_files), raw)
        rows = load_rows(raw)
        pred = out / f"{slug}-aeb-pred.json"
        write_pred(rows, pred)
        a = score(tools, "aeb", aeb / "ground-truth.json", pred, ["--bootstrap", "200"])
        raw_w = out / f"{slug}-wcxb.jsonl"
        run_measured(cmd(wcxb_files), raw_w)
        rows_w = load_rows(raw_w)
        pred_w = out / f"{slug}-wcxb-pred.json"
        write_pred(rows_w, pred_w)
        w = score(tools, "wcxb", wcxb / "ground-truth", pred_w, ["--type", "article"])
        m = metadata_scores(rows_w, wcxb / "ground-truth", "article")
        results.append((name, a, w, m, len(aeb_files) / cpu, rss))

    print(f"{'system':<38} {'AEB F1':>7} {'P':>6} {'R':>6} {'pages/CPU-s':>11} {'peak MB':>8} {'WCXB-art F1':>11} {'title':>6} {'author':>6} {'date':>6}")
    for name, a, w, m, speed, rss in results:
        ar = a[0] if isinstance(a, list) else a
        wr = w[0] if isinstance(w, list) else w
        print(f"{name:<38} {ar['f1']:>7.3f} {ar['precision']:>6.3f} {ar['recall']:>6.3f} {speed:>11.1f} {rss:>8.1f} {wr['f1']:>11.3f} {m['title']:>6.3f} {m['author']:>6.3f} {m['publish_date']:>6.3f}")
    if len(results) < 2:
        return
    base = results[1]
    print(f"\nparallax / {base[0]}: speed x{results[0][4] / base[4]:.1f}, AEB F1 {results[0][1]['f1'] if not isinstance(results[0][1], list) else results[0][1][0]['f1']:.3f} vs {base[1]['f1'] if not isinstance(base[1], list) else base[1][0]['f1']:.3f}")


if __name__ == "__main__":
    main()
