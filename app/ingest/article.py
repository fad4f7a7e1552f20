"""Saved article pages → the article's title, text and date (trafilatura), the page kept as original.

trafilatura is maintained and handles the boilerplate (navigation, footers, related links) that a
hand-written extractor would get wrong on every new site. Only metadata markup is used for the
date (`extensive_search` off): a date guessed from the page's free text would not be "stated".
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

from app.arabic.tokenize import WORD_RE

from .plausibility import Verdict, judge

#: An "article" of fewer words is a page without one (a menu, an error page).
MIN_WORDS = 8

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Article:
    title: str | None
    text: str
    date: str | None
    url: str | None
    sitename: str | None


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (`<meta charset>` or http-equiv)."""
    m = _META_CHARSET.search(raw[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def visible_text(page: str) -> str:
    """A rough text of the page (scripts, styles and tags removed): enough to judge a decoding."""
    text = _COMMENT.sub(" ", page)
    text = _SCRIPT_STYLE.sub(" ", text)
    return htmllib.unescape(_TAG.sub(" ", text))


def judge_page(page: str, single_byte: bool = False) -> Verdict:
    return judge(visible_text(page), single_byte=single_byte)


def extract(page: str) -> Article | None:
    """The article in a page, or None when trafilatura finds no main text."""
    import trafilatura

    doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=True,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None or len(WORD_RE.findall(doc.text or "")) < MIN_WORDS:
        return None  # nothing, or only a menu's worth of words (trafilatura falls back to any text)
    title = (doc.title or "").strip() or None
    lines = doc.text.strip().split("\n")
    if title and lines and lines[0].strip() == title:  # the <h1> repeats the title
        lines = lines[1:]
    return Article(title=title, text="\n".join(lines).strip(), date=doc.date or None,
                   url=doc.url or None, sitename=doc.sitename or None)
