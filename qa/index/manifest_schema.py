"""The shape a generation's manifest.json must have before anything is read from it.

A manifest that is valid JSON can still be wrong: `"size": "abc"`, `"files": []`,
`"counts": "x"`, or a file entry naming `/dev/zero` or `../../etc/passwd`. `manifest_problem`
checks types and values with pydantic (strict: "12" is not a size) and that every file it
lists is a relative path inside the generation folder; the store then treats the generation
as damaged, as for a checksum that does not match.

Example:
    manifest_problem({"model": "m", "format_version": 2, "counts": "x", ...})
    # "counts: Input should be a valid dictionary"
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

NonNegative = Annotated[int, Field(ge=0)]


class FileEntry(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    size: NonNegative
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ManifestSchema(BaseModel):
    """The fields the store and the loader read; others (versions, times) may be anything."""

    model_config = ConfigDict(strict=True, extra="allow")

    format_version: int | None = None  # missing: check_format says which format to rebuild in
    model: Annotated[str, Field(min_length=1)]
    dimension: Annotated[int, Field(gt=0)] | None = None
    chunking: dict[str, int] | None = None
    counts: dict[str, NonNegative]
    files: dict[str, FileEntry] | None = None  # None (or {}): written before checksums were recorded

    @field_validator("files")
    @classmethod
    def _inside_the_folder(cls, files: dict[str, FileEntry] | None) -> dict[str, FileEntry] | None:
        for name in files or {}:
            path = PurePosixPath(name)
            if not name or "\\" in name or path.is_absolute() or ".." in path.parts or "\x00" in name:
                raise ValueError(f"file {name[:80]!r} is not a relative path inside the generation folder")
        return files


def manifest_problem(manifest: object) -> str | None:
    """What is wrong with a parsed manifest, on one line; None when its shape is right."""
    try:
        ManifestSchema.model_validate(manifest)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the manifest"
        return f"{where}: {first['msg']}"[:300]
    return None
