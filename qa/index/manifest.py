"""The manifest of an index generation: its format version and every file's size and SHA-256.

A generation is intact when its files match its manifest; `verify` says what does not.
The manifest is written last, atomically, once every other file of the generation is.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from qa.errors import IndexFormatError
from qa.index.manifest_schema import manifest_problem

FORMAT_VERSION = 2  # 2: named entities of each sentence (table entities)
MANIFEST_FILE = "manifest.json"
# Opening an index checks the SHA-256 of files up to this size (all of them for the 751
# releases' 25 MB); bigger files only by size. `qa check` checks every file.
CHEAP_CHECKSUM_BYTES = 64 * 1024 * 1024


def check_format(index_dir: Path, manifest: dict) -> None:
    """Refuses an index written in another format, saying how to rebuild it."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexFormatError(f"index {str(index_dir)!r} has format {manifest.get('format_version')}, this version "
                               f"reads format {FORMAT_VERSION} (it stores each sentence's named entities); rebuild it: "
                               f"qa ingest YOUR-RELEASES --index {index_dir} --rebuild")


def verify(folder: Path, checksums: bool | None = None) -> tuple[dict, list[str]]:
    """A generation's manifest and what does not match it; no problems means it is intact.

    checksums: True checks every file's SHA-256, False only sizes, None (the default) sizes
    of all and checksums of files under CHEAP_CHECKSUM_BYTES. A manifest written before
    checksums were recorded (no "files") is accepted as it is; one of the wrong shape (types,
    paths outside the folder) is a problem, like a file that does not match.
    """
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except FileNotFoundError:
        return {}, [f"{MANIFEST_FILE} is missing"]
    except (OSError, ValueError) as error:
        return {}, [f"{MANIFEST_FILE} cannot be read ({type(error).__name__})"]
    if not isinstance(manifest, dict) or "counts" not in manifest or "model" not in manifest:
        return {}, [f"{MANIFEST_FILE} is not an index manifest"]
    problem = manifest_problem(manifest)
    if problem:
        return {}, [f"{MANIFEST_FILE} is not valid ({problem})"]
    problems = []
    for name, expected in sorted(manifest.get("files", {}).items()):
        problem = _file_problem(folder / name, expected, checksums)
        if problem:
            problems.append(f"{name}: {problem}")
    return manifest, problems


def file_digests(folder: Path) -> dict[str, dict]:
    """Size and SHA-256 of every file of a generation but the manifest, by relative path."""
    return {path.relative_to(folder).as_posix(): {"size": path.stat().st_size, "sha256": _sha256(path)}
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MANIFEST_FILE}


def _file_problem(path: Path, expected: dict, checksums: bool | None) -> str | None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "missing"
    if not stat.S_ISREG(info.st_mode):  # a link or device (/dev/zero) would be read without end
        return "not a regular file"
    size = info.st_size
    if size != expected["size"]:
        return f"{size:,} bytes, the manifest says {expected['size']:,} (truncated or replaced)"
    if checksums or (checksums is None and size <= CHEAP_CHECKSUM_BYTES):
        if _sha256(path) != expected["sha256"]:
            return "its content differs from the manifest's checksum (changed or damaged on disk)"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: dict) -> None:
    """Writes `manifest` as the generation's manifest.json, atomically (write it last)."""
    write_atomically(folder / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def write_atomically(path: Path, content: str) -> None:
    """Replaces `path` with `content` in one step: a reader sees the old file or the new one."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
