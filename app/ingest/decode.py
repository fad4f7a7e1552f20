"""Bytes → text, and the text's identity.

The ID rule is part of the public contract: the first 12 hex digits of the sha256 of the decoded
text with the BOM removed, Unicode NFC and `\\n` line endings — so the same text always gets the
same permalink, whatever encoding or line endings it arrived in (UTF-8, UTF-8 with BOM, UTF-16,
Windows-1256 and ISO-8859-6 copies of one report share one ID).

Detection order, and why:
1. A BOM (UTF-8, UTF-16, UTF-32) is decisive.
2. Strict UTF-8: valid multi-byte UTF-8 is practically never produced by other encodings by
   accident, so it wins whenever it decodes.
3. Otherwise the Arabic single-byte code pages and Windows-1252 (plus a charset declared by the
   container, e.g. an HTML `<meta charset>`) are each tried, and every decoding is judged by
   `plausibility.judge`; the most plausible one wins. The two Arabic code pages share most byte
   values but place ل م ن ه و ي differently, so the letter statistics tell them apart.
4. As a last resort charset-normalizer proposes an encoding (it covers DOS and Mac Arabic code
   pages); its guess must pass the same judgement. On its own it is not reliable for short Arabic
   texts (it calls 30 characters of cp1256 "cp949"), which is why it comes last.
Anything else is refused with a reason; mojibake is never returned.
"""
from __future__ import annotations

import codecs
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .plausibility import Verdict, judge

#: Single-byte encodings tried when the bytes are not UTF-8, in order of preference on a tie.
SINGLE_BYTE = ("cp1256", "iso8859-6", "cp1252")
_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-16-le": "UTF-16LE (BOM)", "utf-16-be": "UTF-16BE (BOM)",
          "utf-32-le": "UTF-32LE (BOM)", "utf-32-be": "UTF-32BE (BOM)", "utf-8": "UTF-8",
          "cp1256": "Windows-1256", "iso8859-6": "ISO-8859-6", "cp1252": "Windows-1252"}


_MULTI_BYTE = frozenset({"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})


class DecodeError(ValueError):
    """The bytes are not text we can trust (the message says why)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    #: Python codec name of the encoding found (e.g. "utf-8", "utf-16-le", "cp1256").
    encoding: str


def encoding_label(codec: str) -> str:
    return _NAMES.get(codec, codec)


def normalise_codec(name: str | None) -> str | None:
    """A codec name as Python spells it ("windows-1256" → "cp1256"), or None when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None


def decode(raw: bytes, *, declared: str | None = None,
           check: Callable[..., Verdict] = judge) -> Decoded:
    """Decode report bytes, or raise DecodeError saying why not.

    `check(text, single_byte=…)` judges a candidate decoding (`plausibility.judge` by default).
    """
    if not raw:
        raise DecodeError("empty file (0 bytes)")
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            try:
                text = body.decode(codec.removesuffix("-sig") if codec == "utf-8-sig" else codec)
            except UnicodeDecodeError as e:
                raise DecodeError(f"starts with a {encoding_label(codec)} byte-order mark but byte "
                                  f"{e.start + len(bom)} is invalid ({e.reason}): truncated or damaged") from e
            return _accept(text, codec, check)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = f"not UTF-8 (byte 0x{raw[e.start]:02X} at offset {e.start})"
    else:
        verdict = check(text)
        if verdict.ok:
            return Decoded(text, "utf-8")
        if b"\x00" in raw:  # UTF-16 without a byte-order mark decodes as "valid" UTF-8 full of NULs
            for codec in ("utf-16-le", "utf-16-be"):
                found = _try(raw, codec, check)
                if found:
                    return found[0]
            raise DecodeError(f"binary data: {raw.count(0)} NUL bytes (UTF-16 needs a byte-order mark)")
        raise DecodeError(f"UTF-8, but {verdict.reason}")
    if raw.count(0) > len(raw) // 100:
        raise DecodeError(f"binary data ({utf8_error}; {raw.count(0)} NUL bytes)")
    tried: list[str] = []
    found_all: list[tuple[Decoded, Verdict]] = []
    declared = normalise_codec(declared)
    for codec in dict.fromkeys(([declared] if declared else []) + list(SINGLE_BYTE)):
        result = _try(raw, codec, check, tried)
        if result:
            found_all.append(result)
    if not found_all:
        result = _detector_guess(raw, check, tried)
        if result:
            found_all.append(result)
    if not found_all:
        raise DecodeError(f"{utf8_error}, and no encoding gives plausible text — " + "; ".join(tried))
    # A declared charset that gives plausible text is believed; otherwise the best-scoring wins
    # (max keeps the first of equals, i.e. the preference order of SINGLE_BYTE).
    if declared and found_all[0][0].encoding == declared:
        return found_all[0][0]
    return max(found_all, key=lambda dv: dv[1].score)[0]


def _accept(text: str, codec: str, check: Callable[..., Verdict]) -> Decoded:
    verdict = check(text)
    if not verdict.ok:
        raise DecodeError(f"{encoding_label(codec)}, but {verdict.reason}")
    return Decoded(text, codec)


def _try(raw: bytes, codec: str, check: Callable[..., Verdict],
         tried: list[str] | None = None) -> tuple[Decoded, Verdict] | None:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as e:
        if tried is not None:
            tried.append(f"{encoding_label(codec)}: byte 0x{raw[e.start]:02X} at offset {e.start} is undefined")
        return None
    except LookupError:
        return None
    verdict = check(text, single_byte=codec not in _MULTI_BYTE)
    if not verdict.ok:
        if tried is not None:
            tried.append(f"{encoding_label(codec)}: {verdict.reason}")
        return None
    return Decoded(text, codec), verdict


def _detector_guess(raw: bytes, check: Callable[..., Verdict], tried: list[str]) -> tuple[Decoded, Verdict] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    codec = normalise_codec(best.encoding) if best else None
    if not codec or codec in SINGLE_BYTE or codec.startswith("utf"):
        return None
    return _try(raw, codec, check, tried)


def canonical(text: str) -> str:
    """The form the ID is computed on: BOM removed, NFC, `\\n` line endings."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_id(sha256: str) -> str:
    return sha256[:12]
