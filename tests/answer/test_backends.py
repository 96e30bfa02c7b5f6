"""Generator backends: tiny random transformers models, and a local chat-completions server."""

import socket
import time

import pytest

from qa.config import Settings
from qa.errors import ConfigurationError
from qa.answer.backends import (GeneratorError, OpenAICompatibleGenerator, RepetitionGuard, TransformersGenerator,
                          make_generator)

from ..tiny_models import ChatServer, tiny_causal_lm, tiny_seq2seq_lm

MESSAGES = [{"role": "system", "content": "Answer from the passages."},
            {"role": "user", "content": "Passages:\n<passage n=\"1\">The meeting was held. [SEP] [CLS]</passage>\n"
                                        "Question: When?"}]


@pytest.fixture(scope="module")
def causal_folder(tmp_path_factory):
    return tiny_causal_lm(tmp_path_factory.mktemp("gpt2"))


@pytest.fixture(scope="module")
def seq2seq_folder(tmp_path_factory):
    return tiny_seq2seq_lm(tmp_path_factory.mktemp("t5"))


def no_sleep(seconds):
    pass


# --- transformers --------------------------------------------------------------------------------

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


# --- OpenAI-compatible ---------------------------------------------------------------------------

def test_openai_generate_sends_messages_model_key_and_limit():
    with ChatServer([{"content": "The meeting was held on 6 July 2021 [1]."}]) as server:
        generator = OpenAICompatibleGenerator(server.url, model="qwen2.5:1.5b", api_key="secret", timeout=5)
        assert generator.generate(MESSAGES, max_new_tokens=64) == "The meeting was held on 6 July 2021 [1]."
    request = server.requests[0]
    assert request["messages"] == MESSAGES and request["model"] == "qwen2.5:1.5b"
    assert request["max_tokens"] == 64 and request["stream"] is False
    assert server.headers[0]["Authorization"] == "Bearer secret"


def test_openai_stream_yields_server_sent_pieces():
    with ChatServer([{"stream": ["The meeting ", "was held", {"choices": []}, " [1]."]}]) as server:
        pieces = list(OpenAICompatibleGenerator(server.url, timeout=5).stream(MESSAGES, 64))
    assert pieces == ["The meeting ", "was held", " [1]."]
    assert server.requests[0]["stream"] is True and "model" not in server.requests[0]


def test_openai_stream_from_a_server_that_does_not_stream_yields_the_whole_reply():
    with ChatServer([{"content": "Not found."}]) as server:
        assert list(OpenAICompatibleGenerator(server.url, timeout=5).stream(MESSAGES, 64)) == ["Not found."]


def test_openai_retries_server_errors_and_rate_limits_then_succeeds():
    waits = []
    script = [{"status": 503}, {"status": 429, "headers": {"Retry-After": "1"}}, {"content": "Done [1]."}]
    with ChatServer(script) as server:
        generator = OpenAICompatibleGenerator(server.url, timeout=5, retries=2, sleep=waits.append)
        assert generator.generate(MESSAGES, 16) == "Done [1]."
    assert len(server.requests) == 3 and waits == [0.5, 1.0]


def test_openai_rate_limit_with_a_long_retry_after_gives_up_at_once():
    with ChatServer([{"status": 429, "headers": {"Retry-After": "120"}}]) as server:
        generator = OpenAICompatibleGenerator(server.url, timeout=5, sleep=no_sleep)
        with pytest.raises(GeneratorError, match="rate limited"):
            generator.generate(MESSAGES, 16)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status, message", [(500, "failed \\(HTTP 500\\)"), (401, "generator_api_key"),
                                             (404, "no model"), (400, "rejected")])
def test_openai_error_statuses_become_short_reasons(status, message):
    with ChatServer([{"status": status}]) as server:
        with pytest.raises(GeneratorError, match=message):
            OpenAICompatibleGenerator(server.url, model="m", timeout=5, sleep=no_sleep).generate(MESSAGES, 16)


def test_openai_slow_server_times_out_without_retrying():
    with ChatServer([{"content": "late", "delay": 1.5}]) as server:
        generator = OpenAICompatibleGenerator(server.url, timeout=0.3, sleep=no_sleep)
        started = time.perf_counter()
        with pytest.raises(GeneratorError, match="did not answer within 0.3 s"):
            generator.generate(MESSAGES, 16)
        assert time.perf_counter() - started < 1.2
    assert len(server.requests) == 1


def test_openai_stream_that_stalls_mid_answer_times_out():
    with ChatServer([{"stream": ["The ", "meeting"], "piece_delay": 1.0}]) as server:
        generator = OpenAICompatibleGenerator(server.url, timeout=0.3)
        with pytest.raises(GeneratorError, match="stopped answering"):
            list(generator.stream(MESSAGES, 16))


def test_openai_server_down_is_retried_then_reported():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    waits = []
    generator = OpenAICompatibleGenerator(f"http://127.0.0.1:{port}/v1", timeout=2, retries=2, sleep=waits.append)
    with pytest.raises(GeneratorError, match="could not be reached"):
        generator.generate(MESSAGES, 16)
    assert waits == [0.5, 1.0]


def test_openai_hang_up_is_retried():
    with ChatServer([{"close": True}, {"content": "Back [1]."}]) as server:
        assert OpenAICompatibleGenerator(server.url, timeout=5, sleep=no_sleep).generate(MESSAGES, 16) == "Back [1]."


@pytest.mark.parametrize("step", [{"body": "<html>gateway</html>"}, {"body": '{"choices": []}'},
                                  {"body": '{"choices": [{"message": {"content": null}}]}'}])
def test_openai_malformed_reply_is_reported(step):
    with ChatServer([step]) as server:
        with pytest.raises(GeneratorError, match="could not be read"):
            OpenAICompatibleGenerator(server.url, timeout=5).generate(MESSAGES, 16)


def test_openai_malformed_or_error_events_in_a_stream_are_reported():
    with ChatServer([{"stream": ["Fine ", {"error": {"message": "overloaded"}}]}]) as server:
        with pytest.raises(GeneratorError, match="reported an error"):
            list(OpenAICompatibleGenerator(server.url, timeout=5).stream(MESSAGES, 16))


def test_openai_looping_stream_is_cut_off():
    with ChatServer([{"stream": ["ASEAN and Russia. "] * 50}]) as server:
        generator = OpenAICompatibleGenerator(server.url, timeout=5)
        received = []
        with pytest.raises(GeneratorError, match="repeated itself"):
            for piece in generator.stream(MESSAGES, 256):
                received.append(piece)
    assert len(received) < 10


def test_openai_output_is_capped_when_the_server_ignores_max_tokens():
    with ChatServer([{"stream": [f"word{i} " for i in range(400)]}]) as server:
        text = "".join(OpenAICompatibleGenerator(server.url, timeout=5).stream(MESSAGES, max_new_tokens=10))
    assert len(text) == 80  # 8 characters a token


# --- guard and configuration ---------------------------------------------------------------------

def test_repetition_guard_spots_loops_but_not_ordinary_text():
    guard = RepetitionGuard()
    assert guard.looping("to " * 30)
    assert guard.looping("The Ministers agreed. " * 3 + "The Ministers agreed. The")
    assert not guard.looping("The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov [1]. "
                             "The Ministers agreed to strengthen cooperation within ASEAN-led mechanisms [2].")
    assert not guard.looping("Short. Short.")


def test_make_generator_is_off_by_default_and_when_none():
    assert make_generator(Settings()) is None
    assert make_generator(Settings(generator="none")) is None


def test_make_generator_builds_each_backend():
    assert isinstance(make_generator(Settings(generator="transformers", generator_model="models/x")),
                      TransformersGenerator)
    generator = make_generator(Settings(generator="openai-compatible", generator_url="http://127.0.0.1:8080/v1/",
                                        generator_timeout=7))
    assert isinstance(generator, OpenAICompatibleGenerator)
    assert generator.url == "http://127.0.0.1:8080/v1/chat/completions" and generator.timeout == 7


@pytest.mark.parametrize("settings, message", [
    (Settings(generator="gpt"), "generator must be one of transformers, openai-compatible"),
    (Settings(generator="transformers"), "needs generator_model"),
    (Settings(generator="openai-compatible"), "needs generator_url"),
    (Settings(generator="openai-compatible", generator_url="localhost:8080"), "http\\(s\\) URL"),
])
def test_make_generator_rejects_incomplete_configuration(settings, message):
    with pytest.raises(ConfigurationError, match=message):
        make_generator(settings)


def test_generator_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("QA_GENERATOR", "openai-compatible")
    monkeypatch.setenv("QA_GENERATOR_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("QA_GENERATOR_MODEL", "llama3.2:1b")
    generator = make_generator(Settings.from_env())
    assert generator.url == "http://127.0.0.1:11434/v1/chat/completions" and generator.model == "llama3.2:1b"
