"""The `qa` command as other tools call it: exit codes, one JSON object, one-line errors."""

import json
import subprocess
import sys

import pytest

from qa.cli import main


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

    monkeypatch.setattr("qa.embedder.Embedder", lambda *a, **k: FakeEmbedder())
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


def test_k_of_zero_is_a_one_line_error(fake_index, capsys, monkeypatch):
    from .fakes import FakeEmbedder

    monkeypatch.setattr("qa.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    assert main(["ask", "Who co-chaired the meeting?", "--k", "0", "--index", str(fake_index)]) == 1
    assert "k must be greater than 0" in capsys.readouterr().err


def test_ingest_refuses_a_text_over_the_character_limit_unless_raised(tmp_path, capsys, monkeypatch):
    from qa.config import Settings
    from qa.ingest import Ingestor

    from .fakes import FakeEmbedder

    (tmp_path / "one-line.txt").write_text("Title\n\n" + "A long line without end " * 500)
    monkeypatch.setattr("qa.ingest.Ingestor.embedder", property(lambda self: FakeEmbedder()))
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
