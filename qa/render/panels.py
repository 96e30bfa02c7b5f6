"""The app's other lines: index status, upload results, errors (Markdown), and the filter choices.

Example:
    status_markdown(assistant.status())  # "**Index:** 24 releases, 522 passages · model ... · updated ..."
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from qa.render.markdown import escape_markdown


def status_markdown(status, note: str | None = None) -> str:
    """The status line: releases, passages, model and last update of the index (an `IndexStatus`)."""
    line = (f"**Index:** {status.releases} releases, {status.chunks} passages · "
            f"model {escape_markdown(status.model)} · updated {escape_markdown(_when(status.updated_at))}")
    for warning in getattr(status, "warnings", ()):  # a damaged generation passed over: staff must know
        line += f"  \n⚠️ {escape_markdown(warning)}"
    return f"{line}  \n{escape_markdown(note)}" if note else line


def upload_markdown(report) -> str:
    """One line per uploaded file (an `UploadReport`): what was added, or why it was refused."""
    if not report.files:
        return "No files were uploaded."
    return "\n".join(f"- {escape_markdown(file.message)}" for file in report.files)


def error_markdown(message: str) -> str:
    """A user error (`QAError`) as a chat or panel message."""
    return f"**Error:** {escape_markdown(message)}"


def source_choices(releases: Iterable) -> list[str]:
    """The sources releases give (issuer or web host), for the source filter, most common first."""
    counts: dict[str, int] = {}
    for release in releases:
        if release.source:
            counts[release.source] = counts.get(release.source, 0) + 1
    return sorted(counts, key=lambda source: (-counts[source], source.casefold()))


def collection_choices(releases: Iterable) -> list[str]:
    """The top folders of release ids ("seed/", "press-briefings/"), for the collection filter."""
    return sorted({release.release_id.split("/", 1)[0] + "/" for release in releases
                   if "/" in release.release_id})


def _when(timestamp: str) -> str:
    """ "2026-11-27T22:18:35+00:00" as "2026-11-27 22:18 UTC"; anything else as given."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return str(timestamp)
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()
