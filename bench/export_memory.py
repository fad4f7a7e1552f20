"""Memory of a whole-result-set export (/reports.csv, /reports.jsonl) as the archive grows.

Builds archives of N synthetic reports (seed bodies, each made unique, ~BODY_KB KB), then streams
the CSV and JSONL exports of all of them through the same generators the routes use, and reports
tracemalloc's peak. A streamed export holds one batch of reports plus 4 bytes per result (the
ordered document numbers); Whoosh's collection of the result list adds a transient ~100 bytes per
result. So the peak must grow by far less than the exported bytes.

    PYTHONPATH=. python bench/export_memory.py 1000 4000
"""
from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.archive import Archive  # noqa: E402
from app.config import Settings  # noqa: E402
from app.ingest.pipeline import ingest  # noqa: E402
from app.search.params import SearchParams  # noqa: E402
from app.search.service import SearchService  # noqa: E402
from app.web.export import csv_chunks, jsonl_chunks  # noqa: E402

BODY_KB = 4


def build(n: int, where: Path) -> SearchService:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    src = where / "src"
    src.mkdir()
    for i in range(n):
        body = seeds[i % len(seeds)][: BODY_KB * 1024]
        (src / f"{i:06d}.txt").write_text(f"{body}\n\nتقرير رقم {i} عن حلب.", encoding="utf-8")
    settings = Settings(data_dir=where / "data", database_url=None)
    archive = Archive(settings)
    ingest(archive, [src], max_bytes=settings.max_report_bytes)
    return SearchService(archive)


def measure(service: SearchService, fmt: str, q: str) -> tuple[int, int, float]:
    chunks = csv_chunks if fmt == "csv" else jsonl_chunks
    params = SearchParams.parse({"q": q})
    tracemalloc.start()
    t = time.perf_counter()
    total = 0
    for chunk in chunks(service, params, "http://bench"):
        total += len(chunk)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return total, peak, elapsed


def main(sizes: list[int]) -> None:
    print(f"{'reports':>8} {'format':>6} {'query':>6} {'exported MB':>12} {'peak MB':>8} {'s':>6}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            service = build(n, Path(d))
            # Warm the per-process state a running server already has (open searcher, columns),
            # so the peak below is what one export adds.
            for _ in csv_chunks(service, SearchParams(), "http://bench"):
                pass
            for fmt in ("csv", "jsonl"):
                for q in ("", "حلب"):
                    size, peak, secs = measure(service, fmt, q)
                    print(f"{n:>8} {fmt:>6} {q or '-':>6} {size / 1e6:>12.1f} {peak / 1e6:>8.1f} {secs:>6.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 4000])
