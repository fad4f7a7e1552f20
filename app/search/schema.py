"""The Whoosh schema.

Two field families over the same text: `title`/`body` hold light stems (recall), and
`title_exact`/`body_exact` hold folded surface forms, so an exact form can outrank a stem match.
Proximity (words found close together score higher) is computed at query time from `body`'s
positions for the best results only (proximity.py): no field of its own.
Stored fields are kept slim (the id only): snippets and pages read the text from the database.
"""
from __future__ import annotations

from pathlib import Path

from whoosh.analysis import IDAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, Schema

from app.arabic.analyzer import stem_analyzer, surface_analyzer

from .fields import ArabicText, TextColumn

#: Bumped whenever the analysis, schema or on-disk encoding (codec.py, fields.py) changes: an
#: index of another version is rebuilt from the database.
SCHEMA_VERSION = 6
#: The index's name in its directory (table-of-contents files `_reports_<generation>.toc`).
INDEX_NAME = "reports"
#: The file in the index directory naming the SCHEMA_VERSION the index was built with.
VERSION_FILE = "SIJILL_SCHEMA_VERSION"


def version_matches(path: Path) -> bool:
    """The index in `path` was built with this SCHEMA_VERSION (an older one is rebuilt on open)."""
    try:
        return (path / VERSION_FILE).read_text().strip() == str(SCHEMA_VERSION)
    except OSError:
        return False


def index_in_place(path: Path) -> bool:
    """An index of this schema version is in `path` (what `ArchiveIndex.open` opens without
    rebuilding), judged from its files alone: `sijill serve` checks this before starting workers."""
    return version_matches(path) and any(path.glob(f"_{INDEX_NAME}_*.toc"))


def build_schema() -> Schema:
    stem = stem_analyzer()
    surface = surface_analyzer()
    return Schema(
        # A column too: the search engine maps docnums to IDs without unpickling stored fields.
        id=ID(stored=True, unique=True, sortable=True),
        # Column only: `check` reads id → sha256 for every report without unpickling stored fields.
        sha256=TextColumn(),
        title=ArabicText(analyzer=stem, phrase=True),
        body=ArabicText(analyzer=stem, phrase=True),
        title_exact=ArabicText(analyzer=surface, phrase=False),
        body_exact=ArabicText(analyzer=surface, phrase=False),
        # YYYYMMDD as an int (0 = unknown): sortable column for newest/oldest and the timeline.
        published=NUMERIC(int, bits=32, sortable=True, signed=False),
        # Gazetteer slugs, for the neighbourhood filter and facet counts.
        places=KEYWORD(commas=True, scorable=False, lowercase=False),
        # Near-duplicate group (own id when alone), for collapse=1.
        dup_group=TextColumn(),
        # The source's own identifier (a crawler's id), matched whole and case-insensitively.
        source_id=ID(analyzer=IDAnalyzer(lowercase=True)),
        # Mentioned date ranges as packed day-number pairs (index.mentioned_bytes), column only:
        # the mentioned-date filter and timeline read them as arrays (engine.mentioned_ranges).
        mentioned=COLUMN(VarBytesColumn()),
    )
