"""Fixtures for the API/feed/export tests, on top of tests/conftest.py (`seeded_settings`, `client`,
`seed_ids`): the app object over the seeded archive, the seeds in browse order, fresh archives,
and a real uvicorn server on a free port for what needs real HTTP."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.archive import Archive
from app.config import Settings
from app.ingest.pipeline import ingest
from app.web.app import create_app
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

RESULT_LIST = re.compile(r'<ol class="(?:[^"]* )?results(?: [^"]*)?"[^>]*>(.*?)</ol>', re.S)
REPORT_LINK = re.compile(r'href="/reports/([0-9a-f]{12})')


def ingest_into(settings: Settings, *paths: Path) -> list[str]:
    summary = ingest(Archive(settings), list(paths), max_bytes=settings.max_report_bytes)
    assert not summary.refused, summary.refused
    return summary.added


@pytest.fixture(scope="session")
def web_app(seeded_settings):
    """The app over the shared seeded archive (tests/conftest.py), for direct access to its service."""
    return create_app(seeded_settings)


@pytest.fixture(scope="session")
def newest_ids(client) -> list[str]:
    """The seed report IDs, newest first (the default browse order)."""
    data = client.get("/api/reports", params={"per_page": 100}).json()
    return [r["id"] for r in data["results"]]


@pytest.fixture(scope="session")
def result_ids():
    """A function: report IDs in a page's result list, in page order."""
    return html_result_ids


def html_result_ids(html: str) -> list[str]:
    """Report IDs listed in a page's result list(s), in page order."""
    ids: list[str] = []
    for block in RESULT_LIST.findall(html):
        for rid in REPORT_LINK.findall(block):
            if not ids or ids[-1] != rid:
                ids.append(rid)
    return ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(seeded_settings):
    """`uvicorn app.web.main:app` in a subprocess over the seeded data directory; yields its base URL."""
    port = _free_port()
    env = dict(os.environ, SIJILL_DATA_DIR=str(seeded_settings.data_dir), PYTHONPATH=str(ROOT))
    env.pop("SIJILL_DATABASE_URL", None)
    if seeded_settings.database_url:  # CI runs the suite on PostgreSQL too
        env["SIJILL_DATABASE_URL"] = seeded_settings.database_url
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.web.main:app", "--host", "127.0.0.1",
                             "--port", str(port), "--no-access-log"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {proc.stdout.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def make_archive(tmp_path):
    """A function: a fresh archive from the given directories → (settings, TestClient over it)."""
    def make(*paths: Path) -> tuple[Settings, TestClient]:
        settings = make_settings(tmp_path)
        if paths:
            ingest_into(settings, *paths)
        return settings, TestClient(create_app(settings))
    return make
