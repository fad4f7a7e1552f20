"""The archive's filters, parsed once for pages, API, feeds and exports alike.

Names are part of the public contract: q, neighbourhood (repeatable slug), from, to (YYYY-MM-DD),
date_field (published | mentioned), sort (relevance | newest | oldest), page, per_page (1–100).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from app.gazetteer.load import get as get_place

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
SORTS = ("relevance", "newest", "oldest")
DATE_FIELDS = ("published", "mentioned")
#: Accepted spellings of collapse=, true ones first (anything else is a ParamError).
COLLAPSE_VALUES = ("1", "true", "yes", "on", "0", "false", "no", "off")


class ParamError(ValueError):
    """A request parameter is malformed: `param` names it, `message` says what is wrong (Arabic)."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    neighbourhood: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    date_field: str = "published"
    sort: str | None = None  # None: relevance with a query, newest without
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    collapse: bool = False

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    @classmethod
    def parse(cls, args: Mapping[str, Any] | Any) -> SearchParams:
        """Parse a query-string mapping (Starlette's QueryParams or a dict of lists/strings)."""
        def all_values(name: str) -> list[str]:
            if hasattr(args, "getlist"):
                return [v for v in args.getlist(name)]
            v = args.get(name)
            if v is None:
                return []
            return list(v) if isinstance(v, (list, tuple)) else [v]

        def one(name: str) -> str | None:
            vals = all_values(name)
            return vals[-1] if vals else None

        q = one("q") or ""
        slugs: list[str] = []
        for raw in all_values("neighbourhood"):
            for slug in str(raw).split(","):
                slug = slug.strip()
                if not slug:
                    continue
                if get_place(slug) is None:
                    raise ParamError("neighbourhood", f"لا يوجد حي أو مكان بالمعرّف «{slug[:80]}» في المعجم الجغرافي")
                if slug not in slugs:
                    slugs.append(slug)
        date_from = _date(one("from"), "from")
        date_to = _date(one("to"), "to")
        if date_from and date_to and date_to < date_from:
            raise ParamError("to", "تاريخ النهاية (to) يسبق تاريخ البداية (from)")
        date_field = one("date_field") or "published"
        if date_field not in DATE_FIELDS:
            raise ParamError("date_field", "القيمة المسموحة: published أو mentioned")
        sort = one("sort") or None
        if sort is not None and sort not in SORTS:
            raise ParamError("sort", "القيمة المسموحة: relevance أو newest أو oldest")
        page = _int(one("page"), "page", 1, 1, MAX_PAGE)
        per_page = _int(one("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        collapse_raw = one("collapse") or "0"
        if collapse_raw not in COLLAPSE_VALUES:
            raise ParamError("collapse", "القيمة المسموحة: 1 أو 0")
        collapse = collapse_raw in COLLAPSE_VALUES[:4]
        return cls(q=q, neighbourhood=tuple(slugs), date_from=date_from, date_to=date_to,
                   date_field=date_field, sort=sort, page=page, per_page=per_page, collapse=collapse)

    # -- building links ----------------------------------------------------------------------
    def query_items(self, **overrides: Any) -> list[tuple[str, str]]:
        """The non-default parameters as (name, value) pairs, for shareable URLs."""
        p = replace(self, **overrides) if overrides else self
        items: list[tuple[str, str]] = []
        if p.q:
            items.append(("q", p.q))
        items.extend(("neighbourhood", s) for s in p.neighbourhood)
        if p.date_from:
            items.append(("from", p.date_from.isoformat()))
        if p.date_to:
            items.append(("to", p.date_to.isoformat()))
        if p.date_field != "published":
            items.append(("date_field", p.date_field))
        if p.sort:
            items.append(("sort", p.sort))
        if p.collapse:
            items.append(("collapse", "1"))
        if p.per_page != DEFAULT_PER_PAGE:
            items.append(("per_page", str(p.per_page)))
        if p.page != 1:
            items.append(("page", str(p.page)))
        return items

    def url(self, path: str = "/reports", **overrides: Any) -> str:
        items = self.query_items(**overrides)
        return path + ("?" + urlencode(items) if items else "")

    def toggle_neighbourhood(self, slug: str) -> SearchParams:
        slugs = tuple(s for s in self.neighbourhood if s != slug)
        if slug not in self.neighbourhood:
            slugs += (slug,)
        return replace(self, neighbourhood=slugs, page=1)

    def with_(self, **changes: Any) -> SearchParams:
        return replace(self, **changes)


def _date(value: str | None, name: str) -> dt.date | None:
    """YYYY-MM-DD exactly (what the OpenAPI schema promises; fromisoformat alone also takes
    20161201 or 2016-W48-1). Empty means absent, as HTML forms send it."""
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParamError(name, f"«{value[:40]}» ليس تاريخا صحيحا بالصيغة YYYY-MM-DD") from None


def _int(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    """ASCII digits exactly (int() alone also takes " 5", "+5", "5_0" and other scripts' digits)."""
    if not value:
        return default
    if not _DIGITS.fullmatch(str(value)):
        raise ParamError(name, f"«{str(value)[:40]}» ليس عددا صحيحا")
    n = int(value) if len(value) <= 9 else hi + 1  # never int() of a huge digit string
    if not lo <= n <= hi:
        raise ParamError(name, f"يجب أن تكون القيمة بين {lo} و{hi}")
    return n
