"""Engine, sessions and migrations. Migrations run (alembic upgrade head) before ingest and serve."""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: Set by `sijill serve` for its server processes: the database is migrated and the index in
#: place (checked, or done, before they start), so each need not migrate again.
PREPARED_ENV = "SIJILL_SERVE_PREPARED"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    # WAL: readers (the server) never block the writer (ingest); foreign keys: cascades work.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    # SQLAlchemy is imported where it is used, as Alembic: `sijill serve` reads this module
    # (`migrated`) before it starts its workers, and should not wait for either.
    from sqlalchemy import create_engine, event
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def get_engine(settings: Settings) -> Engine:
    if settings.db_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return engine_for(settings.db_url)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker
    return sessionmaker(get_engine(settings), expire_on_commit=False)


def alembic_config(settings: Settings) -> Config:
    # Alembic is imported where it is used: a server process that does not migrate (its
    # supervisor did, see `migrated`) starts ~0.15 s sooner without it.
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", settings.db_url.replace("%", "%%"))
    return cfg


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command
    get_engine(settings)
    with get_engine(settings).begin() as conn:
        cfg = alembic_config(settings)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(None|["']([^"']+)["'])""", re.M)


def migrated(settings: Settings) -> bool:
    """True when an SQLite database is already at the newest migration — read from the migration
    scripts and the alembic_version table without loading Alembic or SQLAlchemy's engine, so that
    `sijill serve` can start its workers at once. False whenever that is not plainly so (another
    database, several heads, anything unexpected): then `migrate` decides, as always."""
    if not settings.db_url.startswith("sqlite:///"):
        return False
    path = Path(settings.db_url.removeprefix("sqlite:///"))
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = {m.group(1): m.group(3) for m in _REVISION.finditer(script.read_text(encoding="utf-8"))}
        if "revision" not in found or found["revision"] is None:
            return False
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1 or not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as con:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    return [r[0] for r in rows] == [heads.pop()]
