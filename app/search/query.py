"""User query text → a Whoosh query, plus an account of how it was understood.

Syntax (documented on /help): words (all required), "phrases" (also «…» and “…”).
Anything malformed is read as plain words with a note — a query never raises.

Words that name a gazetteer place, in Arabic or in Latin transliteration (الصاخور، صاخور، Sakhour,
Halab), become a place clause: reports tagged with the place, or containing the words as typed.
A Latin name thus finds the Arabic reports, and highlighting marks the place's Arabic names.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.query import And, Or, Query, Sequence, Term

from app.arabic.normalise import fold, fold_keep_ta
from app.arabic.stem import stem_variants
from app.arabic.stopwords import stopwords
from app.arabic.tokenize import words as split_words
from app.gazetteer.load import get as get_place
from app.gazetteer.tagger import places_in_query

MAX_QUERY_CHARS = 1000
#: Field weights (BM25F): a title match counts more than a body match, and an exact (folded
#: surface) form more than a stem match.
TITLE_BOOST = 2.0
EXACT_BOOST = 1.5

OPEN_QUOTES = {'"': '"', "«": "»", "“": "”", "„": "”", "‟": "”"}


@dataclass(frozen=True)
class QueryWord:
    """One word of the query: as typed, folded, and its index stems."""

    text: str
    surface: str
    stems: tuple[str, ...]


@dataclass(frozen=True)
class QueryPlace:
    """A gazetteer place the query names: its slug, and the words of the query that named it."""

    slug: str
    text: str
    words: tuple[QueryWord, ...]

    @property
    def name_words(self) -> tuple[QueryWord, ...]:
        """The words of the place's Arabic names and variants (what to highlight in the text)."""
        place = get_place(self.slug)
        names = (place.name_ar, *place.variants_ar) if place else ()
        return tuple(qw for name in names for w in split_words(name) if (qw := analyse_word(w)))


@dataclass
class ParsedQuery:
    text: str
    query: Query | None
    words: list[QueryWord] = field(default_factory=list)
    phrases: list[list[QueryWord]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    places: list[QueryPlace] = field(default_factory=list)

    @property
    def highlight_stems(self) -> set[str]:
        place_words = [w for p in self.places for w in (*p.words, *p.name_words)]
        return {s for w in (*self.words, *place_words) for s in w.stems}

    @property
    def highlight_surfaces(self) -> set[str]:
        place_words = [w for p in self.places for w in (*p.words, *p.name_words)]
        return {w.surface for w in (*self.words, *place_words)}

    def explain(self) -> dict:
        out = []
        for p in self.places:
            place = get_place(p.slug)
            out.append({"slug": p.slug, "text": p.text, "name_ar": place.name_ar if place else p.slug,
                        "name_latin": place.name_latin if place else p.slug})
        return {
            "terms": [{"text": w.text, "normalised": w.surface, "stems": list(w.stems)} for w in self.words],
            "phrases": [" ".join(w.text for w in ph) for ph in self.phrases],
            "places": out,
            "notes": list(self.notes),
        }


def sanitise(text: str) -> tuple[str, list[str]]:
    """Drop control and bidi-format characters; cap the length. Returns (text, notes)."""
    notes: list[str] = []
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    if cleaned != text and cleaned.strip() != text.strip():
        notes.append("أُزيلت محارف تحكم غير مرئية من الاستعلام.")
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS]
        notes.append(f"الاستعلام طويل جدا: استُخدمت أول {MAX_QUERY_CHARS} حرف منه.")
    return cleaned.strip(), notes


def analyse_word(text: str) -> QueryWord | None:
    surface = fold(text)
    if not surface or surface in stopwords():
        return None
    return QueryWord(text=text, surface=surface, stems=stem_variants(fold_keep_ta(text)))


def word_query(w: QueryWord) -> Query:
    terms: list[Query] = []
    for s in w.stems:
        terms.append(Term("body", s))
        terms.append(Term("title", s, boost=TITLE_BOOST))
    terms.append(Term("body_exact", w.surface, boost=EXACT_BOOST))
    terms.append(Term("title_exact", w.surface, boost=EXACT_BOOST * TITLE_BOOST))
    return Or(terms)


def place_query(slug: str, ws: list[QueryWord]) -> Query:
    """Reports tagged with the place, or containing the query's own words for it."""
    clauses: list[Query] = [Term("places", slug)]
    if ws:
        clauses.append(phrase_query(ws))
    return Or(clauses)


def take_places(chunk: str) -> tuple[str, list[QueryPlace]]:
    """Cut the words naming places out of an unquoted chunk; returns (rest, places)."""
    found: list[QueryPlace] = []
    for slug, matched in places_in_query(chunk):
        at = chunk.find(matched)
        if at < 0:
            continue
        start = at
        while start > 0 and not chunk[start - 1].isspace():  # a clitic in front: بالصاخور
            start -= 1
        analysed = [qw for w in split_words(matched) if (qw := analyse_word(w))]
        found.append(QueryPlace(slug=slug, text=chunk[start:at + len(matched)], words=tuple(analysed)))
        chunk = chunk[:start] + " " + chunk[at + len(matched):]
    return chunk, found


def phrase_query(ws: list[QueryWord]) -> Query:
    if len(ws) == 1:
        return word_query(ws[0])
    per_field = []
    for fieldname, boost in (("body", 1.0), ("title", TITLE_BOOST)):
        seq = [Or([Term(fieldname, s) for s in w.stems]) for w in ws]
        per_field.append(Sequence(seq, boost=boost))
    return Or(per_field)


_QUOTE_RE = re.compile("|".join(re.escape(q) for q in set(OPEN_QUOTES) | set(OPEN_QUOTES.values())))


def split_phrases(text: str) -> tuple[list[tuple[bool, str]], list[str]]:
    """Split into (is_phrase, text) parts; unbalanced quotes become plain text with a note."""
    parts: list[tuple[bool, str]] = []
    notes: list[str] = []
    i, buf = 0, []
    while i < len(text):
        c = text[i]
        if c in OPEN_QUOTES:
            close = OPEN_QUOTES[c]
            j = text.find(close, i + 1)
            if j == -1 and close != c:
                j = text.find('"', i + 1)
            if j != -1:
                if buf:
                    parts.append((False, "".join(buf)))
                    buf = []
                parts.append((True, text[i + 1:j]))
                i = j + 1
                continue
            notes.append("علامة تنصيص غير مغلقة: قُرئ الاستعلام كلمات عادية.")
            buf.append(" ")
        elif c in OPEN_QUOTES.values():
            buf.append(" ")
        else:
            buf.append(c)
        i += 1
    if buf:
        parts.append((False, "".join(buf)))
    return parts, notes


def parse(text: str | None) -> ParsedQuery:
    """Parse a user query. Returns query=None when there is nothing to search for."""
    raw = text or ""
    cleaned, notes = sanitise(raw)
    parsed = ParsedQuery(text=cleaned, query=None, notes=notes)
    if not cleaned:
        return parsed
    parts, quote_notes = split_phrases(cleaned)
    parsed.notes.extend(quote_notes)
    clauses: list[Query] = []
    dropped: list[str] = []
    for is_phrase, chunk in parts:
        if not is_phrase:
            chunk, named = take_places(chunk)
            parsed.places.extend(named)
            clauses.extend(place_query(p.slug, list(p.words)) for p in named)
        analysed = []
        for w in split_words(chunk):
            qw = analyse_word(w)
            if qw is None:
                dropped.append(w)
            else:
                analysed.append(qw)
        parsed.words.extend(analysed)
        if is_phrase and analysed:
            parsed.phrases.append(analysed)
            clauses.append(phrase_query(analysed))
        else:
            clauses.extend(word_query(w) for w in analysed)
    if dropped:
        parsed.notes.append("كلمات شائعة لم يُبحث عنها: " + "، ".join(dropped[:10]))
    if clauses:
        parsed.query = clauses[0] if len(clauses) == 1 else And(clauses)
    return parsed
