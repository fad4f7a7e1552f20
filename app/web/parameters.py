"""OpenAPI descriptions of the archive's filters (documentation only).

`SearchParams.parse` stays the single parser for pages, API, feeds and exports; routes therefore
declare no typed query parameters (FastAPI would validate them first, with other messages) and
attach these descriptions through `openapi_extra` instead. The limits come from `app.search.params`,
so the documented schema and the parser cannot drift apart.
"""
from __future__ import annotations

from typing import Any

from app.gazetteer.load import places
from app.search.params import COLLAPSE_VALUES, DATE_FIELDS, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, SORTS


def _q(name: str, schema: dict, description: str, example: Any = None, **extra: Any) -> dict:
    p: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema,
                         "description": description, **extra}
    if example is not None:
        p["example"] = example
    return p


def _or_empty(schema: dict) -> dict:
    """HTML forms send empty fields (`to=`): the parser treats an empty value as absent."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], ""]}
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _slug_schema() -> dict | None:
    """The known slugs (an unknown one is a 400), or None while the gazetteer is empty."""
    slugs = sorted(places())
    return _or_empty({"type": "string", "enum": slugs}) if slugs else None


def filter_parameters(*, neighbourhood: bool = True) -> list[dict]:
    """q, neighbourhood, from, to, date_field, collapse — what selects the result set."""
    params = [
        _q("q", {"type": "string"},
           "الاستعلام: كل الكلمات مطلوبة، والعبارة بين علامتي تنصيص تُطابق كما هي. "
           "Query: all words required; \"quoted phrases\" match as written.", "قاضي عسكر"),
    ]
    slug = _slug_schema()
    if neighbourhood and slug is not None:
        params.append(_q("neighbourhood", {"type": "array", "items": slug},
                         "معرّف حي أو مكان من المعجم الجغرافي (يتكرر: أيّ منها). "
                         "Gazetteer slug, repeatable: reports naming any of them.",
                         style="form", explode=True))
    params += [
        _q("from", _or_empty({"type": "string", "format": "date"}), "من تاريخ (YYYY-MM-DD)، شاملا. From date, inclusive.",
           "2016-12-01"),
        _q("to", _or_empty({"type": "string", "format": "date"}),
           "إلى تاريخ (YYYY-MM-DD)، شاملا؛ لا يسبق from. To date, inclusive; not before `from`.", "2016-12-31"),
        _q("date_field", _or_empty({"type": "string", "enum": list(DATE_FIELDS), "default": "published"}),
           "published: تاريخ النشر؛ mentioned: تاريخ مذكور في النص. Which date the range applies to."),
        _q("collapse", _or_empty({"type": "string", "enum": list(COLLAPSE_VALUES), "default": "0"}),
           "1: نتيجة واحدة لكل مجموعة من النسخ المتقاربة. One result per near-duplicate group."),
    ]
    return params


def sort_parameter() -> dict:
    return _q("sort", _or_empty({"type": "string", "enum": list(SORTS)}),
              "الترتيب: relevance (الافتراضي مع استعلام) أو newest (الافتراضي بدونه) أو oldest.")


def paging_parameters() -> list[dict]:
    return [
        _q("page", _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}), "رقم الصفحة، من 1."),
        _q("per_page", _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                  "default": DEFAULT_PER_PAGE}),
           f"عدد النتائج في الصفحة (1–{MAX_PER_PAGE})."),
    ]


def search_parameters() -> list[dict]:
    """Everything /reports and /api/reports accept."""
    return filter_parameters() + [sort_parameter()] + paging_parameters()


def openapi_extra(parameters: list[dict]) -> dict:
    return {"parameters": parameters}
