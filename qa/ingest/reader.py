"""Read release files (.txt, .md, .jsonl, .jsonl.gz, .html, .htm, .pdf, .docx) into `Release`s.

HTML, PDF and DOCX files are turned into text by `converters.DocumentConverter` first.
A bad file, or a bad line of a JSONL file, becomes a `ReadError` and the batch goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml
from tqdm import tqdm

from qa.ingest.cleaner import CleanedRelease, Cleaner
from qa.ingest.dates import parse_date_argument
from qa.ingest.converters import CONVERTIBLE_SUFFIXES, DocumentConverter, check_text_size, one_line
from qa.errors import ReleaseReadError
from qa.ingest.identity import is_file_identified
from qa.ingest.sentences import long_sentence_notes
from qa.records import ReadError, Release

SUPPORTED_SUFFIXES = (".txt", ".md", ".jsonl", ".jsonl.gz") + CONVERTIBLE_SUFFIXES
# A JSONL file with more lines than this gets its own progress bar.
_BIG_JSONL_LINES = 2000
_BIG_GZIP_BYTES = 1_000_000
_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


# One file's (release, JSONL line number or None) pairs, errors and notes, as `read_file` returns them.
FileRead = tuple[list[tuple[Release, int | None]], list[ReadError], list[ReadError]]


@dataclass(frozen=True)
class ReadResult:
    """What one `ReleaseReader.read` call found."""

    releases: list[Release]
    errors: list[ReadError]
    files: list[str]  # absolute paths of every supported file looked at, readable or not
    roots: list[str]  # absolute paths of the paths given
    notes: list[ReadError] = field(default_factory=list)  # read, but not as usual (kept whole ...)


class ReleaseReader:
    """Reads files and folders of press releases; `read` is the entry point (`iter_files`,
    `read_file` and `collect` are its steps, for readers that spread files over processes).

    Example:
        result = ReleaseReader().read(["corpus/"], progress=True)
        for release in result.releases:
            print(release.release_id, release.date, release.title)
        for error in result.errors:
            print(error)  # "/abs/corpus/bad.jsonl:3: invalid JSON: Expecting value (column 1)"
    """

    def __init__(self, cleaner: Cleaner | None = None, converter: DocumentConverter | None = None,
                 max_chars: int | None = None, max_records: int | None = None) -> None:
        self.cleaner = cleaner or Cleaner()
        self.max_chars = max_chars  # a release with more text is refused (None: no limit)
        self.max_records = max_records  # a JSONL file with more records is refused whole (None: no limit)
        self._notes: list[ReadError] = []  # the cleaner's notes of the read under way
        self.converter = converter or DocumentConverter(max_chars)

    @classmethod
    def from_settings(cls, settings) -> "ReleaseReader":
        """The reader of uploads and `qa ingest` alike: the same character and record limits."""
        return cls(max_chars=settings.max_chars, max_records=settings.max_records)

    def read(self, paths: Sequence[str | Path], progress: bool = False) -> ReadResult:
        """Read every supported file under `paths`; a folder is walked recursively, sorted."""
        files, errors = self._walk(paths)
        reads = (self.read_file(file, root, progress) for file, root in
                 tqdm(files, desc="reading releases", unit="file", disable=not progress, file=sys.stderr))
        return self.collect(paths, files, errors, reads)

    def read_file(self, file: Path, root: Path, progress: bool = False) -> FileRead:
        """One file's releases (with their JSONL line numbers), errors and notes; `read` joins them."""
        try:
            found, errors = self._read_file(file, root, progress)
        except Exception as error:  # noqa: BLE001 - one odd file is skipped with a line; the batch goes on
            found, errors = [], [ReadError(str(file), f"cannot read the file: {one_line(error)}")]
        notes, self._notes = self._notes, []
        return found, errors, notes

    def collect(self, paths: Sequence[str | Path], files: list[tuple[Path, Path]], errors: list[ReadError],
                reads: Iterable[FileRead]) -> ReadResult:
        """The ReadResult of `files` (from `_walk(paths)`, with its `errors`) given each file's
        `read_file`, in the same order: later repeats of a release id are reported and dropped."""
        releases: list[Release] = []
        notes: list[ReadError] = []
        first_seen: dict[str, str] = {}  # release_id -> where it was first read
        for (found, file_errors, file_notes), (file, _) in zip(reads, files):  # reads first: its bar closes
            errors.extend(file_errors)
            notes.extend(file_notes)
            for release, line in found:
                place = _place(file, line)
                if release.release_id in first_seen and not is_file_identified(release):
                    errors.append(ReadError(str(file), f"duplicate release_id {release.release_id!r}: "
                                            f"{place} repeats {first_seen[release.release_id]}; "
                                            "kept the first", line))
                    continue
                first_seen[release.release_id] = place
                releases.append(release)
        return ReadResult(releases, errors, [str(file) for file, _ in files],
                          [str(_absolute(path)) for path in _as_list(paths)], notes)

    def iter_files(self, paths: Sequence[str | Path]) -> list[tuple[Path, Path]]:
        """(file, root) for every supported file `read` would open; ids are relative to root."""
        return self._walk(paths)[0]

    def _walk(self, paths: Sequence[str | Path]) -> tuple[list[tuple[Path, Path]], list[ReadError]]:
        files: list[tuple[Path, Path]] = []
        errors: list[ReadError] = []
        seen: set[Path] = set()
        for given in _as_list(paths):
            path = _absolute(given)
            if path.is_dir():
                found = [(file, path) for file in _walk_folder(path)]
            elif path.is_file():
                if not _is_supported(path):
                    errors.append(ReadError(str(path), f"unsupported file type {_suffix(path)!r}; "
                                            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"))
                    continue
                # A file given directly has the folder holding it as root: its id is its name.
                found = [(path, path.parent)]
            else:
                errors.append(ReadError(str(path), "no such file or folder"))
                continue
            for file, root in found:
                if file not in seen:
                    seen.add(file)
                    files.append((file, root))
        return files, errors

    def _read_file(self, file: Path, root: Path, progress: bool
                   ) -> tuple[list[tuple[Release, int | None]], list[ReadError]]:
        name = file.name.lower()
        try:
            if name.endswith(".jsonl.gz"):
                return self._read_jsonl_gzip(file, root, progress)
            data = file.read_bytes()
        except OSError as error:
            return [], [ReadError(str(file), f"cannot read file: {error.strerror or error}")]
        if name.endswith(CONVERTIBLE_SUFFIXES):
            return self._read_converted(file, root, data)
        if b"\x00" in data:
            return [], [ReadError(str(file), "binary file, not text")]
        if name.endswith(".jsonl"):
            total = data.count(b"\n") + 1
            if self.max_records is not None and total > self.max_records:  # counted before any is parsed
                records = sum(1 for line in data.split(b"\n") if line.strip())
                if records > self.max_records:
                    return [], [ReadError(str(file), self._too_many_records(f"{records:,}"))]
            bar = _line_bar(file, total, progress and total > _BIG_JSONL_LINES)
            return self._read_jsonl_lines(file, root, io.BytesIO(data), bar)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return [], [ReadError(str(file), f"not valid UTF-8 (byte {error.start})")]
        try:
            release = self._read_text(file, root, text, markdown=name.endswith(".md"))
        except ReleaseReadError as error:
            return [], [ReadError(str(file), str(error))]
        return [(release, None)], []

    def _read_text(self, file: Path, root: Path, text: str, markdown: bool) -> Release:
        metadata: dict = {}
        if markdown:
            try:
                metadata, text = frontmatter.parse(text, handler=_TextDatesHandler())
            except yaml.YAMLError as error:
                raise _BadRelease(f"invalid YAML front matter: {one_line(error)}") from error
        return self._release(metadata, text, markdown, file.relative_to(root).as_posix(), file, root)

    def _read_converted(self, file: Path, root: Path, data: bytes
                        ) -> tuple[list[tuple[Release, int | None]], list[ReadError]]:
        """An HTML, PDF or DOCX file: its text and metadata, then cleaned like a .txt release."""
        try:
            document = self.converter.convert(file.name, data)
            release = self._release(document.metadata, document.text, False,
                                    file.relative_to(root).as_posix(), file, root)
        except ReleaseReadError as error:
            return [], [ReadError(str(file), str(error))]
        return [(release, None)], []

    def _read_jsonl_gzip(self, file: Path, root: Path, progress: bool
                         ) -> tuple[list[tuple[Release, int | None]], list[ReadError]]:
        big = progress and file.stat().st_size > _BIG_GZIP_BYTES
        with gzip.open(file, "rb") as stream:
            return self._read_jsonl_lines(file, root, stream, _line_bar(file, None, big))

    def _read_jsonl_lines(self, file: Path, root: Path, lines: Iterable[bytes], bar: tqdm
                          ) -> tuple[list[tuple[Release, int | None]], list[ReadError]]:
        """One release per line; `lines` keep their b"\\n" (a binary stream or a gzip file)."""
        found: list[tuple[Release, int | None]] = []
        errors: list[ReadError] = []
        relative = file.relative_to(root).as_posix()
        offset = 0
        try:
            for number, raw in enumerate(lines, start=1):
                bar.update(1)
                line_start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                if self.max_records is not None and len(found) + len(errors) >= self.max_records:
                    return [], [ReadError(str(file), self._too_many_records("more than " f"{self.max_records:,}"))]
                if b"\x00" in raw:  # a gzip file holding binary data; plain files are checked whole
                    if number == 1:
                        return [], [ReadError(str(file), "binary file, not text")]
                    errors.append(ReadError(str(file), "binary data (NUL bytes), not text", number))
                    continue
                try:
                    record = _json_record(raw, line_start, first=number == 1)
                    release = self._release(record, record["text"], True, f"{relative}#{number}",
                                            file, root)
                except ReleaseReadError as error:
                    errors.append(ReadError(str(file), str(error), number))
                    continue
                found.append((release, number))
        except (OSError, EOFError, zlib.error) as error:
            # Only a gzip stream fails while iterating; the lines read before the damage count.
            errors.append(ReadError(str(file), f"corrupt gzip file: {one_line(error)}"))
        finally:
            bar.close()
        if not found and not errors:
            errors.append(ReadError(str(file), "no text"))
        return found, errors

    def _too_many_records(self, how_many: str) -> str:
        return (f"{how_many} records, over the limit of {self.max_records:,} a file "
                "(QA_MAX_UPLOAD_RECORDS; qa ingest --max-records raises it); split the file")

    def _release(self, metadata: dict, text: str, markdown: bool, fallback_id: str, file: Path,
                 root: Path) -> Release:
        """A Release from metadata and text; `fallback_id` serves when no doc_id or id is given."""
        if not text.strip():
            raise _BadRelease("no text")
        check_text_size(len(text), self.max_chars, 1, "of text")
        title = metadata.get("title")
        cleaned: CleanedRelease = self.cleaner.clean(
            text, title=str(title) if title not in (None, "") else None,
            date=_date_text(metadata.get("date")), markdown=markdown)
        if not cleaned.text:  # the cleaner keeps any text with words, noting it in cleaned.notes
            raise _BadRelease("no text: only markup, end markers and whitespace")
        release_id = next((str(metadata[key]) for key in ("doc_id", "id")
                           if metadata.get(key) not in (None, "")), fallback_id)
        notes = cleaned.notes + _date_notes(metadata.get("date")) + long_sentence_notes(cleaned.text)
        self._notes.extend(ReadError(str(file), f"{release_id}: {note}") for note in notes)
        source_url = str(metadata["source_url"]) if metadata.get("source_url") else None
        issuer = metadata.get("source") or metadata.get("issuer") or cleaned.issuer
        return Release(
            release_id=release_id, title=cleaned.title, date=cleaned.date,
            source=str(issuer) if issuer else (_host(source_url) or root.name),
            text=cleaned.text, source_url=source_url, tags=_tags(metadata.get("tags")),
            origin=str(file))


class _TextDates(yaml.SafeLoader):
    """YAML with dates left as written: `date: 2021-02-30` is checked like a JSONL date (undated,
    with a note) instead of raising from inside the YAML parser."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


class _TextDatesHandler(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object):
        return super().load(fm, Loader=_TextDates)


class _BadRelease(ReleaseReadError):
    """One release (a file or a JSONL line) that cannot be used; the message is for users."""


def _json_record(raw: bytes, line_start: int, first: bool) -> dict:
    try:
        line = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as error:
        raise _BadRelease(f"not valid UTF-8 (byte {line_start + error.start})") from error
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise _BadRelease(f"invalid JSON: {error.msg} (column {error.colno})") from error
    if not isinstance(record, dict):
        raise _BadRelease(f"expected a JSON object, got {_JSON_KINDS.get(type(record), 'a value')}")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise _BadRelease(f"'text' must be a string, got {_JSON_KINDS.get(type(text), 'an object')}")
    if not text or not text.strip():
        raise _BadRelease("no text: 'text' is missing or empty")
    return record


def _walk_folder(folder: Path) -> list[Path]:
    """Supported files under `folder`, sorted, skipping hidden files and folders."""
    found = []
    for current, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(current, name) for name in names
                     if not name.startswith(".") and _is_supported(Path(name)))
    return sorted(found, key=lambda file: file.relative_to(folder).parts)


def _is_supported(path: Path) -> bool:
    return path.name.lower().endswith(SUPPORTED_SUFFIXES)


def _suffix(path: Path) -> str:
    suffixes = path.suffixes
    if len(suffixes) >= 2 and suffixes[-1].lower() == ".gz":
        return "".join(suffixes[-2:])
    return path.suffix or "(no extension)"


def _as_list(paths: Sequence[str | Path]) -> list[str | Path]:
    # A lone path is a common slip; a str would otherwise be read one character at a time.
    return [paths] if isinstance(paths, (str, Path)) else list(paths)


def _absolute(path: str | Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))


def _place(file: Path, line: int | None) -> str:
    return f"{file}:{line}" if line is not None else str(file)


def _line_bar(file: Path, total: int | None, show: bool) -> tqdm:
    return tqdm(total=total, desc=file.name, unit="line", leave=False, disable=not show,
                file=sys.stderr)


def _date_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, Date) else str(value)


def _date_notes(value: object) -> tuple[str, ...]:
    """A note when the metadata gives a date that is not one ("0000-00-00", "2021-02-30")."""
    text = _date_text(value)
    if text is None or parse_date_argument(text) is not None:
        return ()
    return (f"date {text[:40]!r} is not a valid date; the release's text gives its date, if any",)


def _tags(value: object) -> tuple[str, ...]:
    """Tags from a list, or from one comma-separated string."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(item).strip() for item in items if item is not None and str(item).strip())


def _host(url: str | None) -> str | None:
    return (urlsplit(url).hostname or None) if url else None
