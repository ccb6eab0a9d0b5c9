#!/usr/bin/env python3
"""Inputs for the relayed-reporting gold set (gold-dev.toml).

usage: events.py OUTDIR [--gold FILE] [--data DIR]
       events.py --check [--show] [--gold FILE] [--data DIR]

Writes, for every event that has an article referenced in the gold file, OUTDIR/<event_id>.jsonl
with ALL articles of that event, one line each {id, source, title, text, date} (the line format of
../claims/dev_events.py): parallax reads each file as one story and a line's `id` becomes the
article's `input`, which is what gold `article` fields name.

--check verifies the gold file against the data without writing anything: every article exists
and belongs to a DEV event (dev rule in ../claims/dev_events.py), every `sentence` regex matches
the article text exactly once (after norm(): NBSP and other spaces -> ' '), every positive's `relay` regex matches somewhere in the article,
and no two entries claim the same sentence. --show also prints each match in context (for reading;
never paste article text into the repository).
Data: ../shared/bench/clustering/{basil,allsides_neus}/articles.jsonl (evaluation only)."""
import json, os, re, sys, tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "claims"))
import dev_events  # noqa: E402  (is_dev, load, DEFAULT_DATA)

DEFAULT_GOLD = os.path.join(HERE, "gold-dev.toml")

def norm(s):
    """Whitespace as the scorer sees it: any run of Unicode spaces (NBSP too) within a line -> ' '."""
    return re.sub(r"[^\S\n]+", " ", s)

def load_gold(path):
    with open(path, "rb") as f:
        return tomllib.load(f).get("entry", [])

def index_articles(data):
    """article id -> (dataset, event id, article dict), over all events (dev filter applied later)."""
    out = {}
    for (ds, ev), arts in dev_events.load(data).items():
        for a in arts:
            out[a["id"]] = (ds, ev, a)
    return out, dev_events.load(data)

def check(entries, arts, show):
    errors, spans = 0, {}
    for i, e in enumerate(entries):
        tag = f"#{i} {e.get('article')} /{e.get('sentence')}/"
        for k in ("article", "sentence", "kind", "note"):
            if k not in e:
                print("ERROR missing", k, tag); errors += 1
        if e.get("kind") not in ("relay", "none"):
            print("ERROR kind must be relay|none", tag); errors += 1
        if e.get("kind") == "relay" and not e.get("relay"):
            print("ERROR positive without relay regex", tag); errors += 1
        if e.get("kind") == "none" and e.get("relay"):
            print("ERROR negative with a relay regex", tag); errors += 1
        if e.get("article") not in arts:
            print("ERROR unknown article", tag); errors += 1; continue
        ds, ev, a = arts[e["article"]]
        if not dev_events.is_dev(ev):
            print("ERROR article of a HELD-OUT event", tag); errors += 1; continue
        text = norm(a["text"])
        ms = list(re.finditer(e["sentence"], text, re.I))
        if len(ms) != 1:
            print(f"ERROR sentence regex matches {len(ms)} times", tag); errors += 1; continue
        m = ms[0]
        key = (e["article"], m.start())
        if key in spans:
            print("ERROR same place as entry", spans[key], tag); errors += 1
        spans[key] = i
        if e.get("kind") == "relay" and not re.search(e["relay"], text, re.I):
            print("ERROR relay regex not in article", tag); errors += 1
        if show:
            lo = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 300, 0)
            hi = text.find("\n", m.end()); hi = len(text) if hi < 0 else min(hi, m.end() + 200)
            print(f"{e['kind']:5} {a['source']:<28} {tag}\n      {text[lo:hi].strip()}\n")
    pos = sum(e.get("kind") == "relay" for e in entries)
    neg = sum(e.get("kind") == "none" for e in entries)
    print(f"{len(entries)} entries: {pos} relay, {neg} none, "
          f"{len({e.get('article') for e in entries})} articles; {errors} error(s)")
    return 1 if errors else 0

def main(argv):
    gold, data, out, do_check, show = DEFAULT_GOLD, dev_events.DEFAULT_DATA, None, False, False
    it = iter(argv)
    for a in it:
        if a == "--gold":
            gold = next(it)
        elif a == "--data":
            data = next(it)
        elif a == "--check":
            do_check = True
        elif a == "--show":
            show = True
        elif a in ("-h", "--help"):
            print(__doc__); return 0
        else:
            out = a
    entries = load_gold(gold)
    arts, by_event = index_articles(data)
    if do_check:
        return check(entries, arts, show)
    if not out:
        print(__doc__); return 2
    os.makedirs(out, exist_ok=True)
    events = {}
    for e in entries:
        ds, ev, _ = arts[e["article"]]
        assert dev_events.is_dev(ev), f"{e['article']} belongs to held-out event {ev}"
        events[(ds, ev)] = True
    for ds, ev in sorted(events):
        lines = [json.dumps({"id": a["id"], "source": a["source"], "title": a["title"], "text": a["text"],
                             "date": a["date"]}, ensure_ascii=False) + "\n" for a in by_event[(ds, ev)]]
        with open(os.path.join(out, f"{ev}.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        print(ds, ev, len(lines), sep="\t")
    print(f"{len(events)} event file(s) in {out}", file=sys.stderr)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
