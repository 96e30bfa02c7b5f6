"""Ingest: read release files, embed only what is new or changed, write a new index generation."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from qa.ingest.chunker import Chunker
from qa.config import ChunkingSettings, Settings
from qa.index.embedder import canonical_model_name
from qa.errors import IndexDamagedError, IndexNotFoundError, IngestError, ModelMismatchError
from qa.ingest.entities import EntityTagger
from qa.ingest.identity import ReleaseIdentity
from qa.index.writer import IndexWriter, PreparedRelease, embed_prepared
from qa.ingest.reader import ReleaseReader
from qa.records import ReadError, Release
from qa.index.location import StoreLocation
from qa.index.manifest import check_format
from qa.index.store import IndexStore, LiveGeneration, connect


@dataclass
class IngestReport:
    """What an ingest did; `summary()` is the line the CLI prints."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the index's state: a damaged generation passed over
    notes: list[str] = field(default_factory=list)  # releases read, but not as usual ("kept the text whole")
    chunks_embedded: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def to_dict(self) -> dict:
        """The `qa ingest --json` object."""
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "unchanged": self.unchanged,
                "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in self.errors],
                "warnings": self.warnings, "notes": self.notes, "chunks_embedded": self.chunks_embedded,
                "seconds": round(self.seconds, 3)}

    @classmethod
    def from_dict(cls, data: dict) -> "IngestReport":
        errors = [ReadError(item["path"], item["message"], item.get("line")) for item in data.get("errors", [])]
        return cls(list(data.get("added", [])), list(data.get("updated", [])), list(data.get("removed", [])),
                   list(data.get("unchanged", [])), errors, list(data.get("warnings", [])),
                   list(data.get("notes", [])), int(data.get("chunks_embedded", 0)), float(data.get("seconds", 0.0)))

    def summary(self) -> str:
        rate = f" ({self.chunks_embedded / self.embed_seconds:.0f} chunks/s)" if self.embed_seconds else ""
        return (f"added {len(self.added)}, updated {len(self.updated)}{_listed(self.updated)}, "
                f"removed {len(self.removed)}{_listed(self.removed)}, "
                f"skipped {len(self.unchanged)} unchanged, {len(self.errors)} errors; "
                f"embedded {self.chunks_embedded} chunks in {self.seconds:.1f} s{rate}")


class Ingestor:
    """Brings release files into an index, incrementally.

    Unchanged releases (same content hash) are skipped; releases whose file was removed
    from a folder ingested again are dropped; a file that cannot be read is reported and
    its releases already in the index are kept.

    Example:
        report = Ingestor(Settings(index_dir=Path("index"))).run(["corpus/"])
        print(report.summary())
    """

    def __init__(self, settings: Settings, embedder=None, reader: ReleaseReader | None = None,
                 progress: bool = True, engine: str = "local", ray_address: str | None = None):
        if engine not in ("local", "ray"):
            raise IngestError(f"unknown ingest engine {engine!r}; use local or ray")
        self.settings = settings
        self.location = StoreLocation.of(settings)
        # The index folder's store; a Milvus index is written by qa.index.milvus_store.
        self.store = IndexStore(self.location.target) if self.location.is_folder else None
        self.milvus = None if self.location.is_folder else self.location.milvus()
        self.reader = reader or ReleaseReader.from_settings(settings)
        self.progress = progress
        self._embedder = embedder
        # engine "ray": Ray workers read the files and chunk, tag and embed the releases, each with
        # its own model (not `embedder`; qa/ingest/ray_engine.py); planning and writing stay here.
        self.ray = None
        if engine == "ray":
            from qa.ingest.ray_engine import RayEngine

            self.ray = RayEngine(settings, address=ray_address, progress=progress)

    def run(self, paths: Sequence[str | Path], rebuild: bool = False) -> IngestReport:
        started = time.perf_counter()
        missing = [str(path) for path in paths if not Path(path).exists()]
        if missing and len(missing) == len(paths):
            raise IngestError(f"nothing to ingest: {', '.join(missing)} not found")
        result = self.ray.read(list(paths)) if self.ray else self.reader.read(list(paths), progress=self.progress)
        report = IngestReport(errors=list(result.errors), notes=[str(note) for note in result.notes])
        with (self.store or self.milvus).locked():
            live = self._live(rebuild, report) if self.store else self._milvus_live(rebuild)
            manifest = None if rebuild or live is None else live.manifest
            model_name = self._model_name(manifest)
            stored = self._stored_releases(live if manifest else None)
            releases = ReleaseIdentity({key: origin for key, (_, origin) in stored.items()}).assign(result.releases)
            if self.store and live is not None:
                self._refuse_losing_releases(live, releases, rebuild, report)
            to_embed = self._plan(releases, stored, report)
            report.removed = self._removed(stored, result, report)
            if rebuild and not to_embed and live is None:
                return report
            if to_embed or report.removed or rebuild:
                chunking = self._chunking(manifest)
                prepared = self._prepare(to_embed, chunking, report, model_name)
                drop, dimension = report.removed + report.updated, self._embedder_dimension(manifest)
                if self.milvus is not None:
                    self.milvus.write(prepared, drop, rebuild, model_name, dimension, chunking, self.progress)
                else:
                    writer = IndexWriter(self.store, model_name, dimension, chunking)
                    writer.write(prepared, drop=drop, live=live, rebuild=rebuild, progress=self.progress)
        report.seconds = time.perf_counter() - started
        return report

    @property
    def embedder(self):
        if self._embedder is None:
            from qa.index.embedder import Embedder

            self._embedder = Embedder(self.settings.model, device=self.settings.device,
                                      batch_size=self.settings.batch_size, precision=self.settings.precision,
                                      query_threads=self.settings.query_threads)
        return self._embedder

    def _model_name(self, manifest: dict | None) -> str:
        wanted = self.settings.model
        if manifest is None:
            return self._embedder.model_name if self._embedder else canonical_model_name(wanted)
        if wanted and canonical_model_name(wanted) != manifest["model"]:
            raise ModelMismatchError(
                f"index {self.location.describe()!r} was built with model {manifest['model']!r}, "
                f"not {canonical_model_name(wanted)!r}; use that model, another --index, or --rebuild")
        if self._embedder is not None and self._embedder.model_name != manifest["model"]:
            raise ModelMismatchError(f"index was built with model {manifest['model']!r}, "
                                     f"the embedder given is {self._embedder.model_name!r}")
        return manifest["model"]

    def _live(self, rebuild: bool, report: IngestReport) -> LiveGeneration | None:
        """The generation to build on; a folder holding an index that does not verify is refused."""
        if not self.store.exists():
            return None
        try:
            live = self.store.live()
        except IndexDamagedError as error:
            if rebuild:
                report.warnings.append(f"{error}; rebuilding from the files given")
                return None
            raise IndexDamagedError(f"{error}. qa ingest refuses to write into an index it cannot verify; "
                                    "give --rebuild to build a new one from the files given") from None
        except IndexNotFoundError:
            return None
        if not rebuild:
            check_format(self.store.index_dir, live.manifest)
        report.warnings.extend(live.warnings)
        self.store.repair_pointer(live)
        return live

    def _refuse_losing_releases(self, live: LiveGeneration, releases: list[Release], rebuild: bool,
                                report: IngestReport) -> None:
        """Stops an ingest that would build on `live` while a newer generation holds releases
        that neither it nor the files given hold (one whose manifest was lost, say)."""
        lost = self.store.unaccounted_for(live, {release.release_id for release in releases})
        if lost and not rebuild:
            raise IndexDamagedError(lost)
        if lost:
            report.warnings.append(lost)

    def _milvus_live(self, rebuild: bool):
        """The Milvus index's state, as a generation to build on (None: empty, or rebuilding)."""
        if rebuild or not self.milvus.exists():
            return None
        state = self.milvus.state()
        problems = self.milvus.verify(state)
        if problems:
            raise IndexDamagedError(f"{self.milvus.describe()} is damaged: {problems[0]}. qa ingest refuses to "
                                    "write on top of it; give --rebuild to build it anew from the files given")
        return LiveGeneration(Path(self.location.target), state["manifest"])

    def _stored_releases(self, live: LiveGeneration | None) -> dict[str, tuple[str, str]]:
        if live is None:
            return {}
        if self.milvus is not None:
            return self.milvus.stored_releases()
        connection = connect(live.folder, read_only=True)
        try:
            rows = connection.execute("SELECT release_id, content_hash, origin FROM releases").fetchall()
        finally:
            connection.close()
        return {row["release_id"]: (row["content_hash"], row["origin"]) for row in rows}

    @staticmethod
    def _plan(releases: list[Release], stored: dict, report: IngestReport) -> list[Release]:
        to_embed = []
        for release in releases:
            if release.release_id not in stored:
                report.added.append(release.release_id)
            elif stored[release.release_id][0] != release.content_hash:
                report.updated.append(release.release_id)
            else:
                report.unchanged.append(release.release_id)
                continue
            to_embed.append(release)
        return to_embed

    @staticmethod
    def _removed(stored: dict, result, report: IngestReport) -> list[str]:
        """Stored releases from files under the ingested paths that no longer yield them."""
        seen = set(report.added) | set(report.updated) | set(report.unchanged)
        unreadable = {error.path for error in result.errors}
        roots = [Path(root) for root in result.roots]
        removed = []
        for release_id, (_, origin) in stored.items():
            if release_id in seen or not origin or origin in unreadable:
                continue
            origin_path = Path(origin)
            if any(origin_path == root or root in origin_path.parents for root in roots):
                removed.append(release_id)
        return sorted(removed)

    def _chunking(self, manifest: dict | None) -> ChunkingSettings:
        if manifest is not None:
            return ChunkingSettings(**manifest["chunking"])
        # A new index takes settings.chunking, within what the model can embed.
        chunking = self.settings.chunking
        return replace(chunking, max_tokens=min(chunking.max_tokens, self.embedder.max_content_tokens))

    def _embedder_dimension(self, manifest: dict | None) -> int:
        return manifest["dimension"] if manifest else self.embedder.dimension

    def _tag_entities(self, prepared: list[PreparedRelease]) -> None:
        """Named entities of every sentence, tagged once here so that questions never wait for it."""
        texts = [item.sentence_texts() for item in prepared]
        tagged = EntityTagger(self.settings.ner_model).tag_iter([text for group in texts for text in group])
        with tqdm(total=sum(map(len, texts)), desc="tagging entities", unit="sentence",
                  disable=not self.progress) as bar:
            for item, group in zip(prepared, texts):
                item.set_entities([next(tagged) for _ in group])
                bar.update(len(group))

    def _prepare(self, releases: list[Release], chunking: ChunkingSettings,
                 report: IngestReport, model_name: str | None = None) -> list[PreparedRelease]:
        """Chunks and vectors for each release, embedded in batches under one progress bar."""
        if not releases:
            return []
        if self.ray is not None:  # the same work on Ray workers; a release that fails is reported and left out
            return self.ray.prepare(releases, chunking, model_name or self._model_name(None), report)
        chunker = Chunker(self.embedder.count_tokens, chunking)
        prepared = [PreparedRelease.from_chunks(release, chunker)
                    for release in tqdm(releases, desc="chunking releases", unit="release", disable=not self.progress)]
        self._tag_entities(prepared)
        embed_started = time.perf_counter()
        with tqdm(total=sum(len(item.chunks) for item in prepared), desc="embedding chunks", unit="chunk",
                  disable=not self.progress) as bar:
            report.chunks_embedded = embed_prepared(self.embedder, prepared, self.settings.batch_size * 8, bar.update)
        report.embed_seconds = time.perf_counter() - embed_started
        return prepared


def _listed(release_ids: list[str], shown: int = 5) -> str:
    """" (a, b, c and 4 more)": which releases were replaced or removed, for the summary line."""
    if not release_ids:
        return ""
    more = f" and {len(release_ids) - shown} more" if len(release_ids) > shown else ""
    return f" ({', '.join(release_ids[:shown])}{more})"
