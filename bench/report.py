"""The benchmark summary: every target of issue 10 against the latest figures of one scale.

Reads bench/out/{ingest,search,load}-<scale>.json (written by the other benchmarks), prints one
table, writes bench/out/summary-<scale>.json, and with --markdown prints the table as Markdown for
docs/performance.md.

    python bench/report.py --size 100000 [--markdown]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import OUT, scale_name, table, write_json  # noqa: E402


def load(name: str) -> dict:
    p = OUT / name
    return json.loads(p.read_text()) if p.exists() else {}


def rows_for(size: int) -> tuple[list[tuple], dict]:
    scale = scale_name(size)
    ing, srch, ld = load(f"ingest-{scale}.json"), load(f"search-{scale}.json"), load(f"load-{scale}.json")
    nc = load(f"load-{scale}-no-cache.json")  # the same load with the results cache off
    fr = load(f"load-{scale}-fresh.json")  # every request a query sharing no word with another
    i = ing.get("ingest", {})
    sz = ing.get("sizes", {})
    srv = srch.get("overall_server", {})
    ratio = srch.get("ratio_p95_sijill_to_fts5")
    rss = max(srch.get("server_rss_mb", 0) or 0, ld.get("server_peak_rss_mb", 0) or 0,
              nc.get("server_peak_rss_mb", 0) or 0, fr.get("server_peak_rss_mb", 0) or 0)
    ready = max(srch.get("server_ready_s", 0) or 0, ld.get("server_ready_s", 0) or 0,
                nc.get("server_ready_s", 0) or 0, fr.get("server_ready_s", 0) or 0)

    def ok(cond) -> str:
        return "—" if cond is None or cond == {} else ("yes" if cond else "NO")  # {}: not measured

    def num(v):
        return None if v in (None, "", {}) else v

    rows = [
        ("results page p50 (ms)", num(srv.get("p50")), "≤ 25", ok(srv and srv["p50"] <= 25)),
        ("results page p95 (ms)", num(srv.get("p95")), "≤ 80", ok(srv and srv["p95"] <= 80)),
        ("p95 ÷ FTS5 p95, term queries", num(ratio), "≤ 3", ok(None if ratio is None else ratio <= 3)),
        ("50 clients: searches/s", num(ld.get("searches_per_s")), "≥ 200", ok(ld and ld["searches_per_s"] >= 200)),
        ("50 clients, cache off: searches/s", num(nc.get("searches_per_s")), "≥ 200",
         ok(nc and nc["searches_per_s"] >= 200)),
        ("50 clients, fresh queries: searches/s", num(fr.get("searches_per_s")), "≥ 200",
         ok(fr and fr["searches_per_s"] >= 200)),
        ("server CPU ms/page: cache off / fresh", num(f"{nc.get('server_cpu_ms_per_request', '—')} / "
                                                      f"{fr.get('server_cpu_ms_per_request', '—')}" if nc or fr else None), "", ""),
        ("50 clients: errors", num(ld.get("errors")), "0",
         ok(ld and ld["errors"] == 0 and nc.get("errors", 0) == 0 and fr.get("errors", 0) == 0)),
        ("50 clients: p99 (ms)", num((ld.get("latency_ms") or {}).get("p99")), "", ""),
        ("ingest (reports/s)", num(i.get("reports_per_s")), "≥ 400", ok(i and i["reports_per_s"] >= 400)),
        ("server RSS (MB)", num(round(rss, 1) if rss else None), "≤ 500", ok((rss <= 500) if rss else None)),
        ("index ÷ raw text", num(sz.get("index_to_raw_text")), "≤ 1", ok(sz and sz["index_to_raw_text"] <= 1)),
        ("server ready (s)", num(ready or None), "≤ 2", ok((ready <= 2) if ready else None)),
    ]
    corpus = ing.get("corpus", {})
    meta = {"scale": scale, "corpus": corpus, "machine": (srch or ing or ld).get("machine", {}),
            "written_at": {k: v.get("written_at") for k, v in (("ingest", ing), ("search", srch), ("load", ld))},
            "load_workers": ld.get("workers"), "ingest_peak_rss_mb": i.get("peak_rss_mb"),
            "db_bytes_per_report": sz.get("db_bytes_per_report"), "index_bytes_per_report": sz.get("index_bytes_per_report")}
    return rows, meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)
    rows, meta = rows_for(a.size)
    c = meta["corpus"]
    title = (f"Summary — {meta['scale']} reports ({c.get('real', '?'):,} real, {c.get('synthetic', '?'):,} synthetic)"
             if c else f"Summary — {meta['scale']}")
    if a.markdown:
        print(f"| measure ({meta['scale']}) | value | target | met |\n|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join("—" if v is None else str(v) for v in r) + " |")
    else:
        print(table(title, ("measure", "value", "target", "met"), [tuple("—" if v is None else v for v in r) for r in rows]))
    write_json(f"summary-{meta['scale']}.json", {"rows": [dict(zip(("measure", "value", "target", "met"), r)) for r in rows], **meta})
    return 0


if __name__ == "__main__":
    sys.exit(main())
