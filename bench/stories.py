#!/usr/bin/env python3
"""Stories that hold together (issue 19's table), on the dev halves only (the events dated first,
by event date): B-cubed F1 of the shipped defaults on AllSides and BASIL (dates on), and the
multi-outlet dev events run one at a time with nothing else in the store (kept whole or split),
with which rule split them. Storyline links are scored on bench/clustering/storylines-dev.json
once parallax makes storylines.

  python3 bench/stories.py [--shared ../shared] [--parallax target/release/parallax]
"""

import argparse
import collections
import json
import random
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
    clustering.EXTRA[:] = BASE + list(extra)
    pred, _, _ = clustering.parallax_assign(binary, path, work)
    return pred


def stories_of(pred):
    return set(l.rstrip("\n").split("\t")[1] for l in open(pred))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--parallax", default="target/release/parallax")
    ap.add_argument("--parallax-arg", action="append", default=[], help="extra parallax option (tuning on these dev sets only)")
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
        for rule, extra in [("cohesion", ["--story-cohesion", "0"]), ("same outlet", ["--story-same-outlet", "1"])]:
            if len(stories_of(ingest(args.parallax, arts, work, extra))) == 1:
                why[rule] += 1
                break
        else:
            why["below the threshold"] += 1
    label = f"three-outlet dev events run alone, kept whole ({'all' if args.alone == 0 else 'a seeded draw'})"
    print(f"{label:<58} {f'{whole}/{len(draw)}':>10}   split by: {dict(why) or 'none'}")
    if split:
        print(f"{'':<60}split: {', '.join(split)}")
    gold = json.load(open(Path(__file__).resolve().parent / "clustering/storylines-dev.json"))
    n_links = sum(len(s["events"]) * (len(s["events"]) - 1) // 2 for s in gold["storylines"])
    print(f"{'storyline links on the hand-made gold set: P / R':<58} {'-':>10}   (not built yet; gold: {len(gold['storylines'])} storylines, {n_links} links)")


if __name__ == "__main__":
    main()
