#!/usr/bin/env python3
"""Score parallax's relayed-reporting detection against the hand-read gold set.

usage: score_relays.py REPORT.json... [--gold FILE] [--json] [--quiet]
       score_relays.py --self-test

REPORT.json: output of `parallax compare --format json EVENT.jsonl` (events.py writes the inputs):
{"stories":[{"articles":[{"id","input",...}],
             "claims":[{"support":[{"article": <article id>, "sentence": <sentence text>,
                                    "relay": {"outlet": "CBS News", "cue": "reported"} | absent}]}]}]}
A gold entry's `article` is matched to the report article whose `input` equals it; its `sentence`
regex (case-insensitive, searched after collapsing any run of spaces, NBSP included, to ' ') picks
that article's support sentences.
- positive (kind = "relay"): FOUND if some matching support has a relay whose outlet matches the
  entry's `relay` regex; MISSED otherwise, with the reason: article not in any report, sentence in
  no support, sentence supported but no relay, or relay with another outlet.
- negative (kind = "none"): FALSE if some matching support has any relay; "ok" if matching
  supports carry none; "unseen" if the sentence is in no support (no evidence either way).
- unjudged: relays on support sentences that no gold entry of that article matches (listed; they
  are neither right nor wrong until someone reads them).
precision = found / (found + false), recall = found / positives, F1 their harmonic mean (0 when
nothing is found). Also shown: how many positives' sentences are in some support at all (parallax
only reports sentences that carry a claim) and the recall among those.
--json prints the totals (and lists) as one JSON object instead of the text report."""
import json, math, re, sys, tomllib

def norm(s):
    return re.sub(r"[^\S\n]+", " ", s or "")

def relays_of(sup):
    """The relay annotations of one support, as a list of dicts with 'outlet' (tolerates list/str)."""
    r = sup.get("relay")
    if r is None or r is False:
        return []
    if isinstance(r, dict):
        return [r]
    if isinstance(r, str):
        return [{"outlet": r}]
    if isinstance(r, list):
        return [x if isinstance(x, dict) else {"outlet": str(x)} for x in r if x]
    return []

def collect(reports):
    """reports: list of (name, parsed json). Returns input -> list of supports (dicts with the
    sentence, its relays, report name, article id), and the set of inputs seen."""
    by_input, seen = {}, set()
    for name, rep in reports:
        for story in rep.get("stories", []):
            id2input = {}
            for a in story.get("articles", []):
                id2input[a.get("id")] = a.get("input")
                seen.add(a.get("input"))
                by_input.setdefault(a.get("input"), {})
            for claim in story.get("claims", []):
                for sup in claim.get("support", []):
                    inp = id2input.get(sup.get("article"))
                    if inp is None:
                        continue
                    sent = norm(sup.get("sentence", ""))
                    d = by_input[inp].setdefault((name, sup.get("article"), sent),
                                                 {"report": name, "article": sup.get("article"),
                                                  "sentence": sent, "relays": []})
                    for r in relays_of(sup):
                        if r not in d["relays"]:
                            d["relays"].append(r)
    return {k: list(v.values()) for k, v in by_input.items()}, seen

def score(entries, reports):
    sups, seen = collect(reports)
    pos = [e for e in entries if e.get("kind") == "relay"]
    neg = [e for e in entries if e.get("kind") == "none"]
    found, missed, false, neg_ok, neg_unseen = [], [], [], [], []
    judged = set()  # (input, sentence) pairs some gold entry claims
    for e in entries:
        rx = re.compile(e["sentence"], re.I)
        matching = [s for s in sups.get(e["article"], []) if rx.search(s["sentence"])]
        for s in matching:
            judged.add((e["article"], s["sentence"]))
        outlets = [r.get("outlet", "") for s in matching for r in s["relays"]]
        item = {"article": e["article"], "sentence": e["sentence"], "relay": e.get("relay"),
                "type": e.get("type", ""), "note": e.get("note", ""), "predicted": outlets}
        if e.get("kind") == "relay":
            orx = re.compile(e["relay"], re.I)
            if any(orx.search(o or "") for o in outlets):
                found.append(item)
                continue
            if e["article"] not in seen:
                item["why"] = "article not in any report"
            elif not matching:
                item["why"] = "sentence in no support"
            elif not outlets:
                item["why"] = "supported, no relay"
            else:
                item["why"] = "relay to another outlet: " + ", ".join(map(str, outlets))
            missed.append(item)
        elif e.get("kind") == "none":
            if outlets:
                item["why"] = "relay predicted: " + ", ".join(map(str, outlets))
                false.append(item)
            elif matching:
                neg_ok.append(item)
            else:
                item["why"] = ("article not in any report" if e["article"] not in seen
                               else "sentence in no support")
                neg_unseen.append(item)
    unjudged = []
    for inp, lst in sorted(sups.items(), key=lambda kv: str(kv[0])):
        for s in lst:
            if s["relays"] and (inp, s["sentence"]) not in judged:
                unjudged.append({"article": inp, "report": s["report"], "sentence": s["sentence"],
                                 "outlets": [r.get("outlet") for r in s["relays"]],
                                 "cues": [r.get("cue") for r in s["relays"]]})
    nf, nfa = len(found), len(false)
    p = nf / (nf + nfa) if nf + nfa else float("nan")
    r = nf / len(pos) if pos else float("nan")
    if nf == 0:
        f1 = 0.0 if pos else float("nan")   # nothing found: F1 is 0 even when precision is undefined
    else:
        f1 = 2 * p * r / (p + r)
    by_type = {}
    for kind, lst in (("found", found), ("missed", missed), ("false", false), ("ok", neg_ok),
                      ("unseen", neg_unseen)):
        for it in lst:
            by_type.setdefault(it["type"] or "-", {}).setdefault(kind, 0)
            by_type[it["type"] or "-"][kind] += 1
    gold_inputs = {e["article"] for e in entries}
    supported = nf + sum(m["why"] not in ("article not in any report", "sentence in no support") for m in missed)
    return {"positives": len(pos), "negatives": len(neg), "found": nf, "missed": len(missed),
            "false": nfa, "negatives_ok": len(neg_ok), "negatives_unseen": len(neg_unseen),
            "unjudged": len(unjudged), "positives_supported": supported,
            "recall_supported": nf / supported if supported else float("nan"), "precision": p, "recall": r, "f1": f1,
            "gold_articles": len(gold_inputs), "gold_articles_in_reports": len(gold_inputs & seen),
            "by_type": by_type, "missed_list": missed, "false_list": false,
            "unseen_negatives_list": neg_unseen, "unjudged_list": unjudged}

def fmt(x):
    return "n/a" if x != x else f"{x:.3f}"

def print_text(res, quiet=False):
    print(f"gold: {res['positives']} relay, {res['negatives']} none; articles in reports: "
          f"{res['gold_articles_in_reports']}/{res['gold_articles']}")
    print(f"found {res['found']}  missed {res['missed']}  false {res['false']}  "
          f"(negatives ok {res['negatives_ok']}, unseen {res['negatives_unseen']})  "
          f"unjudged relays {res['unjudged']}")
    print(f"precision {fmt(res['precision'])}  recall {fmt(res['recall'])}  F1 {fmt(res['f1'])}  "
          f"(positives in some support: {res['positives_supported']}, recall among them "
          f"{fmt(res['recall_supported'])})")
    print("by type: " + "; ".join(f"{t} " + " ".join(f"{k}={v}" for k, v in sorted(d.items()))
                                  for t, d in sorted(res["by_type"].items())))
    if quiet:
        return
    def short(s, n=140):
        return s if len(s) <= n else s[:n - 3] + "..."
    if res["missed_list"]:
        print("\nMISSED:")
        for m in res["missed_list"]:
            print(f"  {m['article']}  /{m['sentence']}/  want /{m['relay']}/  [{m['type']}]  -- {m['why']}")
    if res["false_list"]:
        print("\nFALSE:")
        for m in res["false_list"]:
            print(f"  {m['article']}  /{m['sentence']}/  [{m['type']}]  -- {m['why']}  ({m['note']})")
    if res["unseen_negatives_list"]:
        print(f"\nnegatives with no supporting sentence (no evidence): {len(res['unseen_negatives_list'])}")
    if res["unjudged_list"]:
        print("\nUNJUDGED relays (sentence not in the gold file):")
        for u in res["unjudged_list"]:
            print(f"  {u['article']}  {u['outlets']} {u['cues']}  {short(u['sentence'])}")

def load_reports(paths):
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            out.append((p, json.load(f)))
    return out

# ----------------------------------------------------------------------------- self-test
SELF_GOLD = """
[[entry]]
article = "ev-a"
sentence = 'CBS News reported'
relay = 'CBS'
kind = "relay"
type = "reported"
note = "found"

[[entry]]
article = "ev-a"
sentence = 'told the Associated Press'
relay = 'Associated Press|\\bAP\\b'
kind = "relay"
type = "interview"
note = "missed: supported, no relay"

[[entry]]
article = "ev-b"
sentence = 'according to Reuters'
relay = 'Reuters'
kind = "relay"
type = "according"
note = "missed: wrong outlet"

[[entry]]
article = "ev-b"
sentence = 'first reported by The Atlantic'
relay = 'Atlantic'
kind = "relay"
type = "reported"
note = "missed: sentence in no support"

[[entry]]
article = "ev-c"
sentence = 'Interfax'
relay = 'Interfax'
kind = "relay"
type = "reported"
note = "missed: article absent"

[[entry]]
article = "ev-a"
sentence = 'Smith told reporters'
kind = "none"
type = "speaker"
note = "false"

[[entry]]
article = "ev-b"
sentence = 'said in a statement'
kind = "none"
type = "speaker"
note = "ok"

[[entry]]
article = "ev-b"
sentence = 'CNN hired'
kind = "none"
type = "subject"
note = "unseen"
"""

def self_report():
    nb = "\u00a0"
    return {"stories": [{"id": "s1", "articles": [{"id": "A1", "input": "ev-a"}, {"id": "B1", "input": "ev-b"}],
        "claims": [
            {"support": [
                {"article": "A1", "sentence": "The deal is done, CBS" + nb + "News reported on Monday.",
                 "relay": {"outlet": "CBS News", "cue": "reported"}},
                {"article": "B1", "sentence": "The deal is done, according to Reuters.",
                 "relay": {"outlet": "Bloomberg", "cue": "according to"}}]},   # wrong outlet
            {"support": [
                {"article": "A1", "sentence": "It is fine, she told the Associated Press."},
                {"article": "A1", "sentence": "\"No,\" Smith told reporters.",
                 "relay": {"outlet": "reporters", "cue": "told"}},
                {"article": "B1", "sentence": "The firm said in a statement that it agreed."}]},
            {"support": [
                {"article": "A1", "sentence": "The deal is done, CBS News reported on Monday.",
                 "relay": {"outlet": "CBS News", "cue": "reported"}},   # duplicate support: counted once
                {"article": "B1", "sentence": "Prices rose, Bloomberg reported.",
                 "relay": {"outlet": "Bloomberg", "cue": "reported"}}]}]}]}

def self_test():
    entries = tomllib.loads(SELF_GOLD)["entry"]
    rep = self_report()
    res = score(entries, [("self", rep)])
    fails = []
    def check(name, got, want):
        if got != want:
            fails.append(f"{name}: got {got!r}, want {want!r}")
    check("found", res["found"], 1)
    check("missed", res["missed"], 4)
    check("false", res["false"], 1)
    check("negatives_ok", res["negatives_ok"], 1)
    check("negatives_unseen", res["negatives_unseen"], 1)
    check("unjudged", res["unjudged"], 1)
    check("unjudged sentence", [u["sentence"] for u in res["unjudged_list"]], ["Prices rose, Bloomberg reported."])
    why = {m["sentence"]: m["why"] for m in res["missed_list"]}
    check("why AP", why.get("told the Associated Press"), "supported, no relay")
    check("why Reuters", why.get("according to Reuters"), "relay to another outlet: Bloomberg")
    check("why Atlantic", why.get("first reported by The Atlantic"), "sentence in no support")
    check("why Interfax", why.get("Interfax"), "article not in any report")
    check("precision", round(res["precision"], 6), 0.5)
    check("recall", round(res["recall"], 6), 0.2)
    check("f1", round(res["f1"], 6), round(2 * 0.5 * 0.2 / 0.7, 6))
    check("articles in reports", (res["gold_articles_in_reports"], res["gold_articles"]), (2, 3))
    check("positives supported", res["positives_supported"], 3)
    # relay given as a list, and an empty report
    rep2 = {"stories": [{"articles": [{"id": "X", "input": "ev-a"}], "claims": [{"support": [
        {"article": "X", "sentence": "CBS News reported it.", "relay": [{"outlet": "CBS", "cue": "reported"}]}]}]}]}
    check("list relay", score(entries[:1], [("r2", rep2)])["found"], 1)
    empty = score(entries, [("empty", {"stories": []})])
    check("empty found", empty["found"], 0)
    check("empty precision is nan", empty["precision"] != empty["precision"], True)
    check("empty f1", empty["f1"], 0.0)
    json.dumps(res)  # the --json output must serialise
    if fails:
        print("SELF-TEST FAILED"); print("\n".join("  " + f for f in fails)); return 1
    print("self-test ok (found/missed/false/ok/unseen/unjudged, reasons, P/R/F1, list relays, empty report)")
    return 0

def main(argv):
    gold, paths, as_json, quiet = None, [], False, False
    it = iter(argv)
    for a in it:
        if a == "--gold":
            gold = next(it)
        elif a == "--json":
            as_json = True
        elif a == "--quiet":
            quiet = True
        elif a == "--self-test":
            return self_test()
        elif a in ("-h", "--help"):
            print(__doc__); return 0
        else:
            paths.append(a)
    if not gold:
        import os
        gold = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gold-dev.toml")
    if not paths:
        print(__doc__); return 2
    with open(gold, "rb") as f:
        entries = tomllib.load(f).get("entry", [])
    res = score(entries, load_reports(paths))
    if as_json:
        print(json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in res.items()},
                         ensure_ascii=False, indent=1))
    else:
        print_text(res, quiet)
        if res["gold_articles_in_reports"] < res["gold_articles"]:
            print(f"\nwarning: {res['gold_articles'] - res['gold_articles_in_reports']} gold article(s) in no "
                  "report (run every events.py file through parallax)", file=sys.stderr)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
