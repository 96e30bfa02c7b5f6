"""Choosing a generator backend from settings."""

import pytest

from qa.answer.backends import make_generator
from qa.answer.chat_server import OpenAICompatibleGenerator
from qa.answer.local_model import TransformersGenerator
from qa.config import Settings
from qa.errors import ConfigurationError


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
