#!/usr/bin/env python3
"""The 10 dev events of the claim-grouping gold set (bench/claims/gold-dev.toml).

usage: dev_events.py [OUTDIR] [--data DIR] [--combined FILE] [--list-dev]

Prints the chosen event ids (one per line: dataset, event id, label). With OUTDIR, writes one
JSONL per event, OUTDIR/<event>.jsonl, each line {id, source, title, text, date}: parallax reads
each file as one story and the line's `id` becomes the article's `input`. --combined FILE also
writes all chosen articles into one JSONL (what `score_claims.py --check` reads). --list-dev
prints every dev event instead (to choose from).

Dev rule: an event is DEV when the first hex digit of sha1(event_id as UTF-8) is 0-7; the others
(8-f) are held out and must never be annotated or tuned on.
Data: ../shared/bench/clustering/{basil,allsides_neus}/articles.jsonl (evaluation only)."""
import hashlib, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "bench", "clustering"))

# (dataset, event_id, short name used as the story name in gold-dev.toml)
EVENTS = [
    ("basil", "1b96a5db-8974-46d3-82d7-5dfef02f650e", "veto911"),      # 2016 Congress overrides 9/11 bill veto
    ("basil", "06ffda2d-1caf-45ba-99e2-268aac1bf0e1", "farenthold"),   # 2018 Farenthold resigns
    ("basil", "2a3fde8a-082a-4d8f-9567-f7e8366c0200", "strzok"),       # 2018 FBI fires Peter Strzok
    ("basil", "c6a0e65c-4f8b-41de-8200-cd700f683c64", "putin"),        # 2018 indictments, calls to cancel Putin summit
    ("basil", "3ae35b16-7f7f-4a5e-9f24-5ce724106a73", "emergency"),    # 2019 national emergency over border wall
    ("basil", "84678e18-0b79-4570-9c9f-cb1cf88d968e", "lerner"),       # 2013 IRS official invokes Fifth
    ("basil", "ee05c9b3-529c-4268-ad72-19bd34f7197e", "cantor"),       # 2014 Cantor loses primary to Brat
    ("allsides_neus", "5892", "july4"),                                # 2021 July 4 weekend shootings
    ("allsides_neus", "5857", "border"),                               # 2021 June border encounters
    ("allsides_neus", "6024", "ceasefire"),                            # 2021 Israel-Hamas cease-fire
]

def is_dev(event_id):
    return hashlib.sha1(str(event_id).encode("utf-8")).hexdigest()[0] in "01234567"

# BASIL names its three outlets by code; parallax reads `source` as the outlet's name, and
# relay detection needs the name to tell an outlet's own reporting from a relayed one.
BASIL_OUTLETS = {"nyt": "The New York Times", "hpo": "HuffPost", "fox": "Fox News"}


def load(data):
    by_event = {}
    for ds in ("basil", "allsides_neus"):
        with open(os.path.join(data, ds, "articles.jsonl"), encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                if ds == "basil":
                    o["source"] = BASIL_OUTLETS.get(o["source"], o["source"])
                by_event.setdefault((ds, str(o["event_id"])), []).append(o)
    return by_event

def main(argv):
    args, data, combined, list_dev = [], DEFAULT_DATA, None, False
    it = iter(argv)
    for a in it:
        if a == "--data":
            data = next(it)
        elif a == "--combined":
            combined = next(it)
        elif a == "--list-dev":
            list_dev = True
        elif a in ("-h", "--help"):
            print(__doc__); return 0
        else:
            args.append(a)
    by_event = load(data)
    if list_dev:
        for (ds, ev), arts in by_event.items():
            if is_dev(ev):
                print(ds, ev, arts[0].get("main_event") or arts[0].get("allsides_issue"), sep="\t")
        return 0
    out = args[0] if args else None
    if out:
        os.makedirs(out, exist_ok=True)
    comb = open(combined, "w", encoding="utf-8") if combined else None
    for ds, ev, name in EVENTS:
        assert is_dev(ev), f"{ev} is not a dev event"
        arts = by_event[(ds, ev)]
        print(ds, ev, name, sep="\t")
        lines = [json.dumps({"id": a["id"], "source": a["source"], "title": a["title"], "text": a["text"],
                             "date": a["date"]}, ensure_ascii=False) + "\n" for a in arts]
        if out:
            with open(os.path.join(out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
                f.writelines(lines)
        if comb:
            comb.writelines(lines)
    if comb:
        comb.close()
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
