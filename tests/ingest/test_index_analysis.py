"""The index-time fast path (per-word memo, kept across batches) gives exactly the analyzer chain's
terms and positions, whatever vocabulary each batch splits glued words with."""
from __future__ import annotations

import pytest
from whoosh.fields import TEXT

from app.arabic.glue import using_vocabulary
from app.search.fields import ArabicText
from app.search.schema import build_schema
from app.search.vocabulary import count_documents
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed_texts():
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _slow(field, text):
    return sorted(TEXT.index(field, text))


def _fast(field, text):
    return sorted(field.index(text))


def test_memoised_analysis_equals_the_chain_across_vocabularies(seed_texts):
    schema = build_schema()
    fields = [schema[n] for n in schema.names() if isinstance(schema[n], ArabicText)]
    assert len(fields) >= 4
    # Three vocabularies in turn, as three ingest batches would have: none (lexicon only, few
    # splits), the seeds themselves (glued words split), the seeds counted twice (other shares).
    vocabularies = [None, count_documents(seed_texts), count_documents(seed_texts + seed_texts[:2])]
    split_seen = False
    for vocab in vocabularies + vocabularies[::-1]:
        with using_vocabulary(vocab):
            for field in fields:
                assert field.fast_path_ok()  # the memoised path is the one being compared
                for text in seed_texts:
                    fast = _fast(field, text)
                    assert fast == _slow(field, text)
                    split_seen |= vocab is not None and any(t[0] == "المتحده".encode() for t in fast)
    assert split_seen  # the seeds' glued words did split under their own vocabulary


def test_terms_analysed_ahead_are_used_only_when_nothing_splits(seed_texts):
    """An ingest worker analyses a report before its batch's vocabulary exists (`pre_analyse`);
    written under any vocabulary, the terms are the chain's for that vocabulary."""
    schema = build_schema()
    fields = [schema[n] for n in schema.names() if isinstance(schema[n], ArabicText)]
    ahead = {(id(f), i): f.pre_analyse(t) for f in fields for i, t in enumerate(seed_texts)}
    assert any(pa.asked for pa in ahead.values())
    for vocab in (None, count_documents(seed_texts)):
        with using_vocabulary(vocab):
            for field in fields:
                for i, text in enumerate(seed_texts):
                    assert sorted(field.index(ahead[(id(field), i)])) == _slow(field, text)


def _index_dump(archive):
    """Every posting of the index as (field, term, report id, value), plus field lengths by id."""
    out, lengths = set(), {}
    with archive.index.open().searcher() as s:
        r = s.reader()
        ids = {d: f["id"] for d, f in r.iter_docs()}
        for fieldname, text in r.all_terms():
            m = r.postings(fieldname, text)
            while m.is_active():
                out.add((fieldname, text, ids[m.id()], m.value()))
                m.next()
        for d, rid in ids.items():
            for f in ("title", "body", "title_exact", "body_exact"):
                lengths[(rid, f)] = r.doc_field_length(d, f)
    return out, lengths


def test_an_ingest_with_terms_analysed_in_workers_writes_the_same_index(tmp_path, monkeypatch):
    """Workers analyse texts before their batch's vocabulary exists; small batches make every
    batch's vocabulary (and so its glued-word splits) differ. The index is the one the main
    process writes when it analyses everything itself."""
    import app.archive
    from app.archive import Archive
    from app.ingest import pipeline
    from tests.conftest import ingest_paths, make_settings

    d = tmp_path / "corpus"
    d.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p for t in seeds for p in t.split("\n") if len(p) > 60 and "الأممالمتحدة" not in p]
    for i in range(180):
        text = f"تقرير {i}\n" + "\n".join(paragraphs[(i * 5 + j) % len(paragraphs)] for j in range(3))
        if i in (50, 120):  # a glued word rare enough to be split
            text += "\nوقالت الأممالمتحدة إن القصف مستمر."
        (d / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 45)
    monkeypatch.setenv("SIJILL_INGEST_WORKERS", "2")
    ahead = Archive(make_settings(tmp_path / "ahead"))
    assert len(ingest_paths(ahead, d).added) == 180
    # The control: nothing analysed ahead, the main process analyses each batch itself.
    monkeypatch.setattr(pipeline, "analyse_ahead", lambda report, schema: None)
    plain = Archive(make_settings(tmp_path / "plain"))
    assert len(ingest_paths(plain, d).added) == 180
    postings, lengths = _index_dump(ahead)
    # A glued word was split: its first part sits at the whole word's position.
    from app.search.codec import VarintPositions
    pos = {(t.decode(), rid): set(VarintPositions().decode_positions(v))
           for f, t, rid, v in postings if f == "body" and t.decode() in ("اممالمتحد", "امم")}
    assert any(p & pos.get(("امم", rid), set()) for (t, rid), p in pos.items() if t == "اممالمتحد")
    assert (postings, lengths) == _index_dump(plain)


def test_grouped_postings_write_the_segment_whoosh_writes(tmp_path, seed_texts):
    """An ingest batch's segment written from postings grouped per term (`postings.py`) is byte for
    byte the segment Whoosh's own writer (pool, sort, posting by posting) makes of the same
    documents — terms, posting blocks, statistics, columns."""
    import datetime as dt
    import hashlib

    from app.search.backend import IndexDocument
    from app.search.index import ArchiveIndex, fields_for, pre_analyse
    from app.search.postings import GroupedPostings

    paragraphs = [p for t in seed_texts for p in t.split("\n") if len(p) > 40]
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهي"

    def rare(k: int) -> str:  # a word of a few documents (terms inlined in the term table)
        return "كلمة" + letters[k % len(letters)] + letters[k // len(letters) % len(letters)]

    docs = [IndexDocument(id=f"r{i:04d}", sha256=f"{i:064x}", title=paragraphs[i % len(paragraphs)][:60],
                          body="\n".join(paragraphs[(i * 3 + j) % len(paragraphs)] for j in range(1 + i % 4))
                          + f"\n{rare(i // 3)} {rare(1000 + i // 2)} {rare(2000 + i // 4)}",
                          published=dt.date(2016, 1 + i % 12, 1 + i % 28) if i % 5 else None,
                          places=("aleppo", "idlib")[: i % 3], dup_group=None,
                          source_id=f"src-{i}" if i % 2 else None)
            for i in range(300)]  # 300 documents: terms with several posting blocks of 128
    # A word 300 times in one document: a position list longer than 255 bytes.
    docs[7] = IndexDocument(**{**docs[7].__dict__, "body": docs[7].body + " حلب" * 300})
    contents = []
    for grouped, ahead in ((True, True), (True, False), (False, False)):
        index = ArchiveIndex(tmp_path / f"{grouped}-{ahead}")
        index.open()
        w = index.writer()
        g = GroupedPostings(w) if grouped else None
        for d in docs:
            fields = fields_for(d)
            if ahead:  # text fields analysed ahead, as ingest workers hand them over
                analysed = pre_analyse(w.schema, d)
                assert analysed
                fields.update(analysed)
            g.update(fields) if grouped else w.update_document(**fields)
        w.commit(merge=False)
        files = sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in index.path.iterdir()
                       if f.is_file() and f.suffix in (".trm", ".pst", ".col", ".seg"))
        assert files
        with index.open().searcher() as s:
            assert s.doc_count() == 300
        contents.append(files)
    assert contents[0] == contents[1] == contents[2]
