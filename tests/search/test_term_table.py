"""The compact term table (codec.TermTable): the same answers as a dictionary, in key order, for
hits, misses, ranges and Whoosh's field cursor (used by the spelling automaton)."""
from __future__ import annotations

import random

import pytest
from whoosh.filedb.filestore import FileStorage

from app.search.backend import IndexDocument
from app.search.codec import TERM_BLOCK, TermTable, TermTableWriter
from app.search.index import ArchiveIndex


def _keys(n: int) -> list[bytes]:
    rng = random.Random(5)
    words = set()
    while len(words) < n:  # shared prefixes (front coding), empty and long suffixes, high bytes
        stem = rng.choice([b"", b"\x00\x01", b"\x00\x02abc", "الم".encode()])
        words.add(stem + bytes(rng.randrange(1, 256) for _ in range(rng.randint(0, 300 if rng.random() < .01 else 6))))
    return sorted(words)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    st = FileStorage(str(tmp_path_factory.mktemp("table")))
    keys = _keys(40 * TERM_BLOCK + 7)
    values = {k: bytes([len(k) % 256]) * (len(k) % 9) for k in keys}
    w = TermTableWriter(st.create_file("t.trm"), {"fieldmap": {"a": 0}})
    for k in keys:
        w.add(k, values[k])
    w.close()
    return TermTable(st.open_file("t.trm"), st.file_length("t.trm")), keys, values


def test_lookups_ranges_and_order(table):
    t, keys, values = table
    assert t.extras == {"fieldmap": {"a": 0}}
    assert list(t.items()) == [(k, values[k]) for k in keys]
    for k in keys[::7]:
        assert t[k] == values[k] and k in t
    for k in (b"\xff" * 9, keys[3] + b"\x00", keys[-1] + b"z", b"\x00"):
        if k not in values:
            assert k not in t and t.get(k, "none") == "none"
            with pytest.raises(KeyError):
                t[k]
    for probe in (b"", keys[100], keys[100] + b"\x00", keys[-1], b"\xff\xff"):
        assert list(t.keys_from(probe)) == [k for k in keys if k >= probe]


def test_writer_refuses_keys_out_of_order(tmp_path):
    st = FileStorage(str(tmp_path))
    w = TermTableWriter(st.create_file("t.trm"))
    w.add(b"b", b"")
    with pytest.raises(ValueError):
        w.add(b"a", b"")


def test_index_lexicon_prefixes_and_spelling_through_the_table(tmp_path):
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    bodies = ["قصف مستشفى في حلب", "قصفت الطائرات مستشفيات حلب الشرقية", "المستشفى الميداني في الشعار",
              "مساكن هنانو والشعار", "حلب حلب حلب"]
    with ix.batch() as b:
        for i, body in enumerate(bodies):
            b.add(IndexDocument(id=f"{i:012x}", sha256="0" * 64, title="عنوان", body=body))
    r = ix.searcher().reader()
    lex = [t.decode() for t in r.lexicon("body_exact")]
    assert lex == sorted(set(lex)) and {"مستشفي", "حلب", "الشعار"} <= set(lex)
    assert r.doc_frequency("body_exact", "حلب") == 3 and r.frequency("body_exact", "حلب") == 5
    assert r.doc_frequency("body_exact", "زززز") == 0 and ("body_exact", "زززز".encode()) not in r
    assert sorted(r.expand_prefix("body_exact", "مست")) == sorted(t.encode() for t in lex if t.startswith("مست"))
    near = set(r.terms_within("body_exact", "مستشفا", 1))
    assert near == {t for t in lex if _distance(t, "مستشفا") <= 1} and near


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_document_frequencies_stay_exact_across_commits_and_readers(tmp_path):
    """The per-segment memo (codec._segment_memo) outlives each reader: frequencies must still be
    those of the index as committed, batch after batch, misses included, with a fresh reader of
    the same segments answering from the memo and a merged segment answering for itself."""
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    rng = random.Random(11)
    words = ["حلب", "ادلب", "الشعار", "هنانو", "قصف", "مستشفي", "معره", "زززز"]
    expected: dict[str, int] = {w: 0 for w in words}
    n = 0
    for batch in range(12):  # enough commits for tiered merges (merge.py FACTOR) to happen
        with ix.batch() as b:
            for _ in range(3):
                chosen = {w for w in words[:-1] if rng.random() < 0.4} | {"عنوان"}
                b.add(IndexDocument(id=f"{n:012x}", sha256="0" * 64, title="عنوان", body=" ".join(sorted(chosen))))
                for w in chosen - {"عنوان"}:
                    expected[w] += 1
                n += 1
        for _ in range(2):  # the reader of this generation, then a fresh one over the same segments
            r = ix.open().searcher().reader() if _ else ix.searcher().reader()
            assert {w: r.doc_frequency("body_exact", w) for w in words} == expected, batch
            assert ("body_exact", "زززز".encode()) not in r
    assert expected["زززز"] == 0 and min(v for k, v in expected.items() if k != "زززز") > 0
