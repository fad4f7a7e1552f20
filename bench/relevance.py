"""Relevance benchmark: Sijill's Arabic search against three baselines, same scorer, same data.

    python bench/relevance.py                        # 700 documents, then + 10,000 distractors
    python bench/relevance.py --distractors 30000    # more news distractors
    python bench/relevance.py --systems sijill,lucene --settings distractors

Data: `../shared/eval` (700 Wikipedia paragraphs, 1,151 Arabic questions, one relevant paragraph
each; ARCD + XQuAD, see its README) and, as distractors, news articles from `../shared/data`
(ANT corpus: Chouigui, Ben Khiroun and Elayeb, AJSE 46(8), 2021; antcorpus.github.io), a
deterministic sample (articles ordered by a hash of their ID). Nothing of either is copied into
the repository; built indexes are cached under `--cache` (default: $TMPDIR/sijill-bench).

Systems (each indexes `title` and `body`; all scored by Whoosh's BM25F with the same parameters
and the same title weight as the product, evaluated by the product's engine, `app.search.engine`):
- sijill    the product end to end: indexed through `ArchiveIndex` (`app.search.schema`: stem and
            exact-surface fields, glued words split against the collection's own vocabulary,
            counted first as `sijill reindex` does), queried with `app.search.query.parse` and
            `ArchiveIndex.search` (with the proximity bonus on the best results, computed from
            positions) — exactly what the product runs for a long query;
- lucene    a faithful re-implementation of Lucene's ArabicAnalyzer (`bench/analyzers.py`);
- isri      Whoosh's StemmingAnalyzer with the ISRI root stemmer;
- standard  Whoosh's StandardAnalyzer.

Every question runs the way the product runs a long query: the question's words (after each
system's own stopwords) must match at least `minimum_should_match(n)` of n — the product's
rule — and documents are ranked by score. Metrics: nDCG@10, MRR@10, recall@100, and the query
latency (parse + search, one process, warm index).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from whoosh import index as windex  # noqa: E402
from whoosh import scoring  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.query import Or, Term  # noqa: E402

from app.arabic.glue import using_vocabulary  # noqa: E402
from app.search.backend import IndexDocument, SearchRequest  # noqa: E402
from app.search.codec import CompactCodec  # noqa: E402
from app.search.engine import Generation  # noqa: E402
from app.search.index import ArchiveIndex  # noqa: E402
from app.search.merge import merge_all  # noqa: E402
from app.search.minimum_match import MinimumShouldMatch  # noqa: E402
from app.search.query import TITLE_BOOST, minimum_should_match, parse  # noqa: E402
from app.search.schema import SCHEMA_VERSION  # noqa: E402
from app.search.suggest import Corrector  # noqa: E402
from app.search.vocabulary import count_documents  # noqa: E402
from bench.analyzers import BASELINES  # noqa: E402

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
EVAL = SHARED / "eval"
NEWS = [SHARED / "data" / "ant_multisource.jsonl.gz", SHARED / "data" / "ant_jawharafm.jsonl.gz"]
SYSTEMS = ("sijill", "lucene", "isri", "standard")
LABELS = {"sijill": "Sijill", "lucene": "Lucene ArabicAnalyzer (re-implemented)",
          "isri": "Whoosh StemmingAnalyzer + ISRI", "standard": "Whoosh StandardAnalyzer"}


# -- data -----------------------------------------------------------------------------------------


def load_eval():
    docs = [json.loads(line) for line in (EVAL / "docs.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (EVAL / "queries_dev.jsonl").open(encoding="utf-8")]
    qrels: dict[str, set[str]] = {}
    for line in (EVAL / "qrels_dev.tsv").open(encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 4 and int(parts[3]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[2])
    queries = [q for q in queries if q["qid"] in qrels]
    return docs, queries, qrels


def load_distractors(n: int) -> list[dict]:
    """n news articles, chosen by the order of sha1(id) (stable across runs and machines)."""
    if n <= 0:
        return []
    keyed = []
    for path in NEWS:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                keyed.append((hashlib.sha1(a["id"].encode()).hexdigest(), a))
    keyed.sort(key=lambda x: x[0])
    out = [{"id": a["id"], "title": a.get("title") or "", "text": a.get("text") or ""} for _, a in keyed[:n]]
    if len(out) < n:
        print(f"note: only {len(out)} distractor articles available", file=sys.stderr)
    return out


# -- indexes --------------------------------------------------------------------------------------


def _source_key(system: str, n_distractors: int) -> str:
    h = hashlib.sha256(f"{system}|{n_distractors}|{SCHEMA_VERSION}|v4".encode())
    # What decides the index's contents: the analysis, the schema and fields, the writer.
    files = sorted((ROOT / "app" / "arabic").glob("*")) + [
        ROOT / "app" / "search" / f"{m}.py" for m in ("schema", "fields", "codec", "index", "merge", "vocabulary")]
    if system != "sijill":
        files = [ROOT / "bench" / "analyzers.py", ROOT / "app" / "search" / "codec.py"]
    for f in files:
        if f.is_file():
            h.update(f.read_bytes())
    for f in [EVAL / "docs.jsonl", *NEWS]:
        h.update(str(f.stat().st_size).encode())
    return h.hexdigest()[:16]


def _baseline_schema(system: str) -> Schema:
    ana = BASELINES[system]()
    return Schema(id=ID(stored=True, unique=True, sortable=True), title=TEXT(analyzer=ana), body=TEXT(analyzer=ana))


def build_index(system: str, docs: list[dict], path: Path) -> float:
    """Index `docs` into `path` as `system` would; returns seconds spent."""
    t0 = time.perf_counter()
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    if system == "sijill":
        # As `sijill reindex` does: count the collection's vocabulary first, then index with it,
        # through the product's own index writer (codec, fields, merge).
        vocab = count_documents((f"{d['title']}\n{d['text']}" for d in docs), min_df=2)
        index = ArchiveIndex(path)
        index.create()
        batch = index.batch(replace=False, bulk=True)
        with using_vocabulary(vocab):
            for d in docs:
                batch.add(IndexDocument(id=d["id"], sha256="", title=d["title"], body=d["text"]))
        batch.commit(optimize=True)
        index.close_searcher()
    else:
        ix = windex.create_in(str(path), _baseline_schema(system))
        w = ix.writer(limitmb=256, codec=CompactCodec(), compound=False)
        for d in docs:
            w.add_document(id=d["id"], title=d["title"], body=d["text"])
        w.commit(mergetype=merge_all)
    return time.perf_counter() - t0


def open_index(system: str, docs: list[dict], n_distractors: int, cache: Path, rebuild: bool):
    path = cache / f"{system}-{n_distractors}-{_source_key(system, n_distractors)}"
    built = None
    if rebuild or not (path / "DONE").exists():
        for old in cache.glob(f"{system}-{n_distractors}-*"):
            shutil.rmtree(old, ignore_errors=True)
        built = build_index(system, docs, path)
        (path / "DONE").write_text("ok")
    if system == "sijill":
        index = ArchiveIndex(path)
        index.open(create=False)
        return index, built
    return windex.open_dir(str(path)), built


# -- queries --------------------------------------------------------------------------------------


def baseline_query(system: str, analyzer, text: str):
    words = list(dict.fromkeys(t.text for t in analyzer(text)))
    if not words:
        return None
    clauses = [Or([Term("body", w), Term("title", w, boost=TITLE_BOOST)]) for w in words]
    return MinimumShouldMatch(clauses, minimum_should_match(len(clauses)))


def run_system(system: str, ix, queries, qrels, limit: int = 100):
    """Every question through the system; Sijill through the product's parse and backend search,
    the baselines through the product's engine with the same scorer."""
    if system == "sijill":
        # As SearchService.parse does: the index's vocabulary, and a Corrector for this generation.
        vocab = ix.vocabulary()
        corrector = Corrector(ix.searcher().reader(), lock=ix.read_lock)
    else:
        searcher = ix.searcher(weighting=scoring.BM25F())
        gen = Generation(searcher)
        analyzer = BASELINES[system]()
    metrics = {"ndcg10": [], "mrr10": [], "recall100": [], "ms": []}
    runs = {}
    for q in queries:
        t0 = time.perf_counter()
        ranked: list[str] = []
        if system == "sijill":
            query = parse(q["query"], vocab, long_query=True, corrector=corrector).query
            if query is not None:
                ranked = ix.search(SearchRequest(query=query, sort="relevance", limit=limit, facets=False)).ids
        else:
            query = baseline_query(system, analyzer, q["query"])
            if query is not None:
                m = gen.evaluate(query)
                top = np.lexsort((m.docs, -m.scores))[:limit]  # score, then docnum: Whoosh's order
                ranked = [gen.id_of(int(d)) for d in m.docs[top]]
        metrics["ms"].append((time.perf_counter() - t0) * 1000)
        rel = qrels[q["qid"]]
        metrics["ndcg10"].append(ndcg(ranked[:10], rel))
        metrics["mrr10"].append(next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in rel), 0.0))
        metrics["recall100"].append(len(rel & set(ranked[:limit])) / len(rel))
        runs[q["qid"]] = ranked[:10]
    if system != "sijill":
        searcher.close()
    return metrics, runs


def ndcg(ranked: list[str], rel: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked) if d in rel)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(rel), 10)))
    return dcg / idcg if idcg else 0.0


def summarise(m: dict) -> dict:
    ms = sorted(m["ms"])
    return {
        "ndcg10": statistics.fmean(m["ndcg10"]), "mrr10": statistics.fmean(m["mrr10"]),
        "recall100": statistics.fmean(m["recall100"]),
        "ms_mean": statistics.fmean(ms), "ms_p50": ms[len(ms) // 2], "ms_p95": ms[int(len(ms) * 0.95)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--distractors", type=int, default=10_000, help="news distractors in the second setting")
    ap.add_argument("--settings", default="plain,distractors", help="plain (700 documents), distractors, or both")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--queries", type=int, default=0, help="use only the first N questions (0: all)")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("SIJILL_BENCH_DIR", Path(tempfile.gettempdir()) / "sijill-bench")))
    ap.add_argument("--rebuild", action="store_true", help="rebuild indexes even when cached")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "relevance.json")
    args = ap.parse_args(argv)

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for s in systems:
        if s not in SYSTEMS:
            ap.error(f"--systems: unknown system {s!r} (choose from {', '.join(SYSTEMS)})")
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    for s in settings:
        if s not in ("plain", "distractors"):
            ap.error(f"--settings: unknown setting {s!r} (plain or distractors)")
    args.cache.mkdir(parents=True, exist_ok=True)

    docs, queries, qrels = load_eval()
    if args.queries:
        queries = queries[: args.queries]
    results = {}
    for setting in settings:
        n = args.distractors if setting == "distractors" else 0
        collection = docs + load_distractors(n)
        print(f"\n## {len(docs)} documents + {n} distractors = {len(collection)}; {len(queries)} questions",
              flush=True)
        rows = {}
        for system in systems:
            ix, built = open_index(system, collection, n, args.cache, args.rebuild)
            if built is not None:
                print(f"  indexed {system} in {built:.0f} s", flush=True)
            m, _ = run_system(system, ix, queries, qrels)
            rows[system] = summarise(m)
            r = rows[system]
            print(f"  {system:9s} nDCG@10 {r['ndcg10']:.3f}  MRR@10 {r['mrr10']:.3f}  recall@100 {r['recall100']:.3f}"
                  f"  latency p50 {r['ms_p50']:.1f} ms, p95 {r['ms_p95']:.1f} ms", flush=True)
        results[f"{len(docs)}+{n}"] = rows
    print("\n" + table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    return 0


def table(results: dict) -> str:
    lines = ["| collection | system | nDCG@10 | MRR@10 | recall@100 | latency p50 / p95 (ms) |",
             "|---|---|---|---|---|---|"]
    for setting, rows in results.items():
        docs, n = setting.split("+")
        label = f"{docs} paragraphs" + (f" + {int(n):,} news" if int(n) else "")
        for system, r in rows.items():
            lines.append(f"| {label} | {LABELS[system]} | {r['ndcg10']:.3f} | {r['mrr10']:.3f} | {r['recall100']:.3f} "
                         f"| {r['ms_p50']:.1f} / {r['ms_p95']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
