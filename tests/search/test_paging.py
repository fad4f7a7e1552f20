"""Paging a ranked search: every report exactly once, in one order, whatever the page size.

Near-duplicate reports (wire copies, templated field reports) get equal scores; the pages of a
relevance search must still be slices of one list — found by the browser test of paging, where
page 2 repeated a report from page 3 and lost another.
"""
from __future__ import annotations

import pytest

from app.archive import Archive
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, ingest_paths, make_settings

TEMPLATE = ("تقرير ميداني رقم {n} من حلب: قصف مدفعي استهدف حي {place} في القسم الشرقي من المدينة "
            "صباح اليوم، وأفاد مسعفون بسقوط جرحى بين المدنيين.\n")
PLACES = ["الشعار", "بستان القصر", "الصاخور", "الكلاسة", "السكري", "الفردوس", "المشهد"]


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> SearchService:
    root = tmp_path_factory.mktemp("paging")
    extra = root / "extra"
    extra.mkdir()
    for n, place in enumerate(PLACES, start=1):
        (extra / f"r{n}.txt").write_text(TEMPLATE.format(n=n, place=place), encoding="utf-8")
    archive = Archive(make_settings(root))
    summary = ingest_paths(archive, SEEDS, extra)
    assert len(summary.added) == 5 + len(PLACES)
    return SearchService(archive)


@pytest.mark.parametrize("q", ["حلب", "المدنيين", "قصف"])
@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5])
def test_pages_are_slices_of_one_ranked_list(service, q, per_page):
    whole = service.search(SearchParams(q=q, per_page=100))
    assert whole.total >= 3
    expected = [h.id for h in whole.results]
    paged: list[str] = []
    for page in range(1, whole.pages * 100 // per_page + 2):
        got = service.search(SearchParams(q=q, per_page=per_page, page=page))
        assert got.total == whole.total
        if not got.results:
            break
        paged += [h.id for h in got.results]
    assert paged == expected


def test_ties_exist_in_this_fixture(service):
    """The fixture is only a test of tie handling if some scores are equal."""
    scores = [h.score for h in service.search(SearchParams(q="حلب", per_page=100)).results]
    assert len(scores) != len(set(scores))
