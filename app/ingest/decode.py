"""Bytes → text, and the text's identity.

The ID rule is part of the public contract: the first 12 hex digits of the sha256 of the decoded
text with the BOM removed, Unicode NFC and `\n` line endings — so the same text always gets the
same permalink, whatever encoding or line endings it arrived in.
"""
from __future__ import annotations

import codecs
import hashlib
import unicodedata


class DecodeError(ValueError):
    """The bytes are not text we can trust (the message says why)."""


def decode(raw: bytes) -> str:
    """Decode report bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM; otherwise refuse."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from e
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"not valid UTF-8 (byte {e.start}) and no other encoding recognised") from e


def canonical(text: str) -> str:
    """The form the ID is computed on: BOM removed, NFC, `\n` line endings."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_id(sha256: str) -> str:
    return sha256[:12]
