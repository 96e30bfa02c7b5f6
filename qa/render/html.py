"""HTML for the app's panels: source cards with the answer highlighted, and the answer's trace.

Every piece of release text, question and address is escaped with `html.escape`, the one
HTML escaper.

Example:
    panel = source_cards_html(answer)  # what was searched, then one card per passage
"""

from __future__ import annotations

from html import escape

from qa.records import Answer, Citation
from qa.render.sources import PassageCard, Source, passage_cards

WHY_PLACEHOLDER = "<p>Ask a question to see how its answer was reached, stage by stage.</p>"


def source_cards_html(answer: Answer) -> str:
    """The source panel: what was searched, then one card per passage with the answer highlighted
    (a passage cited from two copies of a release is one card)."""
    searched = ""
    if answer.searched:
        searched = (f'<p class="searched">Searched for: <q>{escape(answer.searched)}</q> '
                    f"(your question, read with the earlier ones)</p>")
    if not answer.citations:
        return searched + "<p>No passages.</p>"
    heading = "Sources" if answer.found else "Closest passages (they do not answer the question)"
    cards = "".join(passage_card_html(card) for card in passage_cards(answer.citations))
    return f'{searched}<h3 class="sources-heading">{heading}</h3>{cards}'


def source_card_html(citation: Citation) -> str:
    """The card of one citation (talking points and timeline entries cite one passage each)."""
    return passage_card_html(PassageCard((citation,)))


def passage_card_html(card: PassageCard) -> str:
    """One card: [n] title (a link when the release has a web address), date, source, release id
    and the ids of other copies of the release, then the passage with its cited sentences marked."""
    source = Source(card.numbers, card.citation)
    title = escape(source.title)
    if source.link:
        title = f'<a href="{escape(source.link, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    parts = [source.date, source.citation.source, card.release_id]
    if card.aliases:
        parts.append(f"also published as {', '.join(card.aliases)}")
    if any(citation.supported is False for citation in card.citations):  # generative: the verifier found no support
        parts.append("the answer's sentence citing this is not confirmed by it")
    meta = " · ".join(escape(part) for part in parts if part)
    numbers = " ".join(f"[{n}]" for n in card.numbers)
    return (f'<div class="source-card"><div class="source-title">{numbers} {title}</div>'
            f'<div class="source-meta">{meta}</div>'
            f'<div class="source-passage">{marked_passage(card.citation.passage, card.marks())}</div></div>')


def highlighted_passage(citation: Citation) -> str:
    """The passage, escaped, with the answering sentence inside <mark>."""
    return marked_passage(citation.passage, PassageCard((citation,)).marks())


def marked_passage(passage: str, marks: list[tuple[int, int]]) -> str:
    """`passage` escaped, each (start, end) of `marks` (in order, not overlapping) inside <mark>."""
    parts, done = [], 0
    for start, end in marks:
        parts += [escape(passage[done:start]), "<mark>", escape(passage[start:end]), "</mark>"]
        done = end
    return "".join(parts) + escape(passage[done:])


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
