"""Releases added from the browser: checked, saved under the corpus folder, ingested at once.

Each upload gets a safe file name inside `<corpus_dir>/uploads/` (no folders, no path
traversal, no hidden names), must have a supported extension and stay under the size
limit, and is read once in a staging folder before it replaces anything: a file that
cannot be read is reported by name with the reason, and nothing already there is lost.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.config import Settings
from qa.errors import QAError
from qa.ingest.identity import is_file_identified
from qa.ingest.pipeline import IngestReport
from qa.ingest.reader import ReleaseReader
from qa.records import ReadError

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".jsonl")
UPLOADS_FOLDER = "uploads"
_STAGING_FOLDER = ".staging"  # hidden: folder walks skip it
_MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class UploadedFile:
    """What became of one uploaded file."""

    name: str  # the name it was uploaded under
    saved_as: str | None  # path under the uploads folder, None when refused
    message: str  # for the user: what was added, or why the file was refused
    release_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.saved_as is not None


@dataclass
class UploadReport:
    """The outcome of one upload: one entry per file, in the order given."""

    files: list[UploadedFile] = field(default_factory=list)

    @property
    def added(self) -> list[UploadedFile]:
        return [file for file in self.files if file.ok]

    @property
    def refused(self) -> list[UploadedFile]:
        return [file for file in self.files if not file.ok]


class Uploads:
    """Adds uploaded release files to the corpus and the live index; `add` is the entry point.

    Example:
        report = Uploads(settings).add(assistant, ["/tmp/gradio/abc/statement.html"])
        for file in report.files:
            print(file.message)  # "statement.html: added 'Cambodia and Japan ...' (2023-03-01)"

    Raises `QAError` when uploads are turned off (`QA_ALLOW_UPLOADS=false`).
    """

    def __init__(self, settings: Settings, reader: ReleaseReader | None = None,
                 ingest: "Callable[[object, list[Path]], IngestReport] | None" = None) -> None:
        self.ingest = ingest or (lambda assistant, paths: assistant.ingest(paths))
        self.enabled = settings.allow_uploads
        self.max_bytes = settings.max_upload_mb * 1024 * 1024
        self.max_upload_mb = settings.max_upload_mb
        self.folder = Path(settings.corpus_dir) / UPLOADS_FOLDER
        self.reader = reader or ReleaseReader.from_settings(settings)

    def add(self, assistant, paths: Sequence[str | Path], names: Sequence[str] | None = None) -> UploadReport:
        """Checks, saves and ingests each file; `names` are the names shown to the user
        (default: each path's file name, which is how Gradio keeps the uploaded name)."""
        if not self.enabled:
            raise QAError("uploads are turned off on this server (QA_ALLOW_UPLOADS=false); "
                          "ask an administrator to add releases with qa ingest")
        names = list(names) if names is not None else [Path(path).name for path in paths]
        report = UploadReport()
        ready: list[_Staged] = []
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="upload-", dir=self._staging_root()))
        try:
            for number, (path, name) in enumerate(zip(paths, names)):
                checked = self._stage(Path(path), name, staging / str(number), {item.destination for item in ready})
                if isinstance(checked, UploadedFile):
                    report.files.append(checked)
                else:
                    ready.append(checked)
            report.files.extend(self._ingest(assistant, ready))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return report

    def _staging_root(self) -> Path:
        root = self.folder / _STAGING_FOLDER
        root.mkdir(exist_ok=True)
        return root

    def _stage(self, path: Path, name: str, staging: Path, reserved: set[Path]) -> "UploadedFile | _Staged":
        """A staged copy that reads as at least one release, or the reason it cannot be used."""
        try:
            safe = safe_file_name(name)
            size = path.stat().st_size
        except QAError as error:
            return UploadedFile(name, None, f"{name}: not added: {error}")
        except OSError as error:
            return UploadedFile(name, None, f"{name}: not added: cannot read the uploaded file "
                                            f"({error.strerror or error})")
        if size > self.max_bytes:
            return UploadedFile(name, None, f"{name}: not added: {size / 1024 / 1024:.1f} MB is over the "
                                            f"upload limit of {self.max_upload_mb} MB (QA_MAX_UPLOAD_MB)")
        staging.mkdir()
        staged = staging / safe
        shutil.copyfile(path, staged)
        result = self.reader.read([staged])
        problems = [_reason(error) for error in result.errors]
        problems += [note.message for note in result.notes]  # read, but kept whole: say so
        if not result.releases:
            return UploadedFile(name, None, f"{name}: not added: {'; '.join(problems) or 'no text'}")
        return _Staged(name, staged, self._destination(safe, staged.read_bytes(), reserved), result.releases,
                       problems)

    def _destination(self, safe_name: str, content: bytes, reserved: set[Path]) -> Path:
        """Where an upload goes: the file of that name holding the same bytes, else a free name.

        A different release uploaded under a name already used is saved as "name-2.txt" (then
        -3 ...), never over the earlier one.
        """
        name = Path(safe_name)
        for number in range(1, 10_000):
            candidate = safe_name if number == 1 else f"{name.stem}-{number}{name.suffix}"
            destination = (self.folder / candidate).resolve()
            if destination.parent != self.folder.resolve():  # safe_file_name already rules this out
                raise QAError(f"upload name {safe_name!r} would leave the uploads folder")
            if destination in reserved:
                continue
            if not destination.exists() or _same_content(destination, content):
                return destination
        raise QAError(f"too many uploads named {safe_name!r}; rename the file")

    def _ingest(self, assistant, ready: list["_Staged"]) -> list[UploadedFile]:
        if not ready:
            return []
        placed = []  # files this upload added to the folder: removed again if the ingest fails
        for index, item in enumerate(ready):
            if not item.destination.exists():
                placed.append(item.destination)
            os.replace(item.staged, item.destination)  # atomic; the same bytes, or a free name
            # A file's release is named after the file it was saved as, not the staged copy.
            ready[index] = replace(item, releases=[
                replace(release, release_id=item.destination.name) if is_file_identified(release) else release
                for release in item.releases])
        try:
            report = self.ingest(assistant, [item.destination for item in ready])
        except BaseException:
            # A failed upload must not come back with the next full ingest of the corpus.
            for path in placed:
                path.unlink(missing_ok=True)
            raise
        outcomes = {**{release_id: "added" for release_id in report.added},
                    **{release_id: "updated" for release_id in report.updated},
                    **{release_id: "already in the index, unchanged" for release_id in report.unchanged}}
        return [UploadedFile(item.name, str(item.destination), _added_message(item, outcomes),
                             tuple(release.release_id for release in item.releases)) for item in ready]


@dataclass(frozen=True)
class _Staged:
    """An upload that read well, waiting to be moved into the uploads folder."""

    name: str
    staged: Path
    destination: Path
    releases: list
    problems: list[str]  # JSONL lines skipped


def safe_file_name(name: str) -> str:
    """A file name that stays inside the uploads folder: its last part, plain characters only.

    Raises QAError for a name with an extension uploads do not accept.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", str(name)))[-1]
    base = _UNSAFE.sub("-", base).strip()
    suffix = next((suffix for suffix in UPLOAD_SUFFIXES if base.lower().endswith(suffix)), None)
    if suffix is None:
        shown = Path(base).suffix or "(no extension)"
        raise QAError(f"file type {shown!r} is not accepted; upload one of {', '.join(UPLOAD_SUFFIXES)}")
    stem = base[: -len(suffix)].strip(" .-")
    stem = re.sub(r"-{2,}", "-", stem)[: _MAX_NAME_CHARS - len(suffix)] or "upload"
    return stem + suffix.lower()


def _same_content(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _added_message(item: _Staged, outcomes: dict[str, str]) -> str:
    releases = item.releases
    if len(releases) == 1:
        release = releases[0]
        outcome = outcomes.get(release.release_id, "added")
        message = f"{item.name}: {outcome}: '{release.title}' ({release.date or 'undated'}), answerable now"
    else:
        counts: dict[str, int] = {}
        for release in releases:
            outcome = outcomes.get(release.release_id, "added")
            counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        message = f"{item.name}: {len(releases)} releases ({summary}), answerable now"
    if item.problems:
        message += f"; skipped {'; '.join(item.problems)}"
    return message


def _reason(error: ReadError) -> str:
    """A reader error without the server-side path: the user knows the file by its name."""
    return f"line {error.line}: {error.message}" if error.line is not None else error.message
