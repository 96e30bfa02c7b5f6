"""Word (.docx) notes with python-docx: the same headings, entries and source list as the Markdown note.

`word_text` is Word's one escaper: a run of a .docx holds text, never markup, but XML
forbids most control characters, which some scraped releases contain.

Example:
    write_docx(assistant.timeline("ASEAN-Russia"), Path("timeline.docx"))
"""

from __future__ import annotations

import re
from pathlib import Path

from qa.render.document import export_document, one_line

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in .docx XML


def write_docx(item, path: Path) -> None:
    """Writes talking points, a timeline or an answer to `path` as a Word document."""
    try:
        import docx
    except ImportError:
        raise ImportError("Word export needs python-docx: pip install python-docx") from None
    document = export_document(item)
    word = docx.Document()
    word.add_heading(word_text(document.title), level=1)
    for note in document.notes:
        word.add_paragraph().add_run(word_text(note)).italic = True
    if not document.entries:
        word.add_paragraph(word_text(document.empty_note))
    for entry in document.entries:
        paragraph = word.add_paragraph(style=None if document.paragraphs else "List Bullet")
        if entry.label:
            paragraph.add_run(word_text(entry.label) + ": ").bold = True
        paragraph.add_run(entry.text(word_text))
    if document.sources:
        word.add_heading("Sources", level=2)
        for source in document.sources:
            link = f" {word_text(source.link)}" if source.link else ""
            word.add_paragraph(f"[{source.numbers[0]}] {word_text(source.reference)}{link}")
    word.save(str(path))


def word_text(text: str) -> str:
    """Text for a run of a Word document: on one line, without the control characters XML refuses."""
    return CONTROL_CHARACTERS.sub("", one_line(text))
