"""A fast, deterministic stand-in for the embedding model, for unit tests.

Each word is hashed to a fixed random unit vector; a text's vector is the normalised
sum of its words' vectors, so texts sharing words are similar, as with a real model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

WORD = re.compile(r"\w+")


class FakeEmbedder:
    model_name = "fake-hash-embedder"
    dimension = 384
    max_content_tokens = 126

    def __init__(self):
        self.embedded_texts: list[str] = []

    def count_tokens(self, texts):
        return [len(WORD.findall(text)) for text in texts]

    def embed_queries(self, texts):
        return np.vstack([self._vector(text) for text in texts])

    def embed_passages(self, texts, sentence_spans):
        self.embedded_texts.extend(texts)
        chunk_vectors = self.embed_queries(texts)
        sentence_vectors = [np.vstack([self._vector(text[start:end]) for start, end in spans])
                            for text, spans in zip(texts, sentence_spans)]
        return chunk_vectors, sentence_vectors

    def _vector(self, text: str) -> np.ndarray:
        total = np.zeros(self.dimension, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            total += np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        norm = np.linalg.norm(total)
        return total / norm if norm else total
