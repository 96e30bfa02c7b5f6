"""The `qa` command as other tools call it: exit codes, one JSON object, one-line errors."""

import argparse
import os
import json
import subprocess
import sys

import pytest

from qa import Settings
from qa.cli import COMMANDS, main
from qa.cli_parser import build_parser


def run_qa(*args):
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_ask_json_prints_exactly_one_object(sample_index):
    result = run_qa("ask", "--json", "Who co-chaired the meeting?", "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["found"] is True
    assert "co-chaired" in data["citations"][0]["passage"]


def test_unknown_index_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["ask", "Who?", "--index", str(tmp_path / "missing")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "does not exist" in error and "qa ingest" in error


def test_unknown_index_folder_from_a_real_process_has_no_traceback(tmp_path):
    result = run_qa("ask", "Who?", "--index", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("qa: error:")


@pytest.mark.parametrize("question, message", [("", "empty"), ("y" * 2001, "limit is 2000")])
def test_bad_question_is_a_one_line_error(fake_index, capsys, question, message, monkeypatch):
    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    assert main(["ask", question, "--index", str(fake_index)]) == 1
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_ingest_of_a_missing_path_is_a_one_line_error(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"), "--quiet"]) == 1
    assert "not found" in capsys.readouterr().err


def test_status_reads_the_manifest(fake_index, capsys):
    assert main(["status", "--index", str(fake_index)]) == 0
    output = capsys.readouterr().out
    assert "releases: 4" in output and "model: fake-hash-embedder" in output
    assert "feedback: 0 right, 0 wrong (0 with the right answer given)" in output


def test_feedback_export_writes_the_questions_and_says_what_it_left_out(fake_index, tmp_path, capsys):
    from qa.evaluate.questions import load_questions
    from qa.feedback import FeedbackItem, FeedbackStore

    from .feedback.test_store import SEED_ID, answer

    store = FeedbackStore.of(Settings(index_dir=fake_index))
    for verdict, correction in (("wrong", "PRAK Sokhonn"), ("wrong", "")):
        store.save(FeedbackItem.of(answer(searched=f"Q{verdict}{correction}?"), "gen-000001").reviewed(
            verdict, correction=correction))
    out = tmp_path / "feedback.jsonl"
    assert main(["feedback", "export", "--out", str(out), "--index", str(fake_index)]) == 0
    [question] = load_questions(out)
    assert (question.answers, question.gold_doc_ids) == (("PRAK Sokhonn",), (SEED_ID,))
    assert main(["status", "--index", str(fake_index)]) == 0
    output, error = capsys.readouterr()
    assert f"wrote {out}: 1 question from 2 feedback items (1 left out)" in output
    assert "feedback: 0 right, 2 wrong (1 with the right answer given)" in output
    assert error == "qa: note: feedback 2: a wrong answer without the right one gives no key\n"


def test_feedback_export_without_feedback_is_a_one_line_error(fake_index, tmp_path, capsys):
    assert main(["feedback", "export", "--out", str(tmp_path / "f.jsonl"), "--index", str(fake_index)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("qa: error: no feedback in") and error.count("\n") == 1
    assert not (tmp_path / "f.jsonl").exists()


def test_k_of_zero_is_a_one_line_error(fake_index, capsys, monkeypatch):
    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    assert main(["ask", "Who co-chaired the meeting?", "--k", "0", "--index", str(fake_index)]) == 1
    assert "k must be greater than 0" in capsys.readouterr().err


def test_ingest_refuses_a_text_over_the_character_limit_unless_raised(tmp_path, capsys, monkeypatch):
    from qa.config import Settings
    from qa.ingest.pipeline import Ingestor

    from .fakes import FakeEmbedder

    (tmp_path / "one-line.txt").write_text("Title\n\n" + "A long line without end " * 500)
    monkeypatch.setattr("qa.ingest.pipeline.Ingestor.embedder", property(lambda self: FakeEmbedder()))
    assert main(["ingest", str(tmp_path / "one-line.txt"), "--index", str(tmp_path / "index"), "--quiet",
                 "--max-chars", "5000"]) == 3
    assert "over the limit of 5,000 characters" in capsys.readouterr().err
    report = Ingestor(Settings(index_dir=tmp_path / "index", max_chars=20_000), embedder=FakeEmbedder(),
                      progress=False).run([tmp_path / "one-line.txt"])
    assert report.added == ["one-line.txt"]


def test_a_question_that_is_not_valid_text_gets_one_line(capsys):
    assert main(["ask", "Who co-chaired \udcff the meeting?", "--index", "/nonexistent"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not valid text" in error and "position 16" in error


QUESTION = "Who co-chaired the meeting?"
STAGE_VERDICTS = ("retrieval missed the release", "the right sentence scored below another",
                  "the span inside it was wrong", "the refusal fired")


@pytest.fixture
def ask_with_the_real_model(sample_index, real_embedder, monkeypatch, capsys):
    """Runs `qa ask QUESTION --index <sample> ARGS...` in this process with the session's model;
    returns (exit code, stdout, stderr)."""
    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *args, **kwargs: real_embedder)

    def ask(*args, question=QUESTION):
        code = main(["ask", question, "--index", str(sample_index), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return ask


@pytest.mark.slow
def test_ask_explain_prints_the_answer_a_plain_summary_then_each_stage_and_a_verdict(ask_with_the_real_model):
    _, plain, _ = ask_with_the_real_model()
    code, explained, _ = ask_with_the_real_model("--explain")
    assert code == 0 and explained.startswith(plain.rstrip("\n") + "\n\nWhy this answer: ")
    summary, _, trace = explained[len(plain):].partition("\n\nStage by stage:\n")
    assert "Outcomes of the Special ASEAN-Russia" in summary and trace
    for section in ("retrieval (fused rank, dense rank, BM25 rank", "sentences (probability;", "answerable: probability",
                    "short answer candidates (threshold"):
        assert section in trace
    assert "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt" in trace
    assert trace.rstrip("\n").splitlines()[-1].startswith("verdict: ")


@pytest.mark.slow
def test_ask_explain_json_keeps_every_field_and_adds_the_explanation(ask_with_the_real_model):
    plain = json.loads(ask_with_the_real_model("--json")[1])
    explained = json.loads(ask_with_the_real_model("--json", "--explain")[1])
    assert set(explained) == set(plain) | {"explanation"}
    assert {key: value for key, value in explained.items() if key not in ("explanation", "timings_ms")} == \
        {key: value for key, value in plain.items() if key != "timings_ms"}
    assert set(explained["timings_ms"]) == set(plain["timings_ms"])
    explanation = explained["explanation"]
    assert explanation["passages"][0]["release_id"] == plain["citations"][0]["release_id"]
    assert explanation["sentences"][0]["probability"] > 0 and "features" in explanation["sentences"][0]
    assert 0 <= explanation["answerable_probability"] <= 1 and explanation["verdict"]


@pytest.mark.slow
def test_expecting_an_answer_no_release_holds_names_the_stage_it_was_lost(ask_with_the_real_model):
    code, output, _ = ask_with_the_real_model("--explain", "--expect", "the Kampot salt fields")
    verdict = output.rstrip("\n").splitlines()[-1]
    assert code == 0 and verdict.startswith("verdict: retrieval missed the release")
    data = json.loads(ask_with_the_real_model("--explain", "--json", "--expect", "PRAK Sokhonn")[1])
    assert data["explanation"]["expected"] == "PRAK Sokhonn"
    assert data["explanation"]["verdict"].startswith(STAGE_VERDICTS)


@pytest.mark.slow
@pytest.mark.parametrize("question", [QUESTION, "How much money did Russia pledge to ASEAN at the meeting?"])
def test_explaining_does_not_change_the_answer(ask_with_the_real_model, question):
    plain = json.loads(ask_with_the_real_model("--json", question=question)[1])
    explained = json.loads(ask_with_the_real_model("--json", "--explain", question=question)[1])
    for field in ("answer", "short_answer", "found", "citations", "mode", "notice"):
        assert explained[field] == plain[field], field


@pytest.mark.slow
def test_ask_explain_with_a_generator_says_the_trace_is_the_extractive_stages(ask_with_the_real_model):
    from .tiny_models import ChatServer

    sentence = "The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov"
    with ChatServer([{"content": f"{sentence} [1]."}]) as server:
        code, output, _ = ask_with_the_real_model("--explain", "--generator", "openai-compatible",
                                                  "--generator-url", server.url)
    assert code == 0 and "note: the answer was written by the generator" in output
    assert output.rstrip("\n").splitlines()[-1].startswith("verdict: ")


def test_ask_explain_applies_the_filters(fake_index, capsys, monkeypatch):
    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    assert main(["ask", QUESTION, "--index", str(fake_index), "--explain", "--date-from", "2030-01-01"]) == 0
    output = capsys.readouterr().out
    assert "retrieval: no passage came back" in output
    assert output.rstrip("\n").splitlines()[-1].startswith("verdict: retrieval: no passage came back")


def test_every_subcommand_has_a_runner():
    subcommands = next(action for action in build_parser()._actions
                       if isinstance(action, argparse._SubParsersAction)).choices
    assert set(subcommands) == set(COMMANDS)


@pytest.mark.parametrize("command", [["ask", "Who met the Kampot salt council?"],
                                     ["points", "ASEAN-Russia cooperation"], ["timeline", "ASEAN-Russia cooperation"]])
def test_terminal_output_shows_a_release_title_escape_sequences_escaped(tmp_path, capsys, monkeypatch, command):
    from qa.config import Settings
    from qa.ingest.pipeline import Ingestor

    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    (tmp_path / "hostile.md").write_text(
        "---\ntitle: \"Salt \\e[2J\\e[31mcouncil \\e]8;;https://evil.example\\e\\\\link\\e]8;;\\e\\\\\"\n"
        "date: 2022-07-09\n---\nThe envoy met the Kampot salt council on 9 July 2022.\x1b[2J\n\n"
        "ASEAN and Russia agreed to deepen ASEAN-Russia cooperation on trade and connectivity.\n")
    Ingestor(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder(), progress=False).run(
        [tmp_path / "hostile.md"])
    assert main([*command, "--index", str(tmp_path / "index"), "--out", str(tmp_path / "note.md")]
                if command[0] != "ask" else [*command, "--index", str(tmp_path / "index")]) == 0
    output = capsys.readouterr()
    assert "Salt \\x1b[2J" in output.out and "\x1b" not in output.out + output.err
    if command[0] != "ask":
        assert "\x1b" not in (tmp_path / "note.md").read_text()


def test_an_answer_from_an_older_generation_says_so_on_stderr(tmp_path, small_corpus, capsys, monkeypatch):
    from qa.config import Settings
    from qa.index.store import IndexStore
    from qa.ingest.pipeline import Ingestor

    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    for _ in range(2):  # two generations, the second adding later.txt
        Ingestor(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder(), progress=False).run([small_corpus])
        (small_corpus / "later.txt").write_text("A later release\n\n7 July 2022\n\nThe ministers met again.")
    faiss_file = IndexStore(tmp_path / "index").live().folder / "chunks.faiss"
    with open(faiss_file, "r+b") as handle:
        handle.seek(faiss_file.stat().st_size // 2)
        handle.write(os.urandom(64))
    assert main(["ask", "Who co-chaired the meeting?", "--index", str(tmp_path / "index")]) == 0
    error = capsys.readouterr().err
    assert "gen-000002 is damaged: chunks.faiss" in error and "answering from gen-000001" in error
