"""How to cite a report: plain text, CSL-JSON (Zotero, Pandoc) and BibTeX (biblatex).

A citation names the archived copy (the permalink, with the sha256 of its text so a reader can
verify they hold the same text) as well as the original (source, URL, retrieval date), and says
when the date is an estimate. Pure functions: the page and the downloads use the same data.
"""
from __future__ import annotations

import datetime as dt
import re

from app.models import Report

ARCHIVE_NAME = "Sijill (سجل)"
_BASIS_AR = {"estimated": "تاريخ تقديري", "unknown": "تاريخ غير معروف", "stated": "تاريخ مذكور"}


def is_web_url(url: str | None) -> bool:
    """Only http(s) addresses become links: a `javascript:` URL from a crawler must stay text."""
    return bool(url) and re.match(r"^https?://", url or "", re.I) is not None


def _day(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def plain(report: Report, permalink: str) -> str:
    """One paragraph (Arabic, ISO dates) a reader can paste into a footnote."""
    if report.published:
        date = report.published.isoformat() + (f" ({_BASIS_AR['estimated']})" if report.date_basis == "estimated" else "")
    else:
        date = "دون تاريخ"
    parts = [f"«{report.title}»، {report.source or 'مصدر غير معروف'}، {date}."]
    if is_web_url(report.source_url):
        parts.append(f"{report.source_url}.")
    if report.source_id:
        parts.append(f"معرّف المصدر: {report.source_id}.")
    when = [f"جُلب في {_day(report.retrieved_at)}"] if report.retrieved_at else []
    when.append(f"أُضيف إلى الأرشيف في {_day(report.ingested_at)}")
    parts.append(f"أرشيف سجل: {permalink} ({'؛ '.join(when)}).")
    parts.append(f"بصمة النص (sha256): {report.sha256}.")
    return " ".join(parts)


def _date_parts(d: dt.date) -> list[list[int]]:
    return [[d.year, d.month, d.day]]


def csl_json(report: Report, permalink: str) -> list[dict]:
    """CSL-JSON (an array of one item), as Zotero and Pandoc read it."""
    item: dict = {
        "id": f"sijill-{report.id}",
        "type": "article-newspaper",
        "title": report.title,
        "language": report.language,
        "archive": ARCHIVE_NAME,
        "archive_location": permalink,
        "URL": report.source_url if is_web_url(report.source_url) else permalink,
        "note": f"sha256 {report.sha256}; date basis: {report.date_basis}"
                + (f"; source id {report.source_id}" if report.source_id else "")
                + f"; ingested {_day(report.ingested_at)}",
    }
    if report.source:
        item["container-title"] = report.source
    if report.published:
        item["issued"] = {"date-parts": _date_parts(report.published)}
        if report.date_basis == "estimated":
            item["issued"]["circa"] = True
    accessed = report.retrieved_at or report.ingested_at
    if accessed:
        item["accessed"] = {"date-parts": _date_parts(accessed.date() if isinstance(accessed, dt.datetime) else accessed)}
    return [item]


_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib(value: str) -> str:
    """Escape TeX specials; newlines would end a field early in some parsers."""
    return "".join(_BIB_SPECIAL.get(c, c) for c in " ".join(value.split()))


def bibtex(report: Report, permalink: str) -> str:
    """A biblatex @online entry (UTF-8; biber handles Arabic)."""
    fields: list[tuple[str, str]] = [("title", report.title)]
    if report.source:
        fields.append(("organization", report.source))
    if report.published:
        fields.append(("date", report.published.isoformat() + ("~" if report.date_basis == "estimated" else "")))
    url = report.source_url if is_web_url(report.source_url) else permalink
    fields.append(("url", url))
    accessed = report.retrieved_at or report.ingested_at
    if accessed:
        fields.append(("urldate", _day(accessed) or ""))
    fields.append(("langid", "arabic" if report.language == "ar" else report.language))
    note = f"Archived in {ARCHIVE_NAME}: {permalink}. sha256 {report.sha256}."
    if report.date_basis == "estimated":
        note += " Date estimated from the content."
    if report.source_id:
        note += f" Source id {report.source_id}."
    fields.append(("note", note))
    def value(k: str, v: str) -> str:
        if k == "url":  # verbatim for biblatex; only braces would break the entry
            return v.replace("{", "%7B").replace("}", "%7D")
        if k in ("date", "urldate"):  # ISO dates (EDTF "~" = approximate) are not TeX text
            return v
        return _bib(v)

    body = ",\n".join(f"  {k} = {{{value(k, v)}}}" for k, v in fields)
    return f"@online{{sijill-{report.id},\n{body}\n}}\n"
