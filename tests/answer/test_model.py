"""The fitted answer model: logistic parts applied with numpy, read from and written to JSON."""

import json

import numpy as np
import pytest

from qa.answer.model import MODEL_FILE, QUESTION_CLASSES, AnswerModel, Logistic
from qa.errors import ConfigurationError


def test_a_binary_part_gives_the_logistic_of_the_standardised_row():
    part = Logistic(np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([2.0, -1.0]), np.array(0.5))
    expected = 1 / (1 + np.exp(-(2.0 * (3.0 - 1.0) / 2.0 - 1.0 * 4.0 + 0.5)))
    assert part.probability(np.array([3.0, 4.0]))[0] == pytest.approx(expected)


def test_a_multiclass_part_gives_probabilities_that_sum_to_one():
    part = Logistic(np.zeros(3), np.ones(3), np.eye(3), np.zeros(3))
    probabilities = part.class_probabilities(np.array([[5.0, 0.0, 0.0]]))[0]
    assert probabilities.sum() == pytest.approx(1.0) and probabilities.argmax() == 0


def test_the_shipped_model_reads_and_writes_the_same_numbers():
    model = AnswerModel.load()
    again = AnswerModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.answer_threshold == pytest.approx(model.answer_threshold)
    assert np.allclose(again.sentence.coef, model.sentence.coef)
    assert set(model.question_types(np.ones(384), "Who co-chaired the meeting?")) == set(QUESTION_CLASSES)
    assert model.about["questions"] == "tests/data/dev_questions.jsonl"  # fitted on the tuning set only


def test_a_missing_or_broken_model_file_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(ConfigurationError, match="qa train-answerer"):
        AnswerModel.load(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        AnswerModel.load(tmp_path / "bad.json")
    assert AnswerModel.load_if_present(tmp_path / "none.json") is None and MODEL_FILE.is_file()
