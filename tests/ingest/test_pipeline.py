"""Ingest into a real SQLite file and a real on-disk index."""
import shutil

import pytest
from sqlalchemy import select

from app.archive import Archive
from app.ingest.clean import clean, derive_title
from app.models import Report
from tests.conftest import SEEDS, ingest_paths


def test_seed_ids_follow_the_contract(archive, seed_ids):
    summary = ingest_paths(archive, SEEDS)
    assert sorted(summary.added) == sorted(seed_ids.values())
    assert archive.check().ok


def test_reingest_adds_nothing(archive):
    ingest_paths(archive, SEEDS)
    again = ingest_paths(archive, SEEDS)
    assert again.added == [] and len(again.duplicates) == 5
    assert archive.counts() == {"database": 5, "index": 5}


def test_same_text_in_one_batch_is_one_report(archive, tmp_path):
    src = next(SEEDS.glob("000_*.txt"))
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(src, d / "a.txt")
    (d / "b.txt").write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))  # CRLF: same text, same ID
    summary = ingest_paths(archive, d)
    assert len(summary.added) == 1 and len(summary.duplicates) == 1


def test_manifest_metadata_is_kept(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    with archive.session() as s:
        r = s.get(Report, seed_ids["004"])
    assert str(r.published) == "2016-12-05"
    assert r.date_basis == "estimated"
    assert r.language == "ar"
    assert r.filename.startswith("004_")
    assert r.original.startswith(r.body[:50])


def test_indexing_failure_rolls_back_the_database(archive, monkeypatch):
    """If the index cannot take the batch, the database must not keep it either."""
    from whoosh.codec.whoosh3 import W3FieldWriter

    def broken(self, *args):
        raise OSError("disk full (injected)")

    # Writing the batch's term table fails (both Whoosh's writer and grouped postings go through it).
    monkeypatch.setattr(W3FieldWriter, "start_field", broken)
    with pytest.raises(OSError):
        ingest_paths(archive, SEEDS)
    monkeypatch.undo()
    assert archive.counts() == {"database": 0, "index": 0}
    # and the archive still works afterwards
    assert len(ingest_paths(archive, SEEDS).added) == 5


def test_database_failure_removes_the_batch_from_the_index(archive, monkeypatch):
    from sqlalchemy.orm import Session

    def broken(self):
        raise RuntimeError("database gone (injected)")

    monkeypatch.setattr(Session, "commit", broken)
    with pytest.raises(RuntimeError):
        ingest_paths(archive, SEEDS)
    monkeypatch.undo()
    assert archive.counts() == {"database": 0, "index": 0}
    assert archive.check().ok


def test_check_detects_and_repairs_a_report_missing_from_the_index(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    victim = seed_ids["002"]
    archive.index.delete_ids([victim])
    result = archive.check()
    assert not result.ok and result.missing_from_index == [victim]
    repaired = archive.repair()
    assert repaired.ok and archive.counts() == {"database": 5, "index": 5}


def test_check_detects_a_stray_index_entry(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    with archive.session() as s:
        s.delete(s.get(Report, seed_ids["001"]))
        s.commit()
    result = archive.check()
    assert result.missing_from_db == [seed_ids["001"]]
    assert archive.repair().ok


def test_reindex_rebuilds_the_same_index(archive, seed_ids):
    ingest_paths(archive, SEEDS)
    before = archive.index.entries()
    assert archive.reindex() == 5
    assert archive.index.entries() == before


def test_cli_check_exit_status(settings, seed_ids, monkeypatch):
    from typer.testing import CliRunner

    from app.cli import cli
    monkeypatch.setenv("SIJILL_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("SIJILL_DATABASE_URL", settings.database_url)
    from app.config import get_settings
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        r = runner.invoke(cli, ["ingest", str(SEEDS)])
        assert r.exit_code == 0, r.output
        assert "added 5" in r.output
        assert runner.invoke(cli, ["check"]).exit_code == 0
        Archive(settings).index.delete_ids([seed_ids["003"]])
        r = runner.invoke(cli, ["check"])
        assert r.exit_code == 1 and seed_ids["003"] in r.output
        assert runner.invoke(cli, ["check", "--repair"]).exit_code == 0
    finally:
        get_settings.cache_clear()


def test_clean_removes_scraper_debris_and_keeps_paragraphs():
    text = "الفقرة الأولى.\nAd\n\nالفقرة الثانية.\n\n\n\nمرتبط"
    assert clean(text) == "الفقرة الأولى.\n\nالفقرة الثانية."
    # a trailing "read also" (with tanween, or glued to the text) goes; one that starts the text stays
    assert clean("نص التقرير.  \n اقرأ أيضاً \n") == "نص التقرير."
    assert clean("نص التقرير.مرتبط") == "نص التقرير."
    assert clean("مرتبط بما سبق.\n\n\nنص") == "مرتبط بما سبق.\n\nنص"


def test_title_is_first_sentence_cut_at_a_word():
    body = "كلمة " * 60 + ". بقية"
    title = derive_title(body)
    assert len(title) <= 121 and title.endswith("…") and not title.endswith(" …")
    assert derive_title("عنوان قصير. ثم نص.") == "عنوان قصير"


def test_seed_bodies_lose_debris(archive):
    ingest_paths(archive, SEEDS)
    with archive.session() as s:
        bodies = list(s.scalars(select(Report.body)))
    assert all(not b.rstrip().endswith("مرتبط") for b in bodies)
    assert all("\nAd\n" not in b for b in bodies)
