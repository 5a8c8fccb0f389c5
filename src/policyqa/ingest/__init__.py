"""Ingest: documents in; cleaned text with source offsets, structure and metadata out."""
