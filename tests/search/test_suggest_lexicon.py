"""Near spellings (`suggest._terms_within`): one automaton walked over every segment's lexicon
finds exactly what Whoosh's reader finds — on several segments its Damerau distance to every
word (so adjacent swaps count), on one segment its automaton (no swaps)."""
from __future__ import annotations

from pathlib import Path

from app.archive import Archive
from app.search.suggest import _terms_within
from app.search.vocabulary import VOCABULARY_FIELD
from tests.conftest import make_settings
from tests.web.conftest import ingest_into

TEXTS = [
    "قصف الموقد والمعقد في حي الصاخور بحلب وسقوط قتلى من المدنيين.",
    "اشتباكات قرب المقود والمورد في حي بستان القصر وسقوط جرحى من المدنيين.",
    "انفجار عند الموحد في حي الميدان بدمشق صباح اليوم وقتلى مدنيون.",
]
WORDS = ["الموقد", "المقود", "المدنيين", "المدنيني", "الصاخرو", "انفجرا", "حلبب", "بستنا", "قتلي", "زززز"]


def _archive(tmp_path: Path, batches: list[list[str]]) -> Archive:
    settings = make_settings(tmp_path)
    for i, texts in enumerate(batches):
        folder = tmp_path / f"batch{i}"
        folder.mkdir()
        for j, text in enumerate(texts):
            (folder / f"r{j}.txt").write_text(text, encoding="utf-8")
        ingest_into(settings, folder)
    return Archive(settings)


def _whoosh(reader, word: str) -> set[str]:
    return {w.decode("utf-8") if isinstance(w, bytes) else w
            for w in reader.terms_within(VOCABULARY_FIELD, word, 1, prefix=1)}


def test_several_segments_same_words_as_whoosh_swaps_included(tmp_path):
    archive = _archive(tmp_path, [[t] for t in TEXTS])
    reader = archive.index.searcher().reader()
    assert len(reader.leaf_readers()) >= 2
    for word in WORDS:
        assert _terms_within(reader, VOCABULARY_FIELD, word, 1, 1) == _whoosh(reader, word), word
    # A swap of two letters is one edit here (المقود is in another segment than الموقد).
    assert "المقود" in _terms_within(reader, VOCABULARY_FIELD, "الموقد", 1, 1)


def test_one_segment_same_words_as_whoosh(tmp_path):
    archive = _archive(tmp_path, [TEXTS])
    reader = archive.index.searcher().reader()
    assert len(reader.leaf_readers()) == 1
    for word in WORDS:
        assert _terms_within(reader, VOCABULARY_FIELD, word, 1, 1) == _whoosh(reader, word), word
