"""An OpenAI-compatible chat-completions client: the generator backend for vLLM, llama.cpp's server, Ollama.

Caps the output, stops a model that repeats itself, retries what is worth retrying, and raises
`GeneratorError` (with a short reason a user can read) for every failure.

Example:
    generator = OpenAICompatibleGenerator("http://127.0.0.1:11434/v1", model="qwen2.5:1.5b")
    text = generator.generate([{"role": "user", "content": "Say hi."}], max_new_tokens=32)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import httpx

from qa.answer.repetition_guard import RepetitionGuard
from qa.errors import ConfigurationError, GeneratorError

CHARS_PER_TOKEN = 8  # output cap for servers that ignore max_tokens: generous for any tokenizer


class OpenAICompatibleGenerator:
    """The chat-completions API of vLLM, llama.cpp's server, Ollama, or any OpenAI-compatible server.

    Retries with exponential backoff on connection errors, HTTP 429 and 5xx (honouring a
    short Retry-After); a read timeout is not retried, so a slow server costs one timeout.

    Example:
        generator = OpenAICompatibleGenerator("http://127.0.0.1:11434/v1", model="qwen2.5:1.5b")
        for piece in generator.stream(messages, max_new_tokens=256):
            print(piece, end="")
    """

    def __init__(self, base_url: str, model: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, retries: int = 2, backoff: float = 0.5, max_retry_after: float = 10.0,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ConfigurationError("generator_url must be an http(s) URL such as http://127.0.0.1:8080/v1. "
                                     f"Currently, generator_url is {base_url!r}")
        if timeout <= 0:
            raise ConfigurationError(f"generator_timeout must be greater than 0. Currently, it is {timeout}")
        base = base_url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.guard = RepetitionGuard()
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                                    headers=headers, transport=transport)

    def generate(self, messages: list[dict], max_new_tokens: int = 256) -> str:
        response = self._send(self._payload(messages, max_new_tokens, stream=False), stream=False)
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise GeneratorError("the language model's reply could not be read") from None
        if not isinstance(content, str):
            raise GeneratorError("the language model's reply could not be read")
        if self.guard.looping(content):
            raise GeneratorError("the language model repeated itself")
        return content[: max_new_tokens * CHARS_PER_TOKEN]

    def stream(self, messages: list[dict], max_new_tokens: int = 256) -> Iterator[str]:
        response = self._send(self._payload(messages, max_new_tokens, stream=True), stream=True)
        deadline = time.monotonic() + self.timeout * 2
        text = ""
        try:
            for piece in self._pieces(response):
                piece = piece[: max_new_tokens * CHARS_PER_TOKEN - len(text)]
                text += piece
                if self.guard.looping(text):
                    raise GeneratorError("the language model repeated itself")
                if piece:
                    yield piece
                if len(text) >= max_new_tokens * CHARS_PER_TOKEN:
                    return  # the cap: the rest is dropped, and the connection closed below
                if time.monotonic() > deadline:
                    raise GeneratorError(f"the language model did not finish within {self.timeout * 2:g} s")
        except httpx.TimeoutException:
            raise GeneratorError(f"the language model stopped answering for {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise GeneratorError(f"the connection to the language model broke ({type(error).__name__})") from None
        finally:
            response.close()

    def close(self) -> None:
        self._client.close()

    def _payload(self, messages: list[dict], max_new_tokens: int, stream: bool) -> dict:
        payload = {"messages": messages, "max_tokens": max_new_tokens, "temperature": 0, "stream": stream}
        if self.model:
            payload["model"] = self.model
        return payload

    def _send(self, payload: dict, stream: bool) -> httpx.Response:
        """The response to a POST, after retries; raises GeneratorError for anything but 2xx."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                request = self._client.build_request("POST", self.url, json=payload)
                response = self._client.send(request, stream=stream)
            except httpx.TimeoutException:
                raise GeneratorError(f"the language model did not answer within {self.timeout:g} s") from None
            except httpx.TransportError:
                if last:
                    raise GeneratorError(f"the language model server at {self.url} could not be reached") from None
                self._sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code < 300:
                return response
            response.close()
            wait = self._retry_wait(response, attempt)
            if last or wait is None:
                raise GeneratorError(_status_reason(response.status_code, self.url, self.model))
            self._sleep(wait)
        raise GeneratorError("the language model server could not be reached")  # not reached: loop returns or raises

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when retrying is pointless."""
        if response.status_code != 429 and response.status_code < 500:
            return None
        retry_after = response.headers.get("retry-after", "")
        if retry_after.replace(".", "", 1).isdigit():
            seconds = float(retry_after)
            return seconds if seconds <= self.max_retry_after else None
        return self.backoff * 2 ** attempt

    def _pieces(self, response: httpx.Response) -> Iterator[str]:
        """Content deltas of a server-sent-event stream, or the whole content of a JSON reply."""
        if "text/event-stream" not in response.headers.get("content-type", ""):
            response.read()
            try:
                yield response.json()["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError):
                raise GeneratorError("the language model's reply could not be read") from None
            return
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue  # comments, event names, keep-alives
            data = line[5:].strip()
            if data == "[DONE]":
                return
            yield _delta_content(data)


def _delta_content(data: str) -> str:
    try:
        event = json.loads(data)
    except ValueError:
        raise GeneratorError("the language model's reply could not be read") from None
    if isinstance(event, dict) and event.get("error"):
        raise GeneratorError("the language model server reported an error mid-answer")
    try:
        choices = event["choices"]
        if not choices:
            return ""  # usage-only events
        return choices[0].get("delta", {}).get("content") or ""
    except (KeyError, TypeError, AttributeError):
        raise GeneratorError("the language model's reply could not be read") from None


def _status_reason(status: int, url: str, model: str | None) -> str:
    if status == 429:
        return "the language model server is busy (rate limited)"
    if status in (401, 403):
        return f"the language model server refused the request (HTTP {status}): check generator_api_key"
    if status == 404:
        return f"the language model server has no model {model!r} or no chat endpoint at {url} (HTTP 404)"
    if status >= 500:
        return f"the language model server failed (HTTP {status})"
    return f"the language model server rejected the request (HTTP {status})"
