"""The reader at question time: one batch, spans inside the sentence, loads offline."""

import numpy as np

from qa.reader.inputs import Passage
from qa.reader.reader import MAX_SPAN_TOKENS, Reader, best_span

from .tiny import tiny_network


def test_best_span_never_ends_before_it_starts_nor_runs_too_long():
    start = np.array([0.0, 5.0, 0.0, 0.0])
    end = np.array([9.0, 0.0, 0.0, 6.0])  # the best end comes before the best start
    assert best_span(start, end)[0] == (1, 3)
    span, _ = best_span(np.r_[10.0, np.zeros(39)], np.r_[np.zeros(39), 10.0])
    assert span[1] - span[0] < MAX_SPAN_TOKENS
    assert best_span(np.array([]), np.array([])) == (None, 0.0)


def test_scores_come_back_one_per_passage_with_spans_inside_each_sentence(tmp_path):
    tiny_network().save(tmp_path, {"record": {}})
    reader = Reader.load(tmp_path)
    passages = [Passage("Retno Marsudi and Sergey Lavrov co-chaired it."), Passage("It rained."), Passage("x")]
    scores = reader.score("Who co-chaired the meeting?", passages)
    assert len(scores) == 3
    for passage, score in zip(passages, scores):
        assert 0.0 <= score.answer_probability <= 1.0 and 0.0 <= score.span_probability <= 1.0
        start, end = score.span
        assert 0 <= start < end <= len(passage.sentence)
    assert reader.score("Who?", []) == []


def test_a_missing_reader_says_how_to_make_one(tmp_path):
    import pytest

    from qa.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="qa train-reader"):
        Reader.load(tmp_path)
