"""Per-report preparation cost of ingest (`pipeline.prepare`), serially in one process, with a digest.

Why: ingest's workers spend their time in `prepare` (decode, plausibility, clean, place tagging,
date extraction, MinHash). Timing it in one process, without a pool or a database, is steady on a
shared machine; the digest of every output (title, body, places, date mentions with offsets,
signature bytes, refusals with their messages) proves that an optimisation changed nothing:
run it before and after a change and compare the digest lines.

    PYTHONPATH=$PWD python bench/prepare.py --size 10000 --records 2000 [--parts] [--profile 30]

Besides the corpus's own records, every 25th record is also fed in damaged forms (Windows-1256 and
ISO-8859-6 bytes, mojibake, truncated UTF-8), so the decoder's slower paths and refusals are in
the digest too. Index-term analysis (`archive.analyse_ahead`) is not included: the worker pool
runs it only when storing, and it belongs to the index.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import pickle
import pstats
import sys
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import corpus_dir  # noqa: E402

from app.dates.extract import extract  # noqa: E402
from app.gazetteer.tagger import summarise, tag  # noqa: E402
from app.ingest import dedup, pipeline  # noqa: E402
from app.ingest.clean import clean  # noqa: E402
from app.ingest.decode import canonical, decode  # noqa: E402
from app.ingest.plausibility import judge  # noqa: E402
from app.ingest.readers import read_paths  # noqa: E402
from app.ingest.records import RawReport, Refusal  # noqa: E402

try:  # the transfer from worker to main process: plain data since ingest/transfer.py
    from app.ingest.transfer import pack, unpack  # noqa: E402
except ImportError:
    def pack(r):
        return r

    def unpack(r):
        return r

NOW = dt.datetime(2026, 1, 1)


def records(size: int, n: int, skip: int = 0) -> list:
    """`n` records of the corpus after the first `skip`, plus damaged variants of every 25th."""
    out = []
    for k, rec in enumerate(islice(read_paths([corpus_dir(size)], 1 << 24), skip, skip + n)):
        out.append(rec)
        if k % 25 or not isinstance(rec, RawReport) or rec.raw is None:
            continue
        text = rec.raw.decode("utf-8", "replace")
        for tag_, raw in (("cp1256", text.encode("cp1256", "replace")),
                          ("iso", text.encode("iso8859-6", "replace")),
                          ("mojibake", rec.raw.decode("latin-1").encode("utf-8")),
                          ("cut", rec.raw[: len(rec.raw) // 2 * 2 - 1])):
            out.append(replace(rec, origin=f"{rec.origin}#{tag_}", raw=raw, original_sha256=None))
    return out


def digest_of(results: list) -> tuple[str, dict[str, int]]:
    """One sha256 over every output field that ingest stores, and counts for the eye."""
    h = hashlib.sha256()
    counts = {"reports": 0, "refusals": 0, "places": 0, "dates": 0, "signatures": 0}
    for r in results:
        if isinstance(r, Refusal):
            counts["refusals"] += 1
            h.update(repr(("refusal", r.origin, r.reason)).encode())
            continue
        counts["reports"] += 1
        fields = tuple(getattr(r, c) for c in ("id", "sha256", "original_sha256", "title", "body", "original",
                                               "source", "source_url", "source_id", "published", "date_basis",
                                               "language", "filename", "encoding", "media_type"))
        h.update(repr(fields).encode())
        places = [(p.place_slug, p.count, p.first_pos) for p in r.places]
        dates = [(d.start, d.end, d.text, d.date_from, d.date_to, d.precision, d.relative) for d in r.dates]
        counts["places"] += len(places)
        counts["dates"] += len(dates)
        h.update(repr((places, dates)).encode())
        sig = r.__dict__[pipeline.SIGNATURE]
        if sig is not None:
            counts["signatures"] += 1
            h.update(dedup.to_bytes(sig))
        else:
            h.update(b"no-signature")
    return h.hexdigest(), counts


def time_parts(recs: list, results: list) -> dict[str, float]:
    """Seconds spent in each part, each timed alone over the same inputs."""
    raws = [r for r in recs if isinstance(r, RawReport) and r.raw is not None]
    reports = [r for r in results if not isinstance(r, Refusal)]
    texts = [r.original for r in reports]
    parts = {}
    t = time.process_time()
    for rec in raws:
        try:
            decode(rec.raw, check=judge)
        except ValueError:
            pass
    parts["decode+judge"] = time.process_time() - t
    t = time.process_time()
    for x in texts:
        clean(canonical(x))
    parts["canonical+clean"] = time.process_time() - t
    t = time.process_time()
    for r in reports:
        summarise(tag(r.body))
    parts["places (tag)"] = time.process_time() - t
    t = time.process_time()
    for r in reports:
        extract(r.body, r.published)
    parts["dates (extract)"] = time.process_time() - t
    t = time.process_time()
    for r in reports:
        dedup.signature(r.body)
    parts["minhash (signature)"] = time.process_time() - t
    t = time.process_time()
    blobs = [pickle.dumps(pack(r), protocol=pickle.HIGHEST_PROTOCOL) for r in reports]
    parts["transfer: worker side"] = time.process_time() - t
    t = time.process_time()
    arrived = [unpack(pickle.loads(b)) for b in blobs]  # kept, as the main process keeps a batch
    parts["transfer: main side"] = time.process_time() - t
    del arrived
    return parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000, help="corpus scale (bench/corpus.py --size)")
    ap.add_argument("--records", type=int, default=2000, help="corpus records to prepare")
    ap.add_argument("--skip", type=int, default=0,
                    help="corpus records to skip first (past 40,003: the altered copies, with Aleppo places)")
    ap.add_argument("--parts", action="store_true", help="also time each part alone")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile: print the top N functions")
    ap.add_argument("--rounds", type=int, default=1, help="time prepare this many times (best is printed)")
    ap.add_argument("--ahead", action="store_true",
                    help="include the index-term analysis ahead (what the workers add when storing)")
    args = ap.parse_args(argv)
    if args.ahead:  # an empty archive's schema, as `ingest` sets it before its workers fork
        import tempfile

        from app.archive import Archive
        from app.config import Settings

        scratch = tempfile.mkdtemp(prefix="sijill-prepare-")
        pipeline._ahead_schema = Archive(Settings(data_dir=Path(scratch))).index.open().schema

    recs = records(args.size, args.records, args.skip)
    prepare = pipeline.prepare
    # Warm-up: module imports and per-process tables (gazetteer, datasketch) are not per report.
    for rec in recs[:20]:
        if isinstance(rec, RawReport):
            prepare(rec, NOW)
    best = None
    for _ in range(args.rounds):
        t = time.process_time()
        results = [prepare(r, NOW) if isinstance(r, RawReport) else r for r in recs]
        elapsed = time.process_time() - t
        best = elapsed if best is None else min(best, elapsed)
    digest, counts = digest_of(results)
    n = len(recs)
    import app
    print(f"code: {Path(app.__file__).parent}")
    print(f"prepare: {n} records, {1000 * best / n:.3f} ms/record CPU (best of {args.rounds})")
    print("counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"digest: {digest}")
    if args.parts:
        for name, s in time_parts(recs, results).items():
            print(f"  {name:22s} {1000 * s / n:.3f} ms/record")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for r in recs:
            if isinstance(r, RawReport):
                prepare(r, NOW)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
