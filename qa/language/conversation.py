"""Follow-up questions in a chat: rewritten from the earlier turns, then asked as usual.

"When was it held?" after "Who co-chaired the meeting?" is searched as "When was the
Special ASEAN-Russia Foreign Ministers' Meeting held?". The rewriting is rule-based (no
language model): the earlier question's topic (a noun phrase, else its names) replaces
the pronoun or the bare noun of the follow-up, and the title of the release that answered
the earlier question makes a vague topic ("the meeting") specific.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.errors import QAError, validate_text
from qa.language.lexicon import AUXILIARIES, OPENING_WORDS, PRONOUNS, WH_WORDS, alternation
from qa.language.question import QuestionAnalyzer
from qa.records import Answer

_PREPOSITIONS = frozenset("in on at by for from to with about during after before since until into "
                          "between among against over under via as than per without within".split())
_CONJUNCTIONS = frozenset("and or but nor so yet if because while although".split())
# Verbs that follow a noun phrase in a question ("the meeting held ..."); most others end in -ed.
_VERBS = frozenset("held hold holds take took taken takes say says said meet met begin began begun "
                   "happen happens happened make made give gave given get got come came go went "
                   "sign signs agree agrees attend attends discuss discusses announce announces "
                   "launch launches chair chairs co-chair co-chairs host hosts lead leads led "
                   "support supports welcome welcomes pledge pledges commit commits".split())
_DETERMINERS = frozenset("the this that these those".split())
_NOT_IN_PHRASE = AUXILIARIES | WH_WORDS | _PREPOSITIONS | _CONJUNCTIONS | PRONOUNS | _VERBS
_MAX_PHRASE_WORDS = 10
_PEOPLE_LOOKBACK = 3  # earlier questions searched for the people "they" may stand for

# A word, with a closing apostrophe of possession kept: "Ministers'".
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}(?:-[\w\-]+)?|\w(?:[\w'’.\-]*\w)?(?:['’](?!\w))?")
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


@dataclass(frozen=True)
class _Phrase:
    """A noun phrase of a question: where it is, its last noun, and whether it names something."""

    text: str
    start: int
    end: int
    head: str  # lower-cased last word before any "of ..." part
    named: bool  # holds a capitalised word or a number, not only common nouns


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
            possessive = word in _POSSESSIVES or (word == "her" and _noun_follows(question, match.end()))
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
        for own in _phrases(question):
            if not own.named and own.head in (phrase.head, phrase.head + "s") and \
                    topic.text().casefold() != own.text.casefold():
                return question[:own.start] + topic.text() + question[own.end:]
        return question

    def _swap_topic(self, previous: str, new_topic: str) -> str | None:
        """ "What about the ASEAN-China meeting?" asks the previous question of another topic."""
        phrases = _phrases(previous)
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

    def phrase(self) -> _Phrase | None:
        phrases = _phrases(self.question)
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

    def _specific(self, phrase: _Phrase) -> str | None:
        """A fuller name ending in the phrase's noun, from the title of the answering release."""
        answer = self.answer()
        if answer is None:
            return None
        own_words = [word.casefold() for word in _WORD.findall(phrase.text) if word[0].isupper()]
        for title in answer.titles:
            for name in _names_ending_in(title, phrase.head):
                if all(word in name.casefold() for word in own_words):
                    return name if name.lower().startswith("the ") else f"the {name}"
        return None


class Conversation:
    """Asks an `Assistant` follow-up questions: each is rewritten from the earlier ones first.

    Example:
        conversation = Conversation(assistant)
        first = conversation.ask("Who co-chaired the meeting?")
        answer = conversation.ask("When was it held?", history=["Who co-chaired the meeting?"])
        answer.searched  # "When was the Special ASEAN-Russia Foreign Ministers' Meeting held?"

    Answers to earlier questions are remembered (per index generation and filters), so a
    follow-up in the chat costs one search; a client that sends only the history asks the
    earlier question once more.
    """

    def __init__(self, assistant, rewriter: FollowUpRewriter | None = None, remembered: int = 256):
        self.assistant = assistant
        self.rewriter = rewriter or FollowUpRewriter(analyzer=getattr(assistant, "analyzer", None))
        self.remembered = remembered
        self._answers: OrderedDict[tuple, PreviousAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def ask(self, question: str, history: Sequence[str] = (), filters=None, k: int | None = None) -> Answer:
        """The answer to `question` read in the light of `history` (earlier questions, oldest first).

        `Answer.searched` holds the rewritten question when it differs from the one asked.
        """
        validate_text(question, "question")
        searched = self.rewriter.rewrite(question, list(history or ()),
                                         answers=lambda earlier: self._previous_answer(earlier, filters))
        answer = self.assistant.ask(searched, k=k, filters=filters)
        self._remember(self._key(answer.question, filters), PreviousAnswer.from_answer(answer))
        asked = " ".join(question.split())
        if answer.question != asked:
            answer = replace(answer, question=asked, searched=answer.question)
        return answer

    def _previous_answer(self, question: str, filters) -> PreviousAnswer | None:
        key = self._key(" ".join(question.split()), filters)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        try:
            answer = self.assistant.ask(question, filters=filters)
        except QAError:
            return None
        found = PreviousAnswer.from_answer(answer)
        self._remember(key, found)
        return found

    def _remember(self, key: tuple, answer: PreviousAnswer) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.remembered:
                self._answers.popitem(last=False)

    def _key(self, question: str, filters) -> tuple:
        snapshot = getattr(self.assistant, "snapshot", None)
        return (str(getattr(snapshot, "folder", "")), question, filters)


def _phrases(question: str) -> list[_Phrase]:
    """Noun phrases opened by a determiner ("the ASEAN-Russia meeting"), with any "of ..." part."""
    words = list(_WORD.finditer(question))
    phrases = []
    index = 0
    while index < len(words):
        if words[index].group().lower() not in _DETERMINERS:
            index += 1
            continue
        end = _phrase_end(words, index + 1, question)
        if end > index + 1:
            head = _head(words[index + 1:end])
            text = question[words[index].start():words[end - 1].end()]
            named = any(word.group()[0].isupper() or word.group()[0].isdigit()
                        for word in words[index + 1:end])
            phrases.append(_Phrase(text, words[index].start(), words[end - 1].end(), head, named))
        index = max(end, index + 1)
    return phrases


def _phrase_end(words: list[re.Match], start: int, question: str) -> int:
    end = start
    while end < len(words) and end - start < _MAX_PHRASE_WORDS:
        word = words[end].group()
        lowered = word.lower()
        if end > start and question[words[end - 1].end():words[end].start()].strip():
            break  # punctuation between the words
        if lowered == "of" and end > start and end + 1 < len(words):
            end += 1
            if words[end].group().lower() in ("the", "a", "an"):
                end += 1
            continue
        if lowered in _NOT_IN_PHRASE or lowered in ("a", "an") or \
                (lowered.endswith("ed") and not word[0].isupper()):
            break
        end += 1
    while end > start and words[end - 1].group().lower() in ("of", "the", "a", "an"):
        end -= 1
    return end


def _head(words: list[re.Match]) -> str:
    """The last word before an "of ...": "anniversary" in "25th anniversary of ASEAN-Russia"."""
    texts = [word.group() for word in words]
    if "of" in (text.lower() for text in texts):
        texts = texts[:[text.lower() for text in texts].index("of")]
    return re.sub(r"['’]s?$", "", texts[-1]).lower() if texts else ""


def _names_ending_in(title: str, head: str) -> list[str]:
    """Capitalised runs of a title that end in `head`: "Special ASEAN-Russia ... Meeting"."""
    words = list(re.finditer(r"[\w][\w'’.\-]*", title))
    names = []
    for index, word in enumerate(words):
        if re.sub(r"['’]s?$", "", word.group()).lower() not in (head, head + "s"):
            continue
        first = index
        while first > 0 and _title_word(words[first - 1].group()) and \
                not title[words[first - 1].end():words[first].start()].strip():
            first -= 1
        if first < index:
            names.append(title[words[first].start():word.end()])
    return names


def _title_word(word: str) -> bool:
    return (word[0].isupper() or word[0].isdigit()) and word.lower() not in ("the", "of", "a", "an")


def _noun_follows(question: str, end: int) -> bool:
    following = _WORD.match(question, end + 1) if end < len(question) and question[end] == " " else None
    return following is not None and following.group().lower() not in _NOT_IN_PHRASE


def _cased(text: str, sentence_start: bool) -> str:
    return text[:1].upper() + text[1:] if sentence_start else text
