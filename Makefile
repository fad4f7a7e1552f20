# Sijill — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install bench bench-100k bench-relevance serve clean fonts

# A fresh Debian machine may lack venv/pip: install them (as root, or via sudo) before anything else.
$(BIN)/python:
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
	  echo "installing python3-venv (Debian)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv python3-pip; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, ingest seeds/ (idempotent), serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/sijill ingest seeds
	$(BIN)/sijill serve --host $(HOST) --port $(PORT)

## make test: the whole test suite on SQLite (browser tests need Debian's chromium: .ci/run
## installs it); with SIJILL_TEST_DATABASE_URL set (.ci/run starts a throwaway server with
## .ci/postgres.sh), every database test runs a second time on PostgreSQL.
test: install
	env -u SIJILL_TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$${SIJILL_TEST_DATABASE_URL:-}" ]; then \
	  echo "== the database tests again, on PostgreSQL"; \
	  $(BIN)/python -m pytest -m "not browser" -p no:cacheprovider; fi

## make bench: the performance benchmarks at 10k reports (see bench/README.md)
bench: install
	bash bench/run.sh 10000

bench-100k: install
	bash bench/run.sh 100000

## make bench-relevance: the Arabic relevance benchmark (bench/relevance.py; 6–9 min cold)
bench-relevance: install
	$(BIN)/python bench/relevance.py

## make fonts: rebuild the subset web fonts in static/fonts (needs Debian fonts-noto-core; see static/fonts/README.md)
FONT_UNICODES := U+0020-007E,U+00A0,U+00AB,U+00BB,U+0600-06FF,U+200B-200F,U+2010-2011,U+25CC,U+FB50-FDFF,U+FE70-FEFF
fonts: install
	for w in Regular Bold; do \
	  $(BIN)/python -m fontTools.subset /usr/share/fonts/truetype/noto/NotoNaskhArabic-$$w.ttf \
	    --unicodes="$(FONT_UNICODES)" --layout-features='*' --no-hinting --flavor=woff2 \
	    --output-file=static/fonts/NotoNaskhArabic-$$w.subset.woff2; \
	done

clean:
	rm -rf $(VENV) .pytest_cache
