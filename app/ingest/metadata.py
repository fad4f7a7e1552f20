"""One field vocabulary for every record: JSON objects, CSV rows and manifest rows.

| field | meaning |
|---|---|
| `text` (or `body`) | the report's text (`text` wins when both are present) |
| `title` | the title (otherwise derived from the first sentence) |
| `published` (or `date`) | publication date: `YYYY-MM-DD` or an ISO 8601 date-time (its date is kept) |
| `date_basis` | `stated` · `estimated` · `unknown` (free text such as "estimated from content" is mapped) |
| `source`, `url` (or `source_url`) | the outlet and the article's address |
| `id` (or `source_id`) | the source's own identifier — kept, shown and searchable; never the permalink |
| `retrieved_at` | when the source was fetched (ISO 8601) |
| `language` (or `lang`) | a language code, default `ar` |
| `media_type` | `text/plain` (default) or `text/html` (the text is a saved page) |
| `sha256`, `original_sha256`, `ingested_at`, `filename`, `encoding` | written by `sijill export`: on re-ingest the text is verified against `sha256` and the rest is kept |

Decisions (documented in docs/ingest.md):
- A value that cannot be right (a date that does not parse, a number where text belongs, an
  unknown `date_basis`) refuses the report: silently dropping a date would mislead a reader.
- Unknown fields are ignored with one notice per file (not a refusal): crawlers add fields freely
  (the ANT news files carry `author`, `category`, `abstract`), and the text is still good.
  Fields known to be harmless are ignored without a notice.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .records import HTML, PLAIN, RawReport

TEXT_FIELDS = ("text", "body")
KNOWN = frozenset({
    "text", "body", "title", "published", "date", "date_basis", "source", "url", "source_url",
    "retrieved_at", "id", "source_id", "language", "lang", "media_type", "filename", "encoding",
    "sha256", "original_sha256", "ingested_at",
})
#: Fields seen in real sources (and in our own export) that carry nothing the archive keeps.
IGNORED = frozenset({"author", "authors", "category", "categories", "abstract", "summary", "note",
                     "notes", "tags", "keywords", "dup_group", "permalink", "places", "dates", "file"})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,4})?$")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


class FieldError(ValueError):
    """A field's value cannot be right; the message names the field."""


def parse_date(value: Any, name: str = "published") -> dt.date | None:
    """`YYYY-MM-DD` (also `YYYY/MM/DD`) or an ISO 8601 date-time, whose local date is kept."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{name} {value!r} is not a date (expected a YYYY-MM-DD string)")
    v = value.strip()
    if not v:
        return None
    m = _SLASH_DATE.match(v)
    if m:
        v = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    try:
        if len(v) == 10:
            return dt.date.fromisoformat(v)
        return dt.datetime.fromisoformat(v).date()
    except ValueError:
        raise FieldError(f"{name} {value[:40]!r} is not a date (expected YYYY-MM-DD or an ISO 8601 "
                         "date-time)") from None


def parse_datetime(value: Any, name: str) -> dt.datetime | None:
    """An ISO 8601 date or date-time; aware values are converted to UTC and stored naive."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{name} {value!r} is not a date-time (expected ISO 8601, e.g. 2016-12-05T14:30:00Z)")
    v = value.strip()
    if not v:
        return None
    try:
        parsed = dt.datetime.fromisoformat(v)
    except ValueError:
        raise FieldError(f"{name} {value[:40]!r} is not a date-time (expected ISO 8601, e.g. "
                         "2016-12-05T14:30:00Z)") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def normalise_basis(value: Any, has_date: bool) -> str:
    """Map basis text ("estimated from content") onto stated | estimated | unknown."""
    if value is not None and not isinstance(value, str):
        raise FieldError(f"date_basis {value!r} must be text: stated, estimated or unknown")
    v = (value or "").strip().lower()
    if v.startswith(("estim", "approx", "inferred", "guess")):
        basis = "estimated"
    elif v.startswith("unknown"):
        basis = "unknown"
    elif v == "" or v.startswith(("stated", "explicit", "given", "published", "exact")):
        basis = "stated"
    else:
        raise FieldError(f"date_basis {value[:40]!r} is not one of stated, estimated, unknown")
    return basis if has_date else "unknown"


def _str(record: Mapping[str, Any], *names: str, allow_number: bool = False) -> str | None:
    for name in names:
        if name not in record or record[name] is None:
            continue
        v = record[name]
        if allow_number and isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str):
            raise FieldError(f"field {name!r} must be a string, not {type(v).__name__}")
        v = v.strip()
        if v:
            return v
    return None


def unknown_fields(record: Mapping[str, Any], extra_known: frozenset[str] = frozenset()) -> list[str]:
    return [k for k in record if k not in KNOWN and k not in IGNORED and k not in extra_known]


def apply(record: Mapping[str, Any], rec: RawReport, *, require_text: bool = True) -> None:
    """Fill `rec` from a record's fields; raises FieldError naming the field that cannot be right."""
    if require_text:
        for name in TEXT_FIELDS:
            if name in record and record[name] is not None:
                if not isinstance(record[name], str):
                    raise FieldError(f"field {name!r} must be a string, not {type(record[name]).__name__}")
                if record[name].strip():
                    rec.text = record[name]
                    break
        else:
            present = [n for n in TEXT_FIELDS if n in record]
            raise FieldError(f"field {present[0]!r} is empty" if present
                             else "no 'text' or 'body' field: nothing to archive")
    rec.title = _str(record, "title") or rec.title
    published_name = "published" if record.get("published") not in (None, "") else "date"
    published = parse_date(record.get(published_name), published_name)
    if published is not None:
        rec.published = published
    if "date_basis" in record or published is not None:
        rec.date_basis = normalise_basis(record.get("date_basis"), rec.published is not None)
    rec.source = _str(record, "source") or rec.source
    rec.source_url = _str(record, "url", "source_url") or rec.source_url
    rec.retrieved_at = parse_datetime(record.get("retrieved_at"), "retrieved_at") or rec.retrieved_at
    rec.ingested_at = parse_datetime(record.get("ingested_at"), "ingested_at") or rec.ingested_at
    language = _str(record, "language", "lang")
    if language is not None:
        if not _LANG.match(language):
            raise FieldError(f"language {language[:20]!r} is not a language code (e.g. ar, en)")
        rec.language = language.lower()
    media = _str(record, "media_type")
    if media is not None:
        media = media.lower()
        if media in ("html", HTML, "application/xhtml+xml"):
            rec.media_type = HTML
        elif media in ("text", "txt", PLAIN):
            rec.media_type = PLAIN
        else:
            raise FieldError(f"media_type {media[:40]!r} is not text/plain or text/html")
    for name in ("sha256", "original_sha256"):
        value = _str(record, name)
        if value is not None and not _HEX64.match(value.lower()):
            raise FieldError(f"{name} {value[:20]!r}… is not 64 hexadecimal digits")
    claimed = _str(record, "sha256")
    rec.claimed_sha256 = claimed.lower() if claimed else None
    original = _str(record, "original_sha256")
    if original:
        rec.original_sha256 = original.lower()
    rec.filename = _str(record, "filename") or rec.filename
    rec.encoding = _str(record, "encoding") or rec.encoding
    # `id` is the source's identifier — unless it is this record's own permalink (a Sijill export).
    source_id = _str(record, "source_id", allow_number=True)
    if source_id is None:
        own = _str(record, "id", allow_number=True)
        if own is not None and not (rec.claimed_sha256 and rec.claimed_sha256[:12] == own.lower()):
            source_id = own
    rec.source_id = source_id or rec.source_id
