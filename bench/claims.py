#!/usr/bin/env python3
"""Claims benchmark: every figure of the claims issue beside its anchor, in one run.

- MRPC test through `parallax pairs` (`same` against the label): accuracy / F1.
- FNC-1 competition test through `parallax stance`: FNC relative score, macro-F1, F1 per class.
- PolNeAR test: speaker (Source) and cue span P/R/F1, exact and overlapping (the polnear example).
- The hand-written dev gold set (bench/claims): grouping precision / recall, contradiction precision.
- Relayed reporting (bench/independence): found / missed / false, P/R/F1.
- The claim stage on one story of 200 articles (`parallax compare`), wall seconds.

Standard library only. Data comes from ../shared (never copied into the repo); outputs go to
bench/out/claims-bench. Run through bench/claims.sh, which builds the release binary first.
"""
import argparse, csv, json, os, random, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "parallax")
OUT = os.path.join(ROOT, "bench", "out", "claims-bench")


def run(cmd, stdin=None, **kw):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r.stdout


def jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def mrpc(shared):
    path = os.path.join(shared, "bench/analysis/mrpc/msr_paraphrase_test.txt")
    rows, gold = [], {}
    with open(path, encoding="utf-8-sig") as f:
        next(f)
        for i, line in enumerate(f):
            p = line.rstrip("\n").split("\t")
            if len(p) < 5:
                continue
            rows.append({"id": i, "a": p[3], "b": p[4]})
            gold[i] = p[0] == "1"
    inp = os.path.join(OUT, "mrpc-test.jsonl")
    jsonl(inp, rows)
    pred = {o["id"]: o["same"] for o in map(json.loads, run([BIN, "pairs", "--format", "jsonl", inp]).splitlines())}
    tp = sum(pred[i] and gold[i] for i in gold)
    fp = sum(pred[i] and not gold[i] for i in gold)
    fn = sum(not pred[i] and gold[i] for i in gold)
    acc = sum(pred[i] == gold[i] for i in gold) / len(gold)
    f1 = 2 * tp / (2 * tp + fp + fn)
    return acc, f1


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


LABELS = ["agree", "disagree", "discuss", "unrelated"]


def fnc(shared):
    d = os.path.join(shared, "bench/analysis/fnc1")
    bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(os.path.join(d, "competition_test_bodies.csv"))}
    stances = read_csv(os.path.join(d, "competition_test_stances.csv"))
    inp = os.path.join(OUT, "fnc-test.jsonl")
    jsonl(inp, ({"id": i, "claim": s["Headline"], "text": bodies[s["Body ID"]]} for i, s in enumerate(stances)))
    pred = {o["id"]: o["label"] for o in map(json.loads, run([BIN, "stance", "--format", "jsonl", inp]).splitlines())}
    score = best = 0.0
    counts = {(g, p): 0 for g in LABELS for p in LABELS}
    for i, s in enumerate(stances):
        g, p = s["Stance"], pred[i]
        counts[(g, p)] += 1
        related = g != "unrelated"
        best += 0.25 + (0.75 if related else 0)
        if related == (p != "unrelated"):
            score += 0.25
        if related and g == p:
            score += 0.75
    f1 = {}
    for c in LABELS:
        tp = counts[(c, c)]
        fp = sum(counts[(g, c)] for g in LABELS if g != c)
        fn = sum(counts[(c, p)] for p in LABELS if p != c)
        f1[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return 100 * score / best, sum(f1.values()) / 4, f1


def polnear(shared):
    out = run(["cargo", "run", "--release", "--quiet", "-p", "parallax-claims", "--example", "polnear", "--",
               os.path.join(shared, "bench/analysis/polnear/data"), "test"], cwd=ROOT)
    return out.strip().splitlines()


def gold(shared):
    d = os.path.join(OUT, "events")
    run([sys.executable, os.path.join(ROOT, "bench/claims/dev_events.py"), d, "--data", os.path.join(shared, "bench/clustering")])
    reports = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".jsonl"):
            continue
        rep = os.path.join(OUT, name[:-6] + ".json")
        run([BIN, "compare", "--format", "json", "-o", rep, os.path.join(d, name)])
        reports.append(rep)
    out = run([sys.executable, os.path.join(ROOT, "bench/claims/score_groups.py"), os.path.join(ROOT, "bench/claims/gold-dev.toml"), *reports, "--json"])
    return json.loads(out)


def independence(shared):
    """Relayed reporting on the hand-read dev sentences of bench/independence."""
    d = os.path.join(OUT, "indep")
    run([sys.executable, os.path.join(ROOT, "bench/independence/events.py"), d, "--data", os.path.join(shared, "bench/clustering")])
    reports = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".jsonl"):
            rep = os.path.join(d, name[:-6] + ".json")
            run([BIN, "compare", "--format", "json", "-o", rep, os.path.join(d, name)])
            reports.append(rep)
    gold = os.path.join(ROOT, "bench/independence/gold-dev.toml")
    return json.loads(run([sys.executable, os.path.join(ROOT, "bench/independence/score_relays.py"), "--gold", gold, *reports, "--json"]))


def big_story(shared, n=200):
    """One story of n full articles: BASIL reports recombined (their paragraphs shuffled across
    articles of several events), so the claim stage sees n long texts with many shared facts."""
    rows = [json.loads(l) for l in open(os.path.join(shared, "bench/clustering/basil/articles.jsonl"))]
    rng = random.Random(7)
    paras = [p for r in rows for p in r["text"].split("\n\n") if len(p.split()) >= 12]
    arts = []
    for i in range(n):
        body = "\n\n".join(rng.sample(paras, 18))
        arts.append({"id": f"big{i}", "source": f"Outlet {i % 60}", "title": f"Report {i}", "date": "2019-01-10", "text": body})
    inp = os.path.join(OUT, "big-story.jsonl")
    jsonl(inp, arts)
    t0 = time.perf_counter()
    out = run([BIN, "compare", "--format", "json", inp])
    wall = time.perf_counter() - t0
    claims = sum(len(s["claims"]) for s in json.loads(out)["stories"])
    words = sum(len(a["text"].split()) for a in arts)
    return wall, claims, words


def fmt(x, p=3):
    return "-" if x is None else f"{x:.{p}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--skip", action="append", default=[], help="mrpc|fnc|polnear|gold|relay|big|framing")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    print("check                               parallax (default build)                 anchors / floor")
    if "mrpc" not in a.skip:
        acc, f1 = mrpc(a.shared)
        print(f"MRPC test acc / F1                  {acc:.3f} / {f1:.3f}                            TF-IDF 0.712/0.797, Wan 0.756/0.830, Madnani 0.774/0.841; floor 0.76/0.83")
    if "fnc" not in a.skip:
        rel, mf1, f1 = fnc(a.shared)
        per = " ".join(f"{c} {f1[c]:.3f}" for c in LABELS)
        print(f"FNC-1 test relative / macro-F1      {rel:.2f} / {mf1:.3f}                           baseline 75.20/0.453, Talos 82.02/0.578, Athene 81.97/0.600; floor 80.0/0.58")
        print(f"  F1 per class                      {per}")
    if "polnear" not in a.skip:
        print("PolNeAR test (speaker and cue spans):")
        for line in polnear(a.shared):
            print("  " + line)
    if "gold" not in a.skip:
        g = gold(a.shared)
        print(f"gold dev set (10 events) grouping P / R / contradiction P   {fmt(g.get('precision'))} / {fmt(g.get('recall'))} / {fmt(g.get('contradiction_precision'))}"
              f"      today ~0.42/0.40/0; floor 0.85/0.70/0.80")
        print(f"  partly right {fmt(g.get('precision_partly'))}, partial recall {fmt(g.get('recall_partial'))}, recall sentence-level {fmt(g.get('recall_sentence_level'))} clause-level {fmt(g.get('recall_clause_level'))}, "
              f"contradiction recall {fmt(g.get('contradiction_recall'))}, single-source found alone {fmt(g.get('single_recall'))}")
    if "relay" not in a.skip:
        r = independence(a.shared)
        print(f"independence: relayed reporting, dev gold (bench/independence)   found {r['found']} / missed {r['missed']} / false {r['false']}: "
              f"P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}      floor F1 0.85")
    if "big" not in a.skip:
        wall, claims, words = big_story(a.shared)
        print(f"claim stage, one story of 200 articles ({words} words): {wall:.2f} s wall, {claims} claims    floor < 5 s on 2 cores")
    if "framing" not in a.skip:
        # the framing figures (bench/framing.py) belong beside the claims ones
        print(run([sys.executable, os.path.join(ROOT, "bench/framing.py"), "--shared", a.shared]).rstrip())
    print("(no optional model path for the claims or framing stage: the default build is the only one)")


if __name__ == "__main__":
    main()
