#!/usr/bin/env python3
"""Draws the sample of predicted BASIL spans that a person reads to measure precision.

Reads bench/out/framing/basil.jsonl and the framing output the benchmark wrote beside it
(run bench/framing.sh first), picks N predicted spans at random (seed fixed), and prints them
with their sentences as a TOML skeleton for bench/framing/precision.toml. The reader fills in
`loaded = true | false` and keeps only the verdict, the span's place and its words: the
sentences are the publishers' text and stay out of the repository.
"""
import json, os, random, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "bench", "out", "framing")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    texts = {o["id"]: o["text"] for o in map(json.loads, open(os.path.join(OUT, "basil.jsonl")))}
    preds = [json.loads(l) for l in open(os.path.join(OUT, "basil-out.jsonl"))]
    spans = [(p["id"], s) for p in preds for s in p["spans"]]
    rng = random.Random(seed)
    for key, s in sorted(rng.sample(spans, min(n, len(spans))), key=lambda x: x[0]):
        sentence = texts[key]
        print("[[span]]")
        print(f"sentence = {json.dumps(key)}")
        print(f"start = {s['start']}")
        print(f"end = {s['end']}")
        print(f"text = {json.dumps(s['text'])}")
        print(f"technique = {json.dumps(s['technique'])}")
        print(f"quoted = {str(s['quoted']).lower()}")
        print("loaded = ")
        print(f"# {sentence}")
        print()


if __name__ == "__main__":
    main()
