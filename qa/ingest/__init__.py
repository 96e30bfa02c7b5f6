"""Ingest: read release files, clean them, split sentences, chunk, tag entities, and write an index generation."""
