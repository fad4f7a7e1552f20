"""Shared fixtures: real archives (SQLite file + on-disk Whoosh index) in temporary directories."""
from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.archive import Archive
from app.config import Settings
from app.ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def contract_id(raw: bytes) -> str:
    """The public ID rule, written independently of app.ingest.decode (as ../shared/contract does)."""
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:12]


@pytest.fixture(scope="session")
def seed_ids() -> dict[str, str]:
    """'000' → report ID, for each seed file."""
    return {p.name[:3]: contract_id(p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))}


#: When set (CI sets it, see .ci/postgres.sh), every archive a test makes lives in a fresh
#: PostgreSQL database on that server instead of a SQLite file: the same tests, another engine.
TEST_DATABASE_URL = os.environ.get("SIJILL_TEST_DATABASE_URL") or None


def fresh_database_url() -> str | None:
    """A new, empty database on the test server (None: use the SQLite file in the data dir)."""
    if not TEST_DATABASE_URL:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "sijill_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    admin.dispose()
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def make_settings(path: Path) -> Settings:
    return Settings(data_dir=path / "data", database_url=fresh_database_url())


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment for a `sijill` subprocess that must use the same archive as `settings`."""
    env = dict(os.environ, SIJILL_DATA_DIR=str(settings.data_dir))
    env.pop("SIJILL_DATABASE_URL", None)
    if settings.database_url:
        env["SIJILL_DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def archive(settings) -> Archive:
    return Archive(settings)


def ingest_paths(archive: Archive, *paths: Path):
    return ingest(archive, list(paths), max_bytes=archive.settings.max_report_bytes)


def found(service, seed_ids, q, **kw) -> list[str]:
    """The seed names (001…005) a search returns, in order (up to 100 per page)."""
    from app.search.params import SearchParams
    names = {v: k for k, v in seed_ids.items()}
    page = service.search(SearchParams(q=q, **({"per_page": 100} | kw)))
    return [names[h.id] for h in page.results]


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory) -> Settings:
    """One archive with the five seeds, shared by read-only tests."""
    s = make_settings(tmp_path_factory.mktemp("seeded"))
    summary = ingest_paths(Archive(s), SEEDS)
    assert len(summary.added) == 5 and not summary.refused
    return s


@pytest.fixture(scope="session")
def seeded_archive(seeded_settings) -> Archive:
    return Archive(seeded_settings)


@pytest.fixture(scope="session")
def client(seeded_settings) -> TestClient:
    from app.web.app import create_app
    with TestClient(create_app(seeded_settings)) as c:
        yield c
