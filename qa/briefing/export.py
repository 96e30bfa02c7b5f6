"""Exports for briefing notes: talking points, a timeline or a chat answer, as Markdown or Word.

Every export holds text of the releases, headings and labels only, and ends with a
numbered source list (title, date, link where known, release id) that the [n] markers
of the text refer to.

Example:
    from qa.briefing.export import suggested_filename, to_markdown, write_export
    briefing = assistant.talking_points("ASEAN-Russia cooperation")
    print(to_markdown(briefing))
    write_export(briefing, "tp.docx")  # or "tp.md"; the suffix chooses the format
    write_export(briefing, folder / suggested_filename(briefing, ".docx"))  # for a download
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError
from qa.records import Answer, Citation
from qa.briefing.talking_points import Briefing, unique_sources
from qa.briefing.timeline import Timeline

FORMATS = (".md", ".docx")
MARKER = re.compile(r"\s*\[(\d+)\]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in .docx XML
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


@dataclass(frozen=True)
class Entry:
    """One bullet: an optional bold label, then release text in pieces, each with its [n]."""

    pieces: tuple[tuple[str, int | None], ...]
    label: str | None = None


@dataclass(frozen=True)
class ExportDocument:
    """What any export holds, whatever it was made from and whatever the format."""

    title: str
    notes: tuple[str, ...]
    entries: tuple[Entry, ...]
    sources: tuple[Citation, ...]
    empty_note: str
    paragraphs: bool = False  # a chat answer reads as paragraphs, not bullets


def check_export_path(path: str | Path) -> Path:
    """The path if an export can be written there: `.md` or `.docx`, in an existing folder."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise QAError(f"the export file must end in .md (Markdown) or .docx (Word). Currently, it is {str(path)!r}")
    if not path.parent.is_dir():
        raise QAError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist")
    return path


def suggested_filename(item: Briefing | Timeline | Answer, suffix: str = ".docx") -> str:
    """A file name for a download: "talking-points-asean-russia-cooperation.docx"."""
    if suffix.lower() not in FORMATS:
        raise QAError(f"suffix must be .md or .docx. Currently, suffix is {suffix!r}")
    kind, subject = ((("talking-points", item.topic) if isinstance(item, Briefing) else
                      ("timeline", item.topic) if isinstance(item, Timeline) else ("answer", item.question)))
    slug = "-".join(re.findall(r"[a-z0-9]+", subject.lower()))[:60].strip("-")
    return f"{kind}-{slug or 'export'}{suffix.lower()}"


def to_markdown(item: Briefing | Timeline | Answer) -> str:
    """Talking points, a timeline or an answer as Markdown, with the numbered source list."""
    return MarkdownWriter().render(export_document(item))


def write_export(item: Briefing | Timeline | Answer, path: str | Path) -> Path:
    """Writes `item` to `path` as Markdown (.md) or Word (.docx); returns the path."""
    path = check_export_path(path)
    document = export_document(item)
    try:
        if path.suffix.lower() == ".md":
            path.write_text(MarkdownWriter().render(document), encoding="utf-8")
        else:
            DocxWriter().write(document, path)
    except OSError as error:
        raise QAError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    return path


def export_document(item: Briefing | Timeline | Answer) -> ExportDocument:
    """The parts of an export, from talking points, a timeline or a chat answer."""
    if isinstance(item, Briefing):
        order = "newest release first" if item.order == "newest" else "grouped by release"
        notes = (f"{_count(len(item.points), 'point')}, {order}",) + _filter_notes(item.filters)
        entries = tuple(Entry(((point.text, point.citation.n),)) for point in item.points)
        return ExportDocument(f"Talking points: {item.topic}", notes, entries, tuple(item.sources()),
                              "The releases hold no points on this topic.")
    if isinstance(item, Timeline):
        notes = (f"{_count(len(item.entries), 'release')}, oldest first",) + _filter_notes(item.filters)
        entries = tuple(Entry(((entry.sentence, entry.citation.n),), f"{entry.date or 'undated'} · {entry.title}")
                        for entry in item.entries)
        return ExportDocument(f"Timeline: {item.topic}", notes, entries, tuple(item.sources()),
                              "The releases hold nothing on this topic.")
    if isinstance(item, Answer):
        return _answer_document(item)
    raise TypeError(f"item must be a Briefing, Timeline or Answer. Currently, item is {type(item).__name__}")


def _answer_document(answer: Answer) -> ExportDocument:
    notes = tuple(f"{label}: {value}" for label, value in (("Short answer", answer.short_answer),
                                                           ("Note", answer.notice)) if value)
    if answer.found:
        return ExportDocument(f"Question: {answer.question}", notes, (Entry(_pieces(answer.answer)),),
                              tuple(unique_sources(answer.citations)), "", paragraphs=True)
    # Not found: say so, then the closest passages, each with its number.
    entries = (Entry(((answer.answer, None),)),) + tuple(
        Entry(((citation.passage, citation.n),), "Closest passage") for citation in answer.citations)
    return ExportDocument(f"Question: {answer.question}", notes, entries,
                          tuple(unique_sources(answer.citations)), "", paragraphs=True)


def _pieces(text: str) -> tuple[tuple[str, int | None], ...]:
    """"A [1] B [2]" -> (("A", 1), ("B", 2)): text and the marker that follows it."""
    pieces, cursor = [], 0
    for match in MARKER.finditer(text):
        pieces.append((text[cursor:match.start()].strip(), int(match.group(1))))
        cursor = match.end()
    if text[cursor:].strip():
        pieces.append((text[cursor:].strip(), None))
    return tuple(pieces)


def _filter_notes(filters) -> tuple[str, ...]:
    if filters is None or filters.is_empty():
        return ()
    parts = [f"{label} {value}" for label, value in (
        ("from", filters.date_from), ("to", filters.date_to), ("release ids starting", filters.release_prefix),
        ("source", filters.source)) if value]
    return ("Only releases " + ", ".join(parts),)


def source_line(citation: Citation) -> tuple[str, str | None]:
    """The source list's text for a release ("Title, 2021-07-06, release id") and its link."""
    link = citation.source_url if (citation.source_url or "").startswith(("http://", "https://")) else None
    return f"{citation.title or citation.release_id}, {citation.date or 'undated'} ({citation.release_id})", link


class MarkdownWriter:
    """Renders an export as Markdown; release text is escaped so only our [n] are markers."""

    def render(self, document: ExportDocument) -> str:
        blocks = [f"# {_escape(document.title)}"] + [f"*{_escape(note)}*" for note in document.notes]
        entries = [self._entry(entry, document.paragraphs) for entry in document.entries]
        if not entries:
            blocks.append(_escape(document.empty_note))
        blocks += entries if document.paragraphs else ["\n".join(entries)] if entries else []
        if document.sources:
            blocks += ["## Sources", "\n".join(self._source(citation) for citation in document.sources)]
        return "\n\n".join(blocks) + "\n"

    @staticmethod
    def _entry(entry: Entry, paragraph: bool) -> str:
        label = f"**{_escape(entry.label)}**: " if entry.label else ""
        text = _joined(entry.pieces, _escape)
        return ("" if paragraph else "- ") + label + text

    @staticmethod
    def _source(citation: Citation) -> str:
        text, link = source_line(citation)
        return f"{citation.n}. {_escape(text)}" + (f" <{link}>" if link and ">" not in link else "")


class DocxWriter:
    """Writes an export as a Word document with python-docx: headings, bullets, source list."""

    def write(self, document: ExportDocument, path: Path) -> None:
        try:
            import docx
        except ImportError:
            raise ImportError("Word export needs python-docx: pip install python-docx") from None
        word = docx.Document()
        word.add_heading(_plain(document.title), level=1)
        for note in document.notes:
            word.add_paragraph().add_run(_plain(note)).italic = True
        if not document.entries:
            word.add_paragraph(_plain(document.empty_note))
        for entry in document.entries:
            paragraph = word.add_paragraph(style=None if document.paragraphs else "List Bullet")
            if entry.label:
                paragraph.add_run(_plain(entry.label) + ": ").bold = True
            paragraph.add_run(_joined(entry.pieces, _plain))
        if document.sources:
            word.add_heading("Sources", level=2)
            for citation in document.sources:
                text, link = source_line(citation)
                word.add_paragraph(f"[{citation.n}] {_plain(text)}" + (f" {_plain(link)}" if link else ""))
        word.save(str(path))


def _joined(pieces: tuple[tuple[str, int | None], ...], clean) -> str:
    """"text [1] more text [2] [3]": each piece's text, cleaned for the format, then its marker."""
    parts = [clean(text) for text, _ in pieces]
    return " ".join(part + (" " if part else "") + f"[{n}]" if n is not None else part
                    for part, (_, n) in zip(parts, pieces) if part or n is not None)


def _escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _plain(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", " ".join(text.split()))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
