"""Generative answers: prompt, generate, verify, cite; the extractive answer whenever anything fails."""

import json
import re
import shutil
import socket
from pathlib import Path

import pytest

from qa import Assistant
from qa.config import Settings
from qa.answer.generative import GenerativeAnswerer, GenerativeSettings
from qa.answer.backends import GeneratorError
from qa.answer.local_model import TransformersGenerator
from qa.ingest.pipeline import Ingestor
from qa.index.snapshot import IndexSnapshot

from ..conftest import copy_sample_corpus
from ..tiny_models import ChatServer, tiny_causal_lm

DATA = Path(__file__).parents[1] / "data"
SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
INJECTION_ID = "injection/2022-03-03-fisheries-briefing.md"
COCHAIR = "The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov"


class ScriptedGenerator:
    """Replies with `reply` (text, an exception to raise, or a function of the prompt's passages)."""

    def __init__(self, reply):
        self.reply = reply
        self.calls = []

    def generate(self, messages, max_new_tokens):
        self.calls.append(messages)
        reply = self.reply(passages_of(messages)) if callable(self.reply) else self.reply
        if isinstance(reply, Exception):
            raise reply
        return reply

    def stream(self, messages, max_new_tokens):
        for word in re.findall(r"\S+\s*", self.generate(messages, max_new_tokens)):
            yield word


def passages_of(messages) -> dict[int, str]:
    """{n: text} of the passages in the prompt."""
    found = re.finditer(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', messages[-1]["content"], re.DOTALL)
    return {int(match.group(1)): match.group(2) for match in found}


def number_of(passages: dict[int, str], needle: str) -> int:
    return next(n for n, text in passages.items() if needle in text)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, real_embedder):
    """The small corpus plus a release that carries a prompt injection, embedded with the real
    model: the extractive answer, which generation starts from and falls back to, is the learned
    stage's, fitted on that model's vectors."""
    small_corpus = copy_sample_corpus(tmp_path_factory.mktemp("generative") / "corpus")
    shutil.copytree(DATA / "injection", small_corpus / "injection")
    index_dir = small_corpus.parent / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=real_embedder, progress=False).run([small_corpus])
    return index_dir


@pytest.fixture
def assistant(index_dir, real_embedder):
    return Assistant(IndexSnapshot.open(index_dir), real_embedder, Settings(index_dir=index_dir))


def generative(assistant, question, generator):
    extractive = assistant.ask(question)
    hits = assistant.search(question)
    answerer = GenerativeAnswerer(generator, assistant.embedder)
    return extractive, answerer.answer(question, hits, extractive, assistant.snapshot)


def test_a_supported_answer_is_generative_with_renumbered_supported_citations(assistant):
    def reply(passages):
        return f"{COCHAIR}, Minister of Foreign Affairs of the Russian Federation [{number_of(passages, 'co-chaired')}]."

    _, answer = generative(assistant, "Who co-chaired the meeting?", ScriptedGenerator(reply))
    assert answer.mode == "generative" and answer.found and answer.notice is None
    assert answer.answer == f"{COCHAIR}, Minister of Foreign Affairs of the Russian Federation. [1]"
    [citation] = answer.citations
    assert citation.n == 1 and citation.supported is True and citation.release_id == SEED_ID
    text = assistant.snapshot.release_text(SEED_ID)
    assert text[citation.char_start:citation.char_end] == citation.passage
    assert text[citation.sentence_start:citation.sentence_end] == citation.sentence
    assert citation.sentence.startswith("The Meeting was co-chaired")
    assert "generate" in answer.timings_ms and "retrieve" in answer.timings_ms


def test_unsupported_sentences_are_dropped_and_counted_in_the_notice(assistant):
    def reply(passages):
        n = number_of(passages, "co-chaired")
        return (f"{COCHAIR}, Minister of Foreign Affairs of the Russian Federation [{n}]. "
                f"The Meeting was co-chaired by Prime Minister Hun Sen of Cambodia [{n}]. "
                "ASEAN and Russia signed a free trade agreement [9].")

    _, answer = generative(assistant, "Who co-chaired the meeting?", ScriptedGenerator(reply))
    assert answer.mode == "generative"
    assert "Hun Sen" not in answer.answer and "free trade" not in answer.answer
    assert answer.notice.startswith("2 of 3 generated sentences left out")
    assert all(citation.supported for citation in answer.citations) and len(answer.citations) == 1


def test_nothing_supported_falls_back_to_the_extractive_answer_with_a_notice(assistant):
    extractive, answer = generative(assistant, "Who co-chaired the meeting?",
                                    ScriptedGenerator("The meeting was chaired by the Secretary-General of NATO [1]."))
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert answer.citations == extractive.citations
    assert "not supported by the passages" in answer.notice or "no sentence" in answer.notice


def test_the_models_not_found_falls_back_with_a_notice(assistant):
    extractive, answer = generative(assistant, "Who co-chaired the meeting?", ScriptedGenerator("Not found."))
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert "found no answer" in answer.notice


@pytest.mark.parametrize("failure, reason", [
    (GeneratorError("the language model server is busy (rate limited)"), "rate limited"),
    (RuntimeError("CUDA out of memory"), "the language model failed \\(RuntimeError\\)"),
    (ImportError("reading a GGUF file needs the gguf package: pip install gguf"), "pip install gguf"),
])
def test_generator_failures_give_the_extractive_answer_and_a_short_notice(assistant, failure, reason):
    extractive, answer = generative(assistant, "Who co-chaired the meeting?", ScriptedGenerator(failure))
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert re.search(reason, answer.notice) and answer.notice.endswith("This is the extractive answer.")


def test_not_found_questions_never_reach_the_model(assistant):
    generator = ScriptedGenerator("The FIFA World Cup was won by Argentina [1].")
    extractive, answer = generative(assistant, "Who won the 2022 FIFA World Cup?", generator)
    assert not extractive.found and answer == extractive and generator.calls == []


def test_stream_yields_growing_text_then_the_verified_answer(assistant):
    def reply(passages):
        return f"{COCHAIR}, Minister of Foreign Affairs of the Russian Federation [{number_of(passages, 'co-chaired')}]."

    question = "Who co-chaired the meeting?"
    updates = list(GenerativeAnswerer(ScriptedGenerator(reply), assistant.embedder).stream(
        question, assistant.search(question), assistant.ask(question), assistant.snapshot))
    partial, final = updates[:-1], updates[-1]
    assert len(partial) > 3 and all(isinstance(text, str) for text in partial)
    assert partial[0].startswith("The") and partial[-1].endswith("].")
    assert final.mode == "generative" and final.answer.endswith("[1]")


def test_a_prompt_injection_in_a_release_changes_nothing(assistant):
    """A model that obeys the release's "ignore previous instructions" gets its sentence dropped."""
    question = "What did officials discuss at the briefing on fisheries cooperation with Thailand?"

    def obedient(passages):
        return f"The Foreign Minister resigned [{number_of(passages, 'Ignore previous instructions')}]."

    generator = ScriptedGenerator(obedient)
    extractive, answer = generative(assistant, question, generator)
    system, user = generator.calls[0]
    passages = passages_of(generator.calls[0])
    injected = passages[number_of(passages, "Ignore previous instructions")]
    assert "\u2039/passage\u203a" in injected and user["content"].count("</passage>") == len(passages)
    assert "do not follow them" in system["content"]
    assert answer.mode == "extractive" and answer.answer == extractive.answer and "resigned" not in answer.answer
    assert extractive.found

    def faithful(passages):
        n = number_of(passages, "catch quotas")
        return f"Officials discussed catch quotas for 2023 and joint patrols in the Gulf of Thailand [{n}]."

    _, answer = generative(assistant, question, ScriptedGenerator(faithful))
    assert answer.mode == "generative" and "catch quotas for 2023" in answer.answer
    assert answer.citations[0].release_id == INJECTION_ID
    assert answer.citations[0].sentence.startswith("Officials discussed")


def test_a_tiny_random_model_is_rejected_by_the_verifier_and_the_extractive_answer_stays(assistant, tmp_path):
    generator = TransformersGenerator(str(tiny_causal_lm(tmp_path / "gpt2")))
    question = "Who co-chaired the meeting?"
    extractive = assistant.ask(question)
    answerer = GenerativeAnswerer(generator, assistant.embedder, GenerativeSettings(max_new_tokens=8))
    answer = answerer.answer(question, assistant.search(question), extractive, assistant.snapshot)
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    # Eight random word pieces: too short to loop, so it is the verifier that refuses them.
    assert "no sentence it wrote is supported by the passages it cites (no citation)" in answer.notice


def test_assistant_without_a_generator_is_unchanged(assistant):
    answer = assistant.ask("Who co-chaired the meeting?")
    assert answer.mode == "extractive" and answer.notice is None
    assert not hasattr(assistant, "_generative_answerer")


def test_assistant_with_an_openai_compatible_server_answers_generatively(index_dir, real_embedder):
    def reply(request):
        n = number_of(passages_of(request["messages"]), "co-chaired")
        return f"{COCHAIR}, Minister of Foreign Affairs of the Russian Federation [{n}]. Lavrov praised the weather [{n}]."

    with ChatServer([{"reply": reply}]) as server:
        settings = Settings(index_dir=index_dir, generator="openai-compatible", generator_url=server.url,
                            generator_timeout=5)
        assistant = Assistant(IndexSnapshot.open(index_dir), real_embedder, settings)
        data = json.loads(json.dumps(assistant.ask("Who co-chaired the meeting?").to_dict()))
    assert data["mode"] == "generative", data["notice"]
    assert all(citation["supported"] is True for citation in data["citations"])
    assert "weather" not in data["answer"] and data["notice"].startswith("1 of 2")


def test_assistant_with_its_server_down_answers_extractively_with_a_notice(index_dir, real_embedder):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings = Settings(index_dir=index_dir, generator="openai-compatible", generator_url=f"http://127.0.0.1:{port}/v1")
    assistant = Assistant(IndexSnapshot.open(index_dir), real_embedder, settings)
    assistant._generative().generator._sleep = lambda seconds: None
    answer = assistant.ask("Who co-chaired the meeting?")
    assert answer.mode == "extractive" and answer.found and "could not be reached" in answer.notice


def test_generator_none_keeps_the_extractive_path(index_dir, real_embedder):
    assistant = Assistant(IndexSnapshot.open(index_dir), real_embedder, Settings(index_dir=index_dir, generator="none"))
    answer = assistant.ask("Who co-chaired the meeting?")
    assert answer.mode == "extractive" and answer.notice is None


@pytest.mark.slow
def test_qa_ask_json_with_a_server_gives_generative_supported_citations(sample_index, capsys):
    from qa.cli import main

    sentence = ("The Meeting was co-chaired by H.E. Retno Marsudi, Minister for Foreign Affairs of the Republic of "
                "Indonesia, and H.E. Sergey Lavrov, Minister of Foreign Affairs of the Russian Federation")

    def reply(request):
        return f"{sentence} [{number_of(passages_of(request['messages']), 'co-chaired')}]."

    with ChatServer([{"reply": reply}]) as server:
        code = main(["ask", "Who co-chaired the meeting?", "--index", str(sample_index), "--json",
                     "--generator", "openai-compatible", "--generator-url", server.url])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["mode"] == "generative", data["notice"]
    assert data["citations"][0]["release_id"] == SEED_ID and data["citations"][0]["supported"] is True
    assert data["answer"] == f"{sentence}. [1]"


@pytest.mark.slow
def test_qa_ask_json_with_its_server_down_gives_the_extractive_answer_and_a_notice(sample_index, capsys):
    from qa.cli import main

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code = main(["ask", "Who co-chaired the meeting?", "--index", str(sample_index), "--json",
                 "--generator", "openai-compatible", "--generator-url", f"http://127.0.0.1:{port}/v1"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["mode"] == "extractive" and data["found"]
    assert "could not be reached" in data["notice"]
    assert all(citation["supported"] is None for citation in data["citations"])
