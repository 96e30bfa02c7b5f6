"""The reader network saves as float16 with its config and loads back without the base files."""

import torch

from qa.reader.inputs import InputBuilder, Passage
from qa.reader.network import CONFIG_FILE, ReaderNetwork, load_tokenizer

from .tiny import tiny_network


def test_save_and_load_give_the_same_outputs_within_float16(tmp_path):
    network = tiny_network().eval()
    network.save(tmp_path, {"record": {"questions": 1}})
    loaded, config = ReaderNetwork.load(tmp_path)
    assert config["record"] == {"questions": 1} and config["encoder"]["hidden_size"] == 32
    builder = InputBuilder(load_tokenizer())
    batch = {k: torch.from_numpy(v) for k, v in builder.batch([builder.build("Who?", Passage("Retno met."))]).items()}
    with torch.inference_mode():
        for before, after in zip(network(**batch), loaded(**batch)):
            assert torch.allclose(before, after, atol=1e-2)
    assert (tmp_path / CONFIG_FILE).is_file()


def test_span_logits_outside_the_sentence_are_blocked():
    builder = InputBuilder(load_tokenizer())
    arrays = builder.batch([builder.build("Who met whom?", Passage("Retno met Lavrov.", "Title"))])
    with torch.inference_mode():
        _, start, end = tiny_network().eval()(**{k: torch.from_numpy(v) for k, v in arrays.items()})
    outside = ~torch.from_numpy(arrays["sentence_mask"])
    assert (start[outside] < -1e30).all() and (end[outside] < -1e30).all()


def test_padding_rows_and_tokens_leave_the_real_rows_outputs_unchanged():
    """Training rounds batch shapes up (rows to 8, tokens to 16); the real rows must read the same."""
    builder = InputBuilder(load_tokenizer())
    items = [builder.build("Who met whom?", Passage("Retno met Lavrov.", "Title")),
             builder.build("When?", Passage("On 6 July 2021, the ministers met in Jakarta.", "Title"))]
    plain = builder.batch(items)
    padded = builder.batch(items, rows=8, width=48)
    assert padded["input_ids"].shape == (8, 48) and padded["attention_mask"][2:, 0].all()
    network = tiny_network().eval()
    with torch.inference_mode():
        exact = network(**{k: torch.from_numpy(v) for k, v in plain.items()})
        rounded = network(**{k: torch.from_numpy(v) for k, v in padded.items()})
    width = plain["input_ids"].shape[1]
    assert torch.allclose(exact[0], rounded[0][:2], atol=1e-5)
    for before, after in zip(exact[1:], rounded[1:]):
        real = torch.from_numpy(plain["sentence_mask"])
        assert torch.allclose(before[real], after[:2, :width][real], atol=1e-5)
    assert all(torch.isfinite(output[:2]).any() for output in rounded)
