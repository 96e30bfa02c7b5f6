import inspect
import re
from dataclasses import fields
from pathlib import Path

import pytest

from qa.config import (ENVIRONMENT_VARIABLES, FLAT_NAMES, SECTIONS, AnswerSettings, ChunkingSettings,
                       GenerativeSettings, RetrievalSettings, Settings, TopicSettings, VerifierSettings)
from qa.errors import ConfigurationError


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("QA_INDEX", "/tmp/somewhere")
    monkeypatch.setenv("QA_ALLOW_UPLOADS", "false")
    monkeypatch.setenv("QA_GENERATOR_TIMEOUT", "5")
    monkeypatch.setenv("QA_QUERY_THREADS", "0")
    settings = Settings.from_env()
    assert str(settings.index_dir) == "/tmp/somewhere" and settings.query_threads == 0
    assert settings.allow_uploads is False and settings.generator_timeout == 5.0


def test_arguments_override_environment(monkeypatch):
    monkeypatch.setenv("QA_INDEX", "/tmp/somewhere")
    assert str(Settings.from_env(index_dir="mine").index_dir) == "mine"


def test_bad_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("QA_BATCH_SIZE", "many")
    with pytest.raises(ConfigurationError, match="batch_size must be a whole number.*from QA_BATCH_SIZE"):
        Settings.from_env()
    monkeypatch.delenv("QA_BATCH_SIZE")
    monkeypatch.setenv("QA_ALLOW_UPLOADS", "perhaps")
    with pytest.raises(ConfigurationError, match="allow_uploads must be true or false.*from QA_ALLOW_UPLOADS"):
        Settings.from_env()


def test_each_stage_has_a_section_of_the_settings():
    settings = Settings()
    assert (settings.chunking, settings.retrieval, settings.answer, settings.topics, settings.generative,
            settings.verifier) == (ChunkingSettings(), RetrievalSettings(), AnswerSettings(), TopicSettings(),
                                   GenerativeSettings(), VerifierSettings())
    assert set(SECTIONS) == {"chunking", "retrieval", "answer", "topics", "generative", "verifier"}


def _changed(value):
    """A valid value other than the default, as an environment variable would hold it."""
    if isinstance(value, float):
        return str(round(value + 0.05, 4))
    if isinstance(value, str):
        return value + "-changed"
    return str((value or 6) + 1)


@pytest.mark.parametrize("path", [path for path in ENVIRONMENT_VARIABLES if "." in path])
def test_every_section_setting_comes_from_its_variable(monkeypatch, path):
    section, name = path.split(".")
    default = getattr(getattr(Settings(), section), name)
    variable = ENVIRONMENT_VARIABLES[path]
    monkeypatch.setenv(variable, _changed(default))
    value = getattr(getattr(Settings.from_env(), section), name)
    assert value != default and str(value) == _changed(default)


def test_every_section_setting_has_a_variable():
    paths = {f"{section}.{item.name}" for section, kind in SECTIONS.items() for item in fields(kind)}
    assert paths <= set(ENVIRONMENT_VARIABLES)
    assert ENVIRONMENT_VARIABLES["retrieval.rrf_k"] == "QA_RETRIEVAL_RRF_K"
    assert ENVIRONMENT_VARIABLES["generative.max_new_tokens"] == "QA_GENERATOR_MAX_NEW_TOKENS"
    assert len(set(ENVIRONMENT_VARIABLES.values())) == len(ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize("variable, value, message", [
    ("QA_RETRIEVAL_RRF_K", "ten", r"retrieval.rrf_k must be a whole number.*'ten' \(from QA_RETRIEVAL_RRF_K\)"),
    ("QA_VERIFIER_MIN_OVERLAP", "half", r"verifier.min_overlap must be a number.*from QA_VERIFIER_MIN_OVERLAP"),
    ("QA_CHUNKING_MAX_TOKENS", "8", r"max_tokens must be at least 16.*from QA_CHUNKING_MAX_TOKENS"),
    ("QA_RETRIEVAL_TOP_K", "0", r"top_k must be greater than 0.*from QA_RETRIEVAL_TOP_K"),
    ("QA_GENERATOR_MAX_PASSAGES", "-1", r"max_passages must be greater than 0.*from QA_GENERATOR_MAX_PASSAGES"),
])
def test_a_bad_section_value_names_the_setting_and_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env()


def test_flat_names_read_and_change_the_sections():
    settings = Settings().with_values(top_k="3", rrf_k=20, chunk_max_tokens=100, generator_max_new_tokens=64)
    assert (settings.retrieval.top_k, settings.retrieval.rrf_k) == (3, 20) == (settings.top_k, settings.rrf_k)
    assert settings.chunking.max_tokens == settings.chunk_max_tokens == 100
    assert settings.generative.max_new_tokens == settings.generator_max_new_tokens == 64
    assert all(isinstance(getattr(Settings, name), property) for name in FLAT_NAMES)
    assert Settings().with_values(**{"topics.chunks": "12"}).topics.chunks == 12
    assert Settings().with_values(answer=AnswerSettings(closest_passages=1)).answer.closest_passages == 1
    with pytest.raises(TypeError, match="unknown setting 'retrieval.nothing'"):
        Settings().with_values(**{"retrieval.nothing": 1})


def test_arguments_override_section_variables(monkeypatch):
    monkeypatch.setenv("QA_RETRIEVAL_TOP_K", "many")  # overridden, so never read
    assert Settings.from_env(top_k=2).retrieval.top_k == 2


def test_retriever_defaults_are_the_tuned_settings():
    from qa.search.retriever import Retriever

    defaults = {name: parameter.default for name, parameter in inspect.signature(Retriever).parameters.items()
                if name != "snapshot"}
    retrieval = RetrievalSettings()
    assert defaults == {"candidates": retrieval.candidates, "rrf_k": 10, "dense_weight": 1.0, "bm25_weight": 2.0}
    assert (retrieval.rrf_k, retrieval.bm25_weight) == (10, 2.0)


def test_every_stage_is_built_from_its_section(fake_index, fake_embedder):
    from qa import Assistant
    from qa.answer.generative import GenerativeAnswerer
    from qa.briefing.talking_points import TalkingPointsBuilder
    from qa.briefing.timeline import TimelineBuilder

    settings = Settings(index_dir=fake_index, generator="openai-compatible", generator_url="http://127.0.0.1:9/v1",
                        retrieval=RetrievalSettings(top_k=4, candidates=30, rrf_k=20, bm25_weight=1.5),
                        answer=AnswerSettings(closest_passages=2), topics=TopicSettings(chunks=30, timeline_chunks=60),
                        verifier=VerifierSettings(min_overlap=0.4))
    assistant = Assistant.open(settings=settings, embedder=fake_embedder)
    retriever = assistant.retriever
    assert (retriever.candidates, retriever.rrf_k, retriever.dense_weight, retriever.bm25_weight) == (30, 20, 1.0, 1.5)
    assert assistant.answerer.settings == settings.answer
    builder = TalkingPointsBuilder.from_settings(settings, assistant.snapshot, retriever)
    assert builder.settings == builder.finder.settings == settings.topics
    timeline = TimelineBuilder.from_settings(settings, assistant.snapshot, retriever)
    assert timeline.chunks == 60 and timeline.finder.settings == settings.topics
    generative = GenerativeAnswerer.from_settings(settings, fake_embedder)
    assert generative.settings == GenerativeSettings(max_passages=4)  # as many passages as top_k
    assert generative.verifier.settings == settings.verifier


def test_the_readme_table_lists_every_setting_with_its_variable():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):readme.index("## How it works")]
    rows = dict(re.findall(r"^\| `(QA_\w+)` \| `([\w.]+)` \|", table, re.MULTILINE))
    assert rows == {variable: setting for setting, variable in ENVIRONMENT_VARIABLES.items()}
