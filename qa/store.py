"""The index folder: generations of FAISS + SQLite + BM25 files, switched atomically.

Layout:
    index/CURRENT          name of the live generation, replaced atomically
    index/gen-000007/      manifest.json, meta.sqlite, chunks.faiss, sentence_vectors.npy,
                           sentence_ids.npy, bm25/, bm25_chunk_ids.npy
An ingest writes a new generation beside the live one and switches CURRENT only
when every file is on disk; a crash or Ctrl-C before that leaves the old one live.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .errors import IndexNotFoundError, QAError

FORMAT_VERSION = 1
CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
DATABASE_FILE = "meta.sqlite"
CHUNK_INDEX_FILE = "chunks.faiss"
SENTENCE_VECTORS_FILE = "sentence_vectors.npy"
SENTENCE_IDS_FILE = "sentence_ids.npy"
BM25_FOLDER = "bm25"
BM25_CHUNK_IDS_FILE = "bm25_chunk_ids.npy"

SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    release_id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, source TEXT NOT NULL,
    source_url TEXT, tags TEXT NOT NULL, origin TEXT NOT NULL, content_hash TEXT NOT NULL,
    text TEXT NOT NULL, title_prefix TEXT NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY AUTOINCREMENT, release_id TEXT NOT NULL, paragraph INTEGER NOT NULL,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_release ON chunks(release_id);
CREATE TABLE IF NOT EXISTS sentences (
    sentence_id INTEGER PRIMARY KEY AUTOINCREMENT, release_id TEXT NOT NULL, paragraph INTEGER NOT NULL,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_by_position ON sentences(release_id, char_start);
"""


class IndexStore:
    """One index folder: finds the live generation, reads its manifest, makes new generations.

    Example:
        store = IndexStore("index")
        manifest = store.manifest()          # raises IndexNotFoundError if nothing is built
        with store.new_generation() as folder:
            ...                             # write files into folder; on success it goes live
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)

    def exists(self) -> bool:
        return self.current_generation() is not None

    def current_generation(self) -> Path | None:
        """Folder of the live generation, or None when nothing has been built."""
        pointer = self.index_dir / CURRENT_FILE
        if not pointer.is_file():
            return None
        folder = self.index_dir / pointer.read_text().strip()
        return folder if (folder / MANIFEST_FILE).is_file() else None

    def require_generation(self) -> Path:
        folder = self.current_generation()
        if folder is None:
            if not self.index_dir.exists():
                raise IndexNotFoundError(f"index folder {str(self.index_dir)!r} does not exist; "
                                         "build it with: qa ingest corpus/ --index " + str(self.index_dir))
            raise IndexNotFoundError(f"no index is built in {str(self.index_dir)!r}; "
                                     "build it with: qa ingest corpus/ --index " + str(self.index_dir))
        return folder

    def manifest(self) -> dict:
        folder = self.require_generation()
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
        if manifest.get("format_version") != FORMAT_VERSION:
            raise QAError(f"index {str(self.index_dir)!r} has format {manifest.get('format_version')}, "
                          f"this version reads format {FORMAT_VERSION}; rebuild it with qa ingest")
        return manifest

    @contextmanager
    def locked(self):
        """Holds the folder's write lock: one ingest at a time."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / ".lock", "w") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise QAError(f"another ingest is writing to {str(self.index_dir)!r}; "
                              "wait for it to finish") from None
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    @contextmanager
    def new_generation(self):
        """A folder for the next generation, seeded with a copy of the live one's files.

        The caller writes into it; when the block ends without an error it becomes live.
        """
        live = self.current_generation()
        number = _generation_number(live) + 1 if live else 1
        staging = self.index_dir / f"gen-{number:06d}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        if live:
            shutil.copytree(live, staging)
        else:
            staging.mkdir(parents=True)
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        final = staging.with_suffix("")
        shutil.rmtree(final, ignore_errors=True)
        _fsync_tree(staging)
        staging.rename(final)
        _write_atomically(self.index_dir / CURRENT_FILE, final.name + "\n")
        self._remove_old_generations(keep={final.name, live.name if live else ""})

    def _remove_old_generations(self, keep: set[str]) -> None:
        # The previous generation stays one round: a process that opened it keeps working.
        for folder in self.index_dir.glob("gen-*"):
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)


def connect(folder: Path, read_only: bool = False) -> sqlite3.Connection:
    """The metadata database of a generation folder, schema created if missing."""
    path = folder / DATABASE_FILE
    if read_only:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        connection = sqlite3.connect(path)
        connection.executescript(SCHEMA)
    connection.row_factory = sqlite3.Row
    return connection


def write_manifest(folder: Path, manifest: dict) -> None:
    _write_atomically(folder / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _generation_number(folder: Path) -> int:
    return int(folder.name.split("-")[1])


def _write_atomically(path: Path, content: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
