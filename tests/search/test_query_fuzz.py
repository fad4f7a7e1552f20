"""Property: no query text, however malformed, raises in the parser, the service or the HTTP app.

Thousands of generated queries: arbitrary Unicode, and — more to the point — shuffles of the
syntax's own pieces (quotes of every style, parentheses, OR, -, *, title:), Arabic words from the
seeds, control and bidi characters, and very long runs.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search.params import SearchParams
from app.search.query import MAX_QUERY_CHARS, parse

PIECES = [
    '"', "«", "»", "“", "”", "„", "‟", "(", ")", "((", "))", "OR", "AND", "or", "|", "-", "--", "*", "**",
    "title:", "عنوان:", "title:(", ":", " ", "  ", "\t", "\n", "\u200f", "\u202e", "\u2066", "\u0000", "\ufeff",
    "حلب", "الأممالمتحدة", "قاضي", "عسكر", "كفرنب", "لافروف", "المدنيين", "في", "من", "ال", "ب16", "COVID",
    "مَدِينَةُ", "حلــــب", "١٥", "2016", "<script>", "&amp;", "%", "\\", "'", "؟", "،", "ـ", "ﻻ", "\ufdfa",
]
queries = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join),
    st.text(max_size=200),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=60),
    st.builds(lambda p, n: p * n, st.sampled_from(PIECES), st.integers(1, 4000)),
)


@settings(max_examples=3000, deadline=None)
@given(queries)
def test_parser_never_raises(q):
    p = parse(q)
    assert isinstance(p.notes, list)
    assert len(p.text) <= MAX_QUERY_CHARS
    p.explain()
    p.word_matcher().matches("حلب")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries, sort=st.sampled_from([None, "relevance", "newest", "oldest"]))
def test_service_answers_every_query(service, q, sort):
    page = service.search(SearchParams(q=q, sort=sort))
    assert page.total >= 0 and len(page.results) <= page.total
    for hit in page.results:
        assert "<script>" not in str(hit.snippet_html)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
def test_http_never_answers_500(client, q):
    q = q[:8000]  # httpx refuses URLs over 64 KB (percent-encoded Arabic is 6 bytes a letter)
    for path in ("/reports", "/api/reports"):
        r = client.get(path, params={"q": q})
        assert r.status_code == 200, (path, q, r.status_code)
    r = client.get("/reports/" + "0" * 12, params={"q": q})
    assert r.status_code == 404


def test_ten_kilobytes_over_http(client):
    r = client.get("/api/reports", params={"q": "حلب (OR " * 1300})
    assert r.status_code == 200 and r.json()["query"]["notes"]
