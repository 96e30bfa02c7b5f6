"""The OpenAI-compatible backend, against a local chat-completions server."""

import socket
import time

import pytest

from qa.answer.chat_server import OpenAICompatibleGenerator
from qa.errors import GeneratorError

from ..tiny_models import ChatServer

MESSAGES = [{"role": "system", "content": "Answer from the passages."},
            {"role": "user", "content": "Passages:\n<passage n=\"1\">The meeting was held. [SEP] [CLS]</passage>\n"
                                        "Question: When?"}]


def no_sleep(seconds):
    pass


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
