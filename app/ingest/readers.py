"""One reader per format: files → RawReport records, Refusals and Notices, each naming its file.

| format | reports | metadata |
|---|---|---|
| `.txt` | one per file | a `manifest.csv` in the same directory (column `file` names the file) |
| `.html`, `.htm` | one per saved page | the page (title, date, canonical URL, site name), then the manifest |
| `.jsonl`, `.ndjson` | one per line (a JSON object) | the record's fields (see `metadata`) |
| `.json` | one object, or an array of objects | the record's fields |
| `.csv` | one per row; the header names the columns | the row's fields |

Any of these may be gzipped (`.jsonl.gz` …): the ANT news files are read as they are. JSON Lines
are streamed, so a file of any size is read in constant memory; a truncated file keeps the records
before the damage. Files are visited in sorted order, so the same command always sees the reports
in the same order (re-running an interrupted ingest reproduces the same near-duplicate groups).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from . import article
from .decode import DecodeError, decode
from .plausibility import judge_container
from .metadata import FieldError, apply, unknown_fields
from .records import HTML, PLAIN, Notice, RawReport, Refusal

MANIFEST = "manifest.csv"
SINGLE = {".txt": PLAIN, ".html": HTML, ".htm": HTML}
MULTI = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
#: Manifest columns beyond the shared vocabulary.
_MANIFEST_KNOWN = frozenset({"file"})
#: A JSON or CSV file is read whole: refuse absurd sizes (e.g. a gzip bomb) before trying.
MULTI_FILE_FACTOR = 200

Item = RawReport | Refusal | Notice


def format_of(path: Path) -> tuple[str, bool] | None:
    """(".txt" | ".html" | "jsonl" | "json" | "csv", gzipped) — or None when unsupported."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    suffix = os.path.splitext(name)[1]
    if suffix in SINGLE:
        return suffix if suffix != ".htm" else ".html", gz
    if suffix in MULTI:
        return MULTI[suffix], gz
    return None


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Notice]:
    """Named files as given; inside directories, supported files (recursively, sorted, no dot-files)."""
    for p in paths:
        if not p.is_dir():
            yield p
            continue
        found = []
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(Path(root) / f for f in files
                         if not f.startswith(".") and format_of(Path(f)) is not None and f != MANIFEST)
        if not found:
            yield Notice(str(p), "no supported files (.txt .html .json .jsonl .csv, optionally .gz) in this directory")
        yield from sorted(found)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _open(path: Path, gz: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gz else path.open("rb")


def _read_capped(path: Path, gz: bool, cap: int) -> bytes:
    """At most cap+1 bytes (so the caller can tell "over the limit"); gzip errors propagate."""
    with _open(path, gz) as f:
        return f.read(cap + 1)


def _damaged(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "the gzip stream ends early (truncated file)"
    if isinstance(e, (gzip.BadGzipFile, zlib.error)):
        return f"not a valid gzip file ({e})"
    return f"cannot be read ({e.__class__.__name__}: {e})"


def _size(n: int) -> str:
    return f"{n:,} bytes"


# -- manifests ------------------------------------------------------------------------------------
class Manifest:
    """`manifest.csv` beside single-report files: metadata rows by file name (or why it is unusable)."""

    def __init__(self, directory: Path):
        self.path = directory / MANIFEST
        self.rows: dict[str, dict[str, Any]] = {}
        self.error: str | None = None
        self.notices: list[Notice] = []
        if not self.path.is_file():
            return
        try:
            text = decode(self.path.read_bytes(), check=judge_container).text
        except (OSError, DecodeError) as e:
            self.error = f"{self.path} cannot be read ({e}): its files were not ingested, so that no report loses its metadata"
            return
        reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=_delimiter(text))
        fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
        if "file" not in fields:
            self.error = (f"{self.path} has no 'file' column (first line: {', '.join(fields) or 'empty'}): "
                          "its files were not ingested")
            return
        reader.fieldnames = fields
        unknown = unknown_fields(dict.fromkeys(f for f in fields if f), _MANIFEST_KNOWN)
        if unknown:
            self.notices.append(Notice(str(self.path), f"unknown column(s) {', '.join(map(repr, unknown))} ignored"))
        for row in reader:
            name = (row.get("file") or "").strip()
            if name:
                self.rows[name] = {k: v for k, v in row.items() if k}


# -- single-report files --------------------------------------------------------------------------
def read_single(path: Path, media_type: str, gz: bool, manifest: Manifest, max_bytes: int) -> RawReport | Refusal:
    if manifest.error:
        return Refusal(str(path), manifest.error)
    size = path.stat().st_size
    if not gz and size > max_bytes:
        return Refusal(str(path), f"file is {_size(size)}, over the {_size(max_bytes)} limit per report "
                                  "(SIJILL_MAX_REPORT_BYTES)")
    try:
        raw = _read_capped(path, gz, max_bytes)
    except (OSError, EOFError, zlib.error) as e:
        return Refusal(str(path), _damaged(e))
    if len(raw) > max_bytes:
        return Refusal(str(path), f"decompressed text is over the {_size(max_bytes)} limit per report")
    rec = RawReport(origin=str(path), raw=raw, media_type=media_type, filename=path.name,
                    original_sha256=hashlib.sha256(raw).hexdigest() if not gz else file_sha256(path))
    if media_type == HTML:
        rec.declared_charset = article.declared_charset(raw)
    meta = manifest.rows.get(path.name)
    if meta:
        try:
            apply(meta, rec, require_text=False)
        except FieldError as e:
            return Refusal(f"{manifest.path} (row for {path.name})", str(e))
    return rec


# -- JSON Lines -----------------------------------------------------------------------------------
def _byte_lines(f: IO[bytes], cap: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line without terminator or None when longer than cap, length in bytes)."""
    n = 0
    while True:
        line = f.readline(cap + 2)
        if not line:
            return
        n += 1
        if len(line) > cap + 1 or (len(line) > cap and not line.endswith(b"\n")):
            total = len(line)
            while not line.endswith(b"\n"):
                line = f.readline(1 << 20)
                if not line:
                    break
                total += len(line)
            yield n, None, total
            continue
        yield n, line.rstrip(b"\r\n"), len(line)


def _record(obj: Any, origin: str, base: RawReport, unknown: dict[str, str]) -> RawReport | Refusal:
    if not isinstance(obj, dict):
        kind = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false",
                type(None): "null"}.get(type(obj), type(obj).__name__)
        return Refusal(origin, f"{kind}, not a JSON object with a 'text' field")
    for k in unknown_fields(obj):
        unknown.setdefault(k, origin)
    locator = origin[len(base.origin):]  # ":line 12", ":record 3" or "" (a single-object file)
    rec = RawReport(origin=origin, media_type=base.media_type, original_sha256=base.original_sha256,
                    encoding=base.encoding, filename=f"{base.filename}{locator}")
    try:
        apply(obj, rec)
    except FieldError as e:
        return Refusal(origin, str(e))
    return rec


def _unknown_notice(path: Path, unknown: dict[str, str]) -> Iterator[Notice]:
    if unknown:
        first = min(unknown.values(), key=lambda o: (len(o), o))
        yield Notice(str(path), f"unknown field(s) {', '.join(map(repr, sorted(unknown)))} ignored "
                                f"(first at {first.removeprefix(str(path) + ':')})")


def read_jsonl(path: Path, gz: bool, max_bytes: int) -> Iterator[Item]:
    sha = file_sha256(path)
    unknown: dict[str, str] = {}
    try:
        with _open(path, gz) as f:
            head = f.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 JSON Lines: decode whole, then split
            yield from _jsonl_text(path, gz, max_bytes, sha, unknown)
            return
        encodings: set[str] = set()
        with _open(path, gz) as f:
            for n, line, length in _byte_lines(f, max_bytes):
                origin = f"{path}:line {n}"
                if line is None:
                    yield Refusal(origin, f"record is {_size(length)}, over the {_size(max_bytes)} limit per report")
                    continue
                if n == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if not line.strip():
                    continue
                try:
                    text, enc = line.decode("utf-8"), "utf-8"
                except UnicodeDecodeError:
                    try:
                        d = decode(line)
                    except DecodeError as e:
                        yield Refusal(origin, str(e))
                        continue
                    text, enc = d.text, d.encoding
                encodings.add(enc)
                yield _parse_json_line(text, origin, path, sha, enc, unknown)
    except (OSError, EOFError, zlib.error) as e:
        yield Refusal(str(path), f"{_damaged(e)}; the records before the damage were read")
    yield from _unknown_notice(path, unknown)


def _parse_json_line(text: str, origin: str, path: Path, sha: str, enc: str, unknown: dict[str, str]) -> RawReport | Refusal:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        hint = " (truncated record?)" if e.pos >= len(text.rstrip()) - 1 or "Unterminated" in e.msg else ""
        return Refusal(origin, f"invalid JSON at column {e.colno}: {e.msg}{hint}")
    base = RawReport(origin=str(path), original_sha256=sha, encoding=enc, filename=path.name)
    return _record(obj, origin, base, unknown)


def _jsonl_text(path: Path, gz: bool, max_bytes: int, sha: str, unknown: dict[str, str]) -> Iterator[Item]:
    raw = _read_capped(path, gz, max_bytes * MULTI_FILE_FACTOR)
    try:
        d = decode(raw, check=judge_container)
    except DecodeError as e:
        yield Refusal(str(path), str(e))
        return
    for n, line in enumerate(d.text.removeprefix("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path}:line {n}"
        if len(line.encode("utf-8")) > max_bytes:
            yield Refusal(origin, f"record is over the {_size(max_bytes)} limit per report")
            continue
        yield _parse_json_line(line, origin, path, sha, d.encoding, unknown)


# -- JSON and CSV (read whole) --------------------------------------------------------------------
def _whole(path: Path, gz: bool, max_bytes: int) -> tuple[str, str, str] | Refusal:
    """(text, encoding, file sha256) of a multi-record file read whole, or a Refusal."""
    cap = max_bytes * MULTI_FILE_FACTOR
    try:
        raw = _read_capped(path, gz, cap)
    except (OSError, EOFError, zlib.error) as e:
        return Refusal(str(path), _damaged(e))
    if len(raw) > cap:
        return Refusal(str(path), f"file is over {_size(cap)}: split it, or use JSON Lines (streamed)")
    try:
        d = decode(raw, check=judge_container)
    except DecodeError as e:
        return Refusal(str(path), str(e))
    return d.text.removeprefix("\ufeff"), d.encoding, file_sha256(path)


def read_json(path: Path, gz: bool, max_bytes: int) -> Iterator[Item]:
    whole = _whole(path, gz, max_bytes)
    if isinstance(whole, Refusal):
        yield whole
        return
    text, enc, sha = whole
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        truncated = e.pos >= len(text.rstrip()) - 1 or "Unterminated" in e.msg
        yield Refusal(str(path), f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
                                 f"{' — the file looks truncated' if truncated else ''}; nothing in it was read")
        return
    base = RawReport(origin=str(path), original_sha256=sha, encoding=enc, filename=path.name)
    unknown: dict[str, str] = {}
    if isinstance(data, dict):
        yield _sized(_record(data, str(path), base, unknown), data, max_bytes)
    elif isinstance(data, list):
        if not data:
            yield Refusal(str(path), "an empty JSON array: no reports")
        for i, obj in enumerate(data, 1):
            yield _sized(_record(obj, f"{path}:record {i}", base, unknown), obj, max_bytes)
    else:
        yield Refusal(str(path), "JSON must be an object (one report) or an array of objects")
    yield from _unknown_notice(path, unknown)


def _sized(item: RawReport | Refusal, obj: Any, max_bytes: int) -> RawReport | Refusal:
    if isinstance(item, RawReport) and item.text is not None and len(item.text.encode("utf-8")) > max_bytes:
        return Refusal(item.origin, f"text is {_size(len(item.text.encode('utf-8')))}, over the "
                                    f"{_size(max_bytes)} limit per report")
    return item


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def read_csv(path: Path, gz: bool, max_bytes: int) -> Iterator[Item]:
    whole = _whole(path, gz, max_bytes)
    if isinstance(whole, Refusal):
        yield whole
        return
    text, enc, sha = whole
    if "\x00" in text:
        yield Refusal(str(path), "contains NUL characters: not a CSV text file")
        return
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as e:
        yield Refusal(f"{path}:line 1", f"malformed CSV header ({e})")
        return
    if not any(h in ("text", "body") for h in header):
        shown = ", ".join(h[:30] for h in header[:8]) or "empty"
        yield Refusal(str(path), f"the first line must be a header naming the columns, with a 'text' or 'body' "
                                 f"column (found: {shown})")
        return
    unknown: dict[str, str] = {}
    for k in unknown_fields(dict.fromkeys(h for h in header if h)):
        unknown[k] = f"{path}:line 1"
    base = RawReport(origin=str(path), original_sha256=sha, encoding=enc, filename=path.name)
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield Refusal(f"{path}:line {start}", f"malformed CSV ({e}); the rows after it were not read")
            break
        origin = f"{path}:line {start}"
        start = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Refusal(origin, f"{len(row)} fields, but the header has {len(header)}: columns would be misread")
            continue
        record = {h: (v if v.strip() else None) for h, v in zip(header, row) if h}
        yield _sized(_record(record, origin, base, {}), record, max_bytes)
    yield from _unknown_notice(path, unknown)


# -- all of it ------------------------------------------------------------------------------------
def read_paths(paths: list[Path], max_bytes: int) -> Iterator[Item]:
    """Every report found under `paths` (files or directories, recursively), in a stable order."""
    manifests: dict[Path, Manifest] = {}
    for path in iter_files(paths):
        if isinstance(path, Notice):
            yield path
            continue
        if not path.exists():
            yield Refusal(str(path), "no such file or directory")
            continue
        if not path.is_file():
            yield Refusal(str(path), "not a regular file")
            continue
        fmt = format_of(path)
        if path.name == MANIFEST:
            yield Notice(str(path), "a manifest (metadata for the .txt files beside it), not reports: skipped")
            continue
        if fmt is None:
            yield Refusal(str(path), f"unsupported file type {''.join(path.suffixes[-2:]) or '(no extension)'!r} "
                                     "(supported: .txt .html .htm .json .jsonl .ndjson .csv, optionally .gz)")
            continue
        kind, gz = fmt
        try:
            if kind in SINGLE:
                if path.parent not in manifests:
                    manifests[path.parent] = m = Manifest(path.parent)
                    yield from m.notices
                yield read_single(path, SINGLE[kind], gz, manifests[path.parent], max_bytes)
            elif kind == "jsonl":
                yield from read_jsonl(path, gz, max_bytes)
            elif kind == "json":
                yield from read_json(path, gz, max_bytes)
            else:
                yield from read_csv(path, gz, max_bytes)
        except OSError as e:
            yield Refusal(str(path), f"cannot be read ({e.strerror or e})")

