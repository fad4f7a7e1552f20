#!/usr/bin/env bash
# The performance benchmarks, end to end, at one scale (see bench/README.md):
#   make bench       → bash bench/run.sh 10000    (≈ 3 minutes on 2 cores: 186 s measured)
#   make bench-100k  → bash bench/run.sh 100000   (≈ 12 minutes, 5 of them ingest; needs ../shared/data)
# Builds the corpus (outside the tracked tree: bench/out/), ingests it into a fresh archive, runs the
# search benchmark (with the FTS5 baseline) and the load test, then prints the summary against the
# targets. Traffic goes to 127.0.0.1 only. LOAD_SECONDS shortens the load test (default 60);
# SIJILL_BENCH_PYTHON picks another interpreter (with the project installed) than .venv/bin/python.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${1:-10000}"
PY="${SIJILL_BENCH_PYTHON:-.venv/bin/python}"  # make bench: the project venv
[ -x "$PY" ] || PY="$(command -v python3)"

"$PY" bench/corpus.py --size "$SIZE"
"$PY" bench/ingest.py --size "$SIZE"
"$PY" bench/search.py --size "$SIZE"
"$PY" bench/load.py --size "$SIZE" --seconds "${LOAD_SECONDS:-60}"
"$PY" bench/load.py --size "$SIZE" --seconds "${LOAD_SECONDS:-60}" --no-cache  # every page computed
"$PY" bench/load.py --size "$SIZE" --seconds "${LOAD_SECONDS:-60}" --fresh     # every query new
"$PY" bench/report.py --size "$SIZE"
