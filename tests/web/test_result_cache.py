"""The per-process results cache (`app.search.service.ResultCache`): identical parameters on an
unchanged archive come from the cache, and any ingest is visible on the very next request."""
from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import delete

from app.archive import Archive
from app.config import Settings
from app.ingest.pipeline import ingest
from app.models import Report
from app.web.app import create_app
from tests.conftest import make_settings
from tests.web.conftest import ingest_into


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _archive(tmp_path: Path, **extra) -> tuple[Settings, TestClient]:
    settings = make_settings(tmp_path)
    if extra:
        settings = settings.model_copy(update=extra)
    ingest_into(settings, _write(tmp_path / "first", "a.txt", "قصف عنيف على حي الصاخور في حلب صباح اليوم."))
    return settings, TestClient(create_app(settings))


def test_repeated_search_is_served_from_the_cache(tmp_path):
    settings, client = _archive(tmp_path)
    cache = client.app.state.service.cache
    first = client.get("/api/reports", params={"q": "حلب"}).json()
    hits = cache.hits
    again = client.get("/api/reports", params={"q": "حلب"}).json()
    assert cache.hits == hits + 1
    assert again["results"] == first["results"] and again["total"] == first["total"] == 1
    # The HTML page asks the same service with the same parameters: the same cached page.
    page = client.get("/reports", params={"q": "حلب"})
    assert page.status_code == 200 and cache.hits == hits + 2
    # Other parameters are another entry.
    client.get("/api/reports", params={"q": "حلب", "sort": "newest"})
    assert cache.hits == hits + 2


def test_a_new_ingest_is_visible_on_the_next_request(tmp_path):
    settings, client = _archive(tmp_path)
    assert client.get("/api/reports", params={"q": "حلب"}).json()["total"] == 1
    assert client.get("/api/reports", params={"q": "حلب"}).json()["total"] == 1  # cached now
    # Another process (the CLI) ingests a second report naming Aleppo.
    more = _write(tmp_path / "second", "b.txt", "اشتباكات في حي بستان القصر بحلب وسقوط قتلى من المدنيين.")
    ingest(Archive(settings), [more], max_bytes=settings.max_report_bytes)
    after = client.get("/api/reports", params={"q": "حلب"}).json()
    assert after["total"] == 2 and len(after["results"]) == 2
    assert client.get("/reports", params={"q": "المدنيين"}).text.count('class="result"') == 1


def test_nothing_is_cached_while_the_database_lags_the_index(tmp_path):
    """`Archive.store` commits the index before the database: a page computed in between would
    miss reports, so no page is kept until the database counts what the index counts."""
    settings, client = _archive(tmp_path)
    _write(tmp_path / "second", "b.txt", "اشتباكات في حي بستان القصر بحلب وسقوط قتلى من المدنيين.")
    archive = Archive(settings)
    ingest(archive, [tmp_path / "second"], max_bytes=settings.max_report_bytes)
    # The state of that window, made real: a report in the index but not (yet) in the database.
    with archive.session() as s:
        ghost = s.scalar(Report.__table__.select().with_only_columns(Report.id)
                         .where(Report.title.contains("بستان")))
        s.execute(delete(Report).where(Report.id == ghost))
        s.commit()
    cache = client.app.state.service.cache
    for _ in range(2):
        data = client.get("/api/reports", params={"q": "حلب"}).json()
        assert [r["id"] for r in data["results"]] != [] and ghost not in [r["id"] for r in data["results"]]
    assert len(cache) == 0 and cache.hits == 0


def test_the_cache_can_be_turned_off(tmp_path):
    settings, client = _archive(tmp_path, result_cache=0)
    for _ in range(3):
        assert client.get("/api/reports", params={"q": "حلب"}).json()["total"] == 1
    assert client.app.state.service.cache.hits == 0 and len(client.app.state.service.cache) == 0


def test_the_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SIJILL_RESULT_CACHE", "0")
    assert Settings().result_cache == 0
    monkeypatch.delenv("SIJILL_RESULT_CACHE")
    assert Settings().result_cache > 0


def test_a_cached_page_is_served_as_rendered_the_first_time(tmp_path):
    settings, client = _archive(tmp_path)
    first = client.get("/reports", params={"q": "حلب"})
    again = client.get("/reports", params={"q": "حلب"})
    assert first.status_code == again.status_code == 200 and again.text == first.text
    assert 'class="result"' in again.text and "<mark>" in again.text
    skip = {"server-timing", "date"}
    assert {k: v for k, v in first.headers.items() if k not in skip} == \
           {k: v for k, v in again.headers.items() if k not in skip}
    assert "content-security-policy" in again.headers and "etag" in again.headers
    assert "search;dur=" in again.headers["server-timing"]
    # A new ingest: the page is computed and rendered again.
    more = _write(tmp_path / "second", "b.txt", "اشتباكات في حي بستان القصر بحلب وسقوط قتلى من المدنيين.")
    ingest(Archive(settings), [more], max_bytes=settings.max_report_bytes)
    after = client.get("/reports", params={"q": "حلب"})
    assert after.text != first.text and after.text.count('class="result"') == 2


def test_pagination_numbers_are_those_the_full_loop_showed():
    """The template loops over `page_numbers` instead of every page; it must show the same."""
    from app.web.app import page_numbers
    for last in (1, 2, 5, 8, 30, 1000):
        for cur in range(1, min(last, 40) + 3):
            shown = [n for n in range(1, last + 1)
                     if n == 1 or n == last or cur - 3 <= n <= cur + 3]
            assert page_numbers(cur, last) == shown, (cur, last)


def test_cached_pages_are_bounded_in_bytes_as_well_as_in_number(tmp_path):
    # Traffic of ever new queries must not keep hundreds of rendered pages per worker: past the
    # byte bound the least recently used pages go, however few the count bound would keep.
    settings, client = _archive(tmp_path)
    cache = client.app.state.service.cache
    page = client.get("/reports", params={"q": "حلب"})
    assert page.status_code == 200 and len(cache) == 1
    one = next(iter(cache._pages.values()))
    rendered = len(one.rendered["reports.html"][0])
    assert rendered > 1000
    cache.max_bytes = 3 * (rendered + 4096)  # room for about three rendered pages
    for q in ("الصاخور", "قصف", "عنيف", "صباح", "اليوم"):
        assert client.get("/reports", params={"q": q}).status_code == 200
    assert 2 <= len(cache) <= 4 < cache.size
    assert set(cache._sizes) == set(cache._pages) and cache._bytes == sum(cache._sizes.values())
    # The newest pages stayed; the first went.
    assert "حلب" not in {p.q for p in cache._pages}
    hits = cache.hits
    assert client.get("/reports", params={"q": "اليوم"}).status_code == 200
    assert cache.hits == hits + 1
