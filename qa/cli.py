"""The `qa` command: ingest, ask, status, serve. Thin: it builds settings and calls the API.

Its subcommands and options are declared in `qa.cli_parser`; `COMMANDS` maps each to its runner here.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from qa.cli_parser import parse_args
from qa.config import Settings, validate_text
from qa.errors import QAError
from qa.index.location import StoreLocation
from qa.index.store import IndexStore
from qa.render.text import json_text, terminal_text


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except QAError as error:
        _say(f"qa: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _say("qa: interrupted; the index was left as it was before this command", file=sys.stderr)
        return 130


def run_ingest(args) -> int:
    from qa.ingest.pipeline import Ingestor

    settings = Settings.from_env(**_where(args), model=args.model, precision=args.precision,
                                 max_chars=args.max_chars, max_records=args.max_records)
    report = Ingestor(settings, progress=not args.quiet, engine=args.engine,
                      ray_address=args.ray_address).run(args.paths, rebuild=args.rebuild)
    for warning in report.warnings:
        _say(f"qa: warning: {warning}", file=sys.stderr)
    for note in report.notes:
        _say(f"qa: note: {note}", file=sys.stderr)
    for error in report.errors:
        _say(f"qa: skipped {error}", file=sys.stderr)
    _say(json_text(report.to_dict()) if args.json else report.summary())
    return 0 if not report.errors else 3


def run_ask(args) -> int:
    from qa.assistant import Assistant
    from qa.answer.explain import Explanation
    from qa.render import answer_text
    from qa.search.retriever import Filters

    validate_text(args.question, "question")  # before the model loads
    filters = Filters(args.date_from, args.date_to, args.release_prefix, args.source)
    settings = Settings.from_env(**_where(args), generator=args.generator,
                                 generator_model=args.generator_model, generator_url=args.generator_url)
    assistant = Assistant.open(settings=settings)
    # The trace is kept for every question: asking with it gives the very answer `ask` gives.
    answer, trace = assistant.ask_with_trace(args.question, k=args.k, filters=filters)
    _warn_if_not_live(assistant)
    explanation = Explanation.of(assistant.snapshot, answer, trace, args.expect) if args.explain else None
    if args.json:
        data = answer.to_dict()
        if explanation is not None:
            data["explanation"] = explanation.to_dict()
        _say(json_text(data))
    else:
        _say(answer_text(answer))
        if explanation is not None:
            _say(f"\nWhy this answer: {explanation.summary()}")
            _say(f"\nStage by stage:\n{explanation.to_text()}")
    return 0


def run_status(args) -> int:
    from qa.assistant import IndexStatus
    from qa.feedback import FeedbackStore

    settings = Settings.from_env(**_where(args))
    status = IndexStatus.read(StoreLocation.of(settings))
    for key, value in asdict(status).items():
        if key != "warnings":
            _say(f"{key}: {value}")
    _say(f"feedback: {FeedbackStore.of(settings).counts().summary()}")
    return _warned(status.warnings)


def run_check(args) -> int:
    from qa.assistant import IndexStatus

    location = StoreLocation.of(Settings.from_env(**_where(args)))
    status = IndexStatus.read(location, checksums=True)
    damaged = _warned(status.warnings)
    if not damaged:
        checked = ("every file matches its checksum" if location.is_folder
                   else "every collection loads and holds the rows its manifest counts")
        _say(f"{status.generation}: {checked} ({status.releases} releases, {status.chunks} chunks)")
    if location.is_folder:
        damaged = _check_other_generations(IndexStore(location.target), status) or damaged
    return damaged


def _check_other_generations(store: IndexStore, status) -> int:
    """Lists the releases other generations hold that the live one lacks (a release removed by
    the last ingest stays one round in the generation before it); 1 when one is damaged."""
    damaged = store.damaged_generations(checksums=True)
    _warned([f"generation {name} is damaged: {problem}" for name, problem in damaged
             if not any(name in warning for warning in status.warnings)])  # not said twice
    for name, ids in store.releases_beyond(store.index_dir / status.generation):
        held = "releases that cannot be read" if ids is None else f"{len(ids)} release(s) {status.generation} lacks"
        _say(f"{name} holds {held}{': ' + ', '.join(ids) if ids else ''}")
    return 1 if damaged else 0


def _say(text: str, file=None) -> None:
    """Prints a line with its control characters shown escaped: releases, file names and
    messages can hold ESC or OSC sequences that would clear the screen or fake a link."""
    print(terminal_text(text), file=file or sys.stdout)


def _where(args) -> dict:
    """The index the command reads: --index DIR is the folder store; --store any store."""
    store = getattr(args, "store", None)
    return {"index_dir": args.index, "store": store or (f"faiss:{args.index}" if args.index else None)}


def _warned(warnings) -> int:
    """Prints each warning on stderr; 1 when there was any (the index is damaged), else 0."""
    for warning in warnings:
        _say(f"qa: warning: {warning}", file=sys.stderr)
    return 1 if warnings else 0


def _warn_if_not_live(assistant) -> None:
    """Says on stderr when the answer came from an older generation (the live one is damaged)."""
    for warning in assistant.snapshot.warnings:
        _say(f"qa: warning: {warning}", file=sys.stderr)


def run_serve(args) -> int:
    try:
        import app
    except ImportError:
        raise QAError("app.py was not found: run qa serve from a checkout of the repository") from None
    app.main(index_dir=args.index, host=args.host, port=args.port, store=getattr(args, "store", None))
    return 0


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
    assistant = Assistant.open(settings=Settings.from_env(**_where(args)))
    result = build(assistant, filters)
    _warn_if_not_live(assistant)
    _say(json_text(result.to_dict()) if args.json else format_text(result))
    if out is not None:
        write_export(result, out)
        _say(f"qa: wrote {out}", file=sys.stderr)
    return 0


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
        _say(json_text(data))
        return 0
    for path, report in reports.items():
        _say(f"== {path} ==\n{format_report(report)}\n" if others else format_report(report))
    for path, gap in gaps.items():
        _say(f"generalization gap: {first} minus {path}, answer accuracy: {gap:+.1f} points")
    return 0


@contextlib.contextmanager
def _evaluation_index(args):
    """Settings of the index to evaluate: the one given, or one built from --corpus for the run."""
    settings = Settings.from_env(**_where(args))
    if not args.corpus:
        yield settings, None
        return
    from qa.ingest.pipeline import Ingestor

    with tempfile.TemporaryDirectory(prefix="qa-eval-") as folder:
        settings = settings.with_values(index_dir=args.index or Path(folder) / "index")
        ingestor = Ingestor(settings, progress=not args.json)
        for error in ingestor.run(args.corpus).errors:
            _say(f"qa: skipped {error}", file=sys.stderr)
        yield settings, ingestor.embedder  # the model loaded for the build answers too


def _open_assistant(settings: Settings, embedder=None):
    from qa.assistant import Assistant

    return Assistant.open(settings=settings, embedder=embedder)


def run_train(args) -> int:
    from qa.answer.model import MODEL_FILE
    from qa.evaluate.questions import load_questions
    from qa.answer.training import AnswerTrainer

    questions = load_questions(args.questions)
    assistant = _open_assistant(Settings.from_env(**_where(args)))
    model, about = AnswerTrainer(assistant).fit(questions, source=Path(args.questions).as_posix())
    out = Path(args.out) if args.out else MODEL_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n")
    _say(f"wrote {out}: {json.dumps(about['cross_validated'])}")
    return 0


def run_train_reader(args) -> int:
    from dataclasses import replace

    from qa.reader.card import write_reader
    from qa.reader.examples import load_training_questions
    from qa.reader.reader import READER_DIR
    from qa.reader.training import ReaderTrainer, TrainingSettings

    settings = TrainingSettings(share=args.share, precision=args.precision)
    settings = replace(settings, epochs=args.epochs) if args.epochs else settings
    assistant = _open_assistant(Settings.from_env(**_where(args)))
    network, record = ReaderTrainer(assistant, settings).train(load_training_questions())
    out = Path(args.out) if args.out else READER_DIR
    write_reader(network, out, record)
    print(f"wrote {out}: {record['questions']} questions, {record['pairs']} pairs, {record['minutes']} minutes")
    return 0


def run_fit_reader(args) -> int:
    from qa.evaluate.questions import load_questions
    from qa.reader.card import add_figures
    from qa.reader.fitting import DecisionFitter
    from qa.reader.reader import READER_DIR, Reader

    folder = Path(args.reader) if args.reader else READER_DIR
    assistant = _open_assistant(Settings.from_env(**_where(args)))
    decision = DecisionFitter(assistant, Reader.load(folder)).fit(load_questions(args.questions))
    decision.save(folder)
    add_figures(folder, decision.figures)
    print(f"wrote {folder}: {json.dumps(decision.figures)}")
    return 0


def run_feedback(args) -> int:
    """`qa feedback export --out FILE`: reviewed answers as questions; what is left out is said why."""
    from qa.evaluate.questions import write_questions
    from qa.feedback import FeedbackExporter, FeedbackStore

    out = Path(args.out)
    if not out.parent.is_dir():
        raise QAError(f"--out {args.out!r}: the folder {str(out.parent)!r} does not exist")
    settings = Settings.from_env(**_where(args))
    store = FeedbackStore.of(settings)
    items = store.items()
    if not items:
        raise QAError(f"no feedback in {str(store.path)!r} yet: mark answers Right or Wrong in the app "
                      "(or through its /feedback endpoint) first")
    report = FeedbackExporter(StoreLocation.of(settings).open_snapshot()).run(items)
    for line in report.skipped:
        print(f"qa: note: {line}", file=sys.stderr)
    if not report.questions:
        raise QAError(f"none of the {len(items)} feedback items gives a question (the notes above say why)")
    write_questions(report.questions, out)
    count = len(report.questions)
    print(f"wrote {out}: {count} question{'' if count == 1 else 's'} from {len(items)} feedback items "
          f"({len(report.skipped)} left out)")
    return 0


COMMANDS = {"ingest": run_ingest, "ask": run_ask, "status": run_status, "check": run_check, "serve": run_serve,
            "points": run_points, "timeline": run_timeline, "eval": run_eval, "train-answerer": run_train,
            "train-reader": run_train_reader, "fit-reader": run_fit_reader, "feedback": run_feedback}
