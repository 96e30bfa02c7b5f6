"""The index folder: generations of FAISS + SQLite + BM25 files, switched atomically.

Layout:
    index/CURRENT          name of the live generation, replaced atomically
    index/gen-000007/      manifest.json, meta.sqlite, chunks.faiss, sentence_vectors.npy,
                           sentence_ids.npy, bm25/, bm25_chunk_ids.npy
An ingest writes a new generation beside the live one, records every file's size and
SHA-256 in its manifest, and switches CURRENT only when the files on disk match; a crash
or Ctrl-C before that leaves the old one live.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qa.errors import IndexDamagedError, IndexNotFoundError, QAError
from qa.index.manifest import check_format, verify, write_atomically

CURRENT_FILE = "CURRENT"
DATABASE_FILE = "meta.sqlite"
CHUNK_INDEX_FILE = "chunks.faiss"
SENTENCE_VECTORS_FILE = "sentence_vectors.npy"
SENTENCE_IDS_FILE = "sentence_ids.npy"
BM25_FOLDER = "bm25"
BM25_CHUNK_IDS_FILE = "bm25_chunk_ids.npy"
_GENERATION = re.compile(r"gen-\d{6}")

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
CREATE TABLE IF NOT EXISTS entities (
    release_id TEXT NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, label TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entities_by_position ON entities(release_id, char_start);
"""


@dataclass(frozen=True)
class LiveGeneration:
    """The generation queries are answered from, and why it is not the one CURRENT names, if so."""

    folder: Path
    manifest: dict
    warnings: tuple[str, ...] = ()  # one line each: a damaged generation passed over, a lost pointer


class IndexStore:
    """One index folder: finds the live generation, checks it, makes new generations.

    A generation is live when CURRENT names it and its files match its manifest (sizes,
    and checksums of files under manifest.CHEAP_CHECKSUM_BYTES; `verify` with checksums=True checks
    all). A damaged or missing live generation falls back to the newest one that verifies,
    with a warning; no generation is ever deleted because a pointer or manifest is missing.

    Example:
        store = IndexStore("index")
        live = store.live()                  # raises IndexNotFoundError / IndexDamagedError
        with store.new_generation(live.folder) as folder:
            ...                             # write files into folder; on success it goes live
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)

    def exists(self) -> bool:
        """True when the folder holds any generation or pointer, readable or not."""
        return (self.index_dir / CURRENT_FILE).is_file() or bool(self.generations())

    def generations(self) -> list[Path]:
        """Finished generation folders, newest first (staging folders excluded)."""
        if not self.index_dir.is_dir():
            return []
        found = [path for path in self.index_dir.glob("gen-*") if path.is_dir() and _GENERATION.fullmatch(path.name)]
        return sorted(found, key=_generation_number, reverse=True)

    def pointer(self) -> Path | None:
        """The generation folder CURRENT names, or None when CURRENT is missing or names nothing."""
        pointer = self.index_dir / CURRENT_FILE
        try:
            name = pointer.read_text().strip()
        except (OSError, UnicodeDecodeError):
            return None
        folder = self.index_dir / name
        return folder if _GENERATION.fullmatch(name) and folder.is_dir() else None

    def live(self, checksums: bool | None = None, failed: dict[Path, str] | None = None) -> LiveGeneration:
        """The generation to answer from: CURRENT's if it verifies, else the newest that does.

        `failed` names generations already found damaged by loading them, with the reason.
        """
        failed = failed or {}
        named = self.pointer()
        candidates = ([named] if named else []) + [g for g in self.generations() if g != named]
        warnings, damaged = [], []
        if not (self.index_dir / CURRENT_FILE).is_file() and candidates:
            warnings.append(f"{CURRENT_FILE} is missing in {str(self.index_dir)!r}")
        for folder in candidates:
            manifest, problems = ({}, [failed[folder]]) if folder in failed else verify(folder, checksums)
            if not problems:
                if damaged:
                    warnings.append(f"answering from {folder.name}, the newest generation that verifies "
                                    f"(updated {manifest.get('updated_at', 'at an unknown time')})")
                return LiveGeneration(folder, manifest, tuple(warnings + damaged))
            damaged.append(f"generation {folder.name} is damaged: {problems[0]}")
        if not candidates:
            raise IndexNotFoundError(self._not_built_message())
        raise IndexDamagedError(f"{damaged[0]}; no generation of {str(self.index_dir)!r} verifies. Rebuild it "
                                f"with: qa ingest corpus/ --index {self.index_dir} --rebuild "
                                "(the damaged generations are kept)")

    def _not_built_message(self) -> str:
        if not self.index_dir.exists():
            return (f"index folder {str(self.index_dir)!r} does not exist; "
                    f"build it with: qa ingest corpus/ --index {self.index_dir}")
        return f"no index is built in {str(self.index_dir)!r}; build it with: qa ingest corpus/ --index {self.index_dir}"

    def current_generation(self) -> Path | None:
        """Folder of the live generation, or None when nothing readable has been built."""
        try:
            return self.live().folder
        except QAError:
            return None

    def manifest(self) -> dict:
        manifest = self.live().manifest
        check_format(self.index_dir, manifest)
        return manifest

    def pointer_stamp(self) -> tuple | None:
        """What changes when CURRENT is replaced (os.replace gives a new inode); None without one."""
        try:
            info = (self.index_dir / CURRENT_FILE).stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def repair_pointer(self, live: LiveGeneration) -> None:
        """Points CURRENT at `live` when it named nothing or a damaged generation (writers only)."""
        if self.pointer() != live.folder:
            write_atomically(self.index_dir / CURRENT_FILE, live.folder.name + "\n")

    def locked(self):
        """Holds the folder's write lock: one ingest at a time."""
        return write_lock(self.index_dir / ".lock", repr(str(self.index_dir)))

    @contextmanager
    def new_generation(self, base: Path | None, keep: Path | None = None):
        """A folder for the next generation, seeded with a copy of `base`'s files (None: empty).

        The caller writes into it, manifest last; when the block ends without an error and
        every file matches the manifest, it becomes live. `base` (or `keep`) stays one round:
        a process that opened it keeps working. Generations older than it are removed; newer
        ones (damaged, passed over) are kept, since they may hold releases `base` lacks.
        """
        self._remove_staging()
        numbers = [_generation_number(folder) for folder in self.generations()]
        staging = self.index_dir / f"gen-{max(numbers, default=0) + 1:06d}.partial"
        if base:
            shutil.copytree(base, staging)
        else:
            staging.mkdir(parents=True)
        try:
            yield staging
            _fsync_tree(staging)
            _, problems = verify(staging, checksums=True)
            if problems:
                raise IndexDamagedError(f"the new generation did not verify ({problems[0]}); "
                                        "the index was left as it was")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        final = staging.with_suffix("")
        staging.rename(final)
        write_atomically(self.index_dir / CURRENT_FILE, final.name + "\n")
        self._remove_replaced(base or keep, final)

    def discard_staging(self) -> None:
        """Removes unfinished generation folders (`gen-*.partial`), which are never live."""
        self._remove_staging()

    def _remove_staging(self) -> None:
        for folder in self.index_dir.glob("gen-*.partial"):  # left by a crash: never live
            shutil.rmtree(folder, ignore_errors=True)

    def _remove_replaced(self, previous: Path | None, final: Path) -> None:
        """Removes generations older than `previous` that `final` provably replaces: those in its
        lineage (each built from the one before, as manifests' "built_from" say), or, for
        generations written before lineage was recorded, whose every release `final` holds."""
        if previous is None:
            return
        lineage, final_ids = self.lineage(final), None
        for folder in self.generations():
            if folder in (previous, final) or _generation_number(folder) >= _generation_number(previous):
                continue
            if folder.name not in lineage:
                final_ids = final_ids if final_ids is not None else release_ids(final)
                held = release_ids(folder)
                if held is None or final_ids is None or not held <= final_ids:
                    continue  # not provably replaced: kept, and listed by qa check
            shutil.rmtree(folder, ignore_errors=True)

    def lineage(self, folder: Path) -> set[str]:
        """Names of the generations `folder` was built from, one after another, itself included;
        the chain stops at a generation whose manifest cannot be read."""
        names, current = set(), folder
        while current is not None and current.name not in names:
            names.add(current.name)
            manifest, _ = verify(current, checksums=False)  # {} when it cannot be read
            base = manifest.get("built_from")
            current = self.index_dir / base if isinstance(base, str) and _GENERATION.fullmatch(base) else None
        return names

    def damaged_generations(self, checksums: bool | None = None) -> list[tuple[str, str]]:
        """(name, first problem) of every generation whose files do not match its manifest."""
        found = []
        for folder in self.generations():
            _, problems = verify(folder, checksums)
            if problems:
                found.append((folder.name, problems[0]))
        return found

    def releases_beyond(self, live: Path) -> list[tuple[str, list[str] | None]]:
        """Other generations holding releases `live` lacks: (name, those release ids), or
        (name, None) for a generation whose releases cannot be read. Newest first."""
        live_ids = release_ids(live) or set()
        found = []
        for folder in self.generations():
            if folder == live:
                continue
            held = release_ids(folder)
            if held is None or held - live_ids:
                found.append((folder.name, None if held is None else sorted(held - live_ids)))
        return found

    def unaccounted_for(self, live: LiveGeneration, brought: set[str] = frozenset()) -> str | None:
        """Why building on `live` could lose releases, or None: a newer generation (one passed
        over as damaged) that holds releases neither `live` nor `brought` (the ingest's own) hold,
        or whose releases cannot be read."""
        newer = [(name, ids if ids is None else [i for i in ids if i not in brought])
                 for name, ids in self.releases_beyond(live.folder)
                 if _generation_number(self.index_dir / name) > _generation_number(live.folder)]
        newer = [(name, ids) for name, ids in newer if ids is None or ids]
        if not newer:
            return None
        name, ids = newer[0]
        held = ("cannot be read to prove it holds nothing more" if ids is None
                else f"holds {len(ids)} release{'s' * (len(ids) != 1)} it lacks ({', '.join(ids[:3])}"
                     f"{' ...' if len(ids) > 3 else ''})")
        return (f"generation {name} is newer than {live.folder.name}, the newest that verifies, and {held}; "
                f"qa ingest will not build on {live.folder.name} and lose them. Restore {name}'s files, or rebuild "
                f"from your release files with: qa ingest YOUR-RELEASES --index {self.index_dir} --rebuild "
                f"({name} is kept)")


@contextmanager
def write_lock(path: Path, what: str):
    """An exclusive lock on the file `path` (made if missing) while the block runs; held by
    another ingest, a QAError naming `what` the ingest writes to."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise QAError(f"another ingest is writing to {what}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


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


def release_ids(folder: Path) -> set[str] | None:
    """The ids of the releases a generation's database holds, or None when it cannot be read."""
    if not (folder / DATABASE_FILE).is_file():
        return None
    try:
        connection = connect(folder, read_only=True)
        try:
            return {row[0] for row in connection.execute("SELECT release_id FROM releases")}
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _generation_number(folder: Path) -> int:
    return int(folder.name.split("-")[1])


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
