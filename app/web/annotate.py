"""The report body as HTML paragraphs with query matches and mentioned dates marked, and place
mentions linked to their place pages.

Date mentions carry offsets into the whole body; paragraphs are rendered one by one, so offsets
are mapped per paragraph here. A date mark is widened to whole words (its span may start after a
clitic, as in والخميس): an element boundary inside an Arabic word would break letter joining.
Query marks are whole words too, so they nest inside date marks and never straddle them. Place
links are widened the same way (بالصاخور is linked whole); where a place and a date overlap, the
date wins.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.arabic.tokenize import spans
from app.search.highlight import WordMatcher, match_spans


@dataclass(frozen=True)
class DateMark:
    start: int  # offsets into the body
    end: int
    number: int  # 1-based, for the ids mention-N (in the text) and date-N (in the list)
    label: str  # the resolved value, shown as a tooltip


@dataclass(frozen=True)
class PlaceLink:
    start: int  # offsets into the body
    end: int
    href: str


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line, stripped — the same paragraphs as `clean.paragraphs`."""
    out = []
    for m in re.finditer(r"[^\n]+", body):
        text = m.group()
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        if text.strip():
            out.append((m.start() + lead, m.end() - trail))
    return out


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    for sp in spans(text):
        if sp.start < start < sp.end:
            start = sp.start
        if sp.start < end < sp.end:
            end = sp.end
    return start, end


def annotate(body: str, matcher: WordMatcher, dates: Sequence[DateMark],
             places: Sequence[PlaceLink] = ()) -> tuple[list[Markup], int]:
    """Paragraph HTML (escaped) and the number of query marks (ids match-1, match-2 …)."""
    paras: list[Markup] = []
    n = 0
    for ps, pe in paragraph_spans(body):
        text = body[ps:pe]
        local = []
        for d in dates:
            if ps <= d.start and d.end <= pe:
                local.append((*_widen(text, d.start - ps, d.end - ps), 0, d))
        for pl in places:
            if ps <= pl.start and pl.end <= pe:
                local.append((*_widen(text, pl.start - ps, pl.end - ps), 1, pl))
        local.sort(key=lambda t: (t[0], t[2]))
        queries = match_spans(text, matcher)
        out: list[str] = []

        def marked(lo: int, hi: int) -> str:
            nonlocal n
            parts, pos = [], lo
            for a, b in queries:
                if a >= lo and b <= hi:
                    n += 1
                    parts.append(str(escape(text[pos:a])))
                    parts.append(f'<mark id="match-{n}">{escape(text[a:b])}</mark>')
                    pos = b
            parts.append(str(escape(text[pos:hi])))
            return "".join(parts)

        dated = [(a, b) for a, b, kind, _ in local if kind == 0]
        pos = 0
        for a, b, kind, d in local:
            if a < pos:  # overlapping mentions: never nest one link in another
                continue
            if kind == 1 and any(x < b and a < y for x, y in dated):
                continue
            out.append(marked(pos, a))
            if kind == 0:
                out.append(f'<a class="date-mention" id="mention-{d.number}" href="#date-{d.number}" '
                           f'title="{escape(d.label)}">{marked(a, b)}</a>')
            else:
                out.append(f'<a class="place" href="{escape(d.href)}">{marked(a, b)}</a>')
            pos = b
        out.append(marked(pos, len(text)))
        paras.append(Markup("".join(out)))
    return paras, n
