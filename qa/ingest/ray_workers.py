"""What Ray workers run for `qa.ingest.ray_engine`: reading one file, and preparing batches of releases.

Everything crosses between driver and workers pickled (releases, read results, prepared
releases with their float32 vectors), so what a worker computed arrives bit for bit.
"""

from __future__ import annotations

import pickle
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.config import ChunkingSettings, Settings
from qa.index.writer import PreparedRelease, embed_prepared
from qa.ingest.chunker import Chunker
from qa.ingest.converters import one_line
from qa.ingest.entities import PARALLEL_FROM, EntityTagger
from qa.ingest.reader import ReleaseReader
from qa.records import ReadError


@lru_cache(maxsize=4)
def _reader(max_chars: int | None, max_records: int | None) -> ReleaseReader:
    return ReleaseReader(max_chars=max_chars, max_records=max_records)


def read_file(row: dict, max_chars: int | None, max_records: int | None = None) -> dict:
    """One file's `ReleaseReader.read_file`, pickled; a file that breaks the reader is a ReadError."""
    file, root = Path(row["file"]), Path(row["root"])
    try:
        read = _reader(max_chars, max_records).read_file(file, root)
    except Exception as error:
        read = ([], [ReadError(str(file), f"cannot read file: {type(error).__name__}: {one_line(error)}")], [])
    return {"index": row["index"], "read": pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL)}


class Preparer:
    """A Ray actor's work: the model and tagger loaded once, then batches of releases prepared."""

    def __init__(self, settings: Settings, model_name: str, chunking: ChunkingSettings,
                 chunker_class: type[Chunker]):
        from qa.index.embedder import Embedder

        self.embedder = Embedder(model_name, device=settings.device, batch_size=settings.batch_size,
                                 precision=settings.precision)
        self.tagger = EntityTagger(settings.ner_model)
        self.chunker = chunker_class(self.embedder.count_tokens, chunking)
        self.step = settings.batch_size * 8  # chunks per model call, as the local engine

    def __call__(self, batch: dict) -> dict:
        releases = [pickle.loads(data) for data in batch["release"]]
        prepared: dict[int, PreparedRelease] = {}
        errors: dict[int, str] = {}
        for position, release in enumerate(releases):
            try:
                prepared[position] = PreparedRelease.from_chunks(release, self.chunker)
            except Exception as error:
                errors[position] = _message(error)
        for stage in (self._tag, self._embed):
            _each_or_all(stage, prepared, errors)
        return {"index": batch["index"],
                "prepared": np.array([pickle.dumps(prepared[p], protocol=pickle.HIGHEST_PROTOCOL)
                                      if p in prepared else b"" for p in range(len(releases))], dtype=object),
                "error": np.array([errors.get(p, "") for p in range(len(releases))], dtype=object)}

    def _tag(self, items: list[PreparedRelease]) -> None:
        texts = [item.sentence_texts() for item in items]
        flat = [text for group in texts for text in group]
        step = PARALLEL_FROM - 1  # in this process: Ray already runs one worker per core
        tagged = iter([found for first in range(0, len(flat), step)
                       for found in self.tagger.tag(flat[first:first + step])])
        for item, group in zip(items, texts):
            item.set_entities([next(tagged) for _ in group])

    def _embed(self, items: list[PreparedRelease]) -> None:
        """As the local engine (`embed_prepared`); vectors of a failed try are dropped first."""
        for item in items:
            item.sentence_vectors = {}
        embed_prepared(self.embedder, items, self.step)


def _each_or_all(stage, prepared: dict[int, PreparedRelease], errors: dict[int, str]) -> None:
    """`stage` on all releases at once; if it raises, on each alone, so only a release at fault is lost."""
    try:
        stage(list(prepared.values()))
        return
    except Exception:
        pass
    for position, item in list(prepared.items()):
        try:
            stage([item])
        except Exception as error:
            errors[position] = _message(error)
            del prepared[position]


def _message(error: Exception) -> str:
    return f"{type(error).__name__}: {one_line(error)}"[:300]
