"""Search benchmark: a fixed query mix against a warm `sijill serve`, and the same term queries on
SQLite FTS5 over the same reports, in the same run (the machine is shared: only the ratio is stable).

Sijill: each request is a results page (/reports, 10 results with snippets, facet counts and the
timeline); times come from the server's `Server-Timing` header (search = the search service,
render = the template) and from the client (whole HTTP round trip).
FTS5: an `fts5(title, body)` table built from the archive's own database; a "page" there is the
match count plus the top 10 by bm25 with `snippet()` — the nearest equivalent SQLite offers.

The server runs with its results cache off (`SIJILL_RESULT_CACHE=0`): the mix repeats every
round, and cached pages (≈ 0.05 ms) would measure the cache, not search. `--cache` keeps it on.

    python bench/search.py --size 10000 [--rounds 5] [--cache]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (OUT, data_dir, parse_server_timing, scale_name, serve, summary_ms, table,  # noqa: E402
                     write_json)

PER_PAGE = 10

#: (kind, query text) — FTS5 runs the same text (kinds marked term=True below).
TERM_QUERIES: list[tuple[str, str]] = [
    ("word", "سوريا"), ("word", "حلب"), ("word", "ترامب"), ("word", "النفط"), ("word", "اللاجئين"),
    ("word", "إدلب"), ("word", "الانتخابات"), ("word", "المدنيين"),
    ("two words", "مجلس الأمن"), ("two words", "وزير الخارجية"), ("two words", "قصف جوي"),
    ("two words", "كرة القدم"), ("two words", "أسعار النفط"), ("two words", "الجيش السوري"),
    ("phrase", '"الأمم المتحدة"'), ("phrase", '"وقف إطلاق النار"'), ("phrase", '"الولايات المتحدة"'),
    ("phrase", '"حقوق الإنسان"'),
    ("prefix", "انتخاب*"), ("prefix", "سوري*"), ("prefix", "اقتصاد*"),
]


def mix(slugs: list[str]) -> list[tuple[str, dict, bool]]:
    """The fixed query mix: (kind, URL parameters, is a plain term query that FTS5 also runs)."""
    out = [(kind, {"q": q}, True) for kind, q in TERM_QUERIES]
    out += [
        ("date filter", {"q": "حلب", "from": "2016-01-01", "to": "2016-12-31"}, False),
        ("date filter", {"q": "سوريا", "from": "2018-01-01", "to": "2018-03-31"}, False),
        ("date filter", {"from": "2017-06-01", "to": "2017-06-30"}, False),
        ("mentioned dates", {"q": "حلب", "from": "2016-11-15", "to": "2016-12-31", "date_field": "mentioned"}, False),
        ("browse", {}, False), ("browse", {"sort": "oldest"}, False),
        ("deep page", {"q": "سوريا", "page": 20}, False), ("deep page", {"page": 200}, False),
        ("sorted", {"q": "الحكومة", "sort": "newest"}, False),
    ]
    for slug in slugs[:3]:
        out.append(("neighbourhood", {"neighbourhood": slug}, False))
        out.append(("neighbourhood", {"q": "قصف", "neighbourhood": slug}, False))
    if len(slugs) >= 2:
        out.append(("neighbourhood", {"neighbourhood": [slugs[0], slugs[1]], "from": "2016-01-01"}, False))
    return out


def url(params: dict) -> str:
    items = []
    for k, v in params.items():
        for one in (v if isinstance(v, list) else [v]):
            items.append((k, str(one)))
    items.append(("per_page", str(PER_PAGE)))
    return "/reports?" + urlencode(items)


# -- FTS5 baseline -------------------------------------------------------------------------------
def fts5_db(data: Path, scale: str) -> Path:
    """An FTS5 table of the same reports (built once per scale from the archive database)."""
    path = OUT / f"fts5-{scale}.db"
    src = data / "archive.db"
    if path.exists() and path.stat().st_mtime >= src.stat().st_mtime:
        return path
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body)")
    con.execute("ATTACH DATABASE ? AS archive", (f"file:{src}?mode=ro",))
    con.execute("INSERT INTO fts(id, title, body) SELECT id, title, body FROM archive.reports")
    con.commit()
    con.execute("DETACH DATABASE archive")
    con.execute("INSERT INTO fts(fts) VALUES('optimize')")
    con.commit()
    con.close()
    return path


def fts5_expression(q: str) -> str:
    """The same query in FTS5 syntax: words ANDed, "phrases" kept, a trailing * a prefix."""
    if q.startswith('"'):
        return q
    parts = []
    for w in q.split():
        parts.append(f'"{w[:-1]}" *' if w.endswith("*") else f'"{w}"')
    return " ".join(parts)


def fts5_page(con: sqlite3.Connection, q: str) -> int:
    expr = fts5_expression(q)
    total = con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expr,)).fetchone()[0]
    con.execute("SELECT id, title, snippet(fts, 2, '<mark>', '</mark>', '…', 40) FROM fts WHERE fts MATCH ? "
                "ORDER BY rank LIMIT ?", (expr, PER_PAGE)).fetchall()
    return total


# -- the run -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the mix (after one warm-up pass)")
    ap.add_argument("--cache", action="store_true", help="keep the server's results cache on (measures repeats)")
    a = ap.parse_args(argv)
    if not a.cache:
        os.environ["SIJILL_RESULT_CACHE"] = "0"  # the server inherits the environment (harness.env_for)
    scale = scale_name(a.size)
    data = data_dir(a.size)
    if not (data / "archive.db").exists():
        print(f"no ingested archive at {data}: run bench/ingest.py --size {a.size} first", file=sys.stderr)
        return 1

    fts_path = fts5_db(data, scale)
    con = sqlite3.connect(f"file:{fts_path}?mode=ro", uri=True)

    samples: dict[str, list[dict]] = {}
    fts: dict[str, list[float]] = {}
    errors = 0
    totals: dict[str, int] = {}
    with serve(data) as server, httpx.Client(base_url=server.base, timeout=30.0) as client:
        facets = client.get("/api/reports", params={"per_page": 1}).json().get("facets", {})
        slugs = [f["value"] for f in facets.get("neighbourhood", [])]
        queries = mix(slugs)
        for round_ in range(a.rounds + 1):  # round 0 warms caches and is not counted
            for kind, params, is_term in queries:
                u = url(params)
                t0 = time.perf_counter()
                r = client.get(u)
                wall = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    errors += 1
                    print(f"HTTP {r.status_code} for {u}", file=sys.stderr)
                    continue
                st = parse_server_timing(r.headers.get("server-timing"))
                if round_:
                    samples.setdefault(kind, []).append({"wall": wall, "search": st.get("search", 0.0),
                                                         "render": st.get("render", 0.0), "term": is_term})
                if is_term:
                    t0 = time.perf_counter()
                    totals[params["q"]] = fts5_page(con, params["q"])
                    if round_:
                        fts.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        rss = server.rss_mb()
        ready = server.ready_seconds

    def stats(kinds: list[str], key: str, term_only: bool = False) -> dict:
        vals = [s[key] if key != "server" else s["search"] + s["render"]
                for k in kinds for s in samples.get(k, []) if (s["term"] or not term_only)]
        return summary_ms(vals)

    kinds = list(samples)
    term_kinds = [k for k in kinds if k in fts]
    result = {"scale": scale, "rounds": a.rounds, "per_page": PER_PAGE, "errors": errors, "server_rss_mb": round(rss, 1),
              "server_ready_s": round(ready, 2), "neighbourhoods_used": slugs[:3], "by_kind": {}, "fts5": {}}
    rows = []
    for k in kinds:
        srv, ren, wall = stats([k], "server"), stats([k], "render"), stats([k], "wall")
        f = summary_ms(fts.get(k, []))
        result["by_kind"][k] = {"server": srv, "render": ren, "wall": wall}
        if k in fts:
            result["fts5"][k] = f
        rows.append((k, srv["n"], srv["p50"], srv["p95"], srv["p99"], ren["p50"], wall["p95"],
                     f["p95"] if k in fts else "—", round(srv["p95"] / f["p95"], 1) if k in fts and f["p95"] else "—"))
    overall = stats(kinds, "server")
    term = stats(term_kinds, "server", term_only=True)
    fts_all = summary_ms([v for k in term_kinds for v in fts[k]])
    ratio = round(term["p95"] / fts_all["p95"], 2) if fts_all["p95"] else None
    rows.append(("ALL", overall["n"], overall["p50"], overall["p95"], overall["p99"], stats(kinds, "render")["p50"],
                 stats(kinds, "wall")["p95"], "", ""))
    rows.append(("term queries", term["n"], term["p50"], term["p95"], term["p99"], stats(term_kinds, "render", True)["p50"],
                 stats(term_kinds, "wall", True)["p95"], fts_all["p95"], ratio))
    result.update({"overall_server": overall, "overall_render": stats(kinds, "render"), "overall_wall": stats(kinds, "wall"),
                   "term_server": term, "fts5_term": fts_all, "ratio_p95_sijill_to_fts5": ratio,
                   "fts5_totals": totals})
    print(table(f"Search — {scale}, results pages of {PER_PAGE} (ms; server = search + render, from Server-Timing)",
                ("kind", "n", "p50", "p95", "p99", "render p50", "HTTP p95", "FTS5 p95", "×FTS5"), rows))
    print(f"targets: p50 ≤ 25 ms ({overall['p50']}), p95 ≤ 80 ms ({overall['p95']}), "
          f"p95 ≤ 3× FTS5 on term queries ({ratio}×); server RSS {rss:.0f} MB (≤ 500), ready in {ready:.2f} s (≤ 2); "
          f"errors {errors}")
    path = write_json(f"search-{scale}.json", result)
    print(f"→ {path}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
