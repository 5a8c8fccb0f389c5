"""Retrieval: rankings (BM25, dense, fused), clause references and document mentions."""
