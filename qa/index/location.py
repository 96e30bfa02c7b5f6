"""Where an index lives, from `--store` / `QA_STORE`, and the store that serves it.

    faiss:DIR                 an index folder: FAISS + bm25s + SQLite generations (the default)
    milvus-lite:PATH.db       Milvus Lite, in this process, in one file
    milvus://HOST:PORT[/NAME] a Milvus server or cluster (milvus+https:// for TLS); NAME prefixes
                              the index's collections (default releaseqa), so one server holds
                              several indexes; QA_MILVUS_TOKEN ("user:password" or an API key)
                              signs in

The retriever and the answer stage read a snapshot and never know which store made it.

Example:
    location = StoreLocation.of(settings)     # settings.store, or faiss at settings.index_dir
    snapshot = location.open_snapshot()
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from qa.errors import ConfigurationError, IndexDamagedError

KINDS = ("faiss", "milvus-lite", "milvus")
DEFAULT_NAME = "releaseqa"
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,200}")
_FORMS = "faiss:DIR, milvus-lite:PATH.db or milvus://HOST:PORT[/NAME]"


@dataclass(frozen=True)
class StoreLocation:
    kind: str  # one of KINDS
    target: str  # the folder, the .db file or the server URI
    name: str = DEFAULT_NAME  # Milvus: the prefix of the index's collections
    token: str | None = field(default=None, repr=False, compare=False)  # Milvus server sign-in

    @classmethod
    def parse(cls, spec: str) -> "StoreLocation":
        spec = spec.strip()
        if spec.startswith(("milvus://", "milvus+https://")):
            address, _, name = spec.split("://", 1)[1].rstrip("/").partition("/")
            if not address:
                raise ConfigurationError(f"store {spec!r} names no server; give {_FORMS}")
            if name and not _NAME.fullmatch(name):
                raise ConfigurationError(f"the index name in store {spec!r} must be letters, digits and _, "
                                         "starting with a letter")
            scheme = "https" if spec.startswith("milvus+https") else "http"
            return cls("milvus", f"{scheme}://{address}", name or DEFAULT_NAME)
        kind, _, target = spec.partition(":")
        if kind not in ("faiss", "milvus-lite") or not target:
            raise ConfigurationError(f"store must be one of {_FORMS}. Currently, store is {spec!r}")
        if kind == "milvus-lite" and not target.endswith(".db"):
            raise ConfigurationError(f"a Milvus Lite store is a file ending in .db, as in milvus-lite:/tmp/index.db. "
                                     f"Currently, store is {spec!r}")
        return cls(kind, str(Path(target).expanduser()))

    @classmethod
    def of(cls, settings) -> "StoreLocation":
        """settings.store, or the index folder settings.index_dir when no store is set."""
        if not settings.store:
            return cls("faiss", str(settings.index_dir))
        return replace(cls.parse(settings.store), token=settings.milvus_token)

    @property
    def is_folder(self) -> bool:
        return self.kind == "faiss"

    def describe(self) -> str:
        if self.kind != "milvus":
            return f"{self.kind}:{self.target}"
        return self.target + (f"/{self.name}" if self.name != DEFAULT_NAME else "")

    def milvus(self):
        return _milvus_index(self.target, self.name, self.token)

    def exists(self) -> bool:
        """True when an index (readable or not) is there."""
        if self.is_folder:
            from qa.index.store import IndexStore

            return IndexStore(self.target).exists()
        return self.milvus().exists()

    def open_snapshot(self, live=None, failed=None):
        """The snapshot to answer from; `failed` (folder stores): generations found damaged, with why."""
        if self.is_folder:
            from qa.index.snapshot import IndexSnapshot

            return IndexSnapshot.open(self.target, live, failed)
        from qa.index.milvus_snapshot import MilvusSnapshot

        index = self.milvus()
        state = index.state()
        problems = index.verify(state)
        if problems:
            raise IndexDamagedError(f"{index.describe()} is damaged: {problems[0]}; run qa check, and rebuild it "
                                    "with qa ingest --rebuild if it stays so")
        return MilvusSnapshot(index, state)

    def stamp(self) -> tuple | None:
        """What changes when an ingest switches the live generation: cheap enough per question."""
        if self.is_folder:
            from qa.index.store import IndexStore

            return IndexStore(self.target).pointer_stamp()
        return self.milvus().stamp()

    def status(self, checksums: bool | None = None) -> tuple[dict, tuple[str, ...], str]:
        """(manifest, warnings, generation) of the live index, without loading the model."""
        if self.is_folder:
            from qa.index.store import IndexStore

            live = IndexStore(self.target).live(checksums)
            return live.manifest, live.warnings, live.folder.name
        index = self.milvus()
        state = index.state()
        warnings = tuple(f"{index.describe()} is damaged: {problem}" for problem in index.verify(state))
        return state["manifest"], warnings, f"gen-{state['live']:06d}"


@lru_cache(maxsize=8)
def _milvus_index(target: str, name: str, token: str | None):
    """One client per store and process: Milvus Lite serves one process, and clients are costly."""
    from qa.index.milvus_store import MilvusIndex

    return MilvusIndex(target, name, token)
