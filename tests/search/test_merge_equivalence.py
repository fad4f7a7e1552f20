"""A merge of segments writes exactly the segment one batch of the same live documents writes:
the merge's shortcuts (rows shifted in place, posting blocks re-based, blocks copied) change
nothing but the time it takes."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from app.search.backend import IndexDocument
from app.search.index import ArchiveIndex, fields_for
from app.search.merge import merge_all
from app.search.postings import GroupedPostings
from tests.conftest import SEEDS

LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهي"


def _doc(i: int, k: int, paragraphs: list[str]) -> IndexDocument:
    # Common words from the seeds (terms in every segment), a word of one document and one of
    # four documents in different segments (inlined rows: shifted, or rebuilt), and a word of one
    # segment only, in every document of it (a posting list of one source).
    body = "\n".join(paragraphs[(i * 3 + j) % len(paragraphs)] for j in range(1 + i % 3))
    body += f" كلمة{LETTERS[i % 26]}{LETTERS[i // 26 % 26]} نادر{LETTERS[i % 140 % 26]}{LETTERS[i % 140 // 26]}"
    body += f" وسم{LETTERS[k]}" * (1 + i % 3)
    return IndexDocument(id=f"r{i:04d}", sha256=f"{i:064x}", title=paragraphs[i % len(paragraphs)][:50],
                         body=body, published=dt.date(2016, 1 + i % 12, 1 + i % 28),
                         places=("aleppo",)[: i % 2], dup_group=None)


def _files(index: ArchiveIndex) -> list[tuple[str, str]]:
    return sorted((f.suffix, hashlib.sha256(f.read_bytes()).hexdigest()) for f in index.path.iterdir()
                  if f.suffix in (".trm", ".pst", ".col", ".seg"))


@pytest.mark.parametrize("deletions", [False, True])
def test_merged_segments_are_the_segment_of_one_batch(tmp_path, deletions):
    paragraphs = [p for t in sorted(SEEDS.glob("*.txt")) for p in t.read_text(encoding="utf-8").split("\n")
                  if len(p) > 40]
    batches = [[_doc(i, k, paragraphs) for i in range(k * 150, k * 150 + 150)] for k in range(4)]
    if deletions:  # the last batch replaces 20 documents of the first: deleted from segment 0
        batches[3] += [_doc(i, 3, paragraphs) for i in range(20)]
    merged = ArchiveIndex(tmp_path / "merged")
    merged.open()
    for docs in batches:
        w = merged.writer()
        g = GroupedPostings(w)
        for d in docs:
            g.update(fields_for(d))
        w.commit(merge=False)
    merged.writer(bulk=True).commit(mergetype=merge_all)

    live = [d for docs in batches for d in docs]
    if deletions:
        live = live[20:]  # the replaced versions come last, in the last batch's order
    once = ArchiveIndex(tmp_path / "once")
    once.open()
    w = once.writer()
    g = GroupedPostings(w)
    for d in live:
        g.add(fields_for(d))
    w.commit(merge=False)
    with merged.open().searcher() as s:
        assert s.doc_count_all() == len(live) and len(s.reader().leaf_readers()) == 1
    assert _files(merged) == _files(once)
