"""The plain summary on top of "Why this answer?": one to three sentences for staff, not operators.

It says which release and sentence answered and which words of the question they share, and
the short answer with the model's confidence; or why there is no short answer; or, when the
releases don't say, what the closest release does say and what the question asks that it does
not. With a reader (trace.read > 0) the figures are the reader's (its span and its
probabilities); otherwise the fitted stage's. Only figures that agree with the decision are
shown: an answer is never put next to a "not found" probability.

Example:
    explanation = Explanation.of(snapshot, answer, trace)
    print(plain_summary(explanation))
    # Answered from "Outcomes of the Special ASEAN-Russia ..." (6 July 2021), sentence [1]: "The Meeting
    # was co-chaired by ...". It shares the question's words "co-chaired" and "meeting". The short
    # answer "Retno Marsudi" is the person in it the model is surest of (91%).
"""

from __future__ import annotations

import re

from qa.answer.features import QUESTION_WORDS, Candidate
from qa.index.bm25 import tokenize
from qa.language.aliases import readable_date

QUOTED = 160  # characters of a sentence quoted in the summary
WANTED = {"who": "person or organisation", "when": "date", "where": "place", "number": "number or amount",
          "list": "names"}  # what each question kind asks for, as the summary names it
WORD = re.compile(r"\w[\w'\u2019.-]*\w|\w")


def plain_summary(explanation) -> str:
    """One to three plain sentences: why this answer, why no short answer, or why "not found"."""
    answer, trace = explanation.answer, explanation.trace
    if not trace.candidates:
        return ("No release came back for this question, so there is nothing to answer from: the filters may be "
                "too narrow, or the index holds no release on it.")
    if not answer.found:
        return _not_found(explanation)
    chosen = _answering(explanation)
    source = _source(explanation, chosen)
    if explanation.generative:
        return (f"The generator wrote this answer from the passages found; the sentence that matched the question "
                f"best is in {source}: {_sentence(chosen.text)}")
    parts = [f"Answered from {source}, sentence [1]: {_sentence(chosen.text)}",
             _shared_words(_asked(answer), chosen.text) + _confidence(trace, chosen)]
    parts.append(_short_answer(explanation, chosen))
    return " ".join(part for part in parts if part)


def _answering(explanation) -> Candidate:
    """The candidate quoted as [1], or the best one when none is (a generated answer)."""
    citations = explanation.answer.citations
    first = citations[0] if citations else None
    for candidate in explanation.trace.candidates:
        if first and (candidate.hit.release_id, candidate.sentence.char_start) == (first.release_id,
                                                                                   first.sentence_start):
            return candidate
    return explanation.trace.candidates[0]


def _source(explanation, candidate: Candidate) -> str:
    """The release, as people name it: its title and date."""
    release_id = candidate.hit.release_id
    title = explanation.titles.get(release_id) or release_id
    dates = [c.date for c in explanation.answer.citations if c.release_id == release_id and c.date]
    return f"\u201c{_quoted(title, 90)}\u201d" + (f" ({readable_date(dates[0])})" if dates else "")


def _confidence(trace, chosen: Candidate) -> str:
    """How sure the model is that the sentence answers, said only in terms that agree with answering."""
    if chosen.reading is not None:
        probability, who = chosen.reading.answer_probability, "reader"
    else:
        probability, who = trace.answerable_probability, "model"
    if probability is None:
        return ""
    if probability >= 0.5:
        return f"; the {who} is {probability:.0%} sure it answers the question."
    return f"; its score cleared the bar the {who} needs to answer."


def _short_answer(explanation, chosen: Candidate) -> str:
    """The short answer with its confidence, or why there is none."""
    answer, trace = explanation.answer, explanation.trace
    wanted = _wanted(trace)
    if chosen.reading is not None:
        reading = chosen.reading
        span = chosen.text[reading.span[0]:reading.span[1]] if reading.span else None
        if answer.short_answer:
            return (f"The short answer \u201c{answer.short_answer}\u201d is the part of it the reader picked "
                    f"({reading.span_probability:.0%} sure).")
        if span is None:
            return "There is no short answer: the reader found no part of the sentence that answers by itself."
        return (f"There is no short answer: the reader's best guess, \u201c{span}\u201d, is rated "
                f"{reading.span_probability:.0%}, under the {trace.span_threshold:.0%} a short answer needs.")
    if answer.short_answer:
        probability = trace.spans[0].probability if trace.spans else None
        sure = f" ({probability:.0%})" if probability is not None else ""
        return (f"The short answer \u201c{answer.short_answer}\u201d is the {wanted or 'name'} in it the model is "
                f"surest of{sure}.")
    if not trace.spans:
        return (f"There is no short answer: the sentence names no {wanted or 'name, date or number'} the question "
                "does not already name, so the whole sentence is the answer.")
    best = trace.spans[0]
    return (f"There is no short answer: the likeliest, \u201c{best.text}\u201d, is rated {best.probability:.0%}, "
            f"under the {trace.span_threshold:.0%} a short answer needs.")


def _not_found(explanation) -> str:
    """What the closest release says, and what the question asks that it does not."""
    trace = explanation.trace
    closest = trace.candidates[0]
    said = (f"The releases don't say. The closest is {_source(explanation, closest)}, which says: "
            f"{_sentence(closest.text)}")
    asked = _asked(explanation.answer)
    missing = [word for word, stems in _content_words(asked) if not stems & _stems(closest.text)]
    wanted = _wanted(trace)
    if missing:
        lacks = f"That sentence does not mention {_listed(missing, 'or')}, which the question asks about."
    elif wanted:
        lacks = f"That sentence mentions what the question is about, but not the {wanted} it asks for."
    else:
        lacks = "That sentence mentions what the question is about, but the model did not find that it answers it."
    return f"{said} {lacks}"


def _shared_words(question: str, sentence: str) -> str:
    shared = [word for word, stems in _content_words(question) if stems & _stems(sentence)]
    if not shared:
        return "It matched the question in meaning rather than in words"
    return f"It shares the question's words {_listed(shared)}"


def _content_words(question: str) -> list[tuple[str, set[str]]]:
    """The question's words that say what it is about, each with its stems (question words left out)."""
    words = list(dict.fromkeys(WORD.findall(question)))
    return [(word, stems) for word, tokens in zip(words, tokenize(words) if words else [])
            if (stems := set(tokens) - QUESTION_WORDS)]


def _stems(text: str) -> set[str]:
    return set(tokenize([text])[0])


def _asked(answer) -> str:
    return answer.searched or answer.question


def _wanted(trace) -> str | None:
    """What the question asks for, when the model is fairly sure of it."""
    if not trace.question_types:
        return None
    kind, probability = max(trace.question_types.items(), key=lambda item: item[1])
    return WANTED.get(kind) if probability >= 0.5 else None


def _listed(words: list[str], joiner: str = "and") -> str:
    quoted = [f"\u201c{word}\u201d" for word in words[:5]]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" {joiner} " + quoted[-1]


def _sentence(text: str) -> str:
    """A sentence quoted to end a sentence of the summary: its own full stop ends both."""
    quoted = _quoted(text)
    return f"\u201c{quoted}\u201d" + ("" if quoted[-1:] in ".!?\u2026" else ".")


def _quoted(text: str, limit: int = QUOTED) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
