#!/usr/bin/env python3
"""Peer runner for the extraction benchmark: trafilatura over HTML files (optionally .gz), one JSON
line per page with the same keys as `parallax extract --format jsonl`."""
import gzip
import json
import sys

import trafilatura


def read(path):
    data = open(path, "rb").read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def main():
    precision = "--favor-precision" in sys.argv
    for path in [a for a in sys.argv[1:] if not a.startswith("--")]:
        html = read(path)
        text = trafilatura.extract(html, favor_precision=precision, include_comments=False, include_tables=True) or ""
        meta = trafilatura.extract_metadata(html)
        row = {"input": path, "text": text,
               "title": getattr(meta, "title", None) if meta else None,
               "byline": getattr(meta, "author", None) if meta else None,
               "published": getattr(meta, "date", None) if meta else None}
        sys.stdout.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
