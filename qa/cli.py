"""The `qa` command: ingest, ask, status, serve. Thin: it builds settings and calls the API."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from qa.config import Settings, validate_text
from qa.errors import QAError


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
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR", help="index folder (default: QA_INDEX or ./index)")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_explain_options(parser, args)
    try:
        return COMMANDS[args.command](args)
    except QAError as error:
        print(f"qa: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qa: interrupted; the index was left as it was before this command", file=sys.stderr)
        return 130


def run_ingest(args) -> int:
    from qa.ingest.pipeline import Ingestor

    settings = Settings.from_env(index_dir=args.index, model=args.model, precision=args.precision,
                                 max_chars=args.max_chars)
    report = Ingestor(settings, progress=not args.quiet).run(args.paths, rebuild=args.rebuild)
    for warning in report.warnings:
        print(f"qa: warning: {warning}", file=sys.stderr)
    for note in report.notes:
        print(f"qa: note: {note}", file=sys.stderr)
    for error in report.errors:
        print(f"qa: skipped {error}", file=sys.stderr)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary())
    return 0 if not report.errors else 3


def run_ask(args) -> int:
    from qa.assistant import Assistant
    from qa.answer.explain import Explanation
    from qa.render import answer_text
    from qa.search.retriever import Filters

    validate_text(args.question, "question")  # before the model loads
    filters = Filters(args.date_from, args.date_to, args.release_prefix, args.source)
    settings = Settings.from_env(index_dir=args.index, generator=args.generator,
                                 generator_model=args.generator_model, generator_url=args.generator_url)
    assistant = Assistant.open(settings=settings)
    # The trace is kept for every question: asking with it gives the very answer `ask` gives.
    answer, trace = assistant.ask_with_trace(args.question, k=args.k, filters=filters)
    explanation = Explanation.of(assistant.snapshot, answer, trace, args.expect) if args.explain else None
    if args.json:
        data = answer.to_dict()
        if explanation is not None:
            data["explanation"] = explanation.to_dict()
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(answer_text(answer))
        if explanation is not None:
            print(f"\nWhy this answer (stage by stage):\n{explanation.to_text()}")
    return 0


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


def run_status(args) -> int:
    from qa.assistant import IndexStatus

    status = IndexStatus.read(Settings.from_env(index_dir=args.index).index_dir)
    for key, value in asdict(status).items():
        if key != "warnings":
            print(f"{key}: {value}")
    return _warned(status.warnings)


def run_check(args) -> int:
    from qa.assistant import IndexStatus

    index_dir = Settings.from_env(index_dir=args.index).index_dir
    status = IndexStatus.read(index_dir, checksums=True)
    if _warned(status.warnings):
        return 1
    print(f"{status.generation}: every file matches its checksum ({status.releases} releases, "
          f"{status.chunks} chunks)")
    return 0


def _warned(warnings) -> int:
    """Prints each warning on stderr; 1 when there was any (the index is damaged), else 0."""
    for warning in warnings:
        print(f"qa: warning: {warning}", file=sys.stderr)
    return 1 if warnings else 0


def run_serve(args) -> int:
    try:
        import app
    except ImportError:
        raise QAError("app.py was not found: run qa serve from a checkout of the repository") from None
    app.main(index_dir=args.index, host=args.host, port=args.port)
    return 0


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


def run_points(args) -> int:
    from qa.render import points_text

    return _run_briefing(args, lambda assistant, filters: assistant.talking_points(
        args.topic, k=args.k, filters=filters, order=args.order), points_text)


def run_timeline(args) -> int:
    from qa.render import timeline_text

    return _run_briefing(args, lambda assistant, filters: assistant.timeline(
        args.topic, filters=filters, limit=args.limit), timeline_text)


def _run_briefing(args, build, format_text) -> int:
    from qa.assistant import Assistant
    from qa.briefing.export import check_export_path, write_export
    from qa.search.retriever import Filters

    out = check_export_path(args.out) if args.out else None  # a bad --out fails before the model loads
    filters = Filters(args.date_from, args.date_to, args.release_prefix, args.source)
    assistant = Assistant.open(settings=Settings.from_env(index_dir=args.index))
    result = build(assistant, filters)
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else format_text(result))
    if out is not None:
        write_export(result, out)
        print(f"qa: wrote {out}", file=sys.stderr)
    return 0


COMMANDS = {"ingest": run_ingest, "ask": run_ask, "status": run_status, "check": run_check, "serve": run_serve}
COMMANDS.update({"points": run_points, "timeline": run_timeline})


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


def run_eval(args) -> int:
    from qa.evaluate.evaluation import Evaluator, format_report
    from qa.evaluate.questions import load_questions

    sets = {path: load_questions(path) for path in args.questions}  # a bad file fails before the model loads
    if args.k is not None and args.k < 1:
        raise QAError(f"k must be greater than 0. Currently, k is {args.k}")
    with _evaluation_index(args) as (settings, embedder):
        assistant = _open_assistant(settings, embedder)
        reports = {path: Evaluator(assistant, k=args.k).run(questions) for path, questions in sets.items()}
    first, *others = reports
    gaps = {path: 100 * (reports[first].overall.answer_accuracy - reports[path].overall.answer_accuracy)
            for path in others}
    if args.json:
        data = (reports[first].to_dict() if not others else
                {"sets": {path: report.to_dict() for path, report in reports.items()},
                 "generalization_gap_points": {path: round(gap, 1) for path, gap in gaps.items()}})
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for path, report in reports.items():
        print(f"== {path} ==\n{format_report(report)}\n" if others else format_report(report))
    for path, gap in gaps.items():
        print(f"generalization gap: {first} minus {path}, answer accuracy: {gap:+.1f} points")
    return 0


@contextlib.contextmanager
def _evaluation_index(args):
    """Settings of the index to evaluate: the one given, or one built from --corpus for the run."""
    settings = Settings.from_env(index_dir=args.index)
    if not args.corpus:
        yield settings, None
        return
    from qa.ingest.pipeline import Ingestor

    with tempfile.TemporaryDirectory(prefix="qa-eval-") as folder:
        settings = settings.with_values(index_dir=args.index or Path(folder) / "index")
        ingestor = Ingestor(settings, progress=not args.json)
        for error in ingestor.run(args.corpus).errors:
            print(f"qa: skipped {error}", file=sys.stderr)
        yield settings, ingestor.embedder  # the model loaded for the build answers too


def _open_assistant(settings: Settings, embedder=None):
    from qa.assistant import Assistant

    return Assistant.open(settings=settings, embedder=embedder)


COMMANDS["eval"] = run_eval


def _add_train_command(commands) -> None:
    """`qa train-answerer`: fits the answer model on the dev set and writes qa/data/answer_model.json."""
    train = commands.add_parser("train-answerer", help="fit the answer model on a labelled question set")
    train.add_argument("--questions", default="tests/data/dev_questions.jsonl", metavar="QUESTIONS.jsonl",
                       help="the tuning set (default tests/data/dev_questions.jsonl); never the test set")
    _index_option(train)
    train.add_argument("--out", metavar="FILE", help="where to write the model (default qa/data/answer_model.json)")


def run_train(args) -> int:
    from qa.answer.model import MODEL_FILE
    from qa.evaluate.questions import load_questions
    from qa.answer.training import AnswerTrainer

    questions = load_questions(args.questions)
    assistant = _open_assistant(Settings.from_env(index_dir=args.index))
    model, about = AnswerTrainer(assistant).fit(questions, source=Path(args.questions).as_posix())
    out = Path(args.out) if args.out else MODEL_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}: {json.dumps(about['cross_validated'])}")
    return 0


COMMANDS["train-answerer"] = run_train
