"""The index as the archive's vocabulary: glued words at ingest and reindex, and index upgrades."""
from app.archive import Archive
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, ingest_paths


def found(archive, seed_ids, q):
    names = {v: k for k, v in seed_ids.items()}
    return sorted(names[h.id] for h in SearchService(archive).search(SearchParams(q=q, per_page=100)).results)


def test_reindex_splits_glued_words_the_same_way(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    before = found(archive, seed_ids, '"الولايات المتحدة"')
    assert archive.reindex() == 5
    assert found(archive, seed_ids, '"الولايات المتحدة"') == before == ["001", "002", "003", "004"]


def test_the_archive_learns_its_own_words(archive, tmp_path):
    # مؤتمر and صحفي are not in the curated lexicon: once the archive uses them often, a report
    # that glues them is found by the separate words (at ingest: the index plus the batch).
    d = tmp_path / "in"
    d.mkdir()
    for i in range(30):
        (d / f"{i:02}.txt").write_text(f"عقد الوزير مؤتمر صحفي رقم {i} في العاصمة.", encoding="utf-8")
    for i in range(70):
        (d / f"x{i:02}.txt").write_text(f"خبر آخر رقم {i} عن الطقس والأسواق.", encoding="utf-8")
    (d / "glued.txt").write_text("قال المتحدث في مؤتمرصحفي إن المحادثات مستمرة.", encoding="utf-8")
    ingest_paths(archive, d)
    page = SearchService(archive).search(SearchParams(q='"مؤتمر صحفي" المحادثات'))
    assert page.total == 1


def test_an_outdated_index_is_rebuilt_on_open(settings, seed_ids):
    archive = Archive(settings)
    ingest_paths(archive, SEEDS)
    (settings.index_dir / "SIJILL_SCHEMA_VERSION").write_text("0")
    reopened = Archive(settings)
    assert reopened.counts() == {"database": 5, "index": 5}
    assert found(reopened, seed_ids, "كفرنبل") == ["003"]
