#!/usr/bin/env python3
"""Framing benchmark: `parallax framing` against BABE and BASIL, beside the anchors.

- BABE SG2 (expert sentence labels, Biased / Non-biased): `biased` against the label, macro-F1.
  BABE is AGPL: it is read here for evaluation only; nothing in parallax is fitted on it.
- BASIL lexical-bias spans (`bias: lex`): recall of the annotated spans (a predicted span that
  overlaps one finds it), on the dev years 2010-2014 (where the lexicon was checked) and the
  held-out years 2015-2019 apart. Precision is read by hand: bench/framing/precision.toml holds
  our verdict on a random sample of predicted spans (bench/framing/sample.py draws it).
- Sentence level on BASIL: a sentence is biased when it holds a lexical span.

Standard library only; data from ../shared, outputs in bench/out/framing. Run through
bench/framing.sh (builds the release binary first).
"""
import argparse, csv, glob, json, os, subprocess, sys, tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "parallax")
OUT = os.path.join(ROOT, "bench", "out", "framing")
DEV_YEARS = {str(y) for y in range(2010, 2015)}


def run_framing(rows, name):
    inp = os.path.join(OUT, name + ".jsonl")
    with open(inp, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    r = subprocess.run([BIN, "framing", "--format", "jsonl", inp], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"parallax framing failed on {inp}:\n{r.stderr[-2000:]}")
    with open(os.path.join(OUT, name + "-out.jsonl"), "w") as f:
        f.write(r.stdout)
    return {o["id"]: o for o in map(json.loads, r.stdout.splitlines())}


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def babe(shared):
    path = os.path.join(shared, "bench/analysis/babe/final_labels_SG2.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["label_bias"] in ("Biased", "Non-biased")]
    pred = run_framing([{"id": i, "text": r["text"]} for i, r in enumerate(rows)], "babe-sg2")
    gold = {i: r["label_bias"] == "Biased" for i, r in enumerate(rows)}
    tp = sum(pred[i]["biased"] and g for i, g in gold.items())
    fp = sum(pred[i]["biased"] and not g for i, g in gold.items())
    fn = sum(not pred[i]["biased"] and g for i, g in gold.items())
    tn = len(gold) - tp - fp - fn
    macro = (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2
    acc = (tp + tn) / len(gold)
    return macro, acc, len(gold), tp, fp, fn


def basil_sentences(shared):
    """(key, year, sentence text, gold lex spans [(start, end)]) for every body sentence."""
    base = os.path.join(shared, "bench/analysis/basil")
    out = []
    for ann_path in sorted(glob.glob(os.path.join(base, "annotations", "*", "*_ann.json"))):
        year = os.path.basename(os.path.dirname(ann_path))
        art_path = ann_path.replace(os.sep + "annotations" + os.sep, os.sep + "articles" + os.sep).replace("_ann.json", ".json")
        art = json.load(open(art_path))
        ann = json.load(open(ann_path))
        sents = [s for p in art["body-paragraphs"] for s in p]
        spans = {}
        for a in ann["phrase-level-annotations"]:
            if a["bias"] == "lex" and a["id"].startswith("p"):
                spans.setdefault(int(a["id"][1:]), []).append((a["start"], a["end"]))
        name = os.path.basename(art_path)[: -len(".json")]
        for k, s in enumerate(sents):
            out.append((f"{year}/{name}#p{k}", year, s, spans.get(k, [])))
    return out


def basil(shared):
    sents = basil_sentences(shared)
    pred = run_framing([{"id": key, "text": s} for key, _, s, _ in sents], "basil")
    res = {}
    for split, years in (("dev", DEV_YEARS), ("held-out", None), ("all", "all")):
        chosen = [x for x in sents if (years == "all") or (years is None and x[1] not in DEV_YEARS) or (years not in (None, "all") and x[1] in years)]
        gold = found = predicted = 0
        tp = fp = fn = 0
        for key, _, _, spans in chosen:
            ps = pred[key]["spans"]
            predicted += len(ps)
            for (gs, ge) in spans:
                gold += 1
                found += any(p["start"] < ge and gs < p["end"] for p in ps)
            b, g = pred[key]["biased"], bool(spans)
            tp += b and g
            fp += b and not g
            fn += (not b) and g
        res[split] = dict(gold=gold, found=found, recall=found / gold if gold else 0.0, predicted=predicted, sentences=len(chosen), sent_p=tp / (tp + fp) if tp + fp else 0.0, sent_r=tp / (tp + fn) if tp + fn else 0.0)
    return res, pred


def precision(pred):
    path = os.path.join(ROOT, "bench", "framing", "precision.toml")
    if not os.path.exists(path):
        return None
    judged = tomllib.load(open(path, "rb")).get("span", [])
    still = [j for j in judged if any(p["start"] == j["start"] and p["end"] == j["end"] for p in pred.get(j["sentence"], {}).get("spans", []))]
    good = sum(1 for j in still if j["loaded"])
    named = sum(1 for j in still if j["loaded"] and j.get("technique_ok"))
    return good, len(still), len(judged), named


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", required=True)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    macro, acc, n, tp, fp, fn = babe(args.shared)
    res, pred = basil(args.shared)
    prec = precision(pred)
    print(f"{'BABE SG2 (' + str(n) + ' sentences) macro-F1 / acc':<44}{macro:.3f} / {acc:.3f}   always-biased 0.33, BABE lexicon 0.561, neural 0.804; floor 0.60, stretch 0.70")
    print(f"{'':<44}biased predicted {tp + fp}, of them right {tp}; missed {fn}")
    for split in ("dev", "held-out", "all"):
        r = res[split]
        label = f"BASIL lexical spans, {split} ({r['gold']} spans)"
        print(f"{label:<44}recall {r['recall']:.3f} ({r['found']}/{r['gold']}), {r['predicted']} spans predicted in {r['sentences']} sentences; sentence P/R {r['sent_p']:.3f}/{r['sent_r']:.3f}")
    if prec:
        good, still, judged, named = prec
        p = good / still if still else 0.0
        print(f"{'BASIL predicted spans read by hand':<44}precision {p:.3f} ({good}/{still} loaded, {named} of them with the right technique; {judged - still} judged spans no longer predicted)   floor: recall 0.40 at precision 0.50")
    else:
        print("BASIL predicted spans read by hand          none judged yet (bench/framing/precision.toml)")


if __name__ == "__main__":
    main()
