#!/usr/bin/env python3
"""Grouping precision/recall and contradiction precision/recall of parallax claim groups against a
hand-written gold file (the format of ../shared/tools/score_claims.py; see bench/claims/README.md).

usage: score_groups.py GOLD.toml REPORT.json [REPORT.json ...] [--json]
       score_groups.py --self-test

REPORT.json is the output of `parallax analyze --format json` (docs/json-schema.md); several
reports (say one per event) are pooled. Support articles are mapped to gold article ids through
each report's articles[].input. A predicted group belongs to the gold story holding most of its
articles; groups with no article of any gold story are ignored.

Definitions (a group "matches" gold claim C for article A when the support sentences of A in the
group, joined with spaces, match every `must` regex of C, case-insensitively):
- grouping precision: over predicted groups whose support spans 2+ different articles, the share
  that are right: one gold claim C with all the group's articles in C.sources and the group
  matching C for each of them. "partly right": one gold claim C such that at least two of the
  group's articles are in C.sources and match C.
- grouping recall: over gold claims with 2+ sources (clause level included), the share found as
  score_claims.py defines it: one group whose articles equal C.sources exactly and that matches C
  for each source. "partial": one group with at least two of C.sources that match C (other
  articles in the group allowed).
  Also split by level: sentence-level claims and `level = "clause"` ones (recall_sentence_level,
  recall_clause_level).
- single recall: gold single-source claims found the same way (a group of only that article): an
  over-merging guard, not part of grouping recall.
- contradiction precision: over predicted groups with status "contradicted", the share that are
  right (as in precision, any number of articles) for a gold claim named by some gold
  discrepancy's same_group_as. contradiction recall: gold discrepancies found as score_claims.py
  does (their same_group_as claim found and that group contradicted or carrying a conflict).
- stories split or merged: gold stories whose articles are not exactly one reported story.
Shares with an empty denominator print as "-" (null in --json)."""
import json, os, re, sys, tempfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None


def load_gold(path):
    if tomllib is None:
        sys.exit("score_groups.py needs Python 3.11+ (tomllib)")
    with open(path, "rb") as f:
        g = tomllib.load(f)
    claims = [c for c in g.get("claim", []) if c.get("kind") != "discrepancy"]
    discs = [c for c in g.get("claim", []) if c.get("kind") == "discrepancy"]
    for c in claims:
        c["_rx"] = [re.compile(m, re.I) for m in c["must"]]
        c["sources"] = [str(s) for s in c["sources"]]
    return {k: [str(x) for x in v] for k, v in g.get("stories", {}).items()}, claims, discs


def load_groups(paths):
    """Every predicted claim of every report as {status, conflict, arts: {input: joined sentences}};
    plus input -> reported story id (per report) for the story check."""
    groups, story_of = [], {}
    for n, path in enumerate(paths):
        with open(path, encoding="utf-8") as f:
            rep = json.load(f)
        art_input = {}
        for s in rep.get("stories", []):
            for a in s.get("articles", []):
                art_input[a["id"]] = str(a.get("input"))
                story_of.setdefault(str(a.get("input")), set()).add((n, s["id"]))
        for s in rep.get("stories", []):
            for c in s.get("claims", []):
                arts = {}
                for x in c.get("support", []):
                    inp = art_input.get(x.get("article"), "?" + str(x.get("article")))
                    arts.setdefault(inp, []).append(x.get("sentence") or "")
                groups.append({"status": c.get("status"), "conflict": c.get("conflict"),
                               "arts": {a: " ".join(v) for a, v in arts.items()}})
    return groups, story_of


def matches(claim, group, art):
    text = group["arts"].get(art)
    return text is not None and all(r.search(text) for r in claim["_rx"])


def right(claim, group):
    """All of the group's articles are sources of the claim and match it."""
    return all(a in claim["sources"] and matches(claim, group, a) for a in group["arts"])


def partly(claim, group):
    return sum(a in group["arts"] and matches(claim, group, a) for a in claim["sources"]) >= 2


def found(claim, group):
    return sorted(group["arts"]) == sorted(claim["sources"]) and right(claim, group)


def share(n, d):
    return None if d == 0 else n / d


def evaluate(gold_path, report_paths):
    stories, claims, discs = load_gold(gold_path)
    groups, story_of = load_groups(report_paths)
    event_of_art = {a: name for name, ids in stories.items() for a in ids}
    by_id = {c["id"]: c for c in claims}
    disc_claim_ids = {d.get("same_group_as") for d in discs}
    # assign groups to gold stories
    per = {name: [] for name in stories}
    for g in groups:
        votes = {}
        for a in g["arts"]:
            if a in event_of_art:
                votes[event_of_art[a]] = votes.get(event_of_art[a], 0) + 1
        if votes:
            per[max(sorted(votes), key=lambda k: votes[k])].append(g)
    keys = ("pred_multi", "right", "partly_right", "gold_multi", "found", "partial", "gold_single",
            "single_found", "pred_contradicted", "contradicted_right", "gold_discrepancies",
            "discrepancies_found", "gold_multi_clause", "found_clause")
    rows = {}
    for name, ids in stories.items():
        gs = per[name]
        cl = [c for c in claims if c["sources"] and event_of_art.get(c["sources"][0]) == name]
        multi = [c for c in cl if len(set(c["sources"])) > 1]
        single = [c for c in cl if len(set(c["sources"])) == 1]
        pm = [g for g in gs if len(g["arts"]) > 1]
        pc = [g for g in gs if g["status"] == "contradicted"]
        ds = [d for d in discs if event_of_art.get((by_id.get(d.get("same_group_as")) or {"sources": [""]})["sources"][0]) == name]
        cand_disc = [c for c in cl if c["id"] in disc_claim_ids]
        r = dict.fromkeys(keys, 0)
        r["pred_multi"] = len(pm)
        r["right"] = sum(any(right(c, g) for c in multi) for g in pm)
        r["partly_right"] = sum(any(partly(c, g) for c in multi) for g in pm)
        r["gold_multi"] = len(multi)
        r["found"] = sum(any(found(c, g) for g in gs) for c in multi)
        r["partial"] = sum(any(partly(c, g) for g in gs) for c in multi)
        r["gold_multi_clause"] = sum(c.get("level") == "clause" for c in multi)
        r["found_clause"] = sum(c.get("level") == "clause" and any(found(c, g) for g in gs) for c in multi)
        r["gold_single"] = len(single)
        r["single_found"] = sum(any(found(c, g) for g in gs) for c in single)
        r["pred_contradicted"] = len(pc)
        r["contradicted_right"] = sum(any(right(c, g) for c in cand_disc) for g in pc)
        r["gold_discrepancies"] = len(ds)
        r["discrepancies_found"] = sum(any(found(by_id[d["same_group_as"]], g)
                                           and (g["status"] == "contradicted" or g["conflict"]) for g in gs)
                                       for d in ds)
        got = set().union(*[story_of.get(a, {None}) for a in ids])
        mates = {a for a, ss in story_of.items() if ss & got and a not in ids}
        r["story_ok"] = len(got) == 1 and None not in got and not mates
        rows[name] = r
    tot = {k: sum(r[k] for r in rows.values()) for k in keys}
    tot["stories_split_or_merged"] = sorted(n for n, r in rows.items() if not r["story_ok"])
    for r in list(rows.values()) + [tot]:
        r["precision"] = share(r["right"], r["pred_multi"])
        r["precision_partly"] = share(r["partly_right"], r["pred_multi"])
        r["recall"] = share(r["found"], r["gold_multi"])
        r["recall_partial"] = share(r["partial"], r["gold_multi"])
        r["recall_sentence_level"] = share(r["found"] - r["found_clause"], r["gold_multi"] - r["gold_multi_clause"])
        r["recall_clause_level"] = share(r["found_clause"], r["gold_multi_clause"])
        r["single_recall"] = share(r["single_found"], r["gold_single"])
        r["contradiction_precision"] = share(r["contradicted_right"], r["pred_contradicted"])
        r["contradiction_recall"] = share(r["discrepancies_found"], r["gold_discrepancies"])
    return rows, tot


def fmt(x):
    return "-" if x is None else f"{x:.3f}"


def line(name, r):
    return (f"{name:<12} P {fmt(r['precision'])} ({r['right']}/{r['pred_multi']}, partly {fmt(r['precision_partly'])})"
            f"  R {fmt(r['recall'])} ({r['found']}/{r['gold_multi']}, partial {fmt(r['recall_partial'])})"
            f"  single {r['single_found']}/{r['gold_single']}"
            f"  contra P {fmt(r['contradiction_precision'])} ({r['contradicted_right']}/{r['pred_contradicted']})"
            f" R {fmt(r['contradiction_recall'])} ({r['discrepancies_found']}/{r['gold_discrepancies']})")


def main(argv):
    if "--self-test" in argv:
        return self_test()
    paths = [a for a in argv if not a.startswith("--")]
    if len(paths) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows, tot = evaluate(paths[0], paths[1:])
    if "--json" in argv:
        print(json.dumps({**tot, "per_event": {n: {k: v for k, v in r.items()} for n, r in rows.items()}}))
        return 0
    for name, r in rows.items():
        print(line(name, r) + ("" if r["story_ok"] else "  [story split or merged]"))
    print(line("TOTAL", tot))
    print(f"recall by level: sentence {fmt(tot['recall_sentence_level'])} ({tot['found'] - tot['found_clause']}/"
          f"{tot['gold_multi'] - tot['gold_multi_clause']}), clause {fmt(tot['recall_clause_level'])} "
          f"({tot['found_clause']}/{tot['gold_multi_clause']})")
    if tot["stories_split_or_merged"]:
        print("stories split or merged:", ", ".join(tot["stories_split_or_merged"]))
    return 0


SELF_GOLD = r'''
[stories]
ev = ["a1", "a2", "a3"]
other = ["b1", "b2"]

[[claim]]
id = "toll"
must = ["kill|dead", "\\b1[25]\\b"]
sources = ["a1", "a2", "a3"]

[[claim]]
id = "toll-conflict"
kind = "discrepancy"
same_group_as = "toll"
values = ["12", "15"]

[[claim]]
id = "date"
must = ["tuesday"]
sources = ["a1", "a2"]

[[claim]]
id = "place"
must = ["harbor"]
sources = ["a2", "a3"]
level = "clause"

[[claim]]
id = "only-a3"
must = ["captain"]
sources = ["a3"]

[[claim]]
id = "vote"
must = ["voted", "230"]
sources = ["b1", "b2"]

[[claim]]
id = "only-b1"
must = ["senate"]
sources = ["b1"]
'''


def self_test():
    def art(i, inp, story):
        return {"id": i, "input": inp, "story": story}
    sup = lambda art, s: {"article": art, "sentence": s}
    report = {"stories": [
        {"id": "s1", "articles": [{"id": "x1", "input": "a1"}, {"id": "x2", "input": "a2"}, {"id": "x3", "input": "a3"}],
         "claims": [
             # right, exactly the gold sources, contradicted -> found, contradiction right, discrepancy found
             {"status": "contradicted", "conflict": {"kind": "number"},
              "support": [sup("x1", "12 were killed."), sup("x2", "15 dead."), sup("x3", "Toll: 12"), sup("x3", "all killed")]},
             # right but a subset of "date"? date sources are a1,a2 and group is a1,a2 -> right and found
             {"status": "corroborated", "support": [sup("x1", "It sank Tuesday."), sup("x2", "on Tuesday")]},
             # wrong: a1 does not say harbor; partly right (a2, a3 match "place"); partial recall of "place"
             {"status": "contradicted", "conflict": {"kind": "place"},
              "support": [sup("x1", "a boat"), sup("x2", "in the harbor"), sup("x3", "harbor mouth")]},
             # single of a3 matching only-a3 -> single found; not counted in precision (one article)
             {"status": "single_source", "support": [sup("x3", "The captain fled.")]},
         ]},
        {"id": "s2", "articles": [{"id": "y1", "input": "b1"}, {"id": "y2", "input": "b2"}, {"id": "z9", "input": "zz"}],
         "claims": [
             # wrong: regex 230 fails for b2; not partly right either
             {"status": "corroborated", "support": [sup("y1", "House voted 230-197"), sup("y2", "voted 231")]},
             # only unknown articles: ignored entirely
             {"status": "corroborated", "support": [sup("z9", "x"), sup("z9", "y")]},
             # the senate single claim, but merged with b2 -> wrong, single not found
             {"status": "corroborated", "support": [sup("y1", "Senate next"), sup("y2", "the senate")]},
         ]},
    ]}
    d = tempfile.mkdtemp()
    gp, rp = os.path.join(d, "gold.toml"), os.path.join(d, "report.json")
    with open(gp, "w") as f:
        f.write(SELF_GOLD)
    with open(rp, "w") as f:
        json.dump(report, f)
    rows, tot = evaluate(gp, [rp])
    ev, other = rows["ev"], rows["other"]
    checks = [
        (ev["pred_multi"], 3), (ev["right"], 2), (ev["partly_right"], 3),
        (ev["gold_multi"], 3), (ev["found"], 2), (ev["partial"], 3),
        (ev["gold_single"], 1), (ev["single_found"], 1),
        (ev["pred_contradicted"], 2), (ev["contradicted_right"], 1),
        (ev["gold_discrepancies"], 1), (ev["discrepancies_found"], 1), (ev["story_ok"], True),
        (other["pred_multi"], 2), (other["right"], 0), (other["partly_right"], 0),
        (other["found"], 0), (other["single_found"], 0), (other["story_ok"], False),  # zz merged in
        (tot["pred_multi"], 5), (tot["right"], 2), (tot["gold_multi"], 4), (tot["found"], 2),
        (tot["precision"], 2 / 5), (tot["precision_partly"], 3 / 5), (tot["recall"], 2 / 4),
        (tot["recall_partial"], 3 / 4), (tot["single_recall"], 1 / 2),
        (tot["contradiction_precision"], 1 / 2), (tot["contradiction_recall"], 1.0),
        (tot["stories_split_or_merged"], ["other"]), (other["contradiction_precision"], None),
        (tot["gold_multi_clause"], 1), (tot["found_clause"], 0), (tot["recall_clause_level"], 0.0),
        (tot["recall_sentence_level"], 2 / 3),
    ]
    bad = [(i, got, want) for i, (got, want) in enumerate(checks) if got != want]
    for i, got, want in bad:
        print(f"self-test check {i}: got {got!r}, want {want!r}")
    print("self-test", "FAILED" if bad else "ok", f"({len(checks)} checks)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
