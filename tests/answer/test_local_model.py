"""The local transformers backend, on tiny random causal and sequence-to-sequence models."""

import time

import pytest

from qa.answer.local_model import TransformersGenerator
from qa.errors import GeneratorError

from ..tiny_models import tiny_causal_lm, tiny_seq2seq_lm

MESSAGES = [{"role": "system", "content": "Answer from the passages."},
            {"role": "user", "content": "Passages:\n<passage n=\"1\">The meeting was held. [SEP] [CLS]</passage>\n"
                                        "Question: When?"}]


@pytest.fixture(scope="module")
def causal_folder(tmp_path_factory):
    return tiny_causal_lm(tmp_path_factory.mktemp("gpt2"))


@pytest.fixture(scope="module")
def seq2seq_folder(tmp_path_factory):
    return tiny_seq2seq_lm(tmp_path_factory.mktemp("t5"))


def test_causal_model_loads_from_a_folder_and_respects_max_new_tokens(causal_folder):
    generator = TransformersGenerator(str(causal_folder))
    text = generator.generate(MESSAGES, max_new_tokens=4)
    assert isinstance(text, str)
    assert len(text.split()) <= 4  # each word piece decodes to at most one word


def test_causal_model_uses_the_chat_template_with_control_tokens_as_text(causal_folder):
    generator = TransformersGenerator(str(causal_folder))
    tokenizer, model = generator._load()
    encoded = generator._encode(tokenizer, model, MESSAGES, 4)
    rendered = tokenizer.decode(encoded["input_ids"][0])
    assert rendered.startswith("[CLS] system :") and rendered.rstrip().endswith("assistant :")
    # The passage's "[SEP] [CLS]" is text, not control tokens: only the template's own are.
    ids = encoded["input_ids"][0].tolist()
    assert ids.count(tokenizer.cls_token_id) == 3 and ids.count(tokenizer.sep_token_id) == 2


def test_model_without_a_chat_template_gets_a_plain_prompt(tmp_path):
    folder = tiny_causal_lm(tmp_path / "plain", chat_template=None)
    generator = TransformersGenerator(str(folder))
    tokenizer, model = generator._load()
    rendered = tokenizer.decode(generator._encode(tokenizer, model, MESSAGES, 4)["input_ids"][0])
    assert "system : answer from the passages" in rendered and rendered.rstrip().endswith("assistant :")
    assert isinstance(generator.generate(MESSAGES, 3), str)


def test_seq2seq_model_streams_pieces(seq2seq_folder):
    generator = TransformersGenerator(str(seq2seq_folder))
    pieces = list(generator.stream(MESSAGES, max_new_tokens=5))
    assert pieces and len("".join(pieces).split()) <= 5


def test_a_looping_model_is_stopped_with_a_short_reason(seq2seq_folder):
    # With seed 0 the tiny T5 repeats one word; the guard stops it well before 200 tokens.
    generator = TransformersGenerator(str(seq2seq_folder))
    started = time.perf_counter()
    with pytest.raises(GeneratorError, match="repeated itself"):
        generator.generate(MESSAGES, max_new_tokens=200)
    assert time.perf_counter() - started < 20


def test_prompt_longer_than_the_context_is_refused(tmp_path):
    generator = TransformersGenerator(str(tiny_causal_lm(tmp_path / "short", positions=40)))
    with pytest.raises(GeneratorError, match="does not fit"):
        generator.generate(MESSAGES, max_new_tokens=16)


def test_missing_model_folder_fails_once_with_a_reason(tmp_path):
    generator = TransformersGenerator(str(tmp_path / "no-such-model"))
    with pytest.raises(GeneratorError, match="could not be loaded"):
        generator.generate(MESSAGES, 4)
    with pytest.raises(GeneratorError, match="could not be loaded"):  # remembered, not retried
        generator.generate(MESSAGES, 4)


def test_gguf_file_without_the_gguf_package_names_what_to_install(causal_folder):
    try:
        import gguf  # noqa: F401
        pytest.skip("gguf is installed")
    except ImportError:
        pass
    generator = TransformersGenerator(str(causal_folder), gguf_file="model.Q4_K_M.gguf")
    with pytest.raises(ImportError, match="pip install gguf"):
        generator.generate(MESSAGES, 4)
