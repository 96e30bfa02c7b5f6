"""Markdown: the chat's answer messages and the exported notes (talking points, timelines, answers).

`escape_markdown` is the one Markdown escaper: release text, questions and file names pass
through it so that only our own bold, italics, bullets and [n] markers are markup.

Example:
    chat_message = answer_markdown(answer)
    note = note_markdown(assistant.talking_points("ASEAN-Russia cooperation"))
"""

from __future__ import annotations

import re

from qa.records import Answer
from qa.render.document import export_document, one_line
from qa.render.sources import Source, source_list
from qa.render.text import CONTROL_CHARACTERS

NOT_FOUND_HINT = "The closest passages are shown beside the chat; they do not answer the question."
# "&amp;", "&#169;": where a Markdown reader would turn text into another character. A lone "&"
# ("Trade & Investment") stays as it is, readable in a pasted note.
CHARACTER_REFERENCE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def escape_markdown(text: str) -> str:
    """Release text shown as text: no HTML, no Markdown links or emphasis from the data.

    "<" and ">" become "&lt;" and "&gt;", "&" only where it would start a character reference;
    Markdown's own characters are escaped with a backslash; control characters (ESC, OSC ...) are
    dropped, so that a note shown with `cat` cannot clear the screen or fake a link.
    """
    escaped = CHARACTER_REFERENCE.sub("&amp;", CONTROL_CHARACTERS.sub("", text))
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")
    for character in "\\`*_{}#|!~":
        escaped = escaped.replace(character, "\\" + character)
    return escaped.replace("[", "\\[").replace("]", "\\]")


def answer_markdown(answer: Answer) -> str:
    """The chat message: the short answer in bold, the answer with its [n] markers, the sources."""
    text = escape_markdown(answer.answer)
    if answer.short_answer:
        text = f"**{escape_markdown(answer.short_answer)}**\n\n{text}"
    if answer.notice:
        text += f"\n\n*{escape_markdown(answer.notice)}*"
    if not answer.found:
        return text + (f"\n\n{NOT_FOUND_HINT}" if answer.citations else "")
    if answer.citations:
        sources = source_list(answer.citations, by_release=True)
        text += "\n\nSources:  \n" + "  \n".join(_chat_source_line(source) for source in sources)
    return text


def _chat_source_line(source: Source) -> str:
    """One line per release cited: "[1] [2] Title (date)"."""
    numbers = " ".join(f"\\[{n}\\]" for n in source.numbers)
    return f"{numbers} {escape_markdown(source.title)} ({escape_markdown(source.date)})"


def note_markdown(item) -> str:
    """Talking points, a timeline or an answer as a Markdown note, with the numbered source list."""
    document = export_document(item)
    blocks = [f"# {_escape_line(document.title)}"] + [f"*{_escape_line(note)}*" for note in document.notes]
    entries = [_note_entry(entry, document.paragraphs) for entry in document.entries]
    if not entries:
        blocks.append(_escape_line(document.empty_note))
    blocks += entries if document.paragraphs else ["\n".join(entries)] if entries else []
    if document.sources:
        blocks += ["## Sources", "\n".join(_note_source_line(source) for source in document.sources)]
    return "\n\n".join(blocks) + "\n"


def _note_entry(entry, paragraph: bool) -> str:
    label = f"**{_escape_line(entry.label)}**: " if entry.label else ""
    return ("" if paragraph else "- ") + label + entry.text(_escape_line)


def _note_source_line(source: Source) -> str:
    """ "1. Title, 2021-07-06 (release id) <https://...>": a numbered list the [n] refer to."""
    link = CONTROL_CHARACTERS.sub("", source.link or "")
    return f"{source.numbers[0]}. {_escape_line(source.reference)}" + (f" <{link}>" if link and ">" not in link else "")


def _escape_line(text: str) -> str:
    return escape_markdown(one_line(text))
