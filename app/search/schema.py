"""The Whoosh schema.

Two field families over the same text: `title`/`body` hold light stems (recall), and
`title_exact`/`body_exact` hold folded surface forms, so an exact form can outrank a stem match.
Stored fields are kept slim (id and sha256 only): snippets and pages read the text from the database.
"""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from app.arabic.analyzer import stem_analyzer, surface_analyzer

#: Bumped whenever the analysis or schema changes: an index of another version is rebuilt.
SCHEMA_VERSION = 1


def build_schema() -> Schema:
    stem = stem_analyzer()
    surface = surface_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        sha256=ID(stored=True),
        title=TEXT(analyzer=stem, phrase=True),
        body=TEXT(analyzer=stem, phrase=True),
        title_exact=TEXT(analyzer=surface, phrase=False),
        body_exact=TEXT(analyzer=surface, phrase=False),
        # YYYYMMDD as an int (0 = unknown): sortable column for newest/oldest and the timeline.
        published=NUMERIC(int, bits=32, sortable=True, signed=False),
        # Gazetteer slugs, for the neighbourhood filter and facet counts.
        places=KEYWORD(commas=True, scorable=False, lowercase=False),
        # Near-duplicate group (own id when alone), for collapse=1.
        dup_group=ID(sortable=True),
    )
