"""Bad input: one batch mixing every kind of bad file and record with good reports, through the CLI.

Every good report must arrive, every bad one must be refused with one line naming its file (and
line or record) and the reason, and the exit status must be non-zero. `--dry-run` must say exactly
the same without writing anything.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from app.archive import Archive
from tests.conftest import ROOT, SEEDS, contract_id, settings_env

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
LIMIT = 20_000


def passages() -> list[str]:
    out = []
    for t in SEED_TEXTS:
        out += [p.strip() for p in re.split(r"(?<=[.!؟])\s+|\n", t) if len(p.strip()) > 100]
    return out


P = passages()


def rid(text: str) -> str:
    return contract_id(text.encode("utf-8"))


def sijill(settings, *args: str) -> subprocess.CompletedProcess:
    env = settings_env(settings) | {"SIJILL_MAX_REPORT_BYTES": str(LIMIT), "PYTHONPATH": str(ROOT),
                                    "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def build_batch(root: Path) -> tuple[list[str], list[tuple[str, str]], list[Path]]:
    """Write the batch. Returns (good report IDs, [(origin, reason pattern)] refusals, extra paths)."""
    good: list[str] = []
    bad: list[tuple[str, str]] = []
    d = root / "batch"
    (d / "sub").mkdir(parents=True)
    k = iter(range(len(P)))

    def text() -> str:
        return P[next(k)] + " " + P[next(k)]

    # -- good single files
    t = text(); (d / "good_utf8.txt").write_text(t, encoding="utf-8"); good.append(rid(t))
    t = text(); (d / "good_cp1256.txt").write_bytes(t.encode("cp1256")); good.append(rid(t))
    t = text(); (d / "good_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + t.encode("utf-16-le")); good.append(rid(t))
    # -- bad single files
    (d / "empty.txt").write_bytes(b"")
    bad.append((f"{d / 'empty.txt'}", "empty file"))
    (d / "blank.txt").write_text(" \n\t\n  \n", encoding="utf-8")
    bad.append((f"{d / 'blank.txt'}", "no text"))
    (d / "debris.txt").write_text("Ad\n\nمرتبط\n", encoding="utf-8")
    bad.append((f"{d / 'debris.txt'}", "no text \\(empty after removing"))
    (d / "image.txt").write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 8)
    bad.append((f"{d / 'image.txt'}", "binary|control characters|not text"))
    (d / "noise.txt").write_bytes(random.Random(3).randbytes(3000))
    bad.append((f"{d / 'noise.txt'}", "no encoding gives plausible text|binary"))
    (d / "mojibake.txt").write_bytes(text().encode("utf-8").decode("cp1252", "ignore").encode("utf-8"))
    bad.append((f"{d / 'mojibake.txt'}", "mojibake"))
    (d / "big.txt").write_text((P[0] + "\n") * (LIMIT // len(P[0].encode()) + 5), encoding="utf-8")
    bad.append((f"{d / 'big.txt'}", f"over the {LIMIT:,} bytes limit"))
    (d / "odd_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + text().encode("utf-16-le")[:-1])
    bad.append((f"{d / 'odd_utf16.txt'}", "UTF-16LE \\(BOM\\) byte-order mark but byte"))
    (d / "nav_only.html").write_text("<html><head><title>x</title></head><body><nav><a href='/'>الرئيسية</a>"
                                     "</nav></body></html>", encoding="utf-8")
    bad.append((f"{d / 'nav_only.html'}", "no article text"))
    # -- a manifest with a date that does not parse: that file is refused, its neighbour is not
    t = text(); (d / "sub" / "ok.txt").write_text(t, encoding="utf-8"); good.append(rid(t))
    (d / "sub" / "bad_date.txt").write_text(text(), encoding="utf-8")
    (d / "sub" / "manifest.csv").write_text("file,published,date_basis\nok.txt,2016-12-05,stated\n"
                                            "bad_date.txt,05/12/2016,stated\n", encoding="utf-8")
    bad.append((f"{d / 'sub' / 'manifest.csv'} (row for bad_date.txt)", "published '05/12/2016' is not a date"))
    # -- JSON Lines: good records between bad ones
    lines: list[str] = []

    def rec(obj) -> None:
        lines.append(obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False))

    jl = d / "crawl.jsonl"
    t = text(); rec({"id": "c-1", "text": t, "published": "2016-12-01"}); good.append(rid(t))        # line 1
    rec('{"id": "c-2", "text": "مقطوع')                                                               # line 2
    bad.append((f"{jl}:line 2", "invalid JSON.*truncated"))
    rec('["not", "an", "object"]')                                                                    # line 3
    bad.append((f"{jl}:line 3", "an array, not a JSON object"))
    rec({"id": "c-4", "title": "بلا نص"})                                                             # line 4
    bad.append((f"{jl}:line 4", "no 'text' or 'body' field"))
    rec({"id": "c-5", "text": 12345})                                                                 # line 5
    bad.append((f"{jl}:line 5", "field 'text' must be a string"))
    rec({"id": "c-6", "text": text(), "published": "yesterday"})                                      # line 6
    bad.append((f"{jl}:line 6", "published 'yesterday' is not a date"))
    rec({"id": "c-7", "text": text(), "date": "2016-13-40"})                                          # line 7
    bad.append((f"{jl}:line 7", "date '2016-13-40' is not a date"))
    rec({"id": "c-8", "text": text(), "published": "2016-12-01", "date_basis": "rumour"})             # line 8
    bad.append((f"{jl}:line 8", "date_basis 'rumour' is not one of"))
    rec({"id": "c-9", "text": text(), "retrieved_at": "last week"})                                   # line 9
    bad.append((f"{jl}:line 9", "retrieved_at 'last week' is not a date-time"))
    rec({"id": "c-10", "text": P[1] * (LIMIT // len(P[1].encode()) + 2)})                             # line 10
    bad.append((f"{jl}:line 10", "over the 20,000 bytes limit"))
    t = text(); rec({"id": "c-11", "text": t, "sha256": "0" * 64})                                    # line 11
    bad.append((f"{jl}:line 11", "does not match its sha256"))
    rec({"id": "c-12", "text": text(), "language": "arabic language"})                                # line 12
    bad.append((f"{jl}:line 12", "not a language code"))
    rec({"id": "c-13", "text": " \n "})                                                               # line 13
    bad.append((f"{jl}:line 13", "field 'text' is empty"))
    t = text(); rec({"id": "c-14", "body": t, "mood": "sombre"}); good.append(rid(t))                # line 14: unknown field
    rec(json.dumps({"text": "Ø§Ù„Ø­Ø±Ø¨ ÙÙŠ Ø³ÙˆØ±ÙŠØ§ Ù…Ø³ØªÙ…Ø±Ø© Ù…Ù†Ø° Ø³Ù†ÙˆØ§Øª"}))              # line 15
    bad.append((f"{jl}:line 15", "mojibake"))
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # -- a gzip file cut short: the records before the damage are kept
    payload = gzip.compress(b"".join((json.dumps({"text": text()}, ensure_ascii=False) + "\n").encode()
                                     for _ in range(4)))
    cut = payload[: len(payload) - 30]
    (d / "cut.jsonl.gz").write_bytes(cut)
    readable = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut)
    complete = readable.rpartition(b"\n")[0]  # a record cut in the middle is lost with the stream
    whole_lines = complete.split(b"\n")
    assert complete and len(whole_lines) < 4
    good += [rid(json.loads(line)["text"]) for line in whole_lines]
    bad.append((f"{d / 'cut.jsonl.gz'}", "gzip stream ends early"))
    # -- JSON: truncated file, wrong top level
    (d / "truncated.json").write_text(json.dumps([{"text": text()}], ensure_ascii=False)[:-40], encoding="utf-8")
    bad.append((f"{d / 'truncated.json'}", "invalid JSON.*truncated"))
    (d / "scalar.json").write_text("42", encoding="utf-8")
    bad.append((f"{d / 'scalar.json'}", "must be an object .* or an array"))
    # -- CSV: a good row, a row with no text, a row with a field too many; a file without header
    t = text()
    buf = io.StringIO()
    csv.writer(buf).writerows([["title", "text", "source"], ["عنوان", t, "مصدر"], ["بلا نص", "", "مصدر"],
                               ["زائد", text(), "مصدر", "زيادة"]])
    (d / "sheet.csv").write_text(buf.getvalue(), encoding="utf-8")
    good.append(rid(t))
    bad.append((f"{d / 'sheet.csv'}:line 3", "field 'text' is empty"))
    bad.append((f"{d / 'sheet.csv'}:line 4", "4 fields, but the header has 3"))
    buf = io.StringIO()
    csv.writer(buf).writerow(["2016-12-01", text()])
    (d / "noheader.csv").write_text(buf.getvalue(), encoding="utf-8")
    bad.append((f"{d / 'noheader.csv'}", "header naming the columns, with a 'text' or 'body' column"))
    # -- named explicitly: an unsupported file and a missing one
    (root / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    bad.append((f"{root / 'notes.pdf'}", "unsupported file type '.pdf'"))
    bad.append((f"{root / 'missing.txt'}", "no such file or directory"))
    return good, bad, [root / "notes.pdf", root / "missing.txt"]


def refusal_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("refused ")]


def assert_refusals(stderr: str, bad: list[tuple[str, str]]) -> None:
    """Exactly one line per bad item: `refused <origin>: <reason>`."""
    lines = refusal_lines(stderr)
    assert len(lines) == len(bad), "\n".join(lines)
    for origin, reason in bad:
        matching = [ln for ln in lines if ln.startswith(f"refused {origin}: ") and re.search(reason, ln)]
        assert len(matching) == 1, f"{origin} / {reason}:\n" + "\n".join(lines)


def test_a_batch_of_bad_input_refuses_each_and_keeps_every_good_report(settings, tmp_path):
    good, bad, extra = build_batch(tmp_path)
    assert len(bad) >= 20
    r = sijill(settings, "ingest", str(tmp_path / "batch"), *map(str, extra))
    assert r.returncode == 1, r.stdout + r.stderr
    assert_refusals(r.stderr, bad)
    assert f"added {len(good)}, skipped as duplicate 0, refused {len(bad)}" in r.stdout
    # the unknown field is a note, not a refusal
    assert re.search(r"^note .*crawl\.jsonl: unknown field\(s\) 'mood' ignored \(first at line 14\)", r.stderr, re.M)
    archive = Archive(settings)
    assert sorted(archive.index.entries()) == sorted(good)
    assert archive.check().ok and archive.counts()["database"] == len(good)
    # running it again adds nothing, refuses the same, and still says so in the exit status
    again = sijill(settings, "ingest", str(tmp_path / "batch"), *map(str, extra))
    assert again.returncode == 1
    assert f"added 0, skipped as duplicate {len(good)}, refused {len(bad)}" in again.stdout


def test_dry_run_says_exactly_what_would_happen_and_writes_nothing(settings, tmp_path):
    good, bad, extra = build_batch(tmp_path)
    r = sijill(settings, "ingest", "--dry-run", str(tmp_path / "batch"), *map(str, extra))
    assert r.returncode == 1
    assert f"would add {len(good)}, skipped as duplicate 0, refused {len(bad)}" in r.stdout
    assert_refusals(r.stderr, bad)
    assert not settings.data_dir.exists() or not any(settings.data_dir.iterdir())  # nothing created

    # With an archive holding part of it: the duplicates are counted against the archive, unwritten.
    first = tmp_path / "batch" / "good_utf8.txt"
    assert sijill(settings, "ingest", str(first)).returncode == 0
    archive = Archive(settings)
    before = (archive.counts(), sorted(p.name for p in settings.data_dir.rglob("*")))
    r = sijill(settings, "ingest", "--dry-run", str(tmp_path / "batch"), *map(str, extra))
    assert f"would add {len(good) - 1}, skipped as duplicate 1, refused {len(bad)}" in r.stdout
    assert archive.counts() == before[0]
    r = sijill(settings, "ingest", "--dry-run", str(first))
    assert r.returncode == 0 and "would add 0, skipped as duplicate 1, refused 0" in r.stdout


def test_unknown_fields_are_noted_once_per_file_and_do_not_refuse(archive, tmp_path):
    from tests.conftest import ingest_paths
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(json.dumps({"text": P[i], "mood": "x", "colour": i}, ensure_ascii=False)
                           for i in range(3)), encoding="utf-8")
    summary = ingest_paths(archive, f)
    assert len(summary.added) == 3 and summary.refused == []
    assert [str(n) for n in summary.notices] == [f"{f}: unknown field(s) 'colour', 'mood' ignored (first at line 1)"]


@pytest.mark.parametrize("value", ["2016-12-05", "2016-12-05T23:30:00+03:00", "2016/12/5", "2016-12-05 08:00"])
def test_accepted_date_forms(value):
    from app.ingest.metadata import parse_date
    import datetime as dt
    assert parse_date(value) == dt.date(2016, 12, 5)
