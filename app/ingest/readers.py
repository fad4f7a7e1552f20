"""One reader per format: files → RawReport records (or Refusals naming the file).

Plain text: one report per file; a `manifest.csv` in the same directory supplies metadata
(columns: file, published, date_basis, language, source, title, url, retrieved_at).
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Iterator

from .records import RawReport, Refusal

TEXT_SUFFIXES = {".txt"}
MANIFEST = "manifest.csv"


def normalise_basis(value: str | None, has_date: bool) -> str:
    """Map free-form basis text ("estimated from content") onto stated | estimated | unknown."""
    v = (value or "").strip().lower()
    if not has_date:
        return "unknown"
    if v.startswith("estim") or v.startswith("approx") or v.startswith("inferred"):
        return "estimated"
    if v.startswith("unknown"):
        return "unknown"
    return "stated"


def parse_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])


def _manifest(directory: Path) -> dict[str, dict[str, str]]:
    path = directory / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row["file"].strip(): row for row in csv.DictReader(f) if row.get("file")}


def read_text_file(path: Path, meta: dict[str, str] | None, max_bytes: int) -> RawReport | Refusal:
    size = path.stat().st_size
    if size > max_bytes:
        return Refusal(str(path), f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    raw = path.read_bytes()
    rec = RawReport(origin=str(path), raw=raw, filename=path.name)
    if meta:
        try:
            rec.published = parse_date(meta.get("published"))
        except ValueError:
            return Refusal(f"{path.parent / MANIFEST} ({path.name})",
                           f"published {meta.get('published')!r} is not a YYYY-MM-DD date")
        rec.date_basis = normalise_basis(meta.get("date_basis"), rec.published is not None)
        rec.language = (meta.get("language") or "").strip() or None
        rec.source = (meta.get("source") or "").strip() or None
        rec.title = (meta.get("title") or "").strip() or None
        rec.source_url = (meta.get("url") or "").strip() or None
    return rec


SUPPORTED = TEXT_SUFFIXES


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Named files as given; inside directories, only files of a supported format (recursively)."""
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED
                              and not q.name.startswith("."))
        else:
            yield p


def read_paths(paths: list[Path], max_bytes: int) -> Iterator[RawReport | Refusal]:
    """Every report found under `paths` (files or directories, recursively)."""
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for path in iter_files(paths):
        if not path.exists():
            yield Refusal(str(path), "no such file or directory")
            continue
        if path.name == MANIFEST:
            continue
        if path.suffix.lower() in TEXT_SUFFIXES:
            if path.parent not in manifests:
                manifests[path.parent] = _manifest(path.parent)
            yield read_text_file(path, manifests[path.parent].get(path.name), max_bytes)
        else:
            yield Refusal(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
