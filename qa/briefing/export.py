"""Export files for briefing notes: talking points, a timeline or a chat answer, as .md or .docx.

This module holds the file side (accepted suffixes, checked paths, download names, writing);
what the files say comes from `qa.render`: `note_markdown` for Markdown, `write_docx` for Word.
Every export holds text of the releases, headings and labels only, and ends with a numbered
source list (title, date, link where known, release id) that the [n] markers refer to.

Example:
    from qa.briefing.export import suggested_filename, write_export
    briefing = assistant.talking_points("ASEAN-Russia cooperation")
    write_export(briefing, "tp.docx")  # or "tp.md"; the suffix chooses the format
    write_export(briefing, folder / suggested_filename(briefing, ".docx"))  # for a download
"""

from __future__ import annotations

import re
from pathlib import Path

from qa.errors import QAError
from qa.records import Answer
from qa.briefing.talking_points import Briefing
from qa.briefing.timeline import Timeline
from qa.render import note_markdown, write_docx

FORMATS = (".md", ".docx")


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


def write_export(item: Briefing | Timeline | Answer, path: str | Path) -> Path:
    """Writes `item` to `path` as Markdown (.md) or Word (.docx); returns the path."""
    path = check_export_path(path)
    try:
        if path.suffix.lower() == ".md":
            path.write_text(note_markdown(item), encoding="utf-8")
        else:
            write_docx(item, path)
    except OSError as error:
        raise QAError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    return path
