"""Ingest throughput on real news (../shared/data), stage by stage — for measurement, not a test.

    PYTHONPATH=. python bench/ingest_news.py [N]     # the first N records of ant_multisource (default 2000)

Run from the project root; SIJILL_SHARED_DATA overrides ../shared/data. The sample is written as
gzipped JSON Lines (as the corpus ships) into a temporary directory and ingested into a fresh
temporary archive, first through the pipeline's stages one by one (read, decode/judge/clean,
enrich, MinHash grouping, store = database + index), then end to end with `sijill ingest`.

Data: ANT corpus (Chouigui, Ben Khiroun and Elayeb 2021, DOI 10.1007/s13369-020-05258-z;
antcorpus.github.io) — cite it wherever figures made with it are published.
"""
from __future__ import annotations

import datetime as dt
import gzip
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(os.environ.get("SIJILL_SHARED_DATA", "../shared/data")) / "ant_multisource.jsonl.gz"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = tmp / "sample.jsonl.gz"
        with gzip.open(DATA, "rb") as src, gzip.open(sample, "wb") as dst:
            dst.writelines(itertools.islice(src, n))

        os.environ["SIJILL_DATA_DIR"] = str(tmp / "staged")
        from app.archive import Archive
        from app.config import Settings
        from app.ingest.pipeline import BATCH_SIZE, Grouper, prepare
        from app.ingest.readers import read_paths
        from app.ingest.records import RawReport

        timings: dict[str, float] = {}

        def timed(name, fn):
            t0 = time.perf_counter()
            out = fn()
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
            return out

        items = timed("read (gzip + JSON + fields)",
                      lambda: [i for i in read_paths([sample], 5_000_000) if isinstance(i, RawReport)])
        now = dt.datetime.now()
        reports = timed("prepare (judge, clean, enrich)", lambda: [prepare(i, now) for i in items])
        reports = [r for r in reports if not isinstance(r, RawReport) and hasattr(r, "sha256")]
        archive = Archive(Settings())
        grouper = Grouper(archive)
        for i in range(0, len(reports), BATCH_SIZE):
            batch = reports[i:i + BATCH_SIZE]
            grouping = timed("group (MinHash + LSH lookup)", lambda: grouper.assign(batch))
            timed("store (database + index)", lambda: archive.store(batch, grouping))
        total = sum(timings.values())
        print(f"{len(reports)} reports of {n} records, stages:")
        for name, sec in timings.items():
            print(f"  {name:34s} {sec:7.2f} s  {1000 * sec / max(1, len(reports)):6.2f} ms/report")
        print(f"  {'all stages':34s} {total:7.2f} s  {len(reports) / total:6.0f} reports/s")

        env = dict(os.environ, SIJILL_DATA_DIR=str(tmp / "cli"))
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "app", "ingest", str(sample)], env=env, capture_output=True,
                           text=True)
        sec = time.perf_counter() - t0
        print(f"sijill ingest end to end: {sec:.1f} s, {n / sec:.0f} records/s — {r.stdout.strip()}")


if __name__ == "__main__":
    main()
