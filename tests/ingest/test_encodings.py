"""Encodings: one report saved in every encoding gets one ID; mojibake and binary data are refused.

Files are written by the tests from the seed texts; ingest runs into a real SQLite file and a real
on-disk index.
"""
from __future__ import annotations

import codecs
import random

import pytest

from app.ingest.decode import DecodeError, decode
from app.ingest.plausibility import judge
from app.models import Report
from tests.conftest import SEEDS, contract_id, ingest_paths

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed_text(i: int = 0) -> str:
    return SEED_FILES[i].read_text(encoding="utf-8")


#: The same report as bytes, the way different tools save it.
ENCODINGS = {
    "utf8": lambda t: t.encode("utf-8"),
    "utf8bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf16le": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf16be": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "cp1256": lambda t: t.encode("cp1256"),
    "cp1256crlf": lambda t: t.replace("\n", "\r\n").encode("cp1256"),
    "iso88596": lambda t: t.encode("iso8859-6"),
}


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_the_same_report_in_every_encoding_gets_one_id(archive, tmp_path, seed):
    text = seed_text(seed)
    d = tmp_path / "in"
    d.mkdir()
    for name, enc in ENCODINGS.items():
        (d / f"{name}.txt").write_bytes(enc(text))
    summary = ingest_paths(archive, d)
    expected = contract_id(text.encode("utf-8"))
    assert summary.refused == []
    assert summary.added == [expected]
    assert summary.duplicates == [expected] * (len(ENCODINGS) - 1)
    with archive.session() as s:
        r = s.get(Report, expected)
    assert r.original == text and r.encoding == "cp1256"  # cp1256.txt sorts first
    assert archive.check().ok


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_each_encoding_decodes_to_the_same_text(name):
    for i in range(len(SEED_FILES)):
        text = seed_text(i)
        if name == "iso88596":
            text = text.replace("«", '"').replace("»", '"')  # ISO-8859-6 has no guillemets
        decoded = decode(ENCODINGS[name](text))
        assert decoded.text.removeprefix("\ufeff").replace("\r\n", "\n") == text
    expected = {"utf8": "utf-8", "utf8bom": "utf-8-sig", "utf16le": "utf-16-le", "utf16be": "utf-16-be",
                "cp1256": "cp1256", "cp1256crlf": "cp1256", "iso88596": "iso8859-6"}[name]
    assert decoded.encoding == expected


@pytest.mark.parametrize("length", [40, 80, 200, None])
def test_windows_1256_and_iso_8859_6_are_told_apart(length):
    """The two code pages share most bytes but place ل م ن ه و ي differently."""
    for i in range(len(SEED_FILES)):
        full = seed_text(i).replace("«", '"').replace("»", '"')
        for start in (0, len(full) // 3, len(full) * 2 // 3):
            text = full[start:]
            text = text[:length] if length else text
            assert decode(text.encode("cp1256")).encoding == "cp1256"
            assert decode(text.encode("iso8859-6")).encoding == "iso8859-6"
            assert decode(text.encode("iso8859-6")).text == text


def test_a_declared_charset_is_preferred_when_plausible():
    text = seed_text(2)[:300]
    assert decode(text.encode("cp1256"), declared="windows-1256").encoding == "cp1256"
    # a wrong declaration is not believed when its text is implausible
    assert decode(text.encode("cp1256"), declared="iso-8859-6").encoding == "cp1256"


def test_latin_text_in_windows_1252_is_decoded():
    text = "Élection à Alep : les forces syriennes avancent, déclare l'opposition. Ça continue."
    for enc in ("cp1252", "latin-1"):
        assert decode(text.encode(enc)).text == text


def _utf8_read_as(text: str, codepage: str) -> bytes:
    """What a tool that read UTF-8 as `codepage` and saved the result as UTF-8 produces."""
    return text.encode("utf-8").decode(codepage, errors="ignore").encode("utf-8")


@pytest.mark.parametrize("codepage", ["cp1252", "latin-1", "cp1256"])
def test_utf8_read_as_a_code_page_is_refused_as_mojibake(codepage):
    raw = _utf8_read_as(seed_text(0), codepage)
    with pytest.raises(DecodeError, match="mojibake"):
        decode(raw)


def test_half_mojibake_is_refused():
    good = seed_text(1)[:1500]
    bad = _utf8_read_as(seed_text(2)[:1500], "cp1252").decode("utf-8")
    with pytest.raises(DecodeError, match="mojibake"):
        decode((good + "\n\n" + bad).encode("utf-8"))


def test_windows_1256_read_as_western_is_refused():
    raw = seed_text(3).encode("cp1256").decode("cp1252", errors="replace").encode("utf-8")
    with pytest.raises(DecodeError, match="accented|replacement"):
        decode(raw)


def test_iso_8859_6_read_as_windows_1256_is_refused():
    text = seed_text(4).replace("«", '"').replace("»", '"')
    raw = text.encode("iso8859-6").decode("cp1256").encode("utf-8")
    with pytest.raises(DecodeError, match="code page"):
        decode(raw)


def test_binary_and_damaged_bytes_are_refused_with_a_reason():
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4
    with pytest.raises(DecodeError, match="binary|not text|control"):
        decode(png)
    noise = random.Random(7).randbytes(4000)
    with pytest.raises(DecodeError):
        decode(noise)
    with pytest.raises(DecodeError, match="empty"):
        decode(b"")
    truncated_utf16 = codecs.BOM_UTF16_LE + seed_text(0)[:100].encode("utf-16-le")[:-1]
    with pytest.raises(DecodeError, match="UTF-16"):
        decode(truncated_utf16)
    lossy = ("\ufffd\ufffd " * 40 + seed_text(0)[:200]).encode("utf-8")
    with pytest.raises(DecodeError, match="U\\+FFFD"):
        decode(lossy)


def test_real_arabic_prose_is_judged_plausible():
    for i in range(len(SEED_FILES)):
        text = seed_text(i)
        assert judge(text).ok
        for n in (40, 120):
            assert judge(text[:n]).ok, text[:n]
    # scraped text with sloppy vowel marks and glued prefixes is still prose
    assert judge("قال شاعرا ً وشاعر ُ إن حديثه لـCNN وTwitter كان " * 5).ok


def test_the_character_census_counts_what_translate_and_count_would():
    """`judge` counts character classes and Arabic letters in one numpy pass; the counts must be
    those of the plain definition (`str.translate` with the class table, `str.count` per letter)."""
    from app.ingest import plausibility as p

    rng = random.Random(3)
    seed = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8")
    alphabet = (list(seed[:400]) + list("AZaz×÷ÀÿĀɏ٠۹0 \t\n\x00\x7f\ufffd\ue000\ufdd0\uffff")
                + ["ال", "لل", "وال", "لال", "فلل"] * 20 + ["\U0001F600", "\U00010000", "\ud800", "\u0640", "\u064b", "\u0670"])
    for n in (0, 1, 50, 3000):
        for _ in range(10):
            text = "".join(rng.choice(alphabet) for _ in range(n))
            census = p._Census.of(text)
            classes = text.translate(p._CLASSES)
            assert census.classes == {k: classes.count(k) for k in p._CLASS_NAMES}
            assert all(census.letters[ord(c) - p._BLOCK[0]] == text.count(c) for c in p._FREQ)
            assert census.latin_range == sum(1 for c in text if "A" <= c <= "Z" or "a" <= c <= "z"
                                             or "\u00c0" <= c <= "\u024f")
            assert census.words == len(p._ARABIC_WORD.findall(text))
            assert census.articles == len(p._ARTICLE.findall(text))
