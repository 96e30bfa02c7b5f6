"""The reader's training data: every key and evidence sentence found in its release, and no training
release in any evaluation split (tests/data/reader/, checked by check_questions.py)."""

import gzip
import importlib.util
import json

from qa.reader.examples import QUESTIONS_DIR, key_span, load_training_questions

from ..conftest import REPO

DATA = REPO / "tests" / "data"
spec = importlib.util.spec_from_file_location("check_questions", DATA / "reader" / "check_questions.py")
check_questions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_questions)


def test_every_key_and_evidence_sentence_is_in_its_training_release(capsys):
    assert check_questions.main(sorted(str(path) for path in QUESTIONS_DIR.glob("*.jsonl"))) == 0, capsys.readouterr().out


def test_no_training_release_is_in_an_evaluation_set():
    splits = json.loads((DATA / "release_splits.json").read_text())["splits"]
    with gzip.open(DATA / "reader" / "train_releases.jsonl.gz", "rt", encoding="utf-8") as lines:
        train = [json.loads(line) for line in lines]
    with gzip.open(DATA / "whitehouse-foreign-affairs-2021-2022.jsonl.gz", "rt", encoding="utf-8") as lines:
        evaluation = [json.loads(line) for line in lines]
    assert {row["doc_id"] for row in train} == {doc for doc, split in splits.items() if split == "train"}
    assert not {row["doc_id"] for row in train} & {row["doc_id"] for row in evaluation}
    evaluation_texts = {check_questions.plain(row["text"])[:400] for row in evaluation}
    assert not [row["doc_id"] for row in train if check_questions.plain(row["text"])[:400] in evaluation_texts]
    questions = load_training_questions()
    assert {q.release_id for q in questions} <= {row["doc_id"] for row in train}


def test_the_set_is_as_large_and_as_mixed_as_the_data_card_says():
    questions = load_training_questions()
    unanswerable = [q for q in questions if not q.answerable]
    assert len(questions) >= 3000 and len({q.release_id for q in questions}) >= 800
    assert len(unanswerable) >= 0.2 * len(questions)
    assert {q.style for q in questions} == {"synonym", "indirect", "relative-date", "venue", "share", "list",
                                            "near-miss"}


def test_a_key_is_found_across_quote_and_dash_variants():
    sentence = "The President\u2019s envoy met them on 6\u2013July, in Phnom  Penh."
    assert key_span(sentence, ("President's envoy",)) == (4, 21)
    assert key_span(sentence, ("Phnom Penh",)) is not None
    assert key_span(sentence, ("Hanoi",)) is None
