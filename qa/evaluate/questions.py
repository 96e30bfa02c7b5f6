"""Question sets: JSONL files of labelled questions (tests/data/dev_questions.jsonl and its kin), read and checked.

One JSON object a line: {"id", "question", "answers": [key strings], "match": "any"|"all",
"gold_doc_ids": [every release that states the answer], "kind"}, plus optional "paraphrased"
and "style".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError
from qa.language.aliases import normalise

KINDS = ("who", "when", "where", "what", "list", "number", "unanswerable")
MATCH_MODES = ("any", "all")
_REQUIRED_FIELDS = ("id", "question", "answers", "match", "gold_doc_ids", "kind")
_OPTIONAL_FIELDS = ("paraphrased", "style")  # paraphrased: worded unlike the release; style: how (see README)


@dataclass(frozen=True)
class DevQuestion:
    """A question with what a right answer must contain and the releases that support it.

    Example:
        DevQuestion("seed-cochairs", "Who co-chaired ...?", ("Retno Marsudi", "Sergey Lavrov"),
                    "all", ("seed/mfaic-2021-07-06-asean-russia-special-fmm.txt",), "who")
    """

    question_id: str
    question: str
    answers: tuple[str, ...]  # key strings, matched case-insensitively, whitespace-normalised
    match: str  # "any": one key string must appear; "all": every one must
    gold_doc_ids: tuple[str, ...]  # every release that supports the answer; () when unanswerable
    kind: str
    paraphrased: bool = False
    style: str | None = None  # how it is worded: synonym, indirect, relative-date, venue, share, list, near-miss ...

    @property
    def answerable(self) -> bool:
        return bool(self.gold_doc_ids)

    def is_answered_by(self, text: str) -> bool:
        """True when `text` holds the key strings (one or all, as `match` says)."""
        haystack = normalise(text)
        present = [normalise(key) in haystack for key in self.answers]
        return bool(present) and (all(present) if self.match == "all" else any(present))

    def to_dict(self) -> dict:
        """The question as one line of a question file (what `load_questions` reads back)."""
        data = {"id": self.question_id, "question": self.question, "answers": list(self.answers),
                "match": self.match, "gold_doc_ids": list(self.gold_doc_ids), "kind": self.kind}
        if self.paraphrased:
            data["paraphrased"] = True
        return data if self.style is None else {**data, "style": self.style}


def write_questions(questions: list[DevQuestion], path: str | Path) -> Path:
    """Writes a question file, one JSON object a line, in the order given."""
    path = Path(path)
    lines = [json.dumps(question.to_dict(), ensure_ascii=False) + "\n" for question in questions]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def load_questions(path: str | Path) -> list[DevQuestion]:
    """Reads a question set; a bad line raises QAError naming the line and the field."""
    path = Path(path)
    if not path.is_file():
        raise QAError(f"question file {str(path)!r} was not found")
    questions, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            question = _parse_question(line, f"{path}:{number}")
            if question.question_id in seen:
                raise QAError(f"{path}:{number}: id {question.question_id!r} is used twice")
            seen.add(question.question_id)
            questions.append(question)
    if not questions:
        raise QAError(f"question file {str(path)!r} holds no questions")
    return questions


def _parse_question(line: str, where: str) -> DevQuestion:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise QAError(f"{where}: not a JSON object ({error.msg})") from None
    if not isinstance(data, dict):
        raise QAError(f"{where}: not a JSON object")
    missing = [name for name in _REQUIRED_FIELDS if name not in data]
    unknown = sorted(set(data) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
    if missing or unknown:
        raise QAError(f"{where}: missing fields {missing}, unknown fields {unknown}")
    if data["kind"] not in KINDS:
        raise QAError(f"{where}: kind must be one of {', '.join(KINDS)}. Currently, kind is {data['kind']!r}")
    if data["match"] not in MATCH_MODES:
        raise QAError(f"{where}: match must be 'any' or 'all'. Currently, match is {data['match']!r}")
    answers, gold = tuple(data["answers"]), tuple(data["gold_doc_ids"])
    if (data["kind"] == "unanswerable") != (not answers and not gold) or bool(answers) != bool(gold):
        raise QAError(f"{where}: unanswerable questions, and only they, have empty answers and gold_doc_ids")
    return DevQuestion(str(data["id"]), data["question"], answers, data["match"], gold, data["kind"],
                       bool(data.get("paraphrased", False)), data.get("style"))
