"""Mentioned-date searches (date_field=mentioned), timed in-process through the one SearchService.

Prints per query the server-side time (p50/p95 over rounds, warm) and a digest of what it
returned (total, page IDs, timeline buckets), so that two code versions can be compared on copies
of the same archive in one run — same digests = identical results:

    PYTHONPATH=<tree> python bench/mentioned_dates.py --data bench/out/data-10k [--rounds 15]
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

from app.archive import Archive
from app.config import Settings
from app.search.params import SearchParams
from app.search.service import SearchService

D = dt.date
QUERIES: list[tuple[str, dict]] = [
    ("q + 6 weeks", {"q": "حلب", "date_from": D(2016, 11, 15), "date_to": D(2016, 12, 31)}),
    ("q + year", {"q": "سوريا", "date_from": D(2016, 1, 1), "date_to": D(2016, 12, 31)}),
    ("q + from only", {"q": "الحكومة", "date_from": D(2017, 1, 1)}),
    ("browse + month", {"date_from": D(2017, 6, 1), "date_to": D(2017, 6, 30)}),
    ("browse + year", {"date_from": D(2015, 1, 1), "date_to": D(2015, 12, 31)}),
    ("browse + to only", {"date_to": D(2014, 12, 31)}),
    ("browse, no window", {}),
    ("q, no window", {"q": "النفط"}),
]


def digest(page) -> str:
    h = hashlib.sha256(repr((page.total, [r.id for r in page.results], page.histogram_unit,
                             [(b.start, b.end, b.count) for b in page.histogram])).encode())
    return h.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="an ingested archive's data directory")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    archive = Archive(Settings(data_dir=a.data), migrate_db=False)
    opened = time.perf_counter() - t0
    service = SearchService(archive)
    rows = []
    print(f"archive {a.data} ({archive.counts()['index']} reports, opened in {opened:.1f} s), "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'query':22} {'total':>6} {'bars':>5} {'p50 ms':>8} {'p95 ms':>8}  digest")
    for name, kw in QUERIES:
        p = SearchParams(date_field="mentioned", per_page=10, **kw)
        page = service.search(p)  # warm: generation arrays, postings
        times = []
        for _ in range(a.rounds):
            t = time.perf_counter()
            page = service.search(p)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50, p95 = statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]
        rows.append({"query": name, "total": page.total, "bars": len(page.histogram), "p50_ms": round(p50, 2),
                     "p95_ms": round(p95, 2), "digest": digest(page)})
        print(f"{name:22} {page.total:6d} {len(page.histogram):5d} {p50:8.1f} {p95:8.1f}  {rows[-1]['digest']}")
    if a.json:
        a.json.write_text(json.dumps({"load_avg": os.getloadavg(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
