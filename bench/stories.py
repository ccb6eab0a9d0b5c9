#!/usr/bin/env python3
"""Stories that hold together (issue 19's table), on the dev halves only (the events dated first,
by event date): B-cubed F1 of the shipped defaults on AllSides and BASIL (dates on), and the
multi-outlet dev events run one at a time with nothing else in the store (kept whole or split),
with which rule split them; and the storyline links (`parallax storylines`) between AllSides dev
events, pairwise precision and recall on the hand-made bench/clustering/storylines-dev.json.

  python3 bench/stories.py [--shared ../shared] [--parallax target/release/parallax]
  python3 bench/stories.py --only-storylines --storyline-arg=--storyline-threshold --storyline-arg=0.3
"""

import argparse
import collections
import itertools
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import clustering  # noqa: E402


def dev_half(rows):
    """The events dated first (ties by event id): half of them, rounded up, with their articles."""
    events = collections.defaultdict(list)
    for r in rows:
        events[r["event_id"]].append(r)
    order = sorted(events, key=lambda e: (events[e][0].get("date", ""), e))
    return {e: events[e] for e in order[: (len(order) + 1) // 2]}


BASE = []


def ingest(binary, rows, work, extra=()):
    path = work / "in.jsonl"
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    # an option in `extra` (a rule turned off) overrides the same option given with --parallax-arg
    base, skip = [], False
    for i, a in enumerate(BASE):
        if skip:
            skip = False
        elif a in extra and a.startswith("--") and i + 1 < len(BASE):
            skip = True
        else:
            base.append(a)
    clustering.EXTRA[:] = base + list(extra)
    pred, _, _ = clustering.parallax_assign(binary, path, work)
    return pred


def stories_of(pred):
    return set(l.rstrip("\n").split("\t")[1] for l in open(pred))


def pairs(xs):
    return {tuple(sorted(p)) for p in itertools.combinations(xs, 2)}


def storyline_score(args, shared, work):
    """Pairwise precision and recall of storyline links between AllSides dev events, on the
    hand-made gold set: two events are linked when their stories (each event's story is the one
    holding most of its articles) are in one storyline, or are one story. Pairs the gold set calls
    neither (also_related, ambiguous groups) are left out of both."""
    gold = json.load(open(Path(__file__).resolve().parent / "clustering/storylines-dev.json"))
    links, neither = set(), set()
    for line in gold["storylines"]:
        links |= pairs(line["events"])
        for a in line.get("also_related") or []:
            neither |= {tuple(sorted((a, e))) for e in line["events"] + line["also_related"] if e != a}
    for g in gold["ambiguous_groups"]:
        neither |= pairs(g["events"])
    neither -= links
    dev = dev_half([json.loads(l) for l in open(shared / "bench/clustering/allsides_neus/articles.jsonl")])
    rows = [r for e in dev.values() for r in e]
    pred = ingest(args.parallax, rows, work)
    event_of = {r["id"]: r["event_id"] for r in rows}
    votes = collections.defaultdict(collections.Counter)
    for line in open(pred):
        inp, story = line.rstrip("\n").split("\t")
        votes[event_of[inp]][story] += 1
    out = subprocess.run([args.parallax, "storylines", "--json", "--db", str(work / "p.db"), *args.storyline_arg], check=True, capture_output=True, text=True).stdout
    line_of = {s["id"]: l["id"] for l in json.loads(out) for s in l["stories"]}
    key = {e: line_of.get(v.most_common(1)[0][0], v.most_common(1)[0][0]) for e, v in votes.items()}
    by = collections.defaultdict(list)
    for e, k in key.items():
        by[k].append(e)
    predicted = set().union(*[pairs(v) for v in by.values()]) - neither
    tp = len(predicted & links)
    return tp / max(1, len(predicted)), tp / len(links), len(links), len(predicted)


def print_storylines(args, shared, work):
    p, r, n_links, n_pred = storyline_score(args, shared, work)
    print(f"{'storyline links on the hand-made gold set: P / R':<58} {f'{p:.2f} / {r:.2f}':>10}   ({n_links} gold links, {n_pred} predicted)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--parallax", default="target/release/parallax")
    ap.add_argument("--parallax-arg", action="append", default=[], help="extra parallax option (tuning on these dev sets only)")
    ap.add_argument("--storyline-arg", action="append", default=[], help="extra `parallax storylines` option (tuning on the dev gold set)")
    ap.add_argument("--only-storylines", action="store_true", help="print the storyline row only")
    ap.add_argument("--alone", type=int, default=30, help="dev events run alone (a seeded draw); 0: all of them")
    args = ap.parse_args()
    BASE.extend(args.parallax_arg)
    shared = Path(args.shared)
    tools = shared / "tools"
    work = Path(tempfile.mkdtemp(prefix="parallax-stories-"))
    sets = {
        "AllSides": shared / "bench/clustering/allsides_neus/articles.jsonl",
        "BASIL": shared / "bench/clustering/basil/articles.jsonl",
    }
    print(f"{'check (dev halves)':<58} {'parallax':>10}")
    if args.only_storylines:
        print_storylines(args, shared, work)
        return
    multi = []
    for name, path in sets.items():
        dev = dev_half([json.loads(l) for l in open(path)])
        rows = [r for e in dev.values() for r in e]
        gold = work / "gold.tsv"
        clustering.write_gold(rows, gold)
        s = clustering.score(tools, str(gold), str(ingest(args.parallax, rows, work)))
        label = f"{name} dev B-cubed F1 (defaults{', dates on' if name == 'BASIL' else ''}), P / R"
        print(f"{label:<58} {s['b3_f1']:>10.3f}   ({s['b3_p']:.3f} / {s['b3_r']:.3f}, {len(dev)} events)", flush=True)
        multi += [(name, e, arts) for e, arts in dev.items() if len({a['source'] for a in arts}) >= 3]
    draw = multi if args.alone == 0 else random.Random(19).sample(multi, min(args.alone, len(multi)))
    whole, why = 0, collections.Counter()
    split = []
    for name, e, arts in draw:
        if len(stories_of(ingest(args.parallax, arts, work))) == 1:
            whole += 1
            continue
        split.append(f"{name}:{e}")
        # which rule split it: the event comes out whole once that rule is off
        for rule, extra in [("cohesion", ["--story-cohesion", "0"]), ("same outlet", ["--story-same-outlet", "1"]), ("time window", ["--story-window", "0"])]:
            if len(stories_of(ingest(args.parallax, arts, work, extra))) == 1:
                why[rule] += 1
                break
        else:
            why["below the threshold"] += 1
    label = f"three-outlet dev events run alone, kept whole ({'all' if args.alone == 0 else 'a seeded draw'})"
    print(f"{label:<58} {f'{whole}/{len(draw)}':>10}   split by: {dict(why) or 'none'}")
    if split:
        print(f"{'':<60}split: {', '.join(split)}")
    print_storylines(args, shared, work)

if __name__ == "__main__":
    main()
