"""What `sijill serve` skips at start-up when the archive is ready, and that it decides right.

The supervisor checks, from a few files, that the database is at the newest migration
(`db.migrated`) and the index of this schema version in place (`schema.index_in_place`); its
workers then neither migrate nor load Alembic. When either is not so, it migrates (and opens or
rebuilds the index) first, as before — tests/web/test_server.py serves a fresh data directory.
"""
import sqlite3
import subprocess
import sys

import pytest

from app.archive import Archive
from app.db import PREPARED_ENV, migrated
from app.search.schema import SCHEMA_VERSION, VERSION_FILE, index_in_place
from tests.conftest import ROOT, make_settings, settings_env


@pytest.fixture
def sqlite_settings(tmp_path):
    s = make_settings(tmp_path)
    if not s.db_url.startswith("sqlite"):
        pytest.skip("the start-up check reads SQLite files; other databases always migrate")
    return s


def test_migrated_only_at_the_newest_revision(sqlite_settings):
    s = sqlite_settings
    assert not migrated(s)  # no database yet
    Archive(s)
    assert migrated(s)
    db = s.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as con:
        con.execute("UPDATE alembic_version SET version_num = '0003'")
    assert not migrated(s)
    with sqlite3.connect(db) as con:
        con.execute("DROP TABLE alembic_version")
    assert not migrated(s)


def test_index_in_place_only_for_this_schema_version(sqlite_settings):
    s = sqlite_settings
    assert not index_in_place(s.index_dir)
    Archive(s)
    assert index_in_place(s.index_dir)
    (s.index_dir / VERSION_FILE).write_text(str(SCHEMA_VERSION - 1))
    assert not index_in_place(s.index_dir)


def test_prepared_workers_do_not_load_alembic(sqlite_settings):
    """A server process started by `sijill serve` (which sets PREPARED_ENV after checking or
    migrating) builds its app without Alembic: ~0.15 s less before it answers."""
    Archive(sqlite_settings)
    code = ("import sys; from app.web.main import app; "
            "assert app.state.archive.counts()['database'] == 0; print('alembic' in sys.modules)")
    env = settings_env(sqlite_settings) | {PREPARED_ENV: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env.pop(PREPARED_ENV)  # uvicorn started by hand: the app migrates itself
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
