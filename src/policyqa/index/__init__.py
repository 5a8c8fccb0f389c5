"""The index: built from the corpus once, loaded read-only; BM25, dense vectors, encoders."""
