"""The Python API: open an index, ask questions, get typed, cited answers."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from qa.index.batching import QueryBatcher
from qa.config import Settings
from qa.index.embedder import canonical_model_name
from qa.errors import IndexDamagedError, ModelMismatchError, QAError, validate_text
from qa.ingest.converters import one_line
from qa.ingest.pipeline import Ingestor, IngestReport
from qa.answer.extractive import AnswerTrace, ExtractiveAnswerer
from qa.language.question import QuestionAnalyzer
from qa.records import Answer, Hit
from qa.search.retriever import Filters, Retriever
from qa.index.location import StoreLocation
from qa.index.snapshot import IndexSnapshot
from qa.index.store import IndexStore


@dataclass(frozen=True)
class _Stages:
    """The stages that answer from one generation of the index."""

    snapshot: IndexSnapshot
    retriever: Retriever
    analyzer: QuestionAnalyzer
    answerer: ExtractiveAnswerer


@dataclass(frozen=True)
class IndexStatus:
    """What the index holds, for the status line of the app and `qa status`."""

    index_dir: str
    releases: int
    chunks: int
    sentences: int
    model: str
    updated_at: str
    generation: str = ""  # the folder answers come from
    warnings: tuple[str, ...] = ()  # a damaged generation passed over, a lost pointer

    @classmethod
    def from_manifest(cls, index_dir: str | Path, manifest: dict, warnings: tuple[str, ...] = (),
                      generation: str = "") -> "IndexStatus":
        counts = manifest["counts"]
        return cls(str(index_dir), counts["releases"], counts["chunks"], counts["sentences"],
                   manifest["model"], manifest["updated_at"], generation, tuple(warnings))

    @classmethod
    def read(cls, index_dir: str | Path | StoreLocation, checksums: bool | None = None) -> "IndexStatus":
        """The status of an index (a folder or a StoreLocation) without loading the model; a
        folder's files are checked against the manifest (sizes, and checksums as
        `IndexStore.live` does)."""
        location = index_dir if isinstance(index_dir, StoreLocation) else StoreLocation("faiss", str(index_dir))
        manifest, warnings, generation = location.status(checksums)
        return cls.from_manifest(location.target if location.is_folder else location.describe(), manifest,
                                 warnings, generation)


class Assistant:
    """Question answering over an index of press releases.

    Example:
        assistant = Assistant.open("index")
        answer = assistant.ask("Who co-chaired the meeting?")
        print(answer.answer, answer.short_answer, answer.citations[0].title)
    """

    def __init__(self, snapshot: IndexSnapshot, embedder, settings: Settings):
        self.embedder = embedder
        self.query_encoder = QueryBatcher(embedder.embed_queries)  # questions asked at once share a pass
        self.settings = settings
        self._reload_lock = threading.Lock()
        self.location = StoreLocation.of(settings)
        self._pointer_stamp = self.location.stamp()
        self._previous: IndexSnapshot | None = None
        self._damaged: dict[Path, str] = {}  # generations found damaged while answering, with the reason
        self._stages = self._build_stages(snapshot)

    # One question reads one generation: the stages are swapped together, never one by one.
    snapshot = property(lambda self: self._stages.snapshot)
    retriever = property(lambda self: self._stages.retriever)
    analyzer = property(lambda self: self._stages.analyzer)
    answerer = property(lambda self: self._stages.answerer)

    @classmethod
    def open(cls, index_dir: str | Path | None = None, settings: Settings | None = None,
             embedder=None) -> "Assistant":
        """Loads the index and its embedding model; fails if the configured model differs."""
        settings = settings or Settings.from_env()
        if index_dir is not None:
            settings = replace(settings, index_dir=Path(index_dir), store=None)
        location = StoreLocation.of(settings)
        snapshot = location.open_snapshot()
        built_with = snapshot.manifest["model"]
        if settings.model and canonical_model_name(settings.model) != built_with:
            raise ModelMismatchError(
                f"index {location.describe()!r} was built with model {built_with!r}, but the model "
                f"configured is {canonical_model_name(settings.model)!r}; configure {built_with!r} "
                "or rebuild the index with qa ingest --rebuild")
        if embedder is None:
            from qa.index.embedder import Embedder

            embedder = Embedder(built_with, device=settings.device, batch_size=settings.batch_size,
                                precision=settings.precision, query_threads=settings.query_threads)
        if embedder.model_name != built_with:
            raise ModelMismatchError(f"index {location.describe()!r} was built with model {built_with!r}, "
                                     f"the embedder given uses {embedder.model_name!r}")
        return cls(snapshot, embedder, settings)

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None) -> Answer:
        """Answers from the releases, with citations; `found` is False when they don't say."""
        return self.ask_with_trace(question, k, filters)[0]

    def ask_with_trace(self, question: str, k: int | None = None,
                       filters: Filters | None = None) -> tuple[Answer, AnswerTrace]:
        """The answer and what the answer stage decided on the way (`qa ask --explain`): the
        trace is kept for every question, so explaining never changes the answer."""
        question = validate_text(question, "question")
        return self._on_intact_generation(lambda stages: self._ask(stages, question, k, filters))

    def _ask(self, stages: _Stages, question: str, k: int | None,
             filters: Filters | None) -> tuple[Answer, AnswerTrace]:
        started = time.perf_counter()
        query_vector = self.query_encoder.encode(question)
        encoded = time.perf_counter()
        k = self.settings.top_k if k is None else k
        hits = stages.retriever.search(question, query_vector, k, filters)
        retrieved = time.perf_counter()
        answer, trace = stages.answerer.answer_with_trace(question, query_vector, hits)
        answered = time.perf_counter()
        # "retrieve" includes "encode" (the question's vector), kept so for `qa ask --json` readers.
        timings = {"retrieve": round((retrieved - started) * 1000, 2),
                   "answer": round((answered - retrieved) * 1000, 2),
                   "encode": round((encoded - started) * 1000, 2)}
        answer = replace(answer, timings_ms=timings)
        trace.hits = hits
        if self.settings.generator and (generative := self._generative()) is not None:
            # The extractive answer is the fallback whenever the generated one fails or isn't supported.
            answer = generative.answer(question, hits, answer, stages.snapshot)
        return answer, trace

    def _generative(self):
        """The generative answerer, made on first use; None when the configured generator is "none"."""
        if not hasattr(self, "_generative_answerer"):
            from qa.answer.generative import GenerativeAnswerer

            self._generative_answerer = GenerativeAnswerer.from_settings(self.settings, self.embedder)
        return self._generative_answerer

    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """The fused top-k chunks for a question, without answering."""
        question = validate_text(question, "question")
        query_vector = self.embedder.embed_queries([question])[0]
        return self.retriever.search(question, query_vector, self.settings.top_k if k is None else k, filters)

    def talking_points(self, topic: str, k: int = 6, filters: Filters | None = None, order: str = "newest"):
        """Up to k cited points on a topic, each a sentence of a release, no two alike.

        `order` is "newest" (newest release first) or "release" (grouped by release);
        fewer than k points come back when the releases hold fewer relevant sentences.
        Returns a `qa.briefing.talking_points.Briefing`.
        """
        from qa.briefing.talking_points import TalkingPointsBuilder
        from qa.briefing.timings import topic_timings

        started = time.perf_counter()
        topic = validate_text(topic, "topic")
        topic_vector = self.embedder.embed_queries([topic])[0]
        embedded = time.perf_counter()

        def build(stages: _Stages):
            builder = TalkingPointsBuilder.from_settings(self.settings, stages.snapshot, stages.retriever,
                                                         stages.analyzer)
            return builder.build(topic, topic_vector, k=k, filters=filters, order=order)

        return replace(self._on_intact_generation(build), timings_ms=topic_timings(started, embedded))

    def timeline(self, topic: str, filters: Filters | None = None, limit: int = 20):
        """The releases on a topic, oldest first, each with its most relevant sentence, cited.

        Returns a `qa.briefing.timeline.Timeline`.
        """
        from qa.briefing.timeline import TimelineBuilder
        from qa.briefing.timings import topic_timings

        started = time.perf_counter()
        topic = validate_text(topic, "topic")
        topic_vector = self.embedder.embed_queries([topic])[0]
        embedded = time.perf_counter()

        def build(stages: _Stages):
            builder = TimelineBuilder.from_settings(self.settings, stages.snapshot, stages.retriever, stages.analyzer)
            return builder.build(topic, topic_vector, filters=filters, limit=limit)

        return replace(self._on_intact_generation(build), timings_ms=topic_timings(started, embedded))

    def ingest(self, paths: list[str | Path], progress: bool = False) -> IngestReport:
        """Adds or updates releases in this index and answers from them right away."""
        report = Ingestor(self.settings, embedder=self.embedder, progress=progress).run(paths)
        self.reload()
        return report

    def reload(self) -> bool:
        """Switches to the live generation if an ingest replaced it; True when it switched.

        Questions already running finish on the generation they started with; its files
        stay open one more round (as the store keeps the folder one round).
        """
        with self._reload_lock:
            self._pointer_stamp = self.location.stamp()
            if self.location.is_folder:
                live = IndexStore(self.location.target).live(failed=self._damaged)
                if live.folder == self.snapshot.folder:
                    return False
                snapshot = self.location.open_snapshot(live, failed=self._damaged)
            else:
                snapshot = self.location.open_snapshot()
                if snapshot.location == self.snapshot.location:
                    return False
            if self._previous is not None:
                self._previous.close()
            self._previous, self._stages = self.snapshot, self._build_stages(snapshot)
            return True

    def refresh(self) -> bool:
        """Reloads when CURRENT changed since the last look (an ingest by the CLI or another
        process): one stat of a small file, cheap enough to call before every question."""
        if self.location.stamp() == self._pointer_stamp:
            return False
        return self.reload()

    def _on_intact_generation(self, work):
        """`work(stages)`; when a file of the generation fails to read while answering (damaged
        under a running app), that generation is marked damaged, the newest one that verifies
        takes over, and `work` runs again on it (its warnings say so in `status()`). Each round passes
        over one more generation, until one answers or none is left (IndexDamagedError)."""
        while True:
            stages = self._stages
            try:
                return work(stages)
            except sqlite3.DatabaseError as error:
                self._fall_back(stages, error)

    def _fall_back(self, stages: _Stages, error: Exception) -> None:
        """Passes over the damaged generation of `stages`; IndexDamagedError when none other verifies."""
        if not self.location.is_folder:
            raise IndexDamagedError(f"the index could not be read ({one_line(error)}); run qa check") from None
        with self._reload_lock:
            if self._stages is not stages:  # another question already switched
                return
            folder = stages.snapshot.folder
            self._damaged[folder] = f"{one_line(error)} (found while answering)"
            try:
                live = IndexStore(self.location.target).live(failed=self._damaged)
                snapshot = self.location.open_snapshot(live, failed=self._damaged)
            except QAError as failure:
                raise IndexDamagedError(f"generation {folder.name} is damaged ({one_line(error)}) and {failure}") \
                    from None
            self._previous, self._stages = self.snapshot, self._build_stages(snapshot)

    def status(self) -> IndexStatus:
        where = self.location.target if self.location.is_folder else self.location.describe()
        return IndexStatus.from_manifest(where, self.snapshot.manifest, self.snapshot.warnings,
                                         self.snapshot.location)

    def _build_stages(self, snapshot: IndexSnapshot) -> "_Stages":
        """Each stage from its section of the settings, over one generation of the index."""
        return _Stages(snapshot, Retriever.from_settings(self.settings, snapshot), QuestionAnalyzer(),
                       ExtractiveAnswerer.from_settings(self.settings, snapshot))
