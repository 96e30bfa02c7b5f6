"""Retrieval: dense and BM25 top-k fused by reciprocal rank, with filters."""
