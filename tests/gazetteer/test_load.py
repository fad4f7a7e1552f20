"""The gazetteer data file and its loader: contents of the real file, and validation errors."""
from __future__ import annotations

import pytest

from app.gazetteer.load import COLUMNS, KINDS, SIDES, GazetteerError, get, load_file, places, sources
from app.gazetteer.names import arabic_key

HEADER = ",".join(COLUMNS)


def test_the_real_file_loads_in_file_order():
    p = places()
    assert list(p)[:4] == ["aleppo-governorate", "idlib-governorate", "hama-governorate", "aleppo"]
    aleppo = get("aleppo")
    assert aleppo.name_ar == "حلب" and aleppo.kind == "city"
    assert {"Halab", "Aleppo"} <= set(aleppo.names_latin)
    assert get("no-such-place") is None


def test_at_least_100_aleppo_city_neighbourhoods():
    quarters = [p for p in places().values() if p.kind == "neighbourhood" and p.parent == "aleppo"]
    assert len(quarters) >= 100


REQUIRED = ["مساكن هنانو", "الشيخ سعيد", "القاطرجي", "ضهرة عواد", "الكلاسة", "بستان القصر", "الشعار",
            "كرم البيك", "الأنصاري", "الصاخور", "كرم الميسر", "الجزماتي", "كرم الطراب", "طريق الباب",
            "قاضي عسكر", "كرم القاطرجي", "كرم الطحان", "الشيخ لطفي", "صلاح الدين", "أصيلة", "الزبدية",
            "دوار الحلوانية", "إدلب", "أعزاز", "الباب", "كفرنبل", "معرة النعمان", "جسر الشغور", "قباسين",
            "أندرين", "السماقية", "باتبو", "قلعة حلب", "مطار حلب الدولي", "دوار الصاخور", "دوار الجندول",
            "طريق الكاستيلو", "الراموسة", "كلية المدفعية", "الأكاديمية العسكرية", "معبر باب السلامة",
            "معبر باب الهوى", "سراقب", "منبج", "تل رفعت", "دارة عزة", "الأتارب", "خان شيخون", "بنش",
            "تفتناز", "معرزيتا", "جبالا", "أبو الظهور", "حلب"]


def test_every_place_the_issue_names_is_in_the_file():
    names = {arabic_key(n) for p in places().values() for n in (p.name_ar, *p.variants_ar)}
    missing = [n for n in REQUIRED if arabic_key(n) not in names]
    assert missing == []


def test_real_file_values_are_well_formed():
    cited = sources()
    for p in places().values():
        assert p.kind in KINDS
        assert p.parent is None or p.parent in places()
        assert p.side_2016 is None or p.side_2016 in SIDES
        if p.side_2016 or p.lat is not None:
            assert p.sources, p.slug
        for key in p.sources:
            assert key in cited or key.startswith("seed:"), key
    for row in cited.values():
        assert row["url"].startswith("http")
    # Ambiguous names are marked in the data, not in code.
    assert get("al-bab").ambiguous and get("shaar").ambiguous and get("salah-al-din").ambiguous
    assert not get("sakhour").ambiguous


def write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "places.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


CITY = "aleppo,حلب,,Aleppo|Halab,city,,,,,0,"


def test_a_minimal_valid_file(tmp_path):
    path = write(tmp_path, CITY, "sakhour,الصاخور,,Sakhour,neighbourhood,aleppo,,,,0,")
    loaded = load_file(path)
    assert list(loaded) == ["aleppo", "sakhour"]
    assert loaded["sakhour"].variants_ar == () and loaded["sakhour"].lat is None


@pytest.mark.parametrize("rows, message", [
    ([CITY, "aleppo,حلب الشهباء,,Aleppo city,city,,,,,0,"], r":3: slug 'aleppo' already defined on line 2"),
    ([CITY, "Sakhour,الصاخور,,,neighbourhood,aleppo,,,,0,"], r":3: slug 'Sakhour' must be lower-case"),
    ([CITY, "sakhour,الصاخور,,,quarter,aleppo,,,,0,"], r":3: kind 'quarter' is not one of"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,damascus,,,,0,"], r":3: parent 'damascus' of 'sakhour' is not a slug"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,36.2,,0,enwiki-aleppo"], r":3: give both lat and lon"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,north,37.1,0,enwiki-aleppo"], r":3: column 'lat' is not a number"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,136.2,37.1,0,enwiki-aleppo"], r":3: column 'lat' out of range"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,36.2,37.1,0,"], r":3: side_2016 and coordinates need a source"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,opposition,,,0,"], r":3: side_2016 and coordinates need a source"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,rebels,,,0,x"], r":3: side_2016 'rebels' is not one of"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,opposition,,,0,my-blog"], r":3: source 'my-blog' is not listed in sources.csv"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,,,yes,"], r":3: ambiguous must be 0 or 1"),
    ([CITY, "sakhour,الصاخور,صاخور||الصخور,,neighbourhood,aleppo,,,,0,"], r":3: empty item in column 'variants_ar'"),
    ([CITY, "halab-2,حلب الشهباء,حَلَب,,city,,,,,0,"], r":3: Arabic name 'حَلَب' also belongs to 'aleppo' \(line 2\)"),
    ([CITY, "halab-2,حلب الشهباء,,al-Halab,city,,,,,0,"], r":3: Latin name 'al-Halab' also belongs to 'aleppo' \(line 2\)"),
    ([CITY, "sakhour,الصاخور,,,neighbourhood,aleppo,,,,0"], r":3: expected 11 columns, found 10"),
    (["a,حلب,,,city,b,,,,0,", "b,إدلب,,,city,a,,,,0,"], r":2: parent chain of 'a' loops back on itself"),
    ([CITY, "sakhour,,,,neighbourhood,aleppo,,,,0,"], r":3: name_ar is empty"),
])
def test_validation_errors_name_the_line(tmp_path, rows, message):
    path = write(tmp_path, *rows)
    with pytest.raises(GazetteerError, match=message) as err:
        load_file(path)
    assert str(path) in str(err.value)


def test_a_wrong_header_is_refused(tmp_path):
    path = write(tmp_path, CITY, header="slug,name,kind")
    with pytest.raises(GazetteerError, match=r":1: header must be slug,name_ar,variants_ar"):
        load_file(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(GazetteerError, match="cannot read the gazetteer"):
        load_file(tmp_path / "nope.csv")


def test_an_ambiguous_variant_is_marked_with_a_tilde(tmp_path):
    path = write(tmp_path, CITY, "zahraa,جمعية الزهراء,~الزهراء,Zahraa,neighbourhood,aleppo,,,,0,")
    z = load_file(path)["zahraa"]
    assert z.variants_ar == ("الزهراء",) and z.ambiguous_variants == ("الزهراء",) and not z.ambiguous
