"""One error family: every error a user can see is a QAError, and one check refuses bad questions and topics."""

import inspect

import numpy as np
import pytest

from qa import errors
from qa.config import ChunkingSettings, Settings
from qa.errors import (ConfigurationError, GeneratorError, IngestError, InvalidQuestionError, QAError,
                       ReleaseReadError, validate_text)


def test_every_error_of_qa_errors_is_a_qa_error():
    classes = [item for _, item in inspect.getmembers(errors, inspect.isclass) if issubclass(item, Exception)]
    assert len(classes) >= 9 and all(issubclass(item, QAError) for item in classes)
    assert issubclass(ReleaseReadError, IngestError)


def test_generator_error_is_the_one_of_qa_errors_wherever_it_is_imported():
    from qa.answer.backends import GeneratorError as from_backends

    assert from_backends is GeneratorError and GeneratorError("server down").reason == "server down"


def test_bad_settings_of_a_stage_are_configuration_errors():
    from qa.index.embedder import Embedder

    with pytest.raises(ConfigurationError, match="precision must be one of"):
        Embedder(precision="half")
    with pytest.raises(ConfigurationError, match="batch_size must be greater than 0"):
        Embedder(batch_size=0)
    with pytest.raises(ConfigurationError, match="max_tokens must be at least 16"):
        ChunkingSettings(max_tokens=4)


def test_ingesting_nothing_is_an_ingest_error(tmp_path):
    from qa.ingest.pipeline import Ingestor

    with pytest.raises(IngestError, match="nothing to ingest"):
        Ingestor(Settings(index_dir=tmp_path / "index"), progress=False).run([tmp_path / "missing"])


@pytest.mark.parametrize("text, what, message", [("", "question", "the question is empty"),
                                                 ("  ?! ", "topic", "the topic is empty"),
                                                 (None, "question", "the question is empty"),
                                                 ("x" * 2001, "topic", "the topic has 2001 characters"),
                                                 ("caf\udce9", "question", "broken character at position 4")])
def test_validate_text_refuses_with_a_message(text, what, message):
    with pytest.raises(InvalidQuestionError, match=message):
        validate_text(text, what)


def test_validate_text_tidies_spaces():
    assert validate_text("  Who co-chaired\n the   meeting? ") == "Who co-chaired the meeting?"


@pytest.fixture
def assistant(fake_index, fake_embedder):
    from qa import Assistant

    return Assistant.open(fake_index, embedder=fake_embedder)


def test_every_way_in_refuses_an_empty_question_or_topic(assistant):
    from qa.briefing.talking_points import TalkingPointsBuilder
    from qa.briefing.timeline import TimelineBuilder
    from qa.language.conversation import Conversation

    vector = np.zeros(assistant.embedder.dimension, dtype=np.float32)
    points = TalkingPointsBuilder(assistant.snapshot, assistant.retriever)
    timeline = TimelineBuilder(assistant.snapshot, assistant.retriever)
    refusals = {"question": [assistant.ask, assistant.search, Conversation(assistant).ask],
                "topic": [assistant.talking_points, assistant.timeline,
                          lambda topic: points.build(topic, vector), lambda topic: timeline.build(topic, vector)]}
    for what, calls in refusals.items():
        for call in calls:
            with pytest.raises(InvalidQuestionError, match=f"the {what} is empty"):
                call("   ")
