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
