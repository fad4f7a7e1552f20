"""Full-text search: the index (schema, writing, checking), query parsing, highlighting, and the
one search service that the HTML pages, the JSON API, feeds and exports all call."""
