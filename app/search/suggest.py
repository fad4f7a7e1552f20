"""Did-you-mean: a correction for query words the archive does not know, from its own vocabulary.

When a query finds few or no reports, each of its words that the archive (almost) never uses is
compared with the words it does use: candidates within one edit (insertion, deletion,
substitution or transposition, the first letter kept) of the word's *folded* form — so hamza,
alef and ta-marbuta spellings never count as typos — are looked up in the index's `body_exact` lexicon (Whoosh walks
the lexicon with a Levenshtein automaton: no scan of the vocabulary), and the most frequent
one wins. Words of eight letters or more may also differ by two edits when both are swaps of
letters Arabic writers commonly confuse (ض/ظ, ذ/ز, ث/س, ص/س, ط/ت, ق/ك, ح/ه, ع/ء).

The suggestion is shown in the archive's own spelling (`display_form`): the folded form is only
for matching.
"""
from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass

from whoosh.codec.base import Automata

from app.arabic.normalise import fold, strip_diacritics
from app.arabic.tokenize import spans

from .query import ParsedQuery, QueryWord
from .vocabulary import VOCABULARY_FIELD

#: A query with fewer results than this gets a suggestion (when one exists).
FEW_RESULTS = 3
#: A word is "unknown" when fewer reports than this contain it (by stem or exact form).
RARE = 2
#: A correction must be this many times more frequent than the word typed.
MARGIN = 5
#: Only words of this length are corrected (the Levenshtein automaton grows with the word), and
#: at most this many words per query.
MAX_WORD_LENGTH = 20
MAX_WORDS = 4
CONFUSABLE = [set(p) for p in ("ضظ", "ذز", "ثس", "صس", "طت", "قك", "حه", "عء", "ضد", "ظز")]


@dataclass(frozen=True)
class Correction:
    word: QueryWord
    folded: str
    df: int


def _word_df(reader, w: QueryWord) -> int:
    dfs = [reader.doc_frequency(VOCABULARY_FIELD, w.surface)]
    dfs += [reader.doc_frequency("body", s) for s in w.stems]
    dfs += [reader.doc_frequency("title", s) for s in w.stems]
    return max(dfs)


def _confusable_pairs(word: str):
    """Words differing from `word` by two confusable-letter substitutions."""
    idx = [i for i, c in enumerate(word) if any(c in g for g in CONFUSABLE)]
    for a in range(len(idx)):
        for b in range(a + 1, len(idx)):
            i, j = idx[a], idx[b]
            for ci in _swaps(word[i]):
                for cj in _swaps(word[j]):
                    yield word[:i] + ci + word[i + 1:j] + cj + word[j + 1:]


def _swaps(c: str):
    for g in CONFUSABLE:
        if c in g:
            yield from (x for x in g if x != c)


def corrections(parsed: ParsedQuery, reader) -> list[Correction]:
    """For each unknown positive word of the query, the best correction (if any)."""
    if VOCABULARY_FIELD not in reader.schema:
        return []
    out: list[Correction] = []
    seen: set[str] = set()
    for w in parsed.words:
        if w.prefix or w.parts or w.surface in seen or not 3 <= len(w.surface) <= MAX_WORD_LENGTH:
            continue
        if len(seen) >= MAX_WORDS:
            break
        seen.add(w.surface)
        best = _best_correction(reader, w)
        if best:
            out.append(Correction(w, best[1], best[0]))
    return out


def _terms_within(reader, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
    """Words of the field within `maxdist` Damerau-Levenshtein edits of `text` (first `prefix`
    letters kept), as `reader.terms_within` finds them — but fast. Whoosh's multi-segment reader
    measures the distance to *every* word sharing the prefix (hundreds of ms per word at 100k
    reports); here one Levenshtein automaton (built once, not per segment) skips through each
    segment's lexicon. The automaton counts no transpositions, so on several segments a one-edit
    search adds the word's adjacent swaps (kept only if the field has them). On one segment Whoosh
    itself uses the automaton (no swaps): kept as it was, so suggestions do not change with this
    speed-up (whether swaps should count everywhere is a separate decision)."""
    dfa = Automata.levenshtein_dfa(text, maxdist, prefix)
    found: set[str] = set()
    leaves = reader.leaf_readers()
    for leaf, _ in leaves:
        if fieldname in leaf.schema:
            found.update(Automata.find_matches(dfa, leaf.cursor(fieldname)))
    if maxdist == 1 and len(leaves) > 1:
        for i in range(prefix, len(text) - 1):
            if text[i] != text[i + 1]:
                swapped = text[:i] + text[i + 1] + text[i] + text[i + 2:]
                if swapped not in found and reader.doc_frequency(fieldname, swapped):
                    found.add(swapped)
    return found


def _candidates(reader, surface: str) -> dict[str, int]:
    """Words of the archive one edit from `surface` (first letter kept: hamza and alef forms are
    already folded, and a wrong first letter is the rarest typo), with their document frequency."""
    found = _terms_within(reader, VOCABULARY_FIELD, surface, 1, prefix=1)
    if len(surface) >= 8:
        found.update(_confusable_pairs(surface))
    out = {}
    for c in found:
        if isinstance(c, bytes):
            c = c.decode("utf-8")
        if c != surface:
            df = reader.doc_frequency(VOCABULARY_FIELD, c)
            if df:
                out[c] = df
    return out


def _best_correction(reader, w: QueryWord) -> tuple[int, str] | None:
    """(df, folded spelling) of the most frequent near spelling of an unknown word, or None."""
    own = _word_df(reader, w)
    if own >= RARE:
        return None
    best: tuple[int, str] | None = None
    for c, df in _candidates(reader, w.surface).items():
        if df > own and df >= own * MARGIN and (best is None or (df, c) > best):
            best = (df, c)
    return best


#: A long query's word is corrected silently only when it is at least this long, appears in no
#: report at all, and has at most `SILENT_MAX_NEIGHBOURS` near spellings in the archive: a word in
#: a dense neighbourhood (الموقد: المعقد، المورد، الموحد …) is ambiguous, and a wrong guess would
#: add noise to the query — did-you-mean leaves such choices to the reader.
SILENT_MIN_LENGTH = 5
SILENT_MAX_NEIGHBOURS = 3


class Corrector:
    """Per index generation: the archive's spelling of a word it does not know (or None).

    Used by long queries (`query.parse(corrector=…)`): a pasted question with a misspelled
    name (بلجيكيا) also searches the spelling the archive uses (بلجيكا), and says so.
    """

    def __init__(self, reader, lock=None):
        self.reader = reader
        self.lock = lock or nullcontext()  # the index's read lock (see index.py)
        self._cache: dict[str, str | None] = {}
        self._ok = VOCABULARY_FIELD in reader.schema

    def __call__(self, w: QueryWord) -> str | None:
        if not self._ok or w.prefix or w.parts or not SILENT_MIN_LENGTH <= len(w.surface) <= MAX_WORD_LENGTH:
            return None
        if w.surface not in self._cache:
            if len(self._cache) > 10_000:
                self._cache.clear()
            with self.lock:
                fixed = None
                if _word_df(self.reader, w) == 0:
                    near = _candidates(self.reader, w.surface)
                    if 0 < len(near) <= SILENT_MAX_NEIGHBOURS:
                        fixed = max(near.items(), key=lambda kv: (kv[1], kv[0]))[0]
            self._cache[w.surface] = fixed
        return self._cache[w.surface]


def display_form(folded: str, texts) -> str:
    """How the archive writes `folded`: the first word of `texts` that folds to it (no tashkeel)."""
    for text in texts:
        for s in spans(text):
            if fold(s.surface) == folded:
                return strip_diacritics(s.surface)
    return folded


def rewrite(query_text: str, replacements: dict[str, str]) -> str:
    """`query_text` with whole words replaced (the rest of its syntax kept as typed)."""
    out = query_text
    for old, new in replacements.items():
        pattern = re.compile(rf"(?<![\w\u0600-\u06ff]){re.escape(old)}(?![\w\u0600-\u06ff])")
        out = pattern.sub(new, out, count=1)
    return out
