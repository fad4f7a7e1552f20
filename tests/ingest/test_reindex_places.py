"""`sijill reindex` derives place mentions again from the text (e.g. after a gazetteer edit)."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.models import PlaceMention
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, ingest_paths


def stored(archive, rid):
    with archive.session() as s:
        return sorted((m.place_slug, m.count, m.first_pos)
                      for m in s.scalars(select(PlaceMention).where(PlaceMention.report_id == rid)))


def test_reindex_retags_places_in_database_and_index(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    rid = seed_ids["004"]
    all_before = {other: stored(archive, other) for other in seed_ids.values()}
    before = all_before[rid]
    assert "qadi-askar" in {slug for slug, _, _ in before}
    # Simulate mentions made with an older gazetteer: one place missing, one that no longer exists.
    with archive.session() as s:
        s.execute(delete(PlaceMention).where(PlaceMention.report_id == rid, PlaceMention.place_slug == "qadi-askar"))
        s.add(PlaceMention(report_id=rid, place_slug="old-slug", count=1, first_pos=0))
        s.commit()
    archive.reindex()
    service = SearchService(archive)
    assert [h.id for h in service.search(SearchParams(neighbourhood=("qadi-askar",))).results] == [rid]
    assert "old-slug" not in {f.value for f in service.search(SearchParams()).facets["neighbourhood"]}
    assert stored(archive, rid) == before
    # The other reports keep exactly their mentions.
    assert {other: stored(archive, other) for other in seed_ids.values()} == all_before
    assert archive.check().ok
