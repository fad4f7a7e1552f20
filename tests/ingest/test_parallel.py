"""Preparing reports in worker processes changes nothing but speed: same order, same outcome."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from app.archive import Archive
from app.ingest import parallel
from app.ingest.parallel import ordered_map
from app.models import DateMention, PlaceMention, Report
from tests.conftest import SEEDS, ingest_paths, make_settings


def _pid_of(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_ordered_map_keeps_order_and_uses_workers():
    out = list(ordered_map(_pid_of, range(500), workers=2))
    assert [item for item, _ in out] == list(range(500))
    assert [r[0] for _, r in out] == [i * i for i in range(500)]
    assert os.getpid() not in {r[1] for _, r in out}


def test_small_inputs_stay_in_process():
    out = list(ordered_map(_pid_of, range(parallel.POOL_AFTER), workers=2))
    assert {r[1] for _, r in out} == {os.getpid()}


def _raise_on_13(x: int) -> int:
    if x == 13 + parallel.POOL_AFTER:
        raise ValueError("boom")
    return x


def test_an_error_in_a_worker_reaches_the_caller():
    with pytest.raises(ValueError, match="boom"):
        list(ordered_map(_raise_on_13, range(300), workers=2))


def test_bad_worker_setting_is_named(monkeypatch):
    monkeypatch.setenv("SIJILL_INGEST_WORKERS", "many")
    with pytest.raises(ValueError, match="SIJILL_INGEST_WORKERS"):
        parallel.default_workers()


@pytest.fixture
def many_reports(tmp_path):
    """150 files from the seeds' sentences: varied texts, some exact duplicates, some refusals."""
    sentences = []
    for f in sorted(SEEDS.glob("*.txt")):
        sentences += [s.strip() for s in re.split(r"(?<=[.؟])\s+", f.read_text(encoding="utf-8")) if len(s.strip()) > 40]
    d = tmp_path / "many"
    d.mkdir()
    for i in range(150):
        if i % 25 == 7:
            (d / f"{i:03d}.txt").write_bytes(b"")  # refused: no text
            continue
        k = i if i % 10 else i - 3  # every tenth repeats an earlier text: a duplicate
        text = f"حلب – تقرير رقم {k}\n" + " ".join(sentences[(k * 7 + j) % len(sentences)] for j in range(4))
        (d / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    return d


def _contents(archive: Archive):
    with archive.session() as s:
        reports = [(r.id, r.title, r.body, r.published) for r in s.scalars(select(Report).order_by(Report.id))]
        places = sorted(s.execute(select(PlaceMention.report_id, PlaceMention.place_slug, PlaceMention.count)).all())
        dates = sorted(s.execute(select(DateMention.report_id, DateMention.start, DateMention.date_from)).all())
    return reports, places, dates


def test_parallel_ingest_equals_serial_ingest(tmp_path, many_reports, monkeypatch):
    outcomes = []
    for workers in ("1", "2"):
        monkeypatch.setenv("SIJILL_INGEST_WORKERS", workers)
        archive = Archive(make_settings(tmp_path / f"w{workers}"))
        summary = ingest_paths(archive, many_reports)
        outcomes.append((summary.added, summary.duplicates, [str(r) for r in summary.refused], _contents(archive)))
        assert archive.check().ok
    assert outcomes[0] == outcomes[1]
    added, duplicates, refused, _ = outcomes[0]
    assert len(added) == 150 - 6 - len(duplicates) and len(refused) == 6 and duplicates


def _prepared_seeds():
    import datetime as dt

    from app.ingest.pipeline import prepare
    from app.ingest.records import RawReport

    now = dt.datetime(2024, 1, 1)
    return [prepare(RawReport(raw=f.read_bytes(), origin=f.name, filename=f.name), now)
            for f in sorted(SEEDS.glob("*.txt"))]


def _state(report: Report) -> tuple:
    """Everything of a report the main process reads: attributes (signature as bytes) and mentions."""
    from app.ingest import dedup
    from app.ingest.pipeline import SIGNATURE

    attrs = {k: v for k, v in report.__dict__.items() if k not in ("_sa_instance_state", "places", "dates")}
    attrs[SIGNATURE] = dedup.to_bytes(attrs[SIGNATURE])

    def rows(ms):
        return [{k: v for k, v in m.__dict__.items() if k not in ("_sa_instance_state", "report")} for m in ms]

    return attrs, rows(report.places), rows(report.dates)


def test_a_report_arrives_from_a_worker_as_it_was_prepared():
    import pickle

    from app.ingest.transfer import pack, unpack

    reports = _prepared_seeds()
    assert any(r.places for r in reports) and any(r.dates for r in reports)
    for r in reports:
        arrived = unpack(pickle.loads(pickle.dumps(pack(r))))
        assert isinstance(arrived, Report) and _state(arrived) == _state(r)
        assert all(m.report is arrived for m in arrived.places + arrived.dates)


def test_a_prepared_report_is_stored_by_an_orm_session_as_by_the_archive(settings):
    """Reports are built without attribute events (`models.new_row`): a session still inserts
    every column and mention (the archive itself inserts with Core)."""
    archive = Archive(settings)
    reports = _prepared_seeds()
    with archive.session() as s:
        s.add_all(reports)
        s.commit()
    with archive.session() as s:
        for r in reports:
            got = s.get(Report, r.id)
            assert (got.title, got.body, got.published, got.date_basis, got.ingested_at) == \
                   (r.title, r.body, r.published, r.date_basis, r.ingested_at)
            assert [(p.place_slug, p.count, p.first_pos) for p in got.places] == \
                   [(p.place_slug, p.count, p.first_pos) for p in r.places]
            assert [(d.start, d.text, d.date_from, d.precision) for d in got.dates] == \
                   sorted((d.start, d.text, d.date_from, d.precision) for d in r.dates)


def test_ingest_collector_thresholds_hold_in_the_block_and_in_forked_workers_only():
    import gc

    from app.ingest.collector import INGEST_THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == INGEST_THRESHOLDS
        seen = {r for _, r in ordered_map(_thresholds, range(200), workers=2)}
        assert seen == {INGEST_THRESHOLDS}
    assert gc.get_threshold() == before


def _thresholds(_: int) -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def _niceness(_: int) -> int:
    return os.nice(0)


def test_workers_run_at_a_lower_priority_than_the_storing_process():
    """The main process is the slowest stage: the workers yield the CPU to it."""
    mine = os.nice(0)
    seen = {n for _, n in ordered_map(_niceness, range(parallel.POOL_AFTER + 40), workers=2)}
    expected = min(19, mine + parallel.WORKER_NICENESS)
    assert seen == {expected}
    assert os.nice(0) == mine  # the storing process keeps its own priority
