"""Answers as chat text and source cards, and the app's status and upload lines.

Every piece of release text, question and file name is escaped before it is shown: chat
messages are Markdown (HTML and Markdown syntax escaped), source cards are HTML (escaped).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from qa.records import Answer, Citation

NOT_FOUND_HINT = "The closest passages are shown beside the chat; they do not answer the question."
WHY_PLACEHOLDER = "<p>Ask a question to see how its answer was reached, stage by stage.</p>"


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
        text += "\n\nSources:  \n" + "  \n".join(_source_lines(answer.citations))
    return text


def _source_lines(citations: list[Citation]) -> list[str]:
    """One line per release cited: "[1] [2] Title (date)"."""
    numbers: dict[str, list[int]] = {}
    first: dict[str, Citation] = {}
    for citation in citations:
        numbers.setdefault(citation.release_id, []).append(citation.n)
        first.setdefault(citation.release_id, citation)
    return [" ".join(f"\\[{n}\\]" for n in numbers[release_id]) + " "
            + escape_markdown(citation.title or release_id) + f" ({escape_markdown(citation.date or 'undated')})"
            for release_id, citation in first.items()]


def source_cards_html(answer: Answer) -> str:
    """The source panel: what was searched, then one card per citation with the answer highlighted."""
    searched = ""
    if answer.searched:
        searched = (f'<p class="searched">Searched for: <q>{html.escape(answer.searched)}</q> '
                    f"(your question, read with the earlier ones)</p>")
    if not answer.citations:
        return searched + "<p>No passages.</p>"
    heading = "Sources" if answer.found else "Closest passages (they do not answer the question)"
    cards = "".join(source_card_html(citation) for citation in answer.citations)
    return f'{searched}<h3 class="sources-heading">{heading}</h3>{cards}'


def source_card_html(citation: Citation) -> str:
    """One card: [n] title (a link when the release has a web address), date, source, passage."""
    title = html.escape(citation.title or citation.release_id)
    if citation.source_url and citation.source_url.startswith(("http://", "https://")):
        title = (f'<a href="{html.escape(citation.source_url, quote=True)}" target="_blank" '
                 f'rel="noopener noreferrer">{title}</a>')
    parts = [citation.date or "undated", citation.source, citation.release_id]
    if citation.supported is False:  # generative answers: the verifier found no support here
        parts.append("the answer's sentence citing this is not confirmed by it")
    meta = " · ".join(html.escape(part) for part in parts if part)
    return (f'<div class="source-card"><div class="source-title">[{citation.n}] {title}</div>'
            f'<div class="source-meta">{meta}</div>'
            f'<div class="source-passage">{highlighted_passage(citation)}</div></div>')


def highlighted_passage(citation: Citation) -> str:
    """The passage, escaped, with the answering sentence inside <mark>."""
    passage = citation.passage
    if citation.sentence_start is None or citation.sentence_end is None:
        return html.escape(passage)
    start = citation.sentence_start - citation.char_start
    end = citation.sentence_end - citation.char_start
    if not 0 <= start < end <= len(passage):
        return html.escape(passage)
    return (html.escape(passage[:start]) + "<mark>" + html.escape(passage[start:end]) + "</mark>"
            + html.escape(passage[end:]))


def explanation_html(explanation) -> str:
    """The "Why this answer?" panel: the trace of an `Explanation` as escaped preformatted text."""
    if explanation.answer.mode == "generative":
        intro = ("This answer was written by the generator. The trace below is the extractive stage's: it chose "
                 "the passages the generator was given and decided whether to answer at all.")
    else:
        intro = "How the answer was reached, stage by stage; the last line names the stage to look at."
    return f'<p class="why-intro">{intro}</p><pre class="why-trace">{html.escape(explanation.to_text())}</pre>'


def status_markdown(status, note: str | None = None) -> str:
    """The status line: releases, passages, model and last update of the index (an `IndexStatus`)."""
    line = (f"**Index:** {status.releases} releases, {status.chunks} passages · "
            f"model {escape_markdown(status.model)} · updated {escape_markdown(_when(status.updated_at))}")
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


def escape_markdown(text: str) -> str:
    """Release text shown as text: no HTML, no Markdown links or emphasis from the data."""
    escaped = html.escape(text, quote=False)
    for character in "\\`*_{}#|!~":
        escaped = escaped.replace(character, "\\" + character)
    return escaped.replace("[", "\\[").replace("]", "\\]")


def _when(timestamp: str) -> str:
    """ "2026-11-27T22:18:35+00:00" as "2026-11-27 22:18 UTC"; anything else as given."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return str(timestamp)
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()
