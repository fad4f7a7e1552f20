"""Arabic text → index terms: pure functions, no I/O.

The pieces are small and separately tested so that the search index, the gazetteer tagger, the
date extractor and the relevance benchmark all see Arabic the same way:

- `normalise`  what "the same letters" means (diacritics, hamza/alef forms, ya, ta marbuta, digits)
- `tokenize`   where words start and end, with offsets into the *original* text (for highlighting)
- `stem`       light prefix/suffix stripping (light10 style), never root extraction
- `stopwords`  a curated list: function words only, real words such as حي and أمس stay searchable
- `analyzer`   the Whoosh `Tokenizer | Filter` chains built from the above
"""
