"""A full disk while writing a generation: one line naming the folder and the space needed.

The writer copies the live generation and adds the new releases beside it, so the folder
needs about the live generation's size again, plus the new vectors; `disk_full_message`
says how much that is and how much is free.

Example:
    try:
        write_generation()
    except OSError as error:
        if is_disk_full(error):
            raise IngestError(disk_full_message(index_dir, live_folder, new_bytes)) from None
        raise
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

DISK_FULL_ERRORS = (OSError, sqlite3.OperationalError, RuntimeError)  # RuntimeError: FAISS's own writes
_FULL_WORDS = ("no space left", "disk is full", "disk quota exceeded")


def is_disk_full(error: BaseException) -> bool:
    """True for the errors a full disk (or a full quota) gives: ENOSPC, EDQUOT, SQLite's and FAISS's words."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, DISK_FULL_ERRORS) and any(words in str(error).lower() for words in _FULL_WORDS)


def folder_bytes(folder: Path | None) -> int:
    """Bytes of the files under `folder` (0 for None or a folder that is gone)."""
    if folder is None:
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def disk_full_message(index_dir: Path, base: Path | None, new_bytes: int) -> str:
    """"the disk holding 'index' is full: ... needs about 41 MB free, 3 MB are" (one line)."""
    needed = folder_bytes(base) + new_bytes
    try:
        free = f"{shutil.disk_usage(index_dir).free / 1e6:,.0f} MB are"
    except OSError:
        free = "the free space could not be read"
    return (f"the disk holding {str(index_dir)!r} is full: a new generation needs about {needed / 1e6:,.0f} MB free "
            f"(a copy of the live one and the new releases), {free}; free some space and run qa ingest again "
            "(the index was left as it was)")
