import numpy as np
import pytest
import torch

from qa.index import embedder as embedder_module
from qa.index.embedder import Embedder, torch_threads
from qa.errors import QAError


def test_bad_precision_and_thread_count_are_refused_before_loading_a_model():
    with pytest.raises(QAError, match="precision must be one of float32, bfloat16, auto"):
        Embedder(precision="int4")
    with pytest.raises(QAError, match="query_threads must be 0"):
        Embedder(query_threads=-1)


@pytest.mark.parametrize("native, expected", [(True, "bfloat16"), (False, "float32")])
def test_auto_precision_follows_the_cpu(monkeypatch, native, expected):
    monkeypatch.setattr(embedder_module, "cpu_has_native_bfloat16", lambda: native)
    assert embedder_module.resolve_precision("auto") == expected
    assert embedder_module.resolve_precision("float32") == "float32"


def test_torch_threads_apply_inside_the_block_and_are_restored():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(0):  # 0 leaves torch's setting alone
        assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError), torch_threads(1):
        raise RuntimeError("restored even on errors")
    assert torch.get_num_threads() == before


@pytest.mark.slow
def test_bfloat16_vectors_stay_close_to_float32(real_embedder):
    texts = ["The Foreign Ministers co-chaired the Special ASEAN-Russia Meeting on 6 July 2021.",
             "The United States will provide $150 million to ASEAN partners."]
    spans = [[(0, len(text))] for text in texts]
    half = Embedder(precision="bfloat16", query_threads=1)
    full_chunks, _ = real_embedder.embed_passages(texts, spans)
    half_chunks, half_sentences = half.embed_passages(texts, spans)
    assert half_chunks.dtype == np.float32 and half_sentences[0].shape == (1, real_embedder.dimension)
    assert np.min(np.sum(full_chunks * half_chunks, axis=1)) > 0.98
    query = half.embed_queries(["Who co-chaired the meeting?"])
    assert query.shape == (1, real_embedder.dimension) and abs(float(np.linalg.norm(query)) - 1) < 1e-3
