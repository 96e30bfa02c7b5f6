"""Answers, talking points and the app on a Milvus Lite store of corpus/, with the real model."""

from __future__ import annotations

import pytest

from qa import Assistant, Filters
from qa.config import Settings
from qa.ingest.pipeline import Ingestor

from ..conftest import REPO

pytestmark = pytest.mark.slow

SEED = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
QUESTIONS = ["Who co-chaired the meeting?", "When did Cambodia take over as country coordinator?",
             "What did ASEAN encourage Russia to support?", "Who is the ASEAN Secretary-General?",
             "What is the capital of Peru?", "When will the next ASEAN-Russia summit take place?"]


@pytest.fixture(scope="module")
def milvus_settings(tmp_path_factory, real_embedder) -> Settings:
    folder = tmp_path_factory.mktemp("milvus")
    settings = Settings(store=f"milvus-lite:{folder / 'index.db'}", corpus_dir=REPO / "corpus")
    report = Ingestor(settings, embedder=real_embedder, progress=False).run([REPO / "corpus"])
    assert len(report.added) == 24 and not report.errors
    return settings


@pytest.fixture(scope="module")
def milvus_assistant(milvus_settings, real_embedder) -> Assistant:
    return Assistant.open(settings=milvus_settings, embedder=real_embedder)


def test_who_cochaired_names_both_cochairs_and_cites_the_seed(milvus_assistant):
    answer = milvus_assistant.ask("Who co-chaired the meeting?")
    assert answer.found and "Retno Marsudi" in answer.answer and "Sergey Lavrov" in answer.answer
    assert answer.citations[0].release_id == SEED
    assert milvus_assistant.status().index_dir.startswith("milvus-lite:")


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_are_the_folder_stores_answers(milvus_assistant, sample_assistant, question):
    """The same releases in both stores: the same answer, citations and passages."""
    on_milvus, on_folder = (assistant.ask(question).to_dict() for assistant in (milvus_assistant, sample_assistant))
    assert on_milvus.pop("timings_ms").keys() == on_folder.pop("timings_ms").keys()
    assert on_milvus == on_folder


def test_filters_apply_in_milvus(milvus_assistant):
    answer = milvus_assistant.ask("Who co-chaired the meeting?", filters=Filters(date_from="2022-01-01"))
    assert all(citation.date >= "2022-01-01" for citation in answer.citations)
    answer = milvus_assistant.ask("Who co-chaired the meeting?", filters=Filters(release_prefix="seed/"))
    assert {citation.release_id for citation in answer.citations} == {SEED}


def test_talking_points_are_the_folder_stores_points(milvus_assistant, sample_assistant):
    topic = "cooperation between ASEAN and Russia on COVID-19"
    on_milvus, on_folder = (assistant.talking_points(topic, k=4) for assistant in (milvus_assistant,
                                                                                     sample_assistant))
    assert on_milvus.points and [p.text for p in on_milvus.points] == [p.text for p in on_folder.points]


def test_the_app_serves_the_milvus_store(milvus_settings, milvus_assistant):
    from gradio_client import Client

    import app

    from ..test_app import free_port

    assistant, note = app.open_assistant(milvus_settings, embedder=milvus_assistant.embedder)
    assert note is None  # the store exists: nothing is built
    demo = app.build_app(assistant, milvus_settings.with_values(allow_uploads=False))
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, **app.launch_options(milvus_settings, "127.0.0.1", port))
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        result = client.predict("Who co-chaired the meeting?", api_name="/ask")
        assert result["citations"][0]["release_id"] == SEED and "Sergey Lavrov" in result["answer"]
        assert client.predict(api_name="/status")["releases"] == 24
    finally:
        demo.close()


def test_an_ingest_is_answered_without_reopening(milvus_settings, milvus_assistant, tmp_path):
    (tmp_path / "later.txt").write_text("Mekong envoy visit\n\n9 July 2022\n\n"
                                        "The Mekong envoy visited the Kampot salt fields on 9 July 2022.\n")
    report = milvus_assistant.ingest([tmp_path])
    assert report.added == ["later.txt"]
    answer = milvus_assistant.ask("What did the Mekong envoy visit?")
    assert answer.citations[0].release_id == "later.txt"
    assert milvus_assistant.status().releases == 25
