"""Follow-up questions rewritten from the earlier turns of a chat, so they can be asked as usual.

"When was it held?" after "Who co-chaired the meeting?" is searched as "When was the
Special ASEAN-Russia Foreign Ministers' Meeting held?". The rewriting is rule-based (no
language model): the earlier question's topic (a noun phrase, else its names) replaces
the pronoun or the bare noun of the follow-up, and the title of the release that answered
the earlier question makes a vague topic ("the meeting") specific.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.language.lexicon import OPENING_WORDS, alternation
from qa.language.noun_phrases import WORD, NounPhrase, names_ending_in, noun_follows, noun_phrases
from qa.language.question import QuestionAnalyzer
from qa.records import Answer

_PEOPLE_LOOKBACK = 3  # earlier questions searched for the people "they" may stand for

_PERSON_PRONOUNS = frozenset("he him his she her hers they them their theirs".split())
_POSSESSIVES = frozenset("its his their theirs hers".split())
_PRONOUN = re.compile(r"\b(it|its|they|them|their|theirs|he|him|his|she|her|hers)\b", re.I)
_SINGLE_PERSON_PRONOUNS = frozenset("he him his she her hers".split())
_IMPERSONAL_IT = re.compile(r"^\s*(?:is|was)\s+it\s+(?:true|possible|likely|clear)\b", re.I)
_THIS_ALONE = re.compile(r"\b(this|that)\b(?=\s*(?:[?.!,]|$|(?:is|was|were|are|be|been|held|take|took|"
                         r"taken|happen\w*)\b))", re.I)
_THERE_AT_END = re.compile(r"\bthere(?=\s*[?.!]*\s*$)", re.I)
_OPENING = re.compile(rf"^(?:(?:{alternation(OPENING_WORDS)})\b[,\s]*)+", re.I)
_ELLIPSIS = re.compile(r"^(who|whom|when|where|why|how many|how much|how long|what|which)"
                       r"(?:\s+(?:else|exactly|then|again))?[\s?.!]*$", re.I)
_WHAT_ABOUT = re.compile(r"^(?:what|how)\s+about\s+(.+?)[\s?.!]*$", re.I)


@dataclass(frozen=True)
class PreviousAnswer:
    """What the rewriter may use of the answer to an earlier question."""

    short_answer: str | None
    titles: tuple[str, ...]  # titles of the releases it cited, best first

    @classmethod
    def from_answer(cls, answer: Answer) -> "PreviousAnswer":
        titles = tuple(dict.fromkeys(citation.title for citation in answer.citations if citation.title))
        return cls(answer.short_answer if answer.found else None, titles)


AnswerLookup = Callable[[str], "PreviousAnswer | None"]


class FollowUpRewriter:
    """Makes a follow-up question self-contained from the earlier questions of a chat.

    Example:
        rewriter = FollowUpRewriter()
        rewriter.rewrite("When was it held?", ["Who co-chaired the ASEAN-Russia meeting?"])
        # "When was the ASEAN-Russia meeting held?"
        rewriter.rewrite("Who won the 2022 FIFA World Cup?", ["Who co-chaired the meeting?"])
        # unchanged: the question names what it asks about

    `history` holds the earlier questions of the chat, oldest first, as typed or as
    searched. With `answers` (a question -> `PreviousAnswer` lookup), a pronoun that
    stands for the people a "who" question found becomes their names, and a vague topic
    ("the meeting") becomes the fuller name in the title of the release that answered.
    """

    def __init__(self, analyzer: QuestionAnalyzer | None = None, answers: AnswerLookup | None = None,
                 max_history: int = 6) -> None:
        self.analyzer = analyzer or QuestionAnalyzer()
        self.answers = answers
        self.max_history = max_history

    def rewrite(self, question: str, history: Sequence[str], answers: AnswerLookup | None = None) -> str:
        """The question as it should be searched; unchanged when it stands on its own."""
        lookup = answers or self.answers
        resolved: list[str] = []
        usable = [text for text in history if isinstance(text, str) and re.search(r"\w", text)]
        for earlier in usable[-self.max_history:]:
            resolved.append(self._resolve(earlier, resolved, lookup))
        return self._resolve(question, resolved, lookup)

    def _resolve(self, question: str, earlier: list[str], lookup: AnswerLookup | None) -> str:
        question = " ".join(str(question).split())
        if not earlier or not re.search(r"\w", question):
            return question
        previous = earlier[-1]
        body = _OPENING.sub("", question)
        what_about = _WHAT_ABOUT.match(body)
        if what_about:
            return self._swap_topic(previous, what_about.group(1)) or question
        topic = _Topic(self, earlier, lookup)
        ellipsis = _ELLIPSIS.match(body)
        if ellipsis and topic.text():
            return f"{ellipsis.group(0).strip(' ?.!').capitalize()} was {topic.text()}?"
        rewritten = self._replace_pronouns(question, topic)
        if rewritten == question:
            rewritten = self._replace_vague_phrase(question, topic)
        return rewritten

    def _replace_pronouns(self, question: str, topic: "_Topic") -> str:
        """ "it", "they", "her", "this", a closing "there": the topic, or the people found."""
        def referent(match: re.Match) -> str:
            word = match.group().lower()
            if word == "it" and _IMPERSONAL_IT.match(question):
                return match.group()
            possessive = word in _POSSESSIVES or (word == "her" and noun_follows(question, match.end()))
            text = topic.people() if word in _PERSON_PRONOUNS else None
            if text is None and word not in _SINGLE_PERSON_PRONOUNS:
                text = topic.text()
            if not text or text.casefold() in question.casefold():
                return match.group()  # no topic, or the question names it already
            return _cased(f"{text}'s" if possessive else text, match.start() == 0)

        rewritten = _PRONOUN.sub(referent, question)
        if rewritten == question and topic.text():
            rewritten = _THIS_ALONE.sub(lambda match: _cased(topic.text(), match.start() == 0),
                                        question, count=1)
            rewritten = _THERE_AT_END.sub(lambda match: f"at {topic.text()}", rewritten)
        return rewritten

    def _replace_vague_phrase(self, question: str, topic: "_Topic") -> str:
        """ "the meeting" in the follow-up, when the topic is a fuller name for that meeting."""
        phrase = topic.phrase()
        if phrase is None or self.analyzer.analyze(question).entities:
            return question
        for own in noun_phrases(question):
            if not own.named and own.head in (phrase.head, phrase.head + "s") and \
                    topic.text().casefold() != own.text.casefold():
                return question[:own.start] + topic.text() + question[own.end:]
        return question

    def _swap_topic(self, previous: str, new_topic: str) -> str | None:
        """ "What about the ASEAN-China meeting?" asks the previous question of another topic."""
        phrases = noun_phrases(previous)
        phrase = next((p for p in phrases if p.named), phrases[-1] if phrases else None)
        if phrase is None:
            return None
        return previous[:phrase.start] + new_topic + previous[phrase.end:]


class _Topic:
    """What an earlier question was about, worked out only when a follow-up needs it."""

    def __init__(self, rewriter: FollowUpRewriter, earlier: list[str], lookup: AnswerLookup | None):
        self.rewriter = rewriter
        self.earlier = earlier
        self.question = earlier[-1]
        self.lookup = lookup
        self._answers: dict[str, PreviousAnswer | None] = {}
        self._text: str | None = None

    def phrase(self) -> NounPhrase | None:
        phrases = noun_phrases(self.question)
        return next((phrase for phrase in phrases if phrase.named), phrases[-1] if phrases else None)

    def text(self) -> str:
        """The topic's words: its noun phrase made specific by the answering title, or its names."""
        if self._text is None:
            phrase = self.phrase()
            if phrase is not None:
                self._text = self._specific(phrase) or phrase.text
            else:
                self._text = " and ".join(self.rewriter.analyzer.analyze(self.question).entities)
        return self._text

    def people(self) -> str | None:
        """The names the latest "who" question of the last few found, for "he", "she", "they"."""
        for question in reversed(self.earlier[-_PEOPLE_LOOKBACK:]):
            if self.rewriter.analyzer.analyze(question).asks_who:
                answer = self.answer(question)
                return answer.short_answer if answer else None
        return None

    def answer(self, question: str | None = None) -> PreviousAnswer | None:
        question = question or self.question
        if question not in self._answers:
            self._answers[question] = self.lookup(question) if self.lookup is not None else None
        return self._answers[question]

    def _specific(self, phrase: NounPhrase) -> str | None:
        """A fuller name ending in the phrase's noun, from the title of the answering release."""
        answer = self.answer()
        if answer is None:
            return None
        own_words = [word.casefold() for word in WORD.findall(phrase.text) if word[0].isupper()]
        for title in answer.titles:
            for name in names_ending_in(title, phrase.head):
                if all(word in name.casefold() for word in own_words):
                    return name if name.lower().startswith("the ") else f"the {name}"
        return None


def _cased(text: str, sentence_start: bool) -> str:
    return text[:1].upper() + text[1:] if sentence_start else text
