"""QueryBatcher: overlapping calls share one encode; a lone call encodes at once; errors reach every caller."""

import threading
import time

import numpy as np
import pytest

from qa.index.batching import QueryBatcher


class SlowEncoder:
    def __init__(self, fail_on=None):
        self.calls = []
        self.fail_on = fail_on

    def __call__(self, texts):
        self.calls.append(list(texts))
        time.sleep(0.05)
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        return np.vstack([np.full(3, float(len(text))) for text in texts])


def ask_together(batcher, texts):
    results, errors = {}, {}

    def one(text):
        try:
            results[text] = batcher.encode(text)
        except RuntimeError as error:
            errors[text] = error

    threads = [threading.Thread(target=one, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
        time.sleep(0.002)
    for thread in threads:
        thread.join()
    return results, errors


def test_a_lone_question_is_encoded_at_once():
    encoder = SlowEncoder()
    vector = QueryBatcher(encoder).encode("abc")
    assert encoder.calls == [["abc"]] and vector.tolist() == [3.0, 3.0, 3.0]


def test_questions_asked_together_share_encode_calls_and_each_gets_its_own_vector():
    encoder = SlowEncoder()
    texts = ["q" * length for length in range(1, 13)]
    results, errors = ask_together(QueryBatcher(encoder), texts)
    assert not errors and len(encoder.calls) < len(texts)  # the first alone, the rest in batches
    assert sorted(text for call in encoder.calls for text in call) == sorted(texts)
    assert all(results[text][0] == len(text) for text in texts)


def test_batches_stay_under_the_limit():
    encoder = SlowEncoder()
    batcher = QueryBatcher(encoder, max_batch=3)
    ask_together(batcher, [f"question {n}" for n in range(10)])
    assert max(len(call) for call in encoder.calls) <= 3 and sum(batcher.batch_sizes) == 10


def test_an_encoding_error_reaches_every_caller_of_that_batch_and_the_next_call_works():
    encoder = SlowEncoder(fail_on="bad")
    batcher = QueryBatcher(encoder)
    results, errors = ask_together(batcher, ["first", "bad", "other"])
    assert "bad" in errors
    assert all(text in results or text in errors for text in ["first", "bad", "other"])
    with pytest.raises(RuntimeError):
        batcher.encode("bad")
    assert batcher.encode("fine")[0] == 4
