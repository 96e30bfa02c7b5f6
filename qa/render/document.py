"""What an export holds, whatever it was made from and whatever its format (Markdown or Word).

Talking points, a timeline or a chat answer become an `ExportDocument`: a title, italic
notes, entries (bullets, or paragraphs for an answer) whose text carries [n] markers, and the
numbered source list they refer to. `qa.render.markdown.note_markdown` and
`qa.render.word.write_docx` lay it out.

Example:
    document = export_document(assistant.timeline("ASEAN-Russia"))
    document.entries[0].text(one_line)  # the first release's sentence, then " [1]"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.records import Answer
from qa.briefing.talking_points import Briefing
from qa.briefing.timeline import Timeline
from qa.render.sources import Source, source_list

MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class Entry:
    """One bullet: an optional bold label, then release text in pieces, each with its [n]."""

    pieces: tuple[tuple[str, int | None], ...]
    label: str | None = None

    def text(self, clean: Callable[[str], str]) -> str:
        """ "text [1] more text [2] [3]": each piece's text, cleaned for the format, then its marker."""
        parts = [clean(text) for text, _ in self.pieces]
        return " ".join(part + (" " if part else "") + f"[{n}]" if n is not None else part
                        for part, (_, n) in zip(parts, self.pieces) if part or n is not None)


@dataclass(frozen=True)
class ExportDocument:
    """The parts of an export: title, notes, entries and the numbered source list."""

    title: str
    notes: tuple[str, ...]
    entries: tuple[Entry, ...]
    sources: tuple[Source, ...]
    empty_note: str
    paragraphs: bool = False  # a chat answer reads as paragraphs, not bullets


def export_document(item: Briefing | Timeline | Answer) -> ExportDocument:
    """The parts of an export, from talking points, a timeline or a chat answer."""
    if isinstance(item, Briefing):
        order = "newest release first" if item.order == "newest" else "grouped by release"
        notes = (f"{_count(len(item.points), 'point')}, {order}",) + _filter_notes(item.filters)
        entries = tuple(Entry(((point.text, point.citation.n),)) for point in item.points)
        return ExportDocument(f"Talking points: {item.topic}", notes, entries, tuple(source_list(item.sources())),
                              "The releases hold no points on this topic.")
    if isinstance(item, Timeline):
        notes = (f"{_count(len(item.entries), 'release')}, oldest first",) + _filter_notes(item.filters)
        entries = tuple(Entry(((entry.sentence, entry.citation.n),), f"{entry.date or 'undated'} · {entry.title}")
                        for entry in item.entries)
        return ExportDocument(f"Timeline: {item.topic}", notes, entries, tuple(source_list(item.sources())),
                              "The releases hold nothing on this topic.")
    if isinstance(item, Answer):
        return _answer_document(item)
    raise TypeError(f"item must be a Briefing, Timeline or Answer. Currently, item is {type(item).__name__}")


def one_line(text: str) -> str:
    """Runs of spaces, tabs and line breaks as one space: an entry or a source stays one line."""
    return " ".join(text.split())


def _answer_document(answer: Answer) -> ExportDocument:
    notes = tuple(f"{label}: {value}" for label, value in (("Short answer", answer.short_answer),
                                                           ("Note", answer.notice)) if value)
    if answer.found:
        entries = (Entry(_pieces(answer.answer)),)
    else:  # say so, then the closest passages, each with its number
        entries = (Entry(((answer.answer, None),)),) + tuple(
            Entry(((citation.passage, citation.n),), "Closest passage") for citation in answer.citations)
    return ExportDocument(f"Question: {answer.question}", notes, entries, tuple(source_list(answer.citations)), "",
                          paragraphs=True)


def _pieces(text: str) -> tuple[tuple[str, int | None], ...]:
    """ "A [1] B [2]" -> (("A", 1), ("B", 2)): text and the marker that follows it."""
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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
