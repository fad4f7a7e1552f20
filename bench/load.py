"""Load benchmark: 50 concurrent clients for 60 s against `sijill serve` on 127.0.0.1.

Each client loops over the search benchmark's query mix (results pages, 10 per page) with its own
starting offset. Reports searches/s, errors (non-200 or transport failure), latency percentiles and
the server's peak RSS (supervisor + workers). Traffic goes only to 127.0.0.1, and the run is bounded
both in time (--seconds) and in count (--max-requests).

    python bench/load.py --size 10000 [--clients 50 --seconds 60 --workers 2]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import data_dir, scale_name, serve, summary_ms, table, write_json  # noqa: E402
from search import mix, url  # noqa: E402


async def client_loop(client: httpx.AsyncClient, urls: list[str], offset: int, deadline: float,
                      budget: list[int], lat: list[float], errors: list[str]) -> None:
    i = offset
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        u = urls[i % len(urls)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = await client.get(u)
            if r.status_code != 200:
                errors.append(f"HTTP {r.status_code} {u}")
            else:
                lat.append((time.perf_counter() - t0) * 1000)
        except httpx.HTTPError as e:
            errors.append(f"{type(e).__name__} {u}")


async def run_load(base: str, urls: list[str], clients: int, seconds: float, max_requests: int) -> tuple[list[float], list[str], float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    lat: list[float] = []
    errors: list[str] = []
    budget = [max_requests]
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        t0 = time.perf_counter()
        deadline = t0 + seconds
        await asyncio.gather(*(client_loop(client, urls, k * 7, deadline, budget, lat, errors) for k in range(clients)))
        elapsed = time.perf_counter() - t0
    return lat, errors, elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers (default: cores)")
    a = ap.parse_args(argv)
    scale = scale_name(a.size)
    data = data_dir(a.size)
    if not (data / "archive.db").exists():
        print(f"no ingested archive at {data}: run bench/ingest.py --size {a.size} first", file=sys.stderr)
        return 1

    with serve(data, workers=a.workers) as server:
        with httpx.Client(base_url=server.base, timeout=30.0) as c:
            facets = c.get("/api/reports", params={"per_page": 1}).json().get("facets", {})
            slugs = [f["value"] for f in facets.get("neighbourhood", [])]
            urls = [url(p) for _, p, _ in mix(slugs)]
            for u in urls:  # warm every worker's caches a little (round-robin is not guaranteed)
                for _ in range(a.workers):
                    c.get(u)
        peak = [server.rss_mb()]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], server.rss_mb())
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu0 = os.times()
        lat, errors, elapsed = asyncio.run(run_load(server.base, urls, a.clients, a.seconds, a.max_requests))
        cpu1 = os.times()
        stop.set()
        sampler.join()
        ready = server.ready_seconds

    s = summary_ms(lat)
    rps = len(lat) / elapsed
    client_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    result = {"scale": scale, "clients": a.clients, "seconds": round(elapsed, 1), "workers": a.workers,
              "requests_ok": len(lat), "errors": len(errors), "error_samples": errors[:10],
              "searches_per_s": round(rps, 1), "latency_ms": s, "server_peak_rss_mb": round(peak[0], 1),
              "server_ready_s": round(ready, 2), "load_generator_cpu_s": round(client_cpu, 1)}
    rows = [("searches/s", round(rps, 1), "≥ 200"), ("errors", len(errors), "0"),
            ("p50 ms", s["p50"], ""), ("p95 ms", s["p95"], ""), ("p99 ms", s["p99"], ""),
            ("server peak RSS MB", round(peak[0], 1), "≤ 500"), ("server ready s", round(ready, 2), "≤ 2"),
            ("load generator CPU s", round(client_cpu, 1), "(same 2 cores)")]
    print(table(f"Load — {scale}, {a.clients} clients × {elapsed:.0f} s, {a.workers} workers", ("measure", "value", "target"), rows))
    path = write_json(f"load-{scale}.json", result)
    print(f"→ {path}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
