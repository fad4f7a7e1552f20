"""One result's markup (`app.web.hits.result_item`): escaped, linked, dated, counted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from app.web.hits import plural, result_item


@dataclass
class H:
    id: str = "0123456789ab"
    title: str = 'عنوان <b>"مهم"</b> & آخر'
    published: dt.date | None = dt.date(2016, 11, 25)
    date_basis: str = "stated"
    source: str | None = "<script>x</script>"
    snippet_html: Markup = Markup("قصف على <mark>حلب</mark> &amp; ريفها")
    places: list[str] = field(default_factory=lambda: ["aleppo", "no-such-slug"])
    group_size: int = 1


def test_escaped_linked_and_dated():
    html = str(result_item(H(), 'حلب "x" & y'))
    assert '<a href="/reports/0123456789ab?q=%D8%AD%D9%84%D8%A8%20%22x%22%20%26%20y">' in html
    assert "عنوان &lt;b&gt;&#34;مهم&#34;&lt;/b&gt; &amp; آخر" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<time datetime="2016-11-25">٢٥ تشرين الثاني/نوفمبر ٢٠١٦</time>' in html
    assert 'class="estimated"' not in html
    assert 'حلب، <bdi dir="ltr">no-such-slug</bdi>' in html  # a place without a name: its slug
    assert '<p class="snippet">قصف على <mark>حلب</mark> &amp; ريفها</p>' in html  # markup kept as is


def test_estimated_unknown_many_places_copies_and_no_snippet():
    html = str(result_item(H(published=None), ""))
    assert '<span class="muted">تاريخ غير معروف</span>' in html and 'href="/reports/0123456789ab"' in html
    html = str(result_item(H(date_basis="estimated", places=["aleppo"] * 6, group_size=4), "", snippet=False))
    assert ">تقديري</span>" in html
    assert html.count("حلب") == 4 and "حلب …</li>" in html
    assert '<a class="group-size" href="/reports/0123456789ab#also">+ <span class="num">٣</span> نسخ مشابهة</a>' in html
    assert "snippet" not in html
    assert str(result_item(H(), "", heading="h2")).count("<h2 ") == 1


def test_plural_agreement():
    forms = ("zero", "one", "two", "few", "many", "other")
    assert [plural(n, *forms) for n in (0, 1, 2)] == ["zero", "one", "two"]
    assert plural(7, *forms) == '<span class="num">٧</span> few'
    assert plural(25, *forms) == '<span class="num">٢٥</span> many'
    assert plural(100, *forms) == '<span class="num">١٠٠</span> other'
    assert plural(103, *forms).endswith(" few")
