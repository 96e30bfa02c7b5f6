"""The `qa` command's arguments: every subcommand and option, and the checks argparse cannot make.

`qa.cli` runs what these parse; `COMMANDS` there maps each subcommand to its runner.

Example:
    args = parse_args(["ask", "Who co-chaired the meeting?", "--k", "3"])
    args.command, args.k  # ("ask", 3)
"""

from __future__ import annotations

import argparse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed command line; exits with status 2 and a usage message when it is wrong."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_explain_options(parser, args)
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers from press releases.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add release files or folders to an index")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .md, .jsonl, .jsonl.gz files or folders")
    _index_option(ingest)
    ingest.add_argument("--model", help="embedding model name or folder (new index only)")
    ingest.add_argument("--precision", choices=["float32", "bfloat16", "auto"],
                        help="embedding precision (default auto: bfloat16 where the CPU runs it natively)")
    ingest.add_argument("--rebuild", action="store_true", help="re-embed everything given, dropping the rest")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.add_argument("--json", action="store_true", help="print the report as one JSON object")
    ingest.add_argument("--max-chars", type=int, metavar="N",
                        help="largest release text accepted, in characters (default: QA_MAX_UPLOAD_CHARS or 2000000)")
    ingest.add_argument("--max-records", type=int, metavar="N",
                        help="most releases one JSONL file may hold (default: QA_MAX_UPLOAD_RECORDS or 20000)")
    ingest.add_argument("--engine", choices=["local", "ray"], default="local",
                        help="where files are read and releases embedded: this process (default) or Ray workers "
                             "(pip install 'releaseqa[scale]')")
    ingest.add_argument("--ray-address", metavar="ADDR",
                        help="with --engine ray: the Ray cluster to join, host:port or ray://host:10001 "
                             "(default: start Ray on this machine)")

    ask = commands.add_parser("ask", help="answer a question from the index")
    ask.add_argument("question", metavar="QUESTION")
    _index_option(ask)
    ask.add_argument("--k", type=int, help="passages to draw the answer from (default 5)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--date-from", metavar="YYYY-MM-DD", help="only releases on or after this date")
    ask.add_argument("--date-to", metavar="YYYY-MM-DD", help="only releases on or before this date")
    ask.add_argument("--release-prefix", metavar="PREFIX", help="only release ids starting with PREFIX")
    ask.add_argument("--source", help="only releases whose source (issuer or host) contains this")
    ask.add_argument("--generator", choices=["transformers", "openai-compatible", "none"],
                     help="write a generative answer, verified sentence by sentence (default: QA_GENERATOR or none)")
    ask.add_argument("--generator-model", metavar="NAME", help="model folder or name (default: QA_GENERATOR_MODEL)")
    ask.add_argument("--generator-url", metavar="URL",
                     help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (default: QA_GENERATOR_URL)")
    ask.add_argument("--explain", action="store_true",
                     help="also show how the answer was reached, stage by stage, and which stage to look at")
    ask.add_argument("--expect", metavar="TEXT",
                     help="with --explain: the expected answer; the verdict says at which stage it was lost")

    _add_briefing_commands(commands)

    status = commands.add_parser("status", help="what the index holds; exit 1 when a file is damaged")
    _index_option(status)
    check = commands.add_parser("check", help="verify every file of the index against its manifest's checksums")
    _index_option(check)

    serve = commands.add_parser("serve", help="start the web app (app.py)")
    _index_option(serve)
    serve.add_argument("--host", help="address to listen on (default: GRADIO_SERVER_NAME or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: GRADIO_SERVER_PORT or 7860)")
    _add_eval_command(commands)
    _add_train_command(commands)
    _add_feedback_command(commands)
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--index", metavar="DIR", help="index folder (default: QA_INDEX or ./index)")
    where.add_argument("--store", metavar="STORE",
                       help="where the index lives instead: faiss:DIR, milvus-lite:PATH.db or milvus://HOST:PORT "
                            "(default: QA_STORE, else the index folder; docs/scaling.md)")


def _check_explain_options(parser: argparse.ArgumentParser, args) -> None:
    """`--expect` only means something to the trace: without `--explain` it is a usage error."""
    expected = getattr(args, "expect", None)
    if expected is None:
        return
    if not getattr(args, "explain", False):
        parser.error("qa ask: --expect needs --explain: the expected answer only tells the trace where to "
                     "look; run qa ask QUESTION --explain --expect TEXT")
    if not expected.strip():
        parser.error("qa ask: --expect must be the expected answer's text; it is empty")


def _add_briefing_commands(commands) -> None:
    """`qa points` and `qa timeline`: cited talking points and timelines for briefing notes."""
    points = commands.add_parser("points", help="cited talking points on a topic")
    timeline = commands.add_parser("timeline", help="the releases on a topic in date order")
    for parser in (points, timeline):
        parser.add_argument("topic", metavar="TOPIC", help='a country, partner or theme, e.g. "ASEAN-Russia cooperation"')
        _index_option(parser)
    points.add_argument("--k", type=int, default=6, help="most points to give (default 6); fewer when fewer are relevant")
    points.add_argument("--order", choices=["newest", "release"], default="newest",
                        help="newest release first (default) or grouped by release")
    timeline.add_argument("--limit", type=int, default=20, help="most releases to list (default 20)")
    for parser in (points, timeline):
        parser.add_argument("--out", metavar="FILE", help="also write FILE: .md (Markdown) or .docx (Word)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--date-from", metavar="YYYY-MM-DD", help="only releases on or after this date")
        parser.add_argument("--date-to", metavar="YYYY-MM-DD", help="only releases on or before this date")
        parser.add_argument("--release-prefix", metavar="PREFIX", help="only release ids starting with PREFIX")
        parser.add_argument("--source", help="only releases whose source (issuer or host) contains this")


def _add_eval_command(commands) -> None:
    """`qa eval`: scores the index on question sets (tests/data/dev_questions.jsonl ...)."""
    evaluate = commands.add_parser("eval", help="score answers on JSONL question sets")
    evaluate.add_argument("questions", nargs="+", metavar="QUESTIONS.jsonl",
                          help="one question a line, as in tests/data/; with several sets the first is the "
                               "tuning set and the gap to each other set is reported")
    _index_option(evaluate)
    evaluate.add_argument("--corpus", nargs="+", metavar="PATH",
                          help="answer over an index of these files only, built for the run (in --index if "
                               "given, else a temporary folder): the snippet condition, tests/data/snippet_passages.jsonl.gz")
    evaluate.add_argument("--k", type=int, help="passages each answer draws from (default 5)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")


def _add_feedback_command(commands) -> None:
    """`qa feedback export`: the app's Right/Wrong feedback as a question file for `qa eval`."""
    feedback = commands.add_parser("feedback", help="what staff said of answers in the app (Right / Wrong)")
    actions = feedback.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the reviewed answers as questions in the format qa eval reads "
                                "(a wrong answer's correction is its key)")
    export.add_argument("--out", required=True, metavar="FILE.jsonl", help="the question file to write")
    _index_option(export)


def _add_train_command(commands) -> None:
    """`qa train-answerer`: fits the answer model on the dev set and writes qa/data/answer_model.json."""
    train = commands.add_parser("train-answerer", help="fit the answer model on a labelled question set")
    train.add_argument("--questions", default="tests/data/dev_questions.jsonl", metavar="QUESTIONS.jsonl",
                       help="the tuning set (default tests/data/dev_questions.jsonl); never the test set")
    _index_option(train)
    train.add_argument("--out", metavar="FILE", help="where to write the model (default qa/data/answer_model.json)")
    reader = commands.add_parser("train-reader", help="train the reader on the training questions (about an hour "
                                 "on 2 cores; not part of the tests)")
    _index_option(reader)
    reader.add_argument("--out", metavar="FOLDER", help="where to write the reader (default qa/data/reader)")
    reader.add_argument("--share", type=float, default=1.0,
                        help="train on this share of the training questions (the learning curve's 0.25, 0.5)")
    reader.add_argument("--epochs", type=int, help="passes over the training pairs (default 3)")
    reader.add_argument("--precision", choices=["float32", "bfloat16", "auto"], default="auto",
                        help="training arithmetic (default auto: bfloat16 autocast where the CPU runs it natively)")
    fit = commands.add_parser("fit-reader", help="fit the reader's thresholds on the dev set (never the test set)")
    fit.add_argument("--questions", default="tests/data/dev_questions.jsonl", metavar="QUESTIONS.jsonl",
                     help="the tuning set (default tests/data/dev_questions.jsonl)")
    _index_option(fit)
    fit.add_argument("--reader", metavar="FOLDER", help="the reader to fit (default qa/data/reader)")
