"""Noun phrases of a question and the names of a title that end in the same noun.

"Who co-chaired the 25th anniversary of ASEAN-Russia?" holds the phrase "the 25th anniversary
of ASEAN-Russia", whose head noun is "anniversary"; the title "Special ASEAN-Russia Foreign
Ministers' Meeting" names a meeting. `FollowUpRewriter` in `qa.language.follow_up` uses both
to carry an earlier question's topic into a follow-up.

Example:
    noun_phrases("When was the ASEAN-Russia meeting held?")
    # [NounPhrase("the ASEAN-Russia meeting", 9, 33, "meeting", True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.language.lexicon import AUXILIARIES, PRONOUNS, WH_WORDS

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

# A word, with a closing apostrophe of possession kept: "Ministers'".
WORD = re.compile(r"(?:[A-Za-z]\.){2,}(?:-[\w\-]+)?|\w(?:[\w'’.\-]*\w)?(?:['’](?!\w))?")


@dataclass(frozen=True)
class NounPhrase:
    """A noun phrase of a question: where it is, its last noun, and whether it names something."""

    text: str
    start: int
    end: int
    head: str  # lower-cased last word before any "of ..." part
    named: bool  # holds a capitalised word or a number, not only common nouns


def noun_phrases(question: str) -> list[NounPhrase]:
    """Noun phrases opened by a determiner ("the ASEAN-Russia meeting"), with any "of ..." part."""
    words = list(WORD.finditer(question))
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
            phrases.append(NounPhrase(text, words[index].start(), words[end - 1].end(), head, named))
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


def names_ending_in(title: str, head: str) -> list[str]:
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


def noun_follows(question: str, end: int) -> bool:
    """Whether the word after `end` may belong to a noun phrase: "her [visit]", not "her [to]"."""
    following = WORD.match(question, end + 1) if end < len(question) and question[end] == " " else None
    return following is not None and following.group().lower() not in _NOT_IN_PHRASE
