"""Question sets: the JSONL format, its checks, and how a key string is matched."""

import json

import pytest

from qa.errors import QAError
from qa.evaluate.questions import DevQuestion, load_questions

from ..conftest import REPO

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def question(answers=("Retno Marsudi",), match="any"):
    return DevQuestion("q", "question q?", tuple(answers), match, ("a",), "who")


def test_key_strings_match_case_and_whitespace_insensitively():
    asked = question(answers=("Retno  Marsudi", "Sergey Lavrov"), match="all")
    assert asked.is_answered_by("co-chaired by H.E. RETNO\nMARSUDI and H.E. Sergey Lavrov")
    assert not asked.is_answered_by("co-chaired by H.E. Retno Marsudi")
    assert question(answers=("Retno Marsudi", "Sergey Lavrov")).is_answered_by("Sergey Lavrov")


def test_quotes_and_dashes_are_folded_before_matching():
    assert question(answers=("Foreign Ministers' Meeting", "2022-2023")).is_answered_by(
        "the Foreign Ministers\u2019 Meeting")
    assert question(answers=("2022-2023",)).is_answered_by("the year 2022\u20132023")


def write_lines(tmp_path, *objects):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(obj if isinstance(obj, str) else json.dumps(obj) for obj in objects) + "\n")
    return path


GOOD = {"id": "q1", "question": "Who co-chaired the meeting?", "answers": ["Retno Marsudi"], "match": "any",
        "gold_doc_ids": [SEED_ID], "kind": "who"}


def test_load_questions_reads_the_format(tmp_path):
    unanswerable = {**GOOD, "id": "q2", "answers": [], "gold_doc_ids": [], "kind": "unanswerable"}
    questions = load_questions(write_lines(tmp_path, GOOD, "", {**unanswerable, "paraphrased": True}))
    assert [q.question_id for q in questions] == ["q1", "q2"]
    assert questions[0].answerable and not questions[1].answerable and questions[1].paraphrased


@pytest.mark.parametrize("line, message", [
    ("{not json", ":1: not a JSON object"),
    ({**GOOD, "kind": "why"}, "kind must be one of"),
    ({**GOOD, "match": "some"}, "match must be 'any' or 'all'"),
    ({key: value for key, value in GOOD.items() if key != "answers"}, "missing fields \\['answers'\\]"),
    ({**GOOD, "answer": "typo"}, "unknown fields \\['answer'\\]"),
    ({**GOOD, "kind": "unanswerable"}, "unanswerable questions, and only they"),
    ({**GOOD, "gold_doc_ids": []}, "unanswerable questions, and only they"),
])
def test_a_bad_line_is_refused_naming_the_line_and_the_field(tmp_path, line, message):
    with pytest.raises(QAError, match=message):
        load_questions(write_lines(tmp_path, line))


def test_duplicate_ids_and_missing_files_are_refused(tmp_path):
    with pytest.raises(QAError, match="used twice"):
        load_questions(write_lines(tmp_path, GOOD, GOOD))
    with pytest.raises(QAError, match="was not found"):
        load_questions(tmp_path / "nowhere.jsonl")


def test_the_dev_set_meets_the_issue_mix():
    questions = load_questions(REPO / "tests" / "data" / "dev_questions.jsonl")
    kinds = {q.kind for q in questions}
    assert len(questions) >= 80
    assert sum(not q.answerable for q in questions) >= 15
    assert sum(q.paraphrased for q in questions) >= 20
    assert {"who", "when", "where", "what", "list", "number", "unanswerable"} <= kinds
    assert any(SEED_ID in q.gold_doc_ids for q in questions)




def test_a_written_question_file_reads_back_the_same(tmp_path):
    from qa.evaluate.questions import write_questions

    questions = [DevQuestion("q1", "Who co-chaired the meeting?", ("Retno Marsudi", "Sergey Lavrov"), "all",
                             (SEED_ID,), "who", paraphrased=True, style="feedback"),
                 DevQuestion("q2", "What did the ministry say about Mars?", (), "any", (), "unanswerable")]
    path = write_questions(questions, tmp_path / "written.jsonl")
    assert load_questions(path) == questions
    assert json.loads(path.read_text().splitlines()[1]) == {
        "id": "q2", "question": "What did the ministry say about Mars?", "answers": [], "match": "any",
        "gold_doc_ids": [], "kind": "unanswerable"}
