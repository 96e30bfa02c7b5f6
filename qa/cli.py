"""The `qa` command: ingest, ask, status, serve. Thin: it builds settings and calls the API."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from .config import Settings
from .errors import QAError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers from press releases.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add release files or folders to an index")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .md, .jsonl, .jsonl.gz files or folders")
    _index_option(ingest)
    ingest.add_argument("--model", help="embedding model name or folder (new index only)")
    ingest.add_argument("--precision", choices=["float32", "bfloat16", "auto"], help="embedding precision")
    ingest.add_argument("--rebuild", action="store_true", help="re-embed everything given, dropping the rest")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")

    ask = commands.add_parser("ask", help="answer a question from the index")
    ask.add_argument("question", metavar="QUESTION")
    _index_option(ask)
    ask.add_argument("--k", type=int, help="passages to draw the answer from (default 5)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--date-from", metavar="YYYY-MM-DD", help="only releases on or after this date")
    ask.add_argument("--date-to", metavar="YYYY-MM-DD", help="only releases on or before this date")
    ask.add_argument("--release-prefix", metavar="PREFIX", help="only release ids starting with PREFIX")
    ask.add_argument("--source", help="only releases whose source (issuer or host) contains this")

    status = commands.add_parser("status", help="what the index holds")
    _index_option(status)

    serve = commands.add_parser("serve", help="start the web app (app.py)")
    _index_option(serve)
    serve.add_argument("--host", help="address to listen on (default: GRADIO_SERVER_NAME or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: GRADIO_SERVER_PORT or 7860)")
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR", help="index folder (default: QA_INDEX or ./index)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except QAError as error:
        print(f"qa: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qa: interrupted; the index was left as it was before this command", file=sys.stderr)
        return 130


def run_ingest(args) -> int:
    from .ingest import Ingestor

    settings = Settings.from_env(index_dir=args.index, model=args.model, precision=args.precision)
    report = Ingestor(settings, progress=not args.quiet).run(args.paths, rebuild=args.rebuild)
    for error in report.errors:
        print(f"qa: skipped {error}", file=sys.stderr)
    print(report.summary())
    return 0 if not report.errors else 3


def run_ask(args) -> int:
    from .assistant import Assistant
    from .retriever import Filters

    filters = Filters(args.date_from, args.date_to, args.release_prefix, args.source)
    settings = Settings.from_env(index_dir=args.index)
    assistant = Assistant.open(settings=settings)
    answer = assistant.ask(args.question, k=args.k, filters=filters)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer_text(answer))
    return 0


def format_answer_text(answer) -> str:
    lines = [answer.answer]
    if answer.short_answer:
        lines.append(f"Short answer: {answer.short_answer}")
    lines.append("")
    lines.append("Sources:" if answer.found else "Closest passages:")
    for citation in answer.citations:
        lines.append(f"[{citation.n}] {citation.title} ({citation.date or 'undated'}) - {citation.release_id}")
        lines.append(f"    {citation.sentence or citation.passage}")
    return "\n".join(lines)


def run_status(args) -> int:
    from .assistant import IndexStatus

    status = IndexStatus.read(Settings.from_env(index_dir=args.index).index_dir)
    for key, value in asdict(status).items():
        print(f"{key}: {value}")
    return 0


def run_serve(args) -> int:
    try:
        import app
    except ImportError:
        raise QAError("app.py was not found: run qa serve from a checkout of the repository") from None
    app.main(index_dir=args.index, host=args.host, port=args.port)
    return 0


COMMANDS = {"ingest": run_ingest, "ask": run_ask, "status": run_status, "serve": run_serve}
