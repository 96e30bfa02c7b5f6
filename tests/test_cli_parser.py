"""The `qa` command's arguments: defaults, and the usage errors argparse cannot catch alone."""

import pytest

from qa.cli_parser import parse_args

QUESTION = "Who co-chaired the meeting?"


def test_each_subcommand_parses_its_options_and_defaults():
    args = parse_args(["ask", QUESTION, "--k", "3", "--index", "idx"])
    assert (args.command, args.question, args.k, args.index, args.explain) == ("ask", QUESTION, 3, "idx", False)
    points = parse_args(["points", "ASEAN-Russia cooperation"])
    assert (points.command, points.k, points.order, points.index) == ("points", 6, "newest", None)
    assert parse_args(["train-answerer"]).questions == "tests/data/dev_questions.jsonl"


@pytest.mark.parametrize("args, message", [(["--expect", "Retno Marsudi"], "--expect needs --explain"),
                                           (["--explain", "--expect", " "], "--expect must be the expected answer")])
def test_expect_without_explain_or_without_text_is_a_usage_error(capsys, args, message):
    with pytest.raises(SystemExit) as exit_code:
        parse_args(["ask", QUESTION, "--index", "/nonexistent", *args])
    assert exit_code.value.code == 2 and message in capsys.readouterr().err
