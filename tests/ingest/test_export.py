"""`sijill export --format jsonl` → a fresh archive: identical IDs, hashes, provenance and groups."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select

from app.archive import Archive
from app.models import Report
from tests.conftest import ROOT, SEEDS, make_settings, settings_env
from tests.ingest.test_dedup import BASE, edited_copy_a, edited_copy_b  # BASE is seed 001
from tests.ingest.test_formats import PAGE, paragraphs

COLUMNS = ("id", "sha256", "original_sha256", "title", "body", "original", "source", "source_url", "source_id",
           "published", "date_basis", "language", "filename", "retrieved_at", "ingested_at", "dup_group",
           "encoding", "media_type")


def sijill(settings, *args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = settings_env(settings) | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=300)


def snapshot(settings) -> tuple[list[tuple], dict[str, str]]:
    archive = Archive(settings)
    with archive.session() as s:
        rows = [tuple(getattr(r, c) for c in COLUMNS) for r in s.scalars(select(Report).order_by(Report.id))]
    return rows, archive.index.entries()


def test_export_then_ingest_into_an_empty_archive_gives_identical_reports(tmp_path):
    src = tmp_path / "src"
    (src / "pages").mkdir(parents=True)
    page = PAGE.replace("PARA1", paragraphs(0)[0]).replace("PARA2", paragraphs(0)[1])
    (src / "pages" / "page.html").write_bytes(page.encode("cp1256"))
    (src / "crawl.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "w-1", "text": " ".join(paragraphs(2)[3:6]), "source": "A", "url": "https://a.example/1", "retrieved_at": "2016-12-08T12:00:00Z",
         "published": "2016-12-08"},
        {"id": "w-2", "text": edited_copy_a(BASE), "source": "B", "date": "2016-12-09"},
        {"id": "w-3", "text": edited_copy_b(BASE), "source": "C"},
    ]), encoding="utf-8")
    (src / "legacy.txt").write_bytes(paragraphs(3)[0].encode("cp1256"))

    one = make_settings(tmp_path / "one")
    assert sijill(one, "ingest", str(SEEDS), str(src)).returncode == 0
    before = snapshot(one)
    assert len(before[0]) == 10 and any(r[COLUMNS.index("dup_group")] for r in before[0])

    exported = tmp_path / "archive.jsonl"
    with exported.open("wb") as f:
        r = sijill(one, "export", "--format", "jsonl", stdout=f)
    assert r.returncode == 0, r.stderr
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10
    first = json.loads(lines[0])
    assert {"id", "sha256", "text", "source_id", "original_sha256", "ingested_at", "media_type"} <= set(first)

    two = make_settings(tmp_path / "two")
    r = sijill(two, "ingest", str(exported))
    assert r.returncode == 0 and b"added 10, skipped as duplicate 0, refused 0" in r.stdout, r.stderr
    after = snapshot(two)
    assert after == before  # every column, the index's IDs and hashes, and the groups
    assert Archive(two).check().ok

    # exporting the copy gives the same bytes again
    again = tmp_path / "again.jsonl"
    with again.open("wb") as f:
        assert sijill(two, "export", "--format", "jsonl", stdout=f).returncode == 0
    assert again.read_bytes() == exported.read_bytes()

    # and ingesting the export into the archive it came from adds nothing
    r = sijill(one, "ingest", str(exported))
    assert b"added 0, skipped as duplicate 10, refused 0" in r.stdout


def test_export_refuses_an_unknown_format(tmp_path):
    s = make_settings(tmp_path)
    r = sijill(s, "export", "--format", "xml")
    assert r.returncode == 2 and b"only format is jsonl" in r.stderr
