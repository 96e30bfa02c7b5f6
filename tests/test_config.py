import pytest

from qa.config import Settings


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
    with pytest.raises(ValueError, match="batch_size must be a whole number"):
        Settings.from_env()
    monkeypatch.delenv("QA_BATCH_SIZE")
    monkeypatch.setenv("QA_ALLOW_UPLOADS", "perhaps")
    with pytest.raises(ValueError, match="allow_uploads must be true or false"):
        Settings.from_env()
