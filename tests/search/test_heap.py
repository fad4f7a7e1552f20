"""HeapTrimmer: every n-th computed page gives freed heap back (glibc), a no-op elsewhere."""
from __future__ import annotations

import sys

from app.search.heap import HeapTrimmer


def test_trims_every_nth_page():
    t = HeapTrimmer(every=3)
    ticks = [t.tick() for _ in range(7)]
    if sys.platform.startswith("linux") and t._trim is not None:
        assert ticks == [False, False, True, False, False, True, False]
    else:
        assert not any(ticks)


def test_word_memos_are_emptied_past_their_bound_at_a_trim():
    from functools import lru_cache

    @lru_cache(maxsize=1000)
    def memo(word: str) -> str:
        return word[::-1]

    t = HeapTrimmer(every=2, memos=(memo,), memo_words=5)
    for w in "abcdefgh":
        memo(w)
    assert memo.cache_info().currsize == 8
    t.tick()  # not yet a trim: the memo keeps its words
    assert memo.cache_info().currsize == 8
    t.tick()  # a trim: past its bound, the memo is emptied
    assert memo.cache_info().currsize == 0
    for w in "abc":
        memo(w)
    t.tick()
    t.tick()  # within its bound: kept
    assert memo.cache_info().currsize == 3


def test_the_search_service_bounds_the_stemming_and_folding_memos(tmp_path):
    from app.arabic.stem import stem_variants
    from app.archive import Archive
    from app.config import Settings
    from app.search.highlight import word_forms
    from app.search.service import SearchService

    service = SearchService(Archive(Settings(data_dir=tmp_path)))
    assert set(service.heap.memos) == {stem_variants, word_forms}
