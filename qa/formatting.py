"""Answers as chat text and source cards; every piece of release text is HTML-escaped."""

from __future__ import annotations

import html

from .records import Answer, Citation


def answer_markdown(answer: Answer) -> str:
    """The chat message: the answer with its [n] markers, and the short answer in bold."""
    text = escape_markdown(answer.answer)
    if answer.short_answer:
        text = f"**{escape_markdown(answer.short_answer)}**\n\n{text}"
    if not answer.found and answer.citations:
        text += "\n\nThe closest passages are shown beside the chat."
    return text


def source_cards_html(answer: Answer) -> str:
    """One card per citation: title, date, link where known, passage with the answer highlighted."""
    if not answer.citations:
        return "<p>No passages.</p>"
    heading = "Sources" if answer.found else "Closest passages (they do not answer the question)"
    cards = "".join(_card(citation) for citation in answer.citations)
    return f"<h3>{heading}</h3>{cards}"


def _card(citation: Citation) -> str:
    title = html.escape(citation.title or citation.release_id)
    if citation.source_url and citation.source_url.startswith(("http://", "https://")):
        title = f'<a href="{html.escape(citation.source_url, quote=True)}" target="_blank" rel="noopener">{title}</a>'
    meta = " · ".join(html.escape(part) for part in (citation.date or "undated", citation.release_id))
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


def escape_markdown(text: str) -> str:
    """Release text shown as text: no HTML, no Markdown links or emphasis from the data."""
    escaped = html.escape(text, quote=False)
    for character in "\\`*_{}#|!~":
        escaped = escaped.replace(character, "\\" + character)
    return escaped.replace("[", "\\[").replace("]", "\\]")
