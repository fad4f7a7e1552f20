"""User query text → a Whoosh query, plus an account of how it was understood.

Syntax (documented on /help and in the README):

- words: all required — `قاضي عسكر`;
- "phrases": the words next to each other — `"الأمم المتحدة"`, also «…», “…” and „…“;
- `OR` (capitals) between alternatives — `كيماوي OR الكلور`; `AND` is accepted and ignored;
- `-word`, `-"phrase"`, `-(…)`: exclude — `حلب -لافروف`;
- `word*`: prefix, at least two letters — `كفرنب*`;
- `title:word`, `title:"…"`, `title:(…)` (or `عنوان:`): in titles only;
- parentheses group — `(قصف OR غارة) مستشفى`.

A plain query of `LONG_QUERY_WORDS` content words or more (a pasted sentence or question) is
ranked with a minimum-should-match (`minimum_should_match`) instead of requiring every word.

Anything malformed — an unclosed quote or parenthesis, a lone operator, nesting too deep — is
read as plain words with a note saying so; control and bidi-format characters are dropped and
very long queries cut, also with a note. `parse` never raises.

Ranking is built into the query (the same query serves pages, API and the benchmark):
- each word matches its light stems (`title`, `body`) and its folded surface form
  (`title_exact`, `body_exact`), whose score adds to the stem match's, so an exact form outranks
  other forms of the word; a title match adds to a body match;
- query words found near each other (within two words, either order) add a bonus
  (`PROXIMITY_BOOST`, computed for the best results only: proximity.py), so a report about
  "قصف مستشفى" beats one that mentions قصف and مستشفى paragraphs apart;
- a glued query word (`الأممالمتحدة`) matches itself or its parts as a phrase.

Plain words that name a gazetteer place, in Arabic or in Latin transliteration (الصاخور، صاخور,
Sakhour, Halab), become a place clause: reports tagged with the place, or containing the words as
typed. A Latin name thus finds the Arabic reports, and highlighting marks the place's Arabic names.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh.query import And, AndNot, Every, Or, Prefix, Query, Sequence, Term

from app.arabic.analyzer import splitter_for
from app.arabic.glue import Splitter, Vocabulary, active_vocabulary
from app.arabic.normalise import fold, fold_keep_ta, fold_ta
from app.arabic.stem import stem_variants, strip_prefix
from app.arabic.stopwords import stopwords
from app.arabic.tokenize import words as split_words
from app.gazetteer.load import get as get_place
from app.gazetteer.tagger import places_in_query

from .minimum_match import MinimumShouldMatch
from .proximity import ProximityBonus

MAX_QUERY_CHARS = 1000
#: Words beyond this are ignored (with a note): every word costs posting-list reads.
MAX_WORDS = 32
MAX_DEPTH = 12
#: Field weights (BM25F). Every signal counts once, on top of the others — no weight is fitted
#: to a test set:
#: - a title match adds the title field's score to the body's: a report whose title names the
#:   word ranks higher. (Weighting titles twice was measured to hurt: news headlines are dense
#:   with common words, and a headline sharing one of them outranked the report that answers.)
#: - an exact (folded surface) form adds its score to the stem match: the form typed ranks first.
TITLE_BOOST = 1.0
EXACT_BOOST = 1.0
#: A plain query with this many content words or more is "long" (see `minimum_should_match`).
LONG_QUERY_WORDS = 5
#: Proximity: each pair of neighbouring query words found within two words of each other in the
#: body scores like one more matching word (proximity.py).
PROXIMITY_BOOST = 1.0
PREFIX_MIN_LETTERS = 2
#: A prefix expands to at most this many index terms (the most common first would need a scan).
PREFIX_MAX_TERMS = 512

#: Opening quote → the closing quotes it accepts (»…« is how some RTL keyboards produce «…»).
OPEN_QUOTES = {'"': ('"',), "«": ("»",), "»": ("«",), "“": ("”", "“"), "„": ("“", "”"), "‟": ("”",)}
CLOSE_QUOTES = frozenset("”")
FIELD_NAMES = {"title": "title", "عنوان": "title", "العنوان": "title"}
_SPECIAL = frozenset("()") | frozenset(OPEN_QUOTES) | CLOSE_QUOTES

ALL_FIELDS = (("body", "body_exact", 1.0), ("title", "title_exact", TITLE_BOOST))
TITLE_FIELDS = (("title", "title_exact", TITLE_BOOST),)


def minimum_should_match(n: int) -> int:
    """How many of n query words a long query requires: a quarter of them, rounded up.

    Questions and pasted sentences carry words a relevant report need not repeat (the verb of
    the question, a synonym, a detail the report gives differently), so the bar is low; BM25
    still ranks reports that share more (and rarer) words first, and the quarter keeps out the
    many reports that share one common word with a long question (and keeps the query fast).
    The same rule as Elasticsearch's `minimum_should_match: "25%"`, rounded up.
    """
    return max(1, math.ceil(n * 0.25))


# -- what a word is -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryWord:
    """One word of the query: as typed, folded, its index stems, and any glued-word parts."""

    text: str
    surface: str
    stems: tuple[str, ...]
    parts: tuple[QueryWord, ...] = ()
    prefix: bool = False

    @property
    def normalised(self) -> str:
        return self.surface + ("*" if self.prefix else "")


def analyse_word(text: str, splitter: Splitter | None = None) -> QueryWord | None:
    """Fold and stem one word; None for stopwords. Glued words carry their parts."""
    surface = fold(text)
    if not surface or surface in stopwords():
        return None
    parts: tuple[QueryWord, ...] = ()
    if splitter is not None:
        split = splitter.split(surface)
        if split:
            keep_ta, i, found = fold_keep_ta(text), 0, []
            for p in split:
                piece = keep_ta[i:i + len(p)]
                i += len(p)
                found.append(QueryWord(text=piece, surface=p, stems=stem_variants(piece)))
            parts = tuple(found)
    return QueryWord(text=text, surface=surface, stems=stem_variants(fold_keep_ta(text)), parts=parts)


def prefix_word(text: str) -> QueryWord | None:
    surface = fold(text)
    if len(surface) < PREFIX_MIN_LETTERS:
        return None
    rest, _ = strip_prefix(fold_keep_ta(text))
    stem_prefix = fold_ta(rest) if len(rest) >= PREFIX_MIN_LETTERS else surface
    return QueryWord(text=text + "*", surface=surface, stems=(stem_prefix,), prefix=True)


# -- the parsed query -----------------------------------------------------------------------------


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
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: "all" (every word required), "long" (minimum-should-match), "structured" (operators used)
    mode: str = "all"
    minimum_match: int | None = None
    #: Words of a long query the archive does not use, and the spelling searched as well.
    corrections: list[tuple[str, str]] = field(default_factory=list)
    splitter: Splitter | None = None
    places: list[QueryPlace] = field(default_factory=list)

    def _place_words(self) -> list[QueryWord]:
        return [w for p in self.places for w in (*p.words, *p.name_words)]

    @property
    def highlight_stems(self) -> set[str]:
        out = set()
        for w in (*self.words, *self._place_words()):
            if not w.prefix:
                out.update(w.stems)
                for p in w.parts:
                    out.update(p.stems)
        return out

    @property
    def highlight_surfaces(self) -> set[str]:
        out = set()
        for w in (*self.words, *self._place_words()):
            if not w.prefix:
                out.add(w.surface)
                out.update(p.surface for p in w.parts)
        return out

    @property
    def highlight_prefixes(self) -> set[str]:
        return {w.surface for w in self.words if w.prefix}

    @property
    def splits(self) -> list[tuple[str, list[str]]]:
        """Glued words of the query and the words they were read as."""
        return [(w.text, [p.text for p in w.parts]) for w in self.words if w.parts]

    def word_matcher(self):
        from .highlight import WordMatcher
        return WordMatcher.of(self.highlight_stems, self.highlight_surfaces, self.highlight_prefixes,
                              splitter=self.splitter)

    def explain(self) -> dict:
        return {
            "terms": [{"text": w.text, "normalised": w.normalised, "stems": list(w.stems),
                       "parts": [p.surface for p in w.parts]} for w in self.words],
            "phrases": [" ".join(w.text for w in ph) for ph in self.phrases],
            "excluded": list(self.excluded),
            "places": [{"slug": p.slug, "text": p.text,
                        "name_ar": (pl.name_ar if (pl := get_place(p.slug)) else p.slug),
                        "name_latin": (pl.name_latin if pl else p.slug)} for p in self.places],
            "notes": list(self.notes),
            "mode": self.mode,
            "minimum_should_match": self.minimum_match,
        }


# -- lexing and parsing ---------------------------------------------------------------------------


class Malformed(Exception):
    """The query's structure cannot be read; the message (Arabic) says why."""


@dataclass
class _Word:
    text: str
    prefix: bool = False


@dataclass
class _Phrase:
    text: str


@dataclass
class _All:
    items: list


@dataclass
class _Any:
    options: list


@dataclass
class _Not:
    node: object


@dataclass
class _Field:
    name: str
    node: object


_NOTE_PLAIN = "تعذّر فهم صيغة الاستعلام ({reason})، فقُرئ كلمات عادية."


def sanitise(text: str) -> tuple[str, list[str]]:
    """Drop control and bidi-format characters; cap the length. Returns (text, notes)."""
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[: cut if cut > MAX_QUERY_CHARS // 2 else MAX_QUERY_CHARS]
        notes.append(f"الاستعلام طويل جدا: استُخدمت أول {MAX_QUERY_CHARS} حرف منه.")
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else c
                      for c in text)
    if cleaned.split() != text.split():
        notes.append("أُزيلت محارف تحكم أو اتجاه غير مرئية من الاستعلام.")
    return " ".join(cleaned.split()), notes


def _lex(text: str) -> list[tuple[str, str]]:
    """Tokens: ("(",), (")",), ("OR",), ("-",), ("FIELD", name), ("PHRASE", text), ("WORD", text)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    at_start = True  # at the start of a term (after space, "(", "-", "field:")
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            at_start = True
            continue
        if c in "()":
            out.append((c, c))
            i += 1
            at_start = True
            continue
        if c in OPEN_QUOTES:
            ends = [k for k in (text.find(q, i + 1) for q in OPEN_QUOTES[c]) if k != -1]
            j = min(ends) if ends else -1
            if j == -1:
                raise Malformed("علامة تنصيص غير مغلقة")
            out.append(("PHRASE", text[i + 1:j]))
            i = j + 1
            at_start = False
            continue
        if c in CLOSE_QUOTES:
            raise Malformed("علامة تنصيص غير مفتوحة")
        if c == "-" and at_start:
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                raise Malformed("علامة الاستثناء - بلا كلمة بعدها")
            out.append(("-", "-"))
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _SPECIAL:
            j += 1
        chunk = text[i:j]
        name, colon, rest = chunk.partition(":")
        if colon and name.lower() in FIELD_NAMES and at_start:
            if rest:
                # title:word — the word itself is lexed next
                j = i + len(name) + 1
            elif j >= n or text[j].isspace():
                raise Malformed(f"الحقل {name}: بلا كلمة بعده")
            out.append(("FIELD", FIELD_NAMES[name.lower()]))
            i = j
            at_start = True
            continue
        if chunk in ("OR", "AND", "|", "||", "&&"):
            out.append(("OR", chunk) if chunk in ("OR", "|", "||") else ("AND", chunk))
        else:
            out.append(("WORD", chunk))
        i = j
        at_start = False
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.t = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.t[self.i][0] if self.i < len(self.t) else None

    def parse(self):
        node = self.or_expr(0)
        if self.peek() is not None:
            raise Malformed("قوس إغلاق بلا قوس فتح")
        return node

    def or_expr(self, depth: int):
        if depth > MAX_DEPTH:
            raise Malformed("أقواس متداخلة أكثر من اللازم")
        if self.peek() == "OR":
            raise Malformed("OR في بداية الاستعلام أو المجموعة")
        options = [self.and_expr(depth)]
        while self.peek() == "OR":
            self.i += 1
            if self.peek() in (None, ")", "OR"):
                raise Malformed("OR بلا بديل بعده")
            options.append(self.and_expr(depth))
        return options[0] if len(options) == 1 else _Any(options)

    def and_expr(self, depth: int):
        items = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.i += 1
                continue
            items.append(self.unary(depth))
        if not items:
            raise Malformed("مجموعة فارغة")
        return items[0] if len(items) == 1 else _All(items)

    def unary(self, depth: int):
        if self.peek() == "-":
            self.i += 1
            if self.peek() in (None, ")", "OR", "-", "AND"):
                raise Malformed("علامة الاستثناء - بلا كلمة بعدها")
            return _Not(self.atom(depth))
        return self.atom(depth)

    def atom(self, depth: int):
        kind = self.peek()
        if kind == "(":
            self.i += 1
            node = self.or_expr(depth + 1)
            if self.peek() != ")":
                raise Malformed("قوس غير مغلق")
            self.i += 1
            return node
        if kind == "FIELD":
            name = self.t[self.i][1]
            self.i += 1
            if self.peek() in (None, ")", "OR", "AND"):
                raise Malformed("الحقل title: بلا كلمة بعده")
            return _Field(name, self.unary(depth))
        if kind == "PHRASE":
            text = self.t[self.i][1]
            self.i += 1
            return _Phrase(text)
        if kind == "WORD":
            text = self.t[self.i][1]
            self.i += 1
            prefix = text.endswith("*")
            return _Word(text.replace("*", ""), prefix)
        if kind == ")":
            raise Malformed("قوس إغلاق بلا قوس فتح")
        raise Malformed("عامل بلا كلمات")


def _plain_units(node) -> list | None:
    """The words and phrases of a query that only ANDs them (parentheses that group nothing
    else are no-ops: a pasted sentence "(صلى الله عليه وسلم)" stays plain); None otherwise."""
    if isinstance(node, _Word):
        return None if node.prefix else [node]
    if isinstance(node, _Phrase):
        return [node]
    if isinstance(node, _All):
        out = []
        for item in node.items:
            units = _plain_units(item)
            if units is None:
                return None
            out.extend(units)
        return out
    return None


# -- building the Whoosh query --------------------------------------------------------------------


class _Builder:
    def __init__(self, parsed: ParsedQuery, splitter: Splitter):
        self.parsed = parsed
        self.splitter = splitter
        self.dropped: list[str] = []
        self.count = 0
        self.truncated = False

    # words ---------------------------------------------------------------------------------------
    def analyse(self, text: str, prefix: bool = False) -> list[QueryWord]:
        tokens = split_words(text)
        out: list[QueryWord] = []
        for k, tok in enumerate(tokens):
            if self.count >= MAX_WORDS:
                self.truncated = True
                break
            if prefix and k == len(tokens) - 1:
                w = prefix_word(tok)
                if w is None:
                    self.parsed.notes.append(f"البادئة «{tok}*» أقصر من حرفين: بُحث عنها كلمة كاملة.")
                    w = analyse_word(tok, self.splitter)
            else:
                w = analyse_word(tok, self.splitter)
            if w is None:
                self.dropped.append(tok)
                continue
            self.count += 1
            out.append(w)
        return out

    def build(self, node, fields, negated: bool = False) -> Query | None:
        if isinstance(node, _Word):
            ws = self.analyse(node.text, node.prefix)
            if not negated:
                self.parsed.words.extend(ws)
            qs = [word_query(w, fields) for w in ws]
            return _and(qs)
        if isinstance(node, _Phrase):
            ws = self.analyse(node.text)
            if not ws:
                return None
            if not negated:
                self.parsed.words.extend(ws)
                if len(ws) > 1:
                    self.parsed.phrases.append(ws)
            return phrase_query(ws, fields)
        if isinstance(node, _Field):
            return self.build(node.node, TITLE_FIELDS if node.name == "title" else fields,
                              negated)
        if isinstance(node, _Not):  # an exclusion on its own: everything but
            q = self.build(node.node, fields, not negated)
            if q is None:
                return None
            self.parsed.excluded.append(_describe(node.node))
            return AndNot(Every(), q)
        if isinstance(node, _Any):
            qs = [q for q in (self.build(o, fields, negated) for o in node.options) if q is not None]
            return Or(qs) if len(qs) > 1 else (qs[0] if qs else None)
        if isinstance(node, _All):
            pos: list[Query] = []
            neg: list[Query] = []
            for item in node.items:
                inner_neg = isinstance(item, _Not)
                q = self.build(item.node if inner_neg else item, fields, negated or inner_neg)
                if q is None:
                    continue
                if inner_neg:
                    neg.append(q)
                    self.parsed.excluded.append(_describe(item.node))
                else:
                    pos.append(q)
            return _and_not(pos, neg)
        raise TypeError(node)


def _describe(node) -> str:
    if isinstance(node, _Word):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, _Phrase):
        return f"«{node.text}»"
    if isinstance(node, _Field):
        return f"{node.name}:{_describe(node.node)}"
    if isinstance(node, _Not):
        return "-" + _describe(node.node)
    if isinstance(node, _Any):
        return "(" + " OR ".join(_describe(o) for o in node.options) + ")"
    if isinstance(node, _All):
        return "(" + " ".join(_describe(o) for o in node.items) + ")"
    return ""


def _and(qs: list[Query]) -> Query | None:
    qs = [q for q in qs if q is not None]
    return And(qs) if len(qs) > 1 else (qs[0] if qs else None)


def _and_not(pos: list[Query], neg: list[Query]) -> Query | None:
    if not neg:
        return _and(pos)
    base = _and(pos) or Every()
    return AndNot(base, Or(neg) if len(neg) > 1 else neg[0])


def _fields(fields):
    return fields if fields is not None else ALL_FIELDS


def word_query(w: QueryWord, fields=None) -> Query:
    """One query word in the given field pairs: stems (recall) plus the exact form (precision)."""
    fields = _fields(fields)
    if w.prefix:
        return prefix_query(w, fields)
    terms: list[Query] = []
    for stem_field, exact_field, boost in fields:
        for s in w.stems:
            terms.append(Term(stem_field, s, boost=boost))
        terms.append(Term(exact_field, w.surface, boost=EXACT_BOOST * boost))
    q: Query = Or(terms)
    if w.parts:
        q = Or([q, phrase_query(list(w.parts), fields)])
    return q


class LimitedPrefix(Prefix):
    """A prefix that expands to at most `PREFIX_MAX_TERMS` terms (a short prefix stays fast)."""

    def _btexts(self, ixreader):
        n = 0
        for btext in super()._btexts(ixreader):
            yield btext
            n += 1
            if n >= PREFIX_MAX_TERMS:
                return


def prefix_query(w: QueryWord, fields=None) -> Query:
    fields = _fields(fields)
    qs: list[Query] = []
    for stem_field, exact_field, boost in fields:
        qs.append(LimitedPrefix(exact_field, w.surface, boost=boost * EXACT_BOOST))
        qs.append(LimitedPrefix(stem_field, w.stems[0], boost=boost))
    return Or(qs)


def _expand_parts(ws: list[QueryWord]) -> list[QueryWord]:
    out: list[QueryWord] = []
    for w in ws:
        out.extend(w.parts or (w,))
    return out


def phrase_query(ws: list[QueryWord], fields=None) -> Query:
    """Words next to each other (stopwords are not indexed, so they do not count as gaps)."""
    fields = _fields(fields)
    ws = _expand_parts(ws)
    if len(ws) == 1:
        return word_query(ws[0], fields)
    per_field = []
    for stem_field, _, boost in fields:
        seq = [Or([Term(stem_field, s) for s in w.stems]) for w in ws]
        per_field.append(Sequence(seq, boost=boost))
    return Or(per_field) if len(per_field) > 1 else per_field[0]


def with_proximity(main: Query, ws: list[QueryWord]) -> Query:
    """`main`, with a bonus for each pair of neighbouring query words found close together in the
    body (re-ranking the best results: proximity.py); `main` itself when there is no pair."""
    simple = [w for w in ws if not w.prefix and not w.parts]
    q = ProximityBonus(main, tuple(w.stems for w in simple), "body", boost=PROXIMITY_BOOST)
    return q if q.pairs() else main


def _with_correction(clause: Query, w: QueryWord, corrector, parsed: ParsedQuery, splitter: Splitter) -> Query:
    """The clause for `w`, or — if the archive never uses `w` — `w` or its archive spelling."""
    fixed = corrector(w)
    if not fixed:
        return clause
    alt = analyse_word(fixed, splitter)
    if alt is None:
        return clause
    parsed.corrections.append((w.text, fixed))
    parsed.notes.append(f"«{w.text}» لا ترد في الأرشيف: بُحث أيضا عن «{fixed}».")
    return Or([clause, word_query(alt)])


# -- the entry point ------------------------------------------------------------------------------


def place_query(slug: str, ws: list[QueryWord]) -> Query:
    """Reports tagged with the place, or containing the query's own words for it."""
    clauses: list[Query] = [Term("places", slug)]
    if ws:
        clauses.append(phrase_query(ws))
    return Or(clauses)


def _take_places(units: list) -> tuple[list, list[QueryPlace]]:
    """Runs of plain words that name gazetteer places become places; returns (other units, places).

    Only unquoted words are read (a quoted phrase asks for exactly those words).
    """
    places: list[QueryPlace] = []
    consumed: set[int] = set()
    run: list[int] = []

    def scan(run: list[int]) -> None:
        if not run:
            return
        texts = [units[i].text for i in run]
        starts, pos = [], 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        joined = " ".join(texts)
        for slug, matched in places_in_query(joined):
            at = joined.find(matched)
            if at < 0 or any(p.slug == slug for p in places):
                continue
            end = at + len(matched)
            idx = [run[k] for k, st in enumerate(starts) if st < end and st + len(texts[k]) > at]
            if not idx or consumed.intersection(idx):
                continue
            consumed.update(idx)
            analysed = tuple(qw for w in split_words(matched) if (qw := analyse_word(w)))
            places.append(QueryPlace(slug=slug, text=" ".join(units[i].text for i in idx), words=analysed))

    for i, u in enumerate(units):
        if isinstance(u, _Word) and not u.prefix:
            run.append(i)
        else:
            scan(run)
            run = []
    scan(run)
    return [u for i, u in enumerate(units) if i not in consumed], places


def parse(text: str | None, vocabulary: Vocabulary | None = None, *, long_query: bool | None = None,
          corrector: Callable[[QueryWord], str | None] | None = None) -> ParsedQuery:
    """Parse a user query (never raises). Returns query=None when there is nothing to search for.

    `vocabulary` is the archive's (for glued words); `long_query` forces (True) or forbids
    (False) minimum-should-match ranking for plain queries; by default it follows the length.
    `corrector` (`suggest.Corrector`) gives the archive's spelling of a word it does not know: a
    long query searches that spelling too (a short one keeps every word required and offers
    did-you-mean instead).
    """
    raw = text or ""
    cleaned, notes = sanitise(raw)
    splitter = splitter_for(vocabulary if vocabulary is not None else active_vocabulary())
    parsed = ParsedQuery(text=cleaned, query=None, notes=notes, splitter=splitter)
    if not cleaned:
        return parsed
    try:
        node = _Parser(_lex(cleaned)).parse()
    except Malformed as e:
        parsed.notes.append(_NOTE_PLAIN.format(reason=e))
        plain = [w for w in split_words(cleaned) if w not in ("OR", "AND")]
        node = _All([_Word(w) for w in plain]) if plain else None
    if node is None:
        return parsed
    builder = _Builder(parsed, splitter)
    units = _plain_units(node)
    if units is not None:
        # Words and phrases, all of them wanted: every one required, or — for a long query —
        # a minimum-should-match over them (a phrase counts as one unit).
        clauses: list[Query] = []
        unit_words: list[QueryWord | None] = []  # the word of each clause (None for a phrase)
        ws: list[QueryWord] = []
        units, places = _take_places(units)
        for place in places:
            parsed.places.append(place)
            parsed.words.extend(place.words)  # listed with the other words in the explanation
            clauses.append(place_query(place.slug, list(place.words)))
            unit_words.append(None)
        for unit in units:
            found = builder.analyse(unit.text)
            if not found:
                continue
            parsed.words.extend(found)
            if isinstance(unit, _Phrase) and len(found) > 1:
                parsed.phrases.append(found)
                clauses.append(phrase_query(found))
                unit_words.append(None)
            else:
                ws.extend(found)
                clauses.extend(word_query(w) for w in found)
                unit_words.extend(found)
        if clauses:
            n = len(clauses)
            is_long = long_query if long_query is not None else n >= LONG_QUERY_WORDS
            if is_long and corrector is not None:
                clauses = [_with_correction(c, w, corrector, parsed, splitter) if w is not None else c
                           for c, w in zip(clauses, unit_words)]
            if is_long and n > 1:
                k = minimum_should_match(n)
                parsed.mode, parsed.minimum_match = "long", k
                main: Query = MinimumShouldMatch(clauses, k)
                parsed.notes.append(f"استعلام طويل: تظهر التقارير التي تحوي {k} من كلماته الـ{n} على الأقل، "
                                    "مرتبةً حسب الصلة.")
            else:
                main = _and(clauses)  # type: ignore[assignment]
            parsed.query = with_proximity(main, ws)
    else:
        parsed.mode = "structured"
        parsed.query = builder.build(node, None)
        if isinstance(parsed.query, AndNot) and isinstance(parsed.query.a, Every):
            parsed.notes.append("الاستعلام استثناء فقط: تظهر كل التقارير عدا المستثناة.")
    if builder.dropped:
        parsed.notes.append("كلمات شائعة لم يُبحث عنها: " + "، ".join(dict.fromkeys(builder.dropped[:10])))
    if builder.truncated:
        parsed.notes.append(f"استُخدمت أول {MAX_WORDS} كلمة من الاستعلام فقط.")
    return parsed
