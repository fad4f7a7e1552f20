"""Results pages keep each report's row (and its body's highlighting form) per index generation
(`service.HitRows`): pages built from kept rows are the pages built from the database, and an
ingest (a new generation) starts afresh."""
from __future__ import annotations

from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, ingest_paths


def _page(service, q):
    return [(h.id, h.title, h.published, h.source, str(h.snippet_html), h.places)
            for h in service.search(SearchParams(q=q, per_page=20)).results]


def test_kept_rows_give_the_same_pages(archive):
    ingest_paths(archive, SEEDS)
    kept = SearchService(archive, cache_size=0)
    for q in ["حلب", "قصف", "الأمم المتحدة", "كفرنبل", ""]:
        first = _page(kept, q)
        assert first and _page(kept, q) == first == _page(SearchService(archive, cache_size=0), q)
    assert len(kept.rows._rows) == 5  # the five seeds, read once


def test_a_new_generation_reads_the_database_again(archive, tmp_path):
    ingest_paths(archive, SEEDS)
    service = SearchService(archive, cache_size=0)
    before = _page(service, "")
    kept_before = dict(service.rows._rows)
    new = tmp_path / "new"
    new.mkdir()
    (new / "r.txt").write_text("خبر جديد عن حلب. وصلت قافلة مساعدات إلى أحياء حلب الشرقية صباح اليوم.",
                               encoding="utf-8")
    ingest_paths(archive, new)
    after = _page(service, "")
    assert len(after) == len(before) + 1
    assert {row.id for row in service.rows._rows.values()} == {h[0] for h in after}
    assert service.rows._generation is archive.index.searcher()
    assert all(service.rows._rows[rid] is not row for rid, row in kept_before.items())  # read again
    assert any("قافلة" in h[4] or "قافلة" in h[1] for h in _page(service, "قافلة"))


def test_rows_are_bounded_in_bytes(archive):
    ingest_paths(archive, SEEDS)
    service = SearchService(archive, cache_size=0)
    first = _page(service, "")
    sizes = {rid: service.rows._size(row) for rid, row in service.rows._rows.items()}
    assert len(sizes) == 5 and service.rows._bytes == sum(sizes.values())
    # a budget whose per-report share (1/16) admits only the shorter reports
    cut = sorted(sizes.values())[2]
    tight = SearchService(archive, cache_size=0)
    tight.rows.max_bytes = 16 * cut
    assert _page(tight, "") == first == _page(tight, "")
    assert set(tight.rows._rows) == {rid for rid, n in sizes.items() if n <= cut}
    assert tight.rows._bytes <= tight.rows.max_bytes
