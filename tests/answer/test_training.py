"""The choices `qa train-answerer` makes out of fold: the refusal and short-answer thresholds, the fit.

The fit on the dev set itself is checked in tests/evaluate/test_question_sets.py (the shipped
model is what the trainer fits); here, the choosing functions on numbers whose answer is known.
"""

import numpy as np
import pytest

from qa.answer.training import SPAN_PRECISION, _answer_threshold, _best_c, _fit, _span_threshold


def test_the_refusal_threshold_gives_the_most_right_answers_over_all_questions():
    # Four answerable questions (right, right, wrong, right) and two unanswerable ones.
    probabilities = np.asarray([0.9, 0.8, 0.35, 0.6, 0.4, 0.2])
    right = np.asarray([1, 1, 0, 1, 0, 0])
    answerable = np.asarray([True, True, True, True, False, False])
    threshold, report = _answer_threshold(probabilities, right, answerable)
    # Answering from 0.6 up: 3 right answers and 2 right refusals, 5 of 6; the wrong answer is refused too.
    assert 0.4 < threshold <= 0.6
    assert report["accuracy"] == pytest.approx(5 / 6, abs=1e-4)
    assert report["not_found_recall"] == 1.0 and report["false_refusals"] == pytest.approx(1 / 4, abs=1e-4)


def test_the_span_threshold_is_the_lowest_that_reaches_the_precision_asked_for():
    # One group per right sentence; the best-rated span of each counts.
    probabilities = np.asarray([0.99, 0.2, 0.95, 0.9, 0.5, 0.4])
    labels = np.asarray([1, 0, 1, 1, 0, 1])
    groups = np.asarray([1, 1, 2, 3, 4, 5])
    threshold, report = _span_threshold(probabilities, labels, groups)
    shown = [p >= threshold for p in (0.99, 0.95, 0.9, 0.5, 0.4)]
    assert threshold == 0.9 and shown == [True, True, True, False, False]
    assert report["span_precision"] >= SPAN_PRECISION and report["span_coverage"] == pytest.approx(3 / 5, abs=1e-4)


def test_no_threshold_reaching_the_precision_shows_no_short_answer():
    threshold, report = _span_threshold(np.asarray([0.9, 0.8]), np.asarray([0, 0]), np.asarray([1, 2]))
    assert threshold == 1.0 and report["span_coverage"] == 0.0


def test_a_fitted_part_separates_what_it_was_fitted_on():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 3))
    labels = (features[:, 0] + 0.1 * rng.normal(size=200) > 0).astype(int)
    folds = np.arange(200) % 5
    model = _fit(features, labels, _best_c(features, labels, folds))
    assert ((model.probability(features) >= 0.5) == labels).mean() > 0.9
    assert model.coef[0] > abs(model.coef[1]) and model.coef[0] > abs(model.coef[2])
