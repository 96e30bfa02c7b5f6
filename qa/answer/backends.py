"""Language-model backends for generative answers: a local transformers model or an OpenAI-compatible server.

Both take chat messages ([{"role": "system"|"user", "content": str}]) and return text; both
cap the output, stop a model that repeats itself, and raise `GeneratorError` (with a short
reason a user can read) for every failure, so the caller can fall back to the extractive answer.

Example:
    generator = make_generator(Settings.from_env(generator="openai-compatible",
                                                 generator_url="http://127.0.0.1:8080/v1"))
    text = generator.generate([{"role": "user", "content": "Say hi."}], max_new_tokens=32)
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx

from qa.config import Settings
from qa.errors import ConfigurationError, GeneratorError  # GeneratorError: also imported from here

BACKENDS = ("transformers", "openai-compatible")
DISABLED = ("", "none", "off", "false", "0")
CHARS_PER_TOKEN = 8  # output cap for servers that ignore max_tokens: generous for any tokenizer


@runtime_checkable
class Generator(Protocol):
    """What the generative answerer needs from a backend."""

    def generate(self, messages: list[dict], max_new_tokens: int) -> str:
        """The whole reply."""

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        """The reply in pieces, as they come."""


class RepetitionGuard:
    """Spots a model that loops: the end of its text is one stretch repeated over and over.

    Example:
        RepetitionGuard().looping("ASEAN and Russia. " * 5)  # True
    """

    def __init__(self, max_period: int = 200, min_repeats: int = 3, min_chars: int = 60):
        self.max_period = max_period
        self.min_repeats = min_repeats
        self.min_chars = min_chars

    def looping(self, text: str) -> bool:
        for period in range(1, self.max_period + 1):
            length = max(self.min_repeats * period, self.min_chars)
            if len(text) < length:
                continue
            tail = text[-length:]
            if tail[period:] == tail[:-period]:
                return True
        return False


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


class TransformersGenerator:
    """A causal or sequence-to-sequence model loaded with transformers from a folder (or a cached name).

    Loaded on first use; greedy decoding; the tokenizer's chat template when it has one, with
    control tokens inside messages encoded as plain text, so a release cannot forge a role.

    Example:
        generator = TransformersGenerator("models/qwen2.5-0.5b-instruct")
        text = generator.generate(messages, max_new_tokens=128)
    """

    def __init__(self, model: str, device: str = "cpu", gguf_file: str | None = None, timeout: float = 60.0):
        self.model_name = model
        self.device = device
        self.gguf_file = gguf_file
        self.timeout = timeout
        self.guard = RepetitionGuard()
        self._loaded = None  # (tokenizer, model), or the GeneratorError that loading raised
        self._lock = threading.Lock()

    def generate(self, messages: list[dict], max_new_tokens: int = 256) -> str:
        return "".join(self.stream(messages, max_new_tokens))

    def stream(self, messages: list[dict], max_new_tokens: int = 256) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        tokenizer, model = self._load()
        inputs = self._encode(tokenizer, model, messages, max_new_tokens)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=not model.config.is_encoder_decoder,
                                        timeout=self.timeout, skip_special_tokens=True)
        prompt_length = 0 if model.config.is_encoder_decoder else inputs["input_ids"].shape[1]
        stopper = _LoopStopper(tokenizer, self.guard, prompt_length)
        failure: list[BaseException] = []
        thread = threading.Thread(target=self._run, daemon=True,
                                  args=(model, tokenizer, inputs, max_new_tokens, streamer, stopper, failure))
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        except queue.Empty:
            raise GeneratorError(f"the language model produced nothing for {self.timeout:g} s") from None
        thread.join(timeout=self.timeout)
        if failure:
            raise GeneratorError(f"the language model failed ({type(failure[0]).__name__}: {failure[0]})")
        if stopper.looped:
            raise GeneratorError("the language model repeated itself")

    def _run(self, model, tokenizer, inputs, max_new_tokens, streamer, stopper, failure) -> None:
        import torch
        from transformers import StoppingCriteriaList

        try:
            with torch.inference_mode():
                model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, streamer=streamer,
                               stopping_criteria=StoppingCriteriaList([stopper]), max_time=self.timeout,
                               pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None
                               else tokenizer.eos_token_id)
        except Exception as error:  # reported by stream() in the caller's thread
            failure.append(error)
            streamer.end()

    def _encode(self, tokenizer, model, messages: list[dict], max_new_tokens: int) -> dict:
        if tokenizer.chat_template:
            try:
                encoded = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                                        return_tensors="pt", sanitize_control_tokens=True)
            except Exception:  # some templates refuse a system role: fold it into the user turn
                encoded = tokenizer.apply_chat_template(_without_system(messages), add_generation_prompt=True,
                                                        return_dict=True, return_tensors="pt",
                                                        sanitize_control_tokens=True)
        else:
            encoded = tokenizer(_plain_prompt(messages, model.config.is_encoder_decoder), return_tensors="pt",
                                split_special_tokens=True)
            ends = {model.config.eos_token_id, tokenizer.sep_token_id} - {None}
            if not model.config.is_encoder_decoder and int(encoded["input_ids"][0, -1]) in ends:
                # BERT-style tokenizers close every text; a causal model would read that as "done".
                encoded = {key: value[:, :-1] for key, value in encoded.items()}
        limit = _context_length(model.config)
        length = encoded["input_ids"].shape[1]
        if limit and length + (0 if model.config.is_encoder_decoder else max_new_tokens) > limit:
            raise GeneratorError(f"the prompt ({length} tokens) does not fit the language model's "
                                 f"context of {limit} tokens with {max_new_tokens} to generate")
        return {key: value.to(model.device) for key, value in encoded.items()
                if key in ("input_ids", "attention_mask")}

    def _load(self):
        with self._lock:
            if self._loaded is None:
                try:
                    self._loaded = self._load_model()
                except ImportError:
                    raise
                except Exception as error:  # loading raises many kinds; remembered so it is not retried
                    self._loaded = GeneratorError(f"the language model {self.model_name!r} could not be loaded "
                                                  f"({type(error).__name__}: {str(error)[:200]})")
            if isinstance(self._loaded, GeneratorError):
                raise self._loaded
            return self._loaded

    def _load_model(self):
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        if self.gguf_file:
            try:
                import gguf  # noqa: F401  (transformers reads GGUF files with it)
            except ImportError:
                raise ImportError("reading a GGUF file (generator_gguf_file) needs the gguf package: "
                                  "pip install gguf") from None
        location = str(Path(self.model_name).expanduser()) if Path(self.model_name).expanduser().exists() \
            else self.model_name
        extra = {"gguf_file": self.gguf_file} if self.gguf_file else {}
        config = AutoConfig.from_pretrained(location, **extra)
        model_class = AutoModelForSeq2SeqLM if config.is_encoder_decoder else AutoModelForCausalLM
        tokenizer = AutoTokenizer.from_pretrained(location, **extra)
        dtype = "float32" if self.device == "cpu" else "auto"
        model = model_class.from_pretrained(location, dtype=dtype, **extra).to(self.device)
        model.eval()
        return tokenizer, model


class _LoopStopper:
    """A transformers stopping criterion: stops generating once the new text loops."""

    def __init__(self, tokenizer, guard: RepetitionGuard, prompt_length: int, every: int = 8):
        self.tokenizer = tokenizer
        self.guard = guard
        self.prompt_length = prompt_length
        self.every = every
        self.looped = False

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        generated = input_ids.shape[1] - self.prompt_length
        if generated and generated % self.every == 0:
            text = self.tokenizer.decode(input_ids[0, self.prompt_length:], skip_special_tokens=True)
            self.looped = self.looped or self.guard.looping(text)
        return torch.full((input_ids.shape[0],), self.looped, dtype=torch.bool, device=input_ids.device)


def _without_system(messages: list[dict]) -> list[dict]:
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    others = [dict(m) for m in messages if m["role"] != "system"]
    if system and others:
        others[0]["content"] = f"{system}\n\n{others[0]['content']}"
    return others


def _plain_prompt(messages: list[dict], encoder_decoder: bool) -> str:
    """For models without a chat template: the turns as labelled paragraphs."""
    text = "\n\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages)
    return text if encoder_decoder else text + "\n\nAssistant:"


def _context_length(config) -> int | None:
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None  # relative positions (T5): no fixed limit


def make_generator(settings: Settings) -> Generator | None:
    """The backend `settings.generator` names, or None when generative answers are off."""
    backend = (settings.generator or "").strip().lower()
    if backend in DISABLED:
        return None
    if backend == "transformers":
        if not settings.generator_model:
            raise ConfigurationError("generator 'transformers' needs generator_model (QA_GENERATOR_MODEL): "
                                     "a model folder or name")
        return TransformersGenerator(settings.generator_model, device=settings.generator_device,
                                     gguf_file=settings.generator_gguf_file, timeout=settings.generator_timeout)
    if backend == "openai-compatible":
        if not settings.generator_url:
            raise ConfigurationError("generator 'openai-compatible' needs generator_url (QA_GENERATOR_URL), "
                                     "e.g. http://127.0.0.1:8080/v1")
        return OpenAICompatibleGenerator(settings.generator_url, model=settings.generator_model,
                                         api_key=settings.generator_api_key, timeout=settings.generator_timeout)
    raise ConfigurationError(f"generator must be one of {', '.join(BACKENDS)} or none. "
                             f"Currently, generator is {settings.generator!r}")
