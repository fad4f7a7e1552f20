"""The numpy engine answers the query language's shapes (minimum-should-match, proximity (its child),
AndNot exclusion, capped prefixes, title-only, glued words) exactly as Whoosh's own matchers do."""
import pytest

from app.search.query import parse
from tests.search.test_engine import _engine_scores, _whoosh_scores, built  # noqa: F401 (fixture)

SHAPES = [
    "ما هي الأحياء التي سيطرت عليها قوات النظام في شرق حلب بعد المعارك",  # long: minimum-should-match
    "قوات النظام المدنيين",            # proximity bonus (evaluate: the query without it)
    "حلب -لافروف",                    # AndNot
    "-الكلور",                        # everything but
    "كفرنب*",                         # prefix
    "مدن* قوات",
    "title:حلب",
    "(قصف OR غارة) المدنيين",
    "الأممالمتحدة",                   # glued: word or phrase of its parts
    '"الولايات المتحدة" -روسيا',
]


@pytest.mark.parametrize("text", SHAPES)
def test_engine_matches_whoosh(built, text):  # noqa: F811
    ix, _ = built
    q = parse(text, ix.vocabulary()).query
    assert q is not None
    want, got = _whoosh_scores(ix, q), _engine_scores(ix, q)
    assert got.keys() == want.keys() and want
    for rid, score in want.items():
        assert got[rid] == pytest.approx(score, rel=1e-9), rid
