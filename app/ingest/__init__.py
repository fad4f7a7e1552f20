"""Getting reports into the archive: read → decode → clean → identify → enrich → store + index."""
