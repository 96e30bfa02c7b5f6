"""Which stored release an incoming one is: the same release is replaced, a different one is added.

A JSONL line (or a file whose front matter gives `doc_id`/`id`) is identified by that id. A
file without one is identified by the file itself: the same file read from another folder
keeps the id it was first stored under, and a different file whose path-derived id is taken
("statement.txt" from a/2021/ and from a/2022/) gets its parent folders in front until the id
is free ("2022/statement.txt"), so two files are never merged into one release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import PurePosixPath

from qa.records import Release


def is_file_identified(release: Release) -> bool:
    """True when the release's id is its file's path (not an id given in the file)."""
    origin = release.origin.replace("\\", "/")
    return bool(origin) and (origin == release.release_id or origin.endswith("/" + release.release_id))


class ReleaseIdentity:
    """Assigns incoming releases their ids against what the index already stores.

    Example:
        identity = ReleaseIdentity({"statement.txt": "/data/a/2021/statement.txt"})
        identity.assign([release_from_a_2022])[0].release_id   # "2022/statement.txt"
    """

    def __init__(self, stored_origins: dict[str, str]):
        self.origins = dict(stored_origins)  # release_id -> origin, of stored releases
        self.by_origin = {origin: release_id for release_id, origin in stored_origins.items() if origin}

    def assign(self, releases: Iterable[Release]) -> list[Release]:
        assigned = []
        for release in releases:
            if is_file_identified(release):
                release = self._file_release(release)
            self.origins[release.release_id] = release.origin
            assigned.append(release)
        return assigned

    def _file_release(self, release: Release) -> Release:
        release_id = self.by_origin.get(release.origin) or self._free_id(release)
        self.by_origin[release.origin] = release_id
        return replace(release, release_id=release_id) if release_id != release.release_id else release

    def _free_id(self, release: Release) -> str:
        """The path-derived id, or with as many parent folders in front as make it free."""
        origin = release.origin.replace("\\", "/")
        folders = [part for part in PurePosixPath(origin[: -len(release.release_id)]).parts if part != "/"]
        candidates = ["/".join(folders[len(folders) - taken:] + [release.release_id])
                      for taken in range(len(folders) + 1)]
        candidates += [f"{release.release_id}~{number}" for number in range(2, 10_000)]
        return next(candidate for candidate in candidates if self.origins.get(candidate, release.origin) == release.origin)
