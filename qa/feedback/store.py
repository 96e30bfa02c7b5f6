"""Feedback on answers: "right" or "wrong", a comment, a correction, kept in a SQLite file beside the index.

The file is `feedback.sqlite` in the index folder (beside `CURRENT` and the generations, which an
ingest never touches), `PATH.feedback.sqlite` beside a Milvus Lite `PATH.db`, or `QA_FEEDBACK_DB`.
Each item is committed when it is given: a restart loses nothing.

Example:
    store = FeedbackStore.of(settings)
    item = FeedbackItem.of(answer, generation="gen-000003").reviewed("wrong", correction="6 July 2021")
    store.save(item)
    store.counts()  # FeedbackCounts(right=0, wrong=1, corrected=1)
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from qa.errors import QAError, validate_text
from qa.index.location import StoreLocation
from qa.records import Answer

FEEDBACK_FILE = "feedback.sqlite"
VERDICTS = ("right", "wrong")
_COLUMNS = ("question", "searched", "answer", "short_answer", "found", "citations", "generation", "verdict",
            "comment", "correction", "user", "created_at")
_REVIEW = ("verdict", "comment", "correction", "user", "created_at")  # what a second press changes
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    item_id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, searched TEXT, answer TEXT NOT NULL,
    short_answer TEXT, found INTEGER NOT NULL, citations TEXT NOT NULL, generation TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong')), comment TEXT NOT NULL,
    correction TEXT NOT NULL, user TEXT, created_at TEXT NOT NULL);
"""


@dataclass(frozen=True)
class FeedbackItem:
    """An answer as it was shown, and what a member of staff said of it.

    `FeedbackItem.of(answer, generation)` is the answer before review; `reviewed(...)` adds the
    verdict; `FeedbackStore.save` gives it its `item_id` and time.
    """

    question: str  # as typed
    searched: str | None  # the question as searched, when a follow-up was rewritten
    answer: str
    short_answer: str | None
    found: bool
    citations: tuple[dict, ...]  # as in `qa ask --json`
    generation: str  # the index generation that answered
    verdict: str = ""  # "right" | "wrong"; "" before review
    comment: str = ""
    correction: str = ""  # for a wrong answer: what the answer is
    user: str | None = None  # the signed-in user, when the app asks to sign in
    created_at: str = ""  # ISO time, UTC
    item_id: int | None = None

    @classmethod
    def of(cls, answer: Answer, generation: str) -> "FeedbackItem":
        data = answer.to_dict()
        return cls(answer.question, answer.searched, answer.answer, answer.short_answer, answer.found,
                   tuple(data["citations"]), generation)

    @property
    def asked(self) -> str:
        """The question as it was searched: a follow-up stands on its own in this form."""
        return self.searched or self.question

    def reviewed(self, verdict: str, comment: str = "", correction: str = "",
                 user: str | None = None) -> "FeedbackItem":
        """This answer with a verdict; QAError for a verdict other than right/wrong, a correction of
        a right answer, or a comment or correction that is not usable text."""
        verdict = str(verdict or "").strip().lower()
        if verdict not in VERDICTS:
            raise QAError(f"verdict must be 'right' or 'wrong'. Currently, verdict is {verdict!r}")
        comment, correction = _optional_text(comment, "comment"), _optional_text(correction, "correction")
        if correction and verdict == "right":
            raise QAError("a correction is for a wrong answer: give verdict 'wrong', or leave the correction empty")
        return replace(self, verdict=verdict, comment=comment, correction=correction, user=user or None)

    def to_dict(self) -> dict:
        return {**asdict(self), "citations": list(self.citations)}


@dataclass(frozen=True)
class FeedbackCounts:
    """How many answers were marked right and wrong, and how many wrong ones were corrected."""

    right: int = 0
    wrong: int = 0
    corrected: int = 0

    def summary(self) -> str:
        return f"{self.right} right, {self.wrong} wrong ({self.corrected} with the right answer given)"


class FeedbackStore:
    """The feedback file: one connection a call, so the app's threads and the CLI can share it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def of(cls, settings) -> "FeedbackStore":
        """The file for the index the settings name (see the module docstring)."""
        if settings.feedback_db:
            return cls(settings.feedback_db)
        location = StoreLocation.of(settings)
        if location.kind == "milvus-lite":
            return cls(Path(location.target).with_suffix(".feedback.sqlite"))
        return cls(Path(location.target if location.is_folder else settings.index_dir) / FEEDBACK_FILE)

    def save(self, item: FeedbackItem) -> FeedbackItem:
        """Stores a reviewed item, committed before it returns; the item with its id and time.

        An item already kept (it has an `item_id`) gets its new verdict, comment and correction:
        one answer shown, one item, however often its buttons are pressed.
        """
        if item.verdict not in VERDICTS:
            raise QAError("feedback needs a verdict: review the item with FeedbackItem.reviewed first")
        item = replace(item, created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as connection, connection:
                connection.executescript(SCHEMA)
                return self._write(connection, item)
        except (OSError, sqlite3.Error) as error:
            raise QAError(f"feedback could not be saved in {str(self.path)!r}: {error}") from None

    @staticmethod
    def _write(connection: sqlite3.Connection, item: FeedbackItem) -> FeedbackItem:
        if item.item_id is not None:
            connection.execute(f"UPDATE feedback SET {', '.join(name + ' = ?' for name in _REVIEW)} WHERE item_id = ?",
                               [getattr(item, name) for name in _REVIEW] + [item.item_id])
            return item
        values = [getattr(item, name) for name in _COLUMNS]
        values[_COLUMNS.index("citations")] = json.dumps(list(item.citations), ensure_ascii=False)
        cursor = connection.execute(f"INSERT INTO feedback ({', '.join(_COLUMNS)}) VALUES "
                                    f"({', '.join('?' * len(_COLUMNS))})", values)
        return replace(item, item_id=cursor.lastrowid)

    def items(self) -> list[FeedbackItem]:
        """Every item, oldest first; none when the file does not exist yet."""
        rows = self._read(f"SELECT item_id, {', '.join(_COLUMNS)} FROM feedback ORDER BY item_id")
        return [_item(row) for row in rows]

    def counts(self) -> FeedbackCounts:
        rows = self._read("SELECT verdict, correction != '' AS corrected, COUNT(*) AS n FROM feedback "
                          "GROUP BY verdict, corrected")
        found = {(row["verdict"], row["corrected"]): row["n"] for row in rows}
        wrong = found.get(("wrong", 0), 0) + found.get(("wrong", 1), 0)
        return FeedbackCounts(found.get(("right", 0), 0), wrong, found.get(("wrong", 1), 0))

    def _read(self, query: str) -> list[sqlite3.Row]:
        if not self.path.is_file():
            return []  # nothing given yet; reading never makes the file
        try:
            with closing(self._connect(read_only=True)) as connection:
                return connection.execute(query).fetchall()
        except sqlite3.Error as error:
            raise QAError(f"the feedback file {str(self.path)!r} cannot be read: {error}") from None

    def _connect(self, read_only: bool = False) -> sqlite3.Connection:
        target = f"file:{self.path}?mode=ro" if read_only else str(self.path)
        connection = sqlite3.connect(target, uri=read_only, timeout=10)
        connection.row_factory = sqlite3.Row
        return connection


def _item(row: sqlite3.Row) -> FeedbackItem:
    data = dict(row)
    data["citations"], data["found"] = tuple(json.loads(data["citations"])), bool(data["found"])
    return FeedbackItem(**data)


def _optional_text(value, what: str) -> str:
    """Tidied text, or "" for none; text without a letter or digit counts as none."""
    text = str(value or "")
    return validate_text(text, what) if any(character.isalnum() for character in text) else ""
