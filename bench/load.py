"""Load benchmark: 50 concurrent clients for 60 s against `sijill serve` on 127.0.0.1.

Each client loops over the search benchmark's query mix (results pages, 10 per page) with its own
starting offset. Reports searches/s, errors (non-200 or transport failure), latency percentiles and
the server's peak RSS (supervisor + workers). Traffic goes only to 127.0.0.1, and the run is bounded
both in time (--seconds) and in count (--max-requests).

The mix has a few dozen distinct pages, so with the server's results cache (`SIJILL_RESULT_CACHE`,
on by default) most requests after the first round are cache hits. Two ways to measure without it:
`--no-cache` starts the server with the cache off (the same requests, every one computed), and
`--distinct` makes every request of the run different (the mix × pages 1–5 × 10–19 per page,
visited in a cycle longer than the cache), as traffic of many different readers would be.
Both still repeat the mix's few dozen query *words*, so the server's per-generation term data
(scored postings, positions, report rows) stays warm. `--fresh` takes that away too: every
request is a query no earlier request of the run shares a word with — single words and two-word
queries drawn from the archive's own text (words of 4+ letters from a seeded sample of 4,000
reports, each surface form used once — stems may still repeat —, common words first), a third of them with one of the mix's filters (a date window, a place, a sort).

The clients speak minimal HTTP/1.1 over asyncio streams (keep-alive, Content-Length or chunked
bodies) rather than through httpx: the load generator shares the machine's cores with the server,
and a full client library costs several times the CPU per request.

    python bench/load.py --size 10000 [--clients 50 --seconds 60 --workers 2] [--no-cache | --distinct | --fresh]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import data_dir, scale_name, serve, summary_ms, table, tree_pids, write_json  # noqa: E402
from search import mix, url  # noqa: E402


class Connection:
    """One keep-alive HTTP/1.1 connection: GET a path, return (status, body length)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          "Accept: text/html\r\n\r\n".encode("latin-1"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            n = int(headers["content-length"])
            await self.reader.readexactly(n)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            n = 0
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                n += size
                if size == 0:
                    break
        else:  # body until close
            n = len(await self.reader.read())
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, n

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def client_loop(base: str, urls: list[str], offset: int, deadline: float, budget: list[int],
                      lat: list[float], errors: list[str], counter) -> None:
    parts = urlsplit(base)
    conn = Connection(parts.hostname, parts.port)
    i = offset
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            u = urls[(next(counter) if counter is not None else i) % len(urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(conn.get(u), timeout=30.0)
                if status != 200:
                    errors.append(f"HTTP {status} {u}")
                else:
                    lat.append((time.perf_counter() - t0) * 1000)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
                errors.append(f"{type(e).__name__} {u}")
                await conn.close()
    finally:
        await conn.close()


async def run_load(base: str, urls: list[str], clients: int, seconds: float, max_requests: int,
                   shared_cycle: bool = False) -> tuple[list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    budget = [max_requests]
    # --distinct: all clients walk one cycle through the URLs, so no URL repeats before the cycle ends.
    counter = itertools.count() if shared_cycle else None
    t0 = time.perf_counter()
    deadline = t0 + seconds
    await asyncio.gather(*(client_loop(base, urls, k * 7, deadline, budget, lat, errors, counter)
                           for k in range(clients)))
    return lat, errors, time.perf_counter() - t0


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server's process tree: per request, it
    says what a page costs whatever else the shared machine is running."""
    total = 0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def distinct_urls(mix_params: list[dict]) -> list[str]:
    """The mix × pages 1–5 × 10–19 per page: every request of a run differs from the last
    `len(result) - 1` ones, far more than the server's cache holds."""
    out = []
    for per_page in range(10, 20):
        for page in range(1, 6):
            for p in mix_params:
                out.append(url_with(p, page=page, per_page=per_page))
    return out


def fresh_urls(db: Path, mix_params: list[dict], count: int, seed: int = 20161215) -> list[str]:
    """`count` results-page URLs whose queries share no word: 2/3 single words, 1/3 two words, from
    the words of a seeded sample of the archive's reports (4+ Arabic letters, each word used once);
    every third URL also carries the filters of one of the mix's filter-only or filtered entries."""
    import random
    import re
    import sqlite3
    from collections import Counter
    from urllib.parse import urlencode

    word = re.compile(r"[\u0621-\u064A]{4,}")
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        n = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        for rowid in rng.sample(range(1, n + 1), min(n, 4000)):
            row = con.execute("SELECT body FROM reports WHERE rowid = ?", (rowid,)).fetchone()
            counts.update(word.findall(row[0] if row else ""))
    finally:
        con.close()
    # Each word once, in a random order weighted by how often the sample uses it (Efraimidis–
    # Spirakis keys): the run's first requests lean to common words, as readers' queries do,
    # and the long tail of rare words follows.
    words = sorted(counts, key=lambda w: rng.random() ** (1.0 / counts[w]), reverse=True)
    filters = [{k: v for k, v in p.items() if k != "q"} for p in mix_params if set(p) - {"q", "page"}]
    out, it = [], iter(words)
    for i in range(count):
        try:
            q = next(it) if i % 3 else f"{next(it)} {next(it)}"
        except StopIteration:
            break
        items = [("q", q)]
        if filters and i % 3 == 1:
            for k, v in filters[(i // 3) % len(filters)].items():
                items += [(k, str(one)) for one in (v if isinstance(v, list) else [v])]
        out.append("/reports?" + urlencode(items + [("per_page", "10")]))
    return out


def url_with(params: dict, page: int, per_page: int) -> str:
    from urllib.parse import urlencode
    items = []
    for k, v in params.items():
        if k in ("page", "per_page"):
            continue
        for one in (v if isinstance(v, list) else [v]):
            items.append((k, str(one)))
    items += [("page", str(page)), ("per_page", str(per_page))]
    return "/reports?" + urlencode(items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers (default: cores)")
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--no-cache", action="store_true", help="server with SIJILL_RESULT_CACHE=0 (every page computed)")
    how.add_argument("--distinct", action="store_true", help="every request of the run a different page")
    how.add_argument("--fresh", action="store_true", help="every request a query sharing no word with any other")
    a = ap.parse_args(argv)
    if a.no_cache:
        os.environ["SIJILL_RESULT_CACHE"] = "0"  # the server inherits the environment (harness.env_for)
    mode = "no-cache" if a.no_cache else "distinct" if a.distinct else "fresh" if a.fresh else "cached"
    scale = scale_name(a.size)
    data = data_dir(a.size)
    if not (data / "archive.db").exists():
        print(f"no ingested archive at {data}: run bench/ingest.py --size {a.size} first", file=sys.stderr)
        return 1

    with serve(data, workers=a.workers) as server:
        with httpx.Client(base_url=server.base, timeout=30.0) as c:
            facets = c.get("/api/reports", params={"per_page": 1}).json().get("facets", {})
            slugs = [f["value"] for f in facets.get("neighbourhood", [])]
            params = [p for _, p, _ in mix(slugs)]
            urls = [url(p) for p in params]
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
        run_urls = (distinct_urls(params) if a.distinct
                    else fresh_urls(data / "archive.db", params, 30_000) if a.fresh else urls)
        cpu0 = os.times()
        server0 = server_cpu_s(server.proc.pid)
        lat, errors, elapsed = asyncio.run(run_load(server.base, run_urls, a.clients, a.seconds, a.max_requests,
                                                    shared_cycle=a.distinct or a.fresh))
        cpu1 = os.times()
        server_cpu = server_cpu_s(server.proc.pid) - server0
        stop.set()
        sampler.join()
        ready = server.ready_seconds

    s = summary_ms(lat)
    rps = len(lat) / elapsed
    client_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    result = {"scale": scale, "mode": mode, "distinct_urls": len(run_urls), "clients": a.clients, "seconds": round(elapsed, 1), "workers": a.workers,
              "requests_ok": len(lat), "errors": len(errors), "error_samples": errors[:10],
              "searches_per_s": round(rps, 1), "latency_ms": s, "server_peak_rss_mb": round(peak[0], 1),
              "server_ready_s": round(ready, 2), "load_generator_cpu_s": round(client_cpu, 1),
              "server_cpu_s": round(server_cpu, 1),
              "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, len(lat)), 2)}
    rows = [("searches/s", round(rps, 1), "≥ 200"), ("errors", len(errors), "0"),
            ("p50 ms", s["p50"], ""), ("p95 ms", s["p95"], ""), ("p99 ms", s["p99"], ""),
            ("server peak RSS MB", round(peak[0], 1), "≤ 500"), ("server ready s", round(ready, 2), "≤ 2"),
            ("server CPU ms / request", round(server_cpu * 1000 / max(1, len(lat)), 2), "(load-independent)"),
            ("load generator CPU s", round(client_cpu, 1), "(same 2 cores)")]
    print(table(f"Load — {scale}, {a.clients} clients × {elapsed:.0f} s, {a.workers} workers, {mode}", ("measure", "value", "target"), rows))
    path = write_json(f"load-{scale}.json" if mode == "cached" else f"load-{scale}-{mode}.json", result)
    print(f"→ {path}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
