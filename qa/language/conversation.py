"""Follow-up questions in a chat: rewritten from the earlier turns, then asked as usual.

`Conversation` asks an `Assistant` each question of a chat after `FollowUpRewriter`
(`qa.language.follow_up`) has made it self-contained, and remembers the answers the
rewriting looks at.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from qa.errors import QAError, validate_text
from qa.language.follow_up import FollowUpRewriter, PreviousAnswer
from qa.records import Answer


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
