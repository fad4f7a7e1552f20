"""The reading room's static files: self-contained, licensed, and fit for Arabic.

These checks read the committed files themselves (fonts, CSS, JS): a broken subset or a stray
external URL would otherwise only show up as a wrongly rendered page.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
FONTS = STATIC / "fonts"
CSS = STATIC / "css" / "sijill.css"
JS = STATIC / "js" / "sijill.js"


def _cmap(path: Path) -> set[int]:
    ttLib = pytest.importorskip("fontTools.ttLib", reason="fonttools (a dev tool) is needed to read the woff2 files")
    pytest.importorskip("brotli", reason="brotli is needed to decompress woff2")
    return set(ttLib.TTFont(str(path)).getBestCmap())


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_font_subset_covers_arabic_digits_and_punctuation(weight):
    path = FONTS / f"NotoNaskhArabic-{weight}.subset.woff2"
    assert path.read_bytes()[:4] == b"wOF2", f"{path.name} is not a WOFF2 file"
    assert path.stat().st_size < 60_000, f"{path.name} is {path.stat().st_size} bytes: the subset grew"
    cmap = _cmap(path)
    needed = {
        "Arabic letters": range(0x0621, 0x064B),
        "tashkeel": range(0x064B, 0x0653),
        "Arabic-Indic digits": range(0x0660, 0x066A),
        "Western digits": range(0x30, 0x3A),
    }
    for what, cps in needed.items():
        missing = [f"U+{c:04X}" for c in cps if c not in cmap]
        assert not missing, f"{path.name} lacks {what}: {missing}"
    for ch in "،؛؟«»ـ":
        assert ord(ch) in cmap, f"{path.name} lacks {ch!r} (U+{ord(ch):04X})"


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_font_keeps_arabic_shaping_features(weight):
    ttLib = pytest.importorskip("fontTools.ttLib")
    pytest.importorskip("brotli")
    font = ttLib.TTFont(str(FONTS / f"NotoNaskhArabic-{weight}.subset.woff2"))
    gsub = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    gpos = {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig"} <= gsub, gsub
    assert {"mark", "mkmk"} <= gpos, gpos


def test_font_licence_is_shipped():
    text = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in text and "Version 1.1" in text
    assert "Noto" in text


def test_stylesheet_points_at_committed_fonts_only():
    css = CSS.read_text(encoding="utf-8")
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    assert urls, "no @font-face sources found"
    for u in urls:
        assert not re.match(r"^[a-z]+:|^//", u), f"external URL in CSS: {u}"
        assert (CSS.parent / u).resolve().is_file(), f"CSS refers to a missing file: {u}"
    assert "font-display: swap" in css


def test_stylesheet_uses_logical_properties():
    """The page is right-to-left: physical left/right in the CSS would put things on the wrong side."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    physical = re.findall(
        r"(?<![-\w])((?:margin|padding|border)-(?:left|right)(?:-\w+)?|left|right|text-align:\s*(?:left|right)|float:\s*(?:left|right))\s*:",
        css)
    assert not physical, f"physical properties in sijill.css: {sorted(set(physical))}"
    assert not re.search(r"text-align:\s*(left|right)", css)


def test_script_is_self_contained():
    js = JS.read_text(encoding="utf-8")
    for forbidden in ("fetch(", "XMLHttpRequest", "http://", "https://", "eval(", "innerHTML", "document.write"):
        assert forbidden not in js, f"sijill.js uses {forbidden}"
