"""Document frequencies kept across an ingest run's batches (`vocabulary.KeptVocabulary`) are
exactly the index's own, through new segments, merges, merges that drop deleted documents, and
commits made by another writer — and an ingest run splits glued words as it did reading the index."""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from app.search.backend import IndexDocument
from app.search.index import ArchiveIndex
from app.search.vocabulary import IndexVocabulary, document_words
from tests.conftest import SEEDS


def _docs(n: int, start: int = 0, salt: str = "") -> list[IndexDocument]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p for t in seeds for p in t.split("\n") if len(p) > 40]
    return [IndexDocument(id=f"r{i:04d}", sha256=f"{i:064x}", title=f"تقرير {i} {salt}",
                          body="\n".join(paragraphs[(i * 7 + j) % len(paragraphs)] for j in range(1 + i % 3))
                          + (f"\nكلمة{salt}{i % 5}" if salt else ""),
                          published=dt.date(2016, 1 + i % 12, 1 + i % 28), places=(), dup_group=None)
            for i in range(start, start + n)]


def _words(docs) -> set[str]:
    out = set()
    for d in docs:
        out |= document_words(d.body)
    return out | {"غيرموجودة", "لاشيء"}


def test_kept_counts_equal_the_index_through_merges_and_deletions(tmp_path):
    index = ArchiveIndex(tmp_path / "ix")
    index.open()
    words: set[str] = set()
    kept_commits = 0
    with index.keeping_vocabulary():
        # 11 batches: the 8th commit merges the first segments (merge.py FACTOR); batches 5 and 10
        # replace earlier documents (deletions), so later merges drop deleted documents.
        for k in range(11):
            docs = _docs(12, start=(k * 12 if k not in (5, 10) else 0), salt=str(k))
            words |= _words(docs)
            vocab = index.write_vocabulary()
            for w in sorted(words)[::3]:  # look some words up before the batch, as a batch does
                vocab.doc_frequency(w)
            generation = vocab.generation
            with index.batch() as b:
                for d in docs:
                    b.add(d)
            kept_commits += generation is not None and index._kept.generation == generation + 1 and bool(index._kept.counts)
            vocab = index.write_vocabulary()
            truth = IndexVocabulary(index.searcher().reader())
            assert vocab.doc_count() == truth.doc_count()
            assert {w: vocab.doc_frequency(w) for w in words} == {w: truth.doc_frequency(w) for w in words}
        segments = index.open()._segments()
        assert len(segments) < 11  # merges happened
    assert kept_commits >= 5  # counts were carried over commits, not only read afresh


def test_kept_counts_forget_a_generation_written_by_another_writer(tmp_path):
    index = ArchiveIndex(tmp_path / "ix")
    index.open()
    other = ArchiveIndex(tmp_path / "ix")  # another process's handle on the same index
    with index.keeping_vocabulary():
        with index.batch() as b:
            for d in _docs(5):
                b.add(d)
        vocab = index.write_vocabulary()
        word = sorted(_words(_docs(5)))[0]
        n = vocab.doc_frequency(word)
        with other.batch() as b:
            for d in _docs(5, start=100):
                b.add(d)
        vocab = index.write_vocabulary()
        truth = IndexVocabulary(index.searcher().reader())
        assert vocab.doc_frequency(word) == truth.doc_frequency(word) > n


def test_an_ingest_run_splits_glued_words_as_reading_the_index_did(tmp_path, monkeypatch):
    """The index an ingest writes with kept counts is the one it writes reading every count from
    the index (small batches: many vocabularies, merges, a glued word that splits)."""
    from app.archive import Archive
    from app.ingest import pipeline
    from tests.conftest import ingest_paths, make_settings
    from tests.ingest.test_index_analysis import _index_dump

    d = tmp_path / "corpus"
    d.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p for t in seeds for p in t.split("\n") if len(p) > 60 and "الأممالمتحدة" not in p]
    for i in range(400):
        text = f"تقرير {i}\n" + "\n".join(paragraphs[(i * 5 + j) % len(paragraphs)] for j in range(3))
        if i % 40 == 7:  # glued words, rare enough to be split
            text += "\nوقالت الأممالمتحدة إن القصف مستمر في حلبالشرقية."
        (d / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 30)  # 14 batches: tiered merges on the way
    kept = Archive(make_settings(tmp_path / "kept"))
    assert len(ingest_paths(kept, d).added) == 400
    monkeypatch.setattr(ArchiveIndex, "keeping_vocabulary", lambda self: nullcontext())
    plain = Archive(make_settings(tmp_path / "plain"))
    assert len(ingest_paths(plain, d).added) == 400
    postings, lengths = _index_dump(kept)
    # A glued word was split: its first part sits at the whole word's position.
    from app.search.codec import VarintPositions
    pos = {(t.decode(), rid): set(VarintPositions().decode_positions(v))
           for f, t, rid, v in postings if f == "body" and t.decode() in ("اممالمتحد", "امم")}
    assert any(p & pos.get(("امم", rid), set()) for (t, rid), p in pos.items() if t == "اممالمتحد")
    assert (postings, lengths) == _index_dump(plain)
