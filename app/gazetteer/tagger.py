"""Finding gazetteer places in Arabic text, and in a user's query (Arabic or Latin).

How a name is recognised (rules the tests pin down):

- Words are folded exactly as search folds them (`app.arabic.normalise.fold`): diacritics and
  tatweel out, أ إ آ ٱ → ا, ى → ي, ة → ه. One dict lookup per word finds every place that can
  start there: the table is precompiled with each name's first word under every clitic form —
  و ف ب ل ك and their pairs (وب، فل …), the article kept (والصاخور، بالصاخور) or merged into ل
  (للشعار). The following words of a multi-word name must then match exactly.
- Longest name wins: at a given word the longest name is tried first, and the words it covers are
  not looked at again. So طريق الباب is never الباب, كرم القاطرجي never القاطرجي, and دوار الصاخور
  (a landmark, the roundabout) is tagged as the roundabout only, not also as the quarter الصاخور:
  a mention of a roundabout names the roundabout, and the facet must count what the text says.
- Scraper damage glues a word to the next one (جنوبالمدينة). A name is still found at the end of
  such a token when the part before it is a known function word, place word or direction
  (حيالصاخور، جنوبالصاخور، فيالصاخور) — never inside an arbitrary word.
- Ambiguous names (marked in places.csv: الباب "the door", الشعار "the slogan", صلاح الدين the
  sultan, الأنصاري a surname …) are tagged only in a place context: right after a place word (حي،
  أحياء، حيي، بلدة، مدينة، منطقة، قرية … with clitics), or coordinated (و or a comma) with a
  neighbouring place that is itself tagged, or followed by countryside/direction words (الباب بريف
  حلب، الباب شرق حلب). A query consisting of the name alone also counts as context.
- Hits are offsets into the ORIGINAL text (diacritics included), covering the name without the
  clitics in front of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from app.arabic.normalise import fold
from app.arabic.stopwords import stopwords
from app.arabic.tokenize import WordMemo, word_columns

from .load import places
from .names import LATIN_WORD_RE, arabic_key, is_article, latin_key, latin_word


@dataclass(frozen=True)
class PlaceHit:
    slug: str
    start: int
    end: int


#: Proclitics that attach to a name: conjunctions و ف, prepositions ب ل ك, and their pairs.
CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
#: Clitics on a name without the article: ف and ك are left out there, because ف/ك + name is too
#: often a word of its own (فاطمة = ف + أطمة).
BARE_CLITICS = ("", "و", "ب", "ل", "وب", "ول")
#: Words that announce a place name right after them, by the kind of place they announce: "مدينة
#: الزهراء" is not the Aleppo quarter جمعية الزهراء, and "محافظة صلاح الدين" is not the quarter.
#: ("منطقة" is left to towns: "منطقة العقبة" and "منطقة الأشرفية ببيروت" are elsewhere.)
NEIGHBOURHOOD_TRIGGERS = ("حي", "حيي", "أحياء", "حارة", "حارات", "محلة")
TOWN_TRIGGERS = ("بلدة", "بلدتي", "بلدات", "مدينة", "مدينتي", "مدن", "منطقة", "منطقتي", "مناطق",
                 "قرية", "قريتي", "قرى", "ناحية", "مخيم", "ضاحية")
TRIGGERS_BY_KIND = {
    "neighbourhood": NEIGHBOURHOOD_TRIGGERS, "district": NEIGHBOURHOOD_TRIGGERS,
    "town": TOWN_TRIGGERS, "village": TOWN_TRIGGERS, "city": TOWN_TRIGGERS,
    "governorate": ("محافظة", "محافظتي", "ريف"),
    "landmark": NEIGHBOURHOOD_TRIGGERS + TOWN_TRIGGERS,
}
DIRECTION_WORDS = ("شرق", "شرقي", "غرب", "غربي", "شمال", "شمالي", "جنوب", "جنوبي", "وسط")
COUNTRYSIDE_WORD = "ريف"
#: Words that often precede a place and are glued to it by scraper damage (besides stopwords).
GLUE_EXTRA = ("محيط", "أطراف", "قرب", "داخل", "حول", "نحو", "باتجاه", "مدخل", "شارع", "شرقي", "غربي")
_QUOTES = " \t\n\r\u00a0\"'«»“”„()[]"
_LIST_SEPARATORS = " \t\n\r\u00a0,،"
_COORDINATORS = ("و", "او")
_MAX_GLUE_PREFIX = 8


@dataclass(frozen=True, slots=True)
class _Entry:
    rest: tuple[str, ...]  # the folded words after the first
    slug: str
    clitic: str  # the folded clitic letters in front of the first word in this table form
    ambiguous: bool
    kind: str


@dataclass(slots=True)
class _Candidate:
    slug: str
    first: int  # index of the first word
    stop: int  # index after the last word
    start: int  # char offsets in the original text
    end: int
    clitic: str
    ambiguous: bool
    glue: str | None  # the folded word glued in front of the name, if any
    kind: str


def _with_clitics(words: tuple[str, ...] | list[str] | frozenset[str]) -> frozenset[str]:
    return frozenset(p + w for w in words for p in CLITICS)


class _Tables:
    """Everything precompiled from the gazetteer, built once per process."""

    def __init__(self) -> None:
        text: dict[str, dict[tuple, _Entry]] = {}
        query_extra: dict[str, dict[tuple, _Entry]] = {}

        def add(table: dict, form: str, entry: _Entry) -> None:
            table.setdefault(form, {})[(entry.rest, entry.slug, entry.clitic)] = entry

        self.latin: dict[tuple[str, ...], str] = {}
        for place in places().values():
            for name in (place.name_ar, *place.variants_ar):
                key = arabic_key(name)
                ambiguous = place.ambiguous or name in place.ambiguous_variants
                first, rest = key[0], key[1:]
                with_article = first.startswith("ال")
                for p in CLITICS if with_article else BARE_CLITICS:
                    add(text, p + first, _Entry(rest, place.slug, p, ambiguous, place.kind))
                    if p.endswith("ل") and with_article:
                        add(text, p + first[1:], _Entry(rest, place.slug, p, ambiguous, place.kind))
                # A query may drop the article (صاخور); not in running text, where bare forms are
                # everyday words (الهلك → هلك "perished"). Short bare forms are left out too.
                if not ambiguous and with_article and len(first) - 2 >= 4:
                    add(query_extra, first[2:], _Entry(rest, place.slug, "", False, place.kind))
            for name in place.names_latin:
                self.latin[latin_key(name)] = place.slug
        order = (lambda e: (-len(e.rest), len(e.clitic)))
        self.text = {form: sorted(entries.values(), key=order) for form, entries in text.items()}
        merged = {form: dict(entries) for form, entries in text.items()}
        for form, entries in query_extra.items():
            merged.setdefault(form, {}).update(entries)
        self.query = {form: sorted(entries.values(), key=order) for form, entries in merged.items()}
        self.latin_longest = max((len(k) for k in self.latin), default=0)

        triggers = frozenset(fold(w) for words in TRIGGERS_BY_KIND.values() for w in words)
        self.triggers = {kind: _with_clitics(frozenset(fold(w) for w in words))
                         for kind, words in TRIGGERS_BY_KIND.items()}
        self.trigger_glue = tuple(sorted((w for w in _with_clitics(triggers) if len(w) >= 2),
                                         key=len, reverse=True))
        self.trigger_heads = frozenset(w[:2] for w in self.trigger_glue)
        directions = frozenset(fold(w) for w in DIRECTION_WORDS)
        self.directions = _with_clitics(directions)
        self.countryside = _with_clitics([COUNTRYSIDE_WORD])
        base_glue = {w for w in stopwords() if len(w) >= 2} | triggers | directions
        base_glue |= {fold(w) for w in GLUE_EXTRA}
        self.glue_words = frozenset(w for w in _with_clitics(frozenset(base_glue)) if len(w) >= 2)
        self.stopwords = stopwords()
        # Report texts repeat their words (news vocabulary is Zipfian): a word's folded form and
        # what a name may start there are found once per distinct word; queries are short and
        # left uncached.
        self.text_words = WordMemo(self._text_word)

    def _text_word(self, surface: str) -> tuple[str, tuple | None]:
        w = fold(surface)
        return w, self._starts_at(self.text, w)

    def query_word(self, surface: str) -> tuple[str, tuple | None]:
        w = fold(surface)
        return w, self._starts_at(self.query, w)

    def _starts_at(self, table: dict[str, list[_Entry]], w: str) -> tuple | None:
        """What a name may start at a word folded to `w`: (the table's entries for the word, the
        glued forms `_glued` finds in it) — or None when no name can start there (most words)."""
        entries = table.get(w)
        glued = self._glued(table, w) if len(w) > 4 else ()
        return (entries, glued) if entries or glued else None

    def _glued(self, table: dict[str, list[_Entry]], w: str) -> tuple[tuple[int, list[_Entry]], ...]:
        """(k, entries) for each cut of `w` after k letters where a name glued to the word before
        it may start (حيالصاخور، جنوبالصاخور), in the order they are tried."""
        splits = []
        k = w.find("ال", 2)
        while k != -1 and k <= _MAX_GLUE_PREFIX:
            if w[:k] in self.glue_words:
                splits.append(k)
            k = w.find("ال", k + 1)
        if w[:2] in self.trigger_heads and w.startswith(self.trigger_glue):
            splits.extend(len(t) for t in self.trigger_glue if w.startswith(t) and len(w) - len(t) >= 3)
        out = []
        for k in splits:
            entries = [x for x in table.get(w[k:], ()) if not x.clitic]
            if entries:
                out.append((k, entries))
        return tuple(out)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


def _original_offset(surface: str, folded_len: int) -> int:
    """Index in `surface` where its first `folded_len` folded letters end (marks after them skipped)."""
    if folded_len <= 0:
        return 0
    seen = 0
    for i, c in enumerate(surface):
        width = len(fold(c))
        if seen >= folded_len and width:
            return i
        seen += width
    return len(surface)


def _extend(entries: list[_Entry], words: list[tuple[int, int, str]], i: int, text: str) -> tuple[_Entry, int] | None:
    """The longest entry whose remaining words follow word i (separated by whitespace only)."""
    n = len(words)
    for entry in entries:
        k = len(entry.rest)
        if i + k >= n:
            continue
        for t in range(k):
            a, b = words[i + t], words[i + t + 1]
            if b[2] != entry.rest[t] or (a[1] != b[0] and not text[a[1]:b[0]].isspace()):
                break
        else:
            return entry, i + k + 1
    return None


def _find(text: str, word, tables: _Tables) -> tuple[list[_Candidate], list]:
    """Candidate names in `text`; `word(surface)` is (folded form, what a name may start there):
    `tables.text_words.__getitem__` or `tables.query_word`."""
    surfaces, starts, ends = word_columns(text)
    infos = list(map(word, surfaces))
    ws = list(map(itemgetter(0), infos))
    words = list(zip(starts, ends, ws))
    possible = list(map(itemgetter(1), infos))
    found: list[_Candidate] = []
    i = 0
    for k in compress(range(len(ws)), possible):  # only the words where a name may start
        if k < i:
            continue  # inside the name found before
        entries, glued = possible[k]
        match = None
        if entries:
            match = _extend(entries, words, k, text)
            if match:
                s, e, _ = words[k]
                entry, stop = match
                start = s + _original_offset(text[s:e], len(entry.clitic))
                found.append(_Candidate(entry.slug, k, stop, start, words[stop - 1][1], entry.clitic,
                                        entry.ambiguous, None, entry.kind))
        if match is None and glued:
            match = _find_glued(text, words, k, glued, found)
        if match:
            i = match[1]
    return found, words


def _find_glued(text, words, i, glued, found: list[_Candidate]):
    """A name glued to the word before it: حيالصاخور، جنوبالصاخور، حيمساكن هنانو."""
    s, e, w = words[i]
    for k, entries in glued:
        match = _extend(entries, words, i, text)
        if match:
            entry, stop = match
            start = s + _original_offset(text[s:e], k)
            found.append(_Candidate(entry.slug, i, stop, start, words[stop - 1][1], "", entry.ambiguous,
                                    w[:k], entry.kind))
            return match
    return None


def _after_trigger(c: _Candidate, words, text: str, tables: _Tables) -> bool:
    triggers = tables.triggers[c.kind]
    if c.glue is not None:
        return c.glue in triggers
    j = c.first - 1
    if j < 0 or c.clitic:
        return False
    gap = text[words[j][1]:words[c.first][0]]
    return not gap.strip(_QUOTES) and words[j][2] in triggers


def _coordinated(a: _Candidate, b: _Candidate, words, text: str) -> bool:
    """b follows a in a list: "الكلاسة والشعار"، "الكلاسة، الشعار"، "الكلاسة و الشعار"."""
    if b.glue is not None:
        return False
    if b.first == a.stop:
        sep = text[a.end:words[b.first][0]]
        return not sep.strip(_LIST_SEPARATORS) and ("," in sep or "،" in sep or b.clitic.startswith("و"))
    if b.first == a.stop + 1 and words[a.stop][2] in _COORDINATORS and not b.clitic:
        sep = text[a.end:words[b.first][0]]
        return not sep.replace(text[words[a.stop][0]:words[a.stop][1]], "", 1).strip(_LIST_SEPARATORS)
    return False


def _continued(c: _Candidate, idx: int, found: list[_Candidate], ok: list[bool], words, text, tables: _Tables) -> bool:
    """Followed by countryside or a direction and a place: الباب بريف حلب، الباب شرق حلب."""
    j = c.stop
    if j >= len(words) or not text[c.end:words[j][0]].isspace():
        return False
    w = words[j][2]
    if w == "في" and j + 1 < len(words):
        j, w = j + 1, words[j + 1][2]
    if w in tables.countryside:
        return True
    if w in tables.directions and idx + 1 < len(found):
        nxt = found[idx + 1]
        return nxt.first == j + 1 and ok[idx + 1]
    return False


def _confirm(found: list[_Candidate], words, text: str, tables: _Tables, query: bool = False) -> list[_Candidate]:
    ok = [not c.ambiguous for c in found]
    if query and len(found) == 1 and not ok[0]:
        # The query is the name alone (give or take stopwords): the user means the place.
        c = found[0]
        others = [w for k, w in enumerate(words) if not c.first <= k < c.stop and w[2] not in tables.stopwords]
        ok[0] = not others
    for idx, c in enumerate(found):
        if not ok[idx] and _after_trigger(c, words, text, tables):
            ok[idx] = True
    changed = True
    while changed:
        changed = False
        for idx, c in enumerate(found):
            if ok[idx]:
                continue
            if ((idx > 0 and ok[idx - 1] and _coordinated(found[idx - 1], c, words, text))
                    or (idx + 1 < len(found) and ok[idx + 1] and _coordinated(c, found[idx + 1], words, text))
                    or _continued(c, idx, found, ok, words, text, tables)):
                ok[idx] = changed = True
    return [c for c, keep in zip(found, ok) if keep]


def tag(text: str) -> list[PlaceHit]:
    """Every place mention in `text`, in text order, with offsets into `text` itself."""
    tables = _tables()
    found, words = _find(text, tables.text_words.__getitem__, tables)
    return [PlaceHit(c.slug, c.start, c.end) for c in _confirm(found, words, text, tables)]


def summarise(hits: list[PlaceHit]) -> list[tuple[str, int, int]]:
    """(slug, count, first offset) per place, in order of first mention."""
    out: dict[str, list[int]] = {}
    for h in hits:
        entry = out.setdefault(h.slug, [0, h.start])
        entry[0] += 1
        entry[1] = min(entry[1], h.start)
    return [(slug, c, first) for slug, (c, first) in sorted(out.items(), key=lambda kv: kv[1][1])]


def _latin_in_query(q: str, tables: _Tables) -> list[tuple[int, str, str]]:
    found = []
    words = []  # (matching form, start, end, article in front of it starts at)
    article_at = None
    for m in LATIN_WORD_RE.finditer(q):
        w = latin_word(m.group(0))
        if is_article(w, q[m.end():m.end() + 1] == "-"):
            article_at = m.start() if article_at is None else article_at
            continue
        words.append((w, m.start(), m.end(), article_at))
        article_at = None
    i = 0
    while i < len(words):
        for k in range(min(tables.latin_longest, len(words) - i), 0, -1):
            slug = tables.latin.get(tuple(w[0] for w in words[i:i + k]))
            if slug:
                start = words[i][3] if words[i][3] is not None else words[i][1]
                found.append((start, slug, q[start:words[i + k - 1][2]]))
                i += k
                break
        else:
            i += 1
    return found


def places_in_query(q: str) -> list[tuple[str, str]]:
    """Places a search query names, as (slug, the words of q that name it), in query order.

    Arabic in any clitic/article form (also without the article: صاخور), Latin transliterations in
    any case, with or without the article (Sakhour, al-sakhur, Halab). Each place once.
    """
    tables = _tables()
    found, words = _find(q, tables.query_word, tables)
    hits = [(c.start, c.slug, q[c.start:c.end]) for c in _confirm(found, words, q, tables, query=True)]
    hits += _latin_in_query(q, tables)
    out: dict[str, str] = {}
    for _, slug, matched in sorted(hits):
        out.setdefault(slug, matched)
    return list(out.items())
