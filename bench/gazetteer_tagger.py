"""Tagger throughput on real news (../shared/data), and what it tags there — for review, not a test.

    PYTHONPATH=. python bench/gazetteer_tagger.py [N]      # N articles of ant_multisource (default all)

Run from the project root; the data is ../shared/data (SIJILL_SHARED_DATA overrides the directory).

Prints articles/second and the most frequent places with two contexts each, so a reviewer can spot
false tags (a name that is also a common word) and mark them `ambiguous` in places.csv.
"""
from __future__ import annotations

import collections
import gzip
import json
import os
import sys
import time
from pathlib import Path

from app.gazetteer.tagger import _tables, tag

DATA = Path(os.environ.get("SIJILL_SHARED_DATA", "../shared/data")) / "ant_multisource.jsonl.gz"


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
    texts = []
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if limit and len(texts) >= limit:
                break
    t0 = time.perf_counter()
    _tables()
    build = time.perf_counter() - t0
    counts: collections.Counter[str] = collections.Counter()
    contexts: dict[str, list[str]] = collections.defaultdict(list)
    t0 = time.perf_counter()
    for text in texts:
        for h in tag(text):
            counts[h.slug] += 1
            if len(contexts[h.slug]) < 2:
                contexts[h.slug].append(text[max(0, h.start - 30):h.end + 20].replace("\n", " "))
    elapsed = time.perf_counter() - t0
    chars = sum(map(len, texts))
    print(f"tables built in {build * 1000:.0f} ms")
    print(f"{len(texts)} articles, {chars / 1e6:.1f}M chars in {elapsed:.2f} s: "
          f"{len(texts) / elapsed:.0f} articles/s, {elapsed / len(texts) * 1000:.2f} ms/article")
    for slug, n in counts.most_common(40):
        print(f"{n:6d} {slug:28s} {' | '.join(contexts[slug])}")


if __name__ == "__main__":
    main()
