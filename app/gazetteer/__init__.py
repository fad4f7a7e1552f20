"""Places of Aleppo and around: the gazetteer data, and tagging place mentions in text."""
