"""HTML for the app's panels: source cards with the answer highlighted, and the answer's trace.

Every piece of release text, question and address is escaped with `html.escape`, the one
HTML escaper.

Example:
    panel = source_cards_html(answer)  # what was searched, then one card per citation
"""

from __future__ import annotations

from html import escape

from qa.records import Answer, Citation
from qa.render.sources import Source

WHY_PLACEHOLDER = "<p>Ask a question to see how its answer was reached, stage by stage.</p>"


def source_cards_html(answer: Answer) -> str:
    """The source panel: what was searched, then one card per citation with the answer highlighted."""
    searched = ""
    if answer.searched:
        searched = (f'<p class="searched">Searched for: <q>{escape(answer.searched)}</q> '
                    f"(your question, read with the earlier ones)</p>")
    if not answer.citations:
        return searched + "<p>No passages.</p>"
    heading = "Sources" if answer.found else "Closest passages (they do not answer the question)"
    cards = "".join(source_card_html(citation) for citation in answer.citations)
    return f'{searched}<h3 class="sources-heading">{heading}</h3>{cards}'


def source_card_html(citation: Citation) -> str:
    """One card: [n] title (a link when the release has a web address), date, source, passage."""
    source = Source((citation.n,), citation)
    title = escape(source.title)
    if source.link:
        title = f'<a href="{escape(source.link, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    parts = [source.date, citation.source, citation.release_id]
    if citation.supported is False:  # generative answers: the verifier found no support here
        parts.append("the answer's sentence citing this is not confirmed by it")
    meta = " · ".join(escape(part) for part in parts if part)
    return (f'<div class="source-card"><div class="source-title">[{citation.n}] {title}</div>'
            f'<div class="source-meta">{meta}</div>'
            f'<div class="source-passage">{highlighted_passage(citation)}</div></div>')


def highlighted_passage(citation: Citation) -> str:
    """The passage, escaped, with the answering sentence inside <mark>."""
    passage = citation.passage
    if citation.sentence_start is None or citation.sentence_end is None:
        return escape(passage)
    start = citation.sentence_start - citation.char_start
    end = citation.sentence_end - citation.char_start
    if not 0 <= start < end <= len(passage):
        return escape(passage)
    return escape(passage[:start]) + "<mark>" + escape(passage[start:end]) + "</mark>" + escape(passage[end:])


def explanation_html(explanation) -> str:
    """The "Why this answer?" panel: the plain summary on top, the operator's trace folded below it."""
    if explanation.answer.mode == "generative":
        intro = ("This answer was written by the generator. The trace below is the extractive stage's: it chose "
                 "the passages the generator was given and decided whether to answer at all.")
    else:
        intro = "How the answer was reached, stage by stage; the last line names the stage to look at."
    return (f'<p class="why-summary">{escape(explanation.summary())}</p>'
            f'<details class="why-details"><summary>Details for operators</summary>'
            f'<p class="why-intro">{intro}</p><pre class="why-trace">{escape(explanation.to_text())}</pre></details>')
