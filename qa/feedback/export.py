"""Reviewed feedback as a question file (`qa feedback export`): daily use feeds the next dev or training set.

Each question asked is exported once, from its latest feedback, in the format `qa eval` reads
(`qa.evaluate.questions`), with style "feedback":
- a wrong answer with a correction: the correction is the key;
- a right answer: its short answer is the key (else the sentence it quoted);
- a key the releases word as a list ("A and B") becomes its parts, all of which must be there;
- a right "The releases don't say.": an unanswerable question;
- a wrong answer without a correction gives no key and is left out.
The gold releases are those the answer cited that hold the key, else (for a correction) every
release of the index that holds it; a correction no release holds is left out, with the reason.

Example:
    report = FeedbackExporter(assistant.snapshot).run(FeedbackStore.of(settings).items())
    write_questions(report.questions, "feedback.jsonl")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.evaluate.questions import DevQuestion
from qa.feedback.store import FeedbackItem
from qa.language.aliases import normalise
from qa.language.question import QuestionAnalyzer

STYLE = "feedback"
# The first words that say what a question asks for; "who" is the question analyzer's rule.
_KIND_OPENINGS = (("how many", "number"), ("how much", "number"), ("when", "when"), ("what date", "when"),
                  ("what year", "when"), ("on what day", "when"), ("where", "where"), ("in which country", "where"),
                  ("which country", "where"), ("which city", "where"))

_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b)\s*")


@dataclass(frozen=True)
class ExportReport:
    """The questions made from feedback, and one line for each item left out, saying why."""

    questions: list[DevQuestion]
    skipped: list[str] = field(default_factory=list)


class FeedbackExporter:
    """Turns reviewed items into labelled questions, checking each key against the index's releases.

    `snapshot` is the live index (`assistant.snapshot`, or `StoreLocation.open_snapshot()`): what
    gives `releases` and `release_text(release_id)`.
    """

    def __init__(self, snapshot):
        self.snapshot = snapshot
        self.analyzer = QuestionAnalyzer()
        self._texts: dict[str, str] = {}  # release_id -> normalised text, read once per export

    def run(self, items: list[FeedbackItem]) -> ExportReport:
        latest: dict[str, FeedbackItem] = {}
        skipped = []
        for item in items:  # oldest first: a later verdict on the same question replaces an earlier one
            earlier = latest.pop(normalise(item.asked), None)
            if earlier is not None:
                skipped.append(f"feedback {earlier.item_id}: replaced by feedback {item.item_id} on the same question")
            latest[normalise(item.asked)] = item
        questions = []
        for item in latest.values():
            question = self.question(item)
            if isinstance(question, str):
                skipped.append(f"feedback {item.item_id}: {question}")
            else:
                questions.append(question)
        return ExportReport(questions, skipped)

    def question(self, item: FeedbackItem) -> DevQuestion | str:
        """The labelled question an item gives, or why it gives none."""
        question_id = f"feedback-{item.item_id}"
        if item.verdict == "right" and not item.found:
            return DevQuestion(question_id, item.asked, (), "any", (), "unanswerable", style=STYLE)
        right = item.verdict == "right"
        key = (item.short_answer or _quoted_sentence(item)) if right else item.correction
        if not key:
            return ("a right answer without a short answer or a quoted sentence gives no key" if right
                    else "a wrong answer without the right one gives no key")
        labelled = self._labelled(key, [citation["release_id"] for citation in item.citations], right)
        if labelled is None:
            return f"no release of the index holds the key {key!r}"
        keys, match, gold = labelled
        return DevQuestion(question_id, item.asked, keys, match, tuple(gold), self.kind(item.asked), style=STYLE)

    def kind(self, question: str) -> str:
        """who, when, where, number or what, from the question's wording."""
        if self.analyzer.analyze(question).asks_who:
            return "who"
        opening = normalise(question).strip()
        return next((kind for words, kind in _KIND_OPENINGS if opening.startswith(words)), "what")

    def _labelled(self, key: str, cited: list[str], confirmed: bool) -> tuple[tuple[str, ...], str, list[str]] | None:
        """(keys, match, gold releases) for a key: as written, else its parts ("A and B": match all).

        The gold releases are the cited ones that hold the keys, else (for a correction) every
        release of the index that does; a right answer's own citations stand when its key is
        worded otherwise than the releases ("A and B" from "A, Minister ..., and B").
        """
        cited = [release_id for release_id in dict.fromkeys(cited) if release_id in self.snapshot.releases]
        parts = tuple(part for part in _LIST_SEPARATORS.split(key) if part.strip())
        for keys, match in [((key,), "any")] + ([(parts, "all")] if len(parts) > 1 else []):
            gold = self._holders(keys, cited) or ([] if confirmed else self._holders(keys, self.snapshot.releases))
            if gold:
                return keys, match, gold
        return ((key,), "any", cited) if confirmed and cited else None

    def _holders(self, keys: tuple[str, ...], release_ids) -> list[str]:
        wanted = [normalise(key) for key in keys]
        return [release_id for release_id in release_ids if all(key in self._text(release_id) for key in wanted)]

    def _text(self, release_id: str) -> str:
        if release_id not in self._texts:
            release = self.snapshot.releases[release_id]
            self._texts[release_id] = normalise(f"{release.title}\n{self.snapshot.release_text(release_id)}")
        return self._texts[release_id]


def _quoted_sentence(item: FeedbackItem) -> str | None:
    return next((citation.get("sentence") for citation in item.citations if citation.get("sentence")), None)
