"""Date mentions in Arabic text (skeleton stub: the real extractor replaces this)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date_from: dt.date
    date_to: dt.date
    precision: str
    relative: bool


def extract(text: str, published: dt.date | None) -> list[DateMention]:
    return []
