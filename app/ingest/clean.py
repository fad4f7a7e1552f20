"""Scraper debris out, paragraphs kept; and a title when the source gives none."""
from __future__ import annotations

import re

# Lines a scraper leaves where an advert or a "related" box was.
_DEBRIS_LINE = re.compile(r"^\s*(?:Ad|AD|Advertisement|إعلان|مرتبط|اقرأ أيضا|اقرأ أيضاً|مواضيع ذات صلة)\s*$")
_RELATED = ("مرتبط", "اقرأ أيضا", "اقرأ أيضاً")
_TRAILING_RELATED = re.compile(rf"\s*(?:{'|'.join(_RELATED)})\s*$")
_SENTENCE_END = re.compile(r"[.!?؟؛\n]")


def clean(text: str) -> str:
    """Remove debris lines and a trailing مرتبط; keep paragraphs (blank-line separated)."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    lines = [ln for ln in lines if not _DEBRIS_LINE.match(ln)]
    out = "\n".join(lines).strip()
    # Both substitutions are tried only where they can apply: each scan of a whole report for a
    # pattern that starts with \s* cost more than the rest of cleaning.
    if out.endswith(_RELATED):  # stripped: a trailing match must end the text
        out = _TRAILING_RELATED.sub("", out)
    if "\n\n\n" in out:
        out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip()


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def derive_title(body: str, limit: int = 120) -> str:
    """The first sentence, at most `limit` characters, cut at a word boundary."""
    first = _SENTENCE_END.split(body.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first or body[:limit].strip()
    cut = first[:limit]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip("،,؛;: ") + "…"
