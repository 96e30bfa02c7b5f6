"""A local language model loaded with transformers (a folder, a cached name, or a GGUF file) as generator backend.

Greedy decoding in a background thread, streamed; stops a model that repeats itself and raises
`GeneratorError` (with a short reason a user can read) for every failure.

Example:
    generator = TransformersGenerator("models/qwen2.5-0.5b-instruct")
    text = generator.generate([{"role": "user", "content": "Say hi."}], max_new_tokens=32)
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from qa.answer.repetition_guard import RepetitionGuard
from qa.errors import GeneratorError


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
