"""The mentioned-date filter and timeline come from the index (`mentioned` column, schema.py):
checked here against the database's DateMention rows on a real archive (SQLite file, on-disk
index, the ingest pipeline's own date extraction), with the recount written independently."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import delete, select

from app.archive import Archive
from app.dates.timeline import histogram
from app.models import DateMention, Report
from app.search.params import SearchParams
from app.search.service import SearchService

from tests.conftest import ingest_paths, make_settings

D = dt.date
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر"]
FILLER = ["قصفت الطائرات الحربية أحياء المدينة الشرقية", "أعلن الدفاع المدني انتشال جثث من تحت الأنقاض",
          "دعت الأمم المتحدة إلى هدنة إنسانية عاجلة", "نزح آلاف المدنيين نحو الريف الغربي"]


def _date_phrase(rng: random.Random) -> str:
    """One absolute date expression: a day, a month, part of a month, or a year."""
    year = rng.randrange(2011, 2019)
    month = rng.randrange(12)
    kind = rng.choice(["day", "day", "month", "part", "year"])
    if kind == "day":
        return f"في {rng.randrange(1, 29)} {MONTHS[month]} {year}"
    if kind == "month":
        return f"خلال شهر {MONTHS[month]} {year}"
    if kind == "part":
        return f"منتصف {MONTHS[month]} {year}"
    return f"في عام {year}"


def _write_reports(folder, rng: random.Random, n: int) -> None:
    folder.mkdir()
    for k in range(n):
        sentences = []
        for _ in range(rng.choice([0, 1, 2, 3, 5])):  # some reports mention no date at all
            sentences.append(f"{rng.choice(FILLER)} {_date_phrase(rng)}.")
        sentences.append(f"{rng.choice(FILLER)} في التقرير رقم {k}.")
        rng.shuffle(sentences)
        (folder / f"r{k:03d}.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def dated_archive(tmp_path_factory) -> Archive:
    root = tmp_path_factory.mktemp("mentioned")
    _write_reports(root / "in", random.Random(10), 150)
    archive = Archive(make_settings(root))
    summary = ingest_paths(archive, root / "in")
    assert len(summary.added) == 150
    return archive


def db_ranges(archive: Archive) -> dict[str, list[tuple[dt.date, dt.date]]]:
    with archive.session() as s:
        out: dict[str, list[tuple[dt.date, dt.date]]] = {}
        for rid, lo, hi in s.execute(select(DateMention.report_id, DateMention.date_from, DateMention.date_to)):
            out.setdefault(rid, []).append((lo, hi))
        return out


def all_ids(archive: Archive) -> set[str]:
    with archive.session() as s:
        return set(s.scalars(select(Report.id)))


def expected(ranges, lo, hi) -> set[str]:
    return {rid for rid, rs in ranges.items()
            if any((lo is None or b >= lo) and (hi is None or a <= hi) for a, b in rs)}


def search_ids(service: SearchService, **kw) -> tuple[set[str], object]:
    p = SearchParams(date_field="mentioned", per_page=100, **kw)
    page = service.search(p)
    ids = {i for batch in service.iter_result_ids(p) for i in batch}
    assert page.total == len(ids)
    return ids, page


def windows(rng: random.Random, k: int):
    """Random windows: a day, weeks, months, years; open at either end; overlapping each other."""
    yield None, None
    for _ in range(k):
        a = D(2010, 6, 1) + dt.timedelta(days=rng.randrange(9 * 365))
        b = a + dt.timedelta(days=rng.choice([0, 0, 3, 20, 45, 100, 400, 1500]))
        yield rng.choice([(a, b), (a, b), (a, None), (None, b)])


def check_against_database(archive: Archive, rng: random.Random, k: int = 40) -> None:
    service = SearchService(archive)
    ranges = db_ranges(archive)
    everyone = all_ids(archive)
    assert len(ranges) > 20 and len(everyone) > len(ranges)  # both kinds of report present
    for lo, hi in windows(rng, k):
        got, page = search_ids(service, date_from=lo, date_to=hi)
        want = everyone if lo is None and hi is None else expected(ranges, lo, hi)
        assert got == want, (lo, hi)
        # the timeline: the old algorithm (timeline.histogram) over the database's rows
        buckets, unit = histogram([ranges[r] for r in got if r in ranges], (lo, hi))
        assert (page.histogram, page.histogram_unit) == (buckets, unit), (lo, hi)
        # every bar's link (the bar within the window) returns exactly the bar's count
        for bar in page.histogram[:: max(1, len(page.histogram) // 4)]:
            linked, _ = search_ids(service, date_from=max(bar.start, lo or bar.start),
                                   date_to=min(bar.end, hi or bar.end))
            assert len(linked & got) == bar.count, (lo, hi, bar)


def test_filter_and_timeline_equal_the_database(dated_archive):
    check_against_database(dated_archive, random.Random(1))


def test_with_a_query_and_collapse(dated_archive):
    service = SearchService(dated_archive)
    ranges = db_ranges(dated_archive)
    lo, hi = D(2013, 1, 1), D(2016, 6, 30)
    words, _ = search_ids(service, q="المدنيين")
    got, page = search_ids(service, q="المدنيين", date_from=lo, date_to=hi)
    assert words and got == expected(ranges, lo, hi) & words
    assert page.histogram == histogram([ranges[r] for r in got], (lo, hi))[0]
    collapsed = service.search(SearchParams(q="المدنيين", date_field="mentioned", date_from=lo, date_to=hi,
                                            collapse=True, per_page=100))
    assert collapsed.histogram == page.histogram  # the timeline counts every match, as before


def test_survives_reindex_repair_and_deletion(tmp_path):
    rng = random.Random(2)
    _write_reports(tmp_path / "in", rng, 60)
    archive = Archive(make_settings(tmp_path))
    ingest_paths(archive, tmp_path / "in")
    # a second ingest run: new reports in a new segment, the first run's reports skipped as known
    _write_reports(tmp_path / "more", random.Random(3), 40)
    ingest_paths(archive, tmp_path / "more", tmp_path / "in")
    check_against_database(archive, rng, 15)

    archive.reindex()  # rebuilt from the database rows
    check_against_database(archive, rng, 15)

    # a report deleted from the database, then `check --repair`: gone from filter and timeline
    ranges = db_ranges(archive)
    victim = sorted(ranges)[0]
    with archive.session() as s:
        s.execute(delete(DateMention).where(DateMention.report_id == victim))
        s.execute(delete(Report).where(Report.id == victim))
        s.commit()
    archive.repair()
    assert victim not in all_ids(archive)
    got, _ = search_ids(SearchService(archive), date_from=D(2000, 1, 1))
    assert victim not in got
    check_against_database(archive, rng, 15)

    # a report missing from the index is re-indexed by repair with its mentioned ranges
    other = sorted(db_ranges(archive))[0]
    archive.index.delete_ids([other])
    lo, hi = db_ranges(archive)[other][0]
    assert other not in search_ids(SearchService(archive), date_from=lo, date_to=hi)[0]
    archive.repair()
    assert other in search_ids(SearchService(archive), date_from=lo, date_to=hi)[0]
    check_against_database(archive, rng, 15)


def test_outdated_index_is_rebuilt_with_mentions(tmp_path):
    """An index of an older schema version (no `mentioned` column) is rebuilt on open."""
    _write_reports(tmp_path / "in", random.Random(4), 30)
    settings = make_settings(tmp_path)
    archive = Archive(settings)
    ingest_paths(archive, tmp_path / "in")
    (settings.index_dir / "SIJILL_SCHEMA_VERSION").write_text("4")
    reopened = Archive(settings)
    assert reopened.index.recreated
    check_against_database(reopened, random.Random(5), 10)
