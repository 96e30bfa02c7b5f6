"""Language-model backends for generative answers: what a backend offers, and the one settings choose.

The two backends, a local transformers model (`qa.answer.local_model`) and an OpenAI-compatible
server (`qa.answer.chat_server`), both take chat messages ([{"role": "system"|"user", "content": str}])
and return text; both cap the output, stop a model that repeats itself, and raise `GeneratorError`
(with a short reason a user can read) for every failure, so the caller can fall back to the
extractive answer.

Example:
    generator = make_generator(Settings.from_env(generator="openai-compatible",
                                                 generator_url="http://127.0.0.1:8080/v1"))
    text = generator.generate([{"role": "user", "content": "Say hi."}], max_new_tokens=32)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from qa.answer.chat_server import OpenAICompatibleGenerator
from qa.answer.local_model import TransformersGenerator
from qa.config import Settings
from qa.errors import ConfigurationError, GeneratorError  # noqa: F401  (GeneratorError: also imported from here)

BACKENDS = ("transformers", "openai-compatible")
DISABLED = ("", "none", "off", "false", "0")


@runtime_checkable
class Generator(Protocol):
    """What the generative answerer needs from a backend."""

    def generate(self, messages: list[dict], max_new_tokens: int) -> str:
        """The whole reply."""

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        """The reply in pieces, as they come."""


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
