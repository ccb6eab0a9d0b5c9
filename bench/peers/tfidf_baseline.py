#!/usr/bin/env python3
"""The Python baseline for story clustering: TF-IDF (IDF fitted on the set), single-pass centroid
clustering, optional time window. Standard library only. Prints item<TAB>cluster lines."""
import json
import math
import re
import sys
from collections import Counter
from datetime import date

WORD = re.compile(r"[a-z0-9]+")
STOP = set("the a an and or of to in on for with by at from as is are was were be been has have had it its this that "
           "he she they we you i his her their our not but said says will would can could".split())


def toks(text):
    return [w for w in WORD.findall(text.lower()) if w not in STOP and len(w) > 1]


def day(s):
    try:
        return date.fromisoformat((s or "")[:10]).toordinal()
    except ValueError:
        return None


def main():
    path, threshold = sys.argv[1], float(sys.argv[2])
    window = float(sys.argv[3]) if len(sys.argv) > 3 else None
    rows = [json.loads(l) for l in open(path) if l.strip()]
    docs = [Counter(toks((r.get("title") or "") + " " + (r.get("text") or ""))) for r in rows]
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    clusters = []  # (centroid dict, norm, last day, id)
    out = []
    for r, d in zip(rows, docs):
        v = {t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 1)) for t, c in d.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        v = {t: w / norm for t, w in v.items()}
        dd = day(r.get("date"))
        best, best_s = None, 0.0
        for i, (c, cn, cday, _) in enumerate(clusters):
            if window is not None and dd is not None and cday is not None and abs(dd - cday) > window:
                continue
            s = sum(w * c.get(t, 0.0) for t, w in v.items()) / cn
            if s > best_s:
                best, best_s = i, s
        if best is not None and best_s >= threshold:
            c, _, cday, cid = clusters[best]
            for t, w in v.items():
                c[t] = c.get(t, 0.0) + w
            clusters[best] = (c, math.sqrt(sum(w * w for w in c.values())), dd if dd is not None else cday, cid)
        else:
            cid = f"c{len(clusters)}"
            clusters.append((dict(v), 1.0, dd, cid))
        out.append(f"{r['id']}\t{clusters[best][3] if best is not None and best_s >= threshold else cid}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
