"""Settings: the only place the environment is read (prefix SIJILL_)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration from `SIJILL_*` environment variables.

    The index holds pickles, so it is only ever opened from `data_dir/index`, a directory this
    program creates — never from a path supplied by a request or a report.
    """

    model_config = SettingsConfigDict(env_prefix="SIJILL_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: Largest report accepted at ingest (bytes of the raw file or record).
    max_report_bytes: int = 5_000_000
    #: Results pages kept per server process for the current archive state (0 turns the cache off;
    #: see `app.search.service.ResultCache`). A page with its rendered HTML is about 60 kB, so
    #: the default holds at most ~15 MB per worker.
    result_cache: int = 256

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'archive.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
