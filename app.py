"""The web chat for staff: a thin Gradio layer over `qa.Assistant`.

Run: `python app.py` (or `qa serve`). The index is built from the corpus folder on first launch.
Configuration: QA_INDEX, QA_CORPUS, QA_MODEL, QA_ALLOW_UPLOADS, QA_MAX_UPLOAD_MB, QA_AUTH,
GRADIO_SERVER_NAME, GRADIO_SERVER_PORT.

API (gradio_client): `/ask` (question, history, date_from, date_to, source, collection) -> the
`qa ask --json` object; `/feedback` (question, verdict, comment, correction) -> the feedback kept;
`/status` -> the index status with the feedback counts.
"""

# No `from __future__ import annotations`: gr.api reads the endpoint's type hints at run time.
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# Gradio summarises its last 10,000 events with pandas after every event (for its monitoring
# page); once a day's questions have piled up that is ~7% of the server's CPU (bench/load.py).
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from qa import Assistant, Filters, QAError, Settings
from qa.language.conversation import Conversation
from qa.errors import ConfigurationError
from qa.answer.explain import Explanation, TracingAssistant
from qa.briefing.export import suggested_filename, write_export
from qa.feedback import FeedbackItem, FeedbackStore
from qa.render import (WHY_PLACEHOLDER, answer_markdown, collection_choices, error_markdown, escape_markdown,
                       explanation_html, note_markdown, source_cards_html, source_choices, status_markdown,
                       upload_markdown)
from qa.ingest.pipeline import Ingestor
from qa.index.location import StoreLocation
from qa.ingest.background_ingest import BackgroundIngest
from qa.ingest.uploads import UPLOAD_SUFFIXES, Uploads
from qa.webguard import BusyAnswer, LoginThrottle, UploadGuard, trust_forwarded_headers

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent
ALL = "All"  # the filter choice that filters nothing
# What the screen leaves the chat: the title, status and tabs above it, the question and buttons below.
CHAT_HEIGHT = "calc(100vh - 360px)"
# The date boxes as typed: the picker sends only a valid date and would drop "next Tuesday" without a
# word, so Ask sends the text itself and the filter check answers it with a message.
TYPED_DATES_JS = """(...values) => {  // values: the chat inputs, dates at [3] and [4]
  const typed = (id, value) => document.querySelector(`#${id} input.time`)?.value ?? value;
  values[3] = typed("date-from", values[3]);
  values[4] = typed("date-to", values[4]);
  return values.slice(0, 7);
}"""

CSS = """
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
               margin: 0 0 10px 0; background: var(--background-fill-secondary); }
.source-title { font-weight: 600; }
.source-meta { font-size: 0.85em; opacity: 0.75; margin: 2px 0 6px 0; }
.source-passage mark { background: #ffe58a; color: inherit; padding: 0 2px; border-radius: 2px; }
.searched { font-size: 0.9em; opacity: 0.85; }
#title h2 { margin: 0; }
.source-passage { max-height: 14em; overflow-y: auto; }
#date-from input.time, #date-to input.time { min-width: 0; width: 100%; }
.why-trace { white-space: pre-wrap; font-size: 0.8em; line-height: 1.35; margin: 0; }
"""


@dataclass
class AppContext:
    """What every tab needs: the assistant, its settings, and the shared status line.

    The conversation asks through `tracing`, which keeps each question's trace for the
    "Why this answer?" panel from the same ask. `feedback` keeps what staff say of answers.
    """

    assistant: Assistant
    settings: Settings
    conversation: Conversation
    tracing: TracingAssistant
    feedback: FeedbackStore
    status: gr.Markdown | None = None


def open_assistant(settings: Settings, embedder=None) -> tuple[Assistant, str | None]:
    """Opens the index, building it from the corpus folder first if there is none.

    Returns the assistant and, after a first build, a line for the status bar. The build
    shows its progress (reading, embedding) in the terminal.
    """
    location = StoreLocation.of(settings)
    if location.exists():
        # An index that does not verify raises here: nothing is rebuilt over it.
        assistant = Assistant.open(settings=settings, embedder=embedder)
        for warning in assistant.snapshot.warnings:
            print(f"warning: {warning}")
        return assistant, None
    print(f"No index in {location.target if location.is_folder else location.describe()}: building it from {settings.corpus_dir} (first run only)")
    started = time.perf_counter()
    ingestor = Ingestor(settings, embedder=embedder, progress=True)
    report = ingestor.run([settings.corpus_dir])
    print(report.summary())
    for error in report.errors:
        print(f"skipped {error}")
    note = (f"Index built on this launch from {settings.corpus_dir} in {time.perf_counter() - started:.0f} s: "
            f"{len(report.added)} releases added, {len(report.errors)} files skipped.")
    # The model loaded for the build serves the questions too.
    return Assistant.open(settings=settings, embedder=embedder or ingestor.embedder), note


def login_pairs(auth: str | None) -> list[tuple[str, str]] | None:
    """QA_AUTH "user:password,other:secret" as Gradio's list of (user, password); None: no login."""
    if not auth or not auth.strip():
        return None
    pairs = []
    for number, item in enumerate(auth.split(","), start=1):
        user, separator, password = item.strip().partition(":")
        if not separator or not user or not password:
            # The message must not echo the value: it may hold a password.
            raise ConfigurationError(f"auth (QA_AUTH) must be user:password pairs separated by commas; "
                                     f"pair {number} has no user, no ':' or no password")
        pairs.append((user, password))
    return pairs


def launch_options(settings: Settings, host: str | None = None, port: int | None = None) -> dict:
    """Keyword arguments for `demo.launch`: login, upload limit, styling, and host/port if given.

    Without host or port Gradio reads GRADIO_SERVER_NAME and GRADIO_SERVER_PORT itself
    (defaults 127.0.0.1 and 7860). X-Forwarded-For is believed only from QA_TRUSTED_PROXIES.
    """
    trust_forwarded_headers(settings.trusted_proxies)
    options = {"auth": login_pairs(settings.auth), "max_file_size": f"{settings.max_upload_mb}mb",
               "css": CSS, "footer_links": ["api"],
               "app_kwargs": {"middleware": [Middleware(UploadGuard, allow_uploads=settings.allow_uploads),
                                             Middleware(LoginThrottle), Middleware(BusyAnswer)]}}
    if options["auth"]:
        options["auth_message"] = "Sign in with the account your administrator gave you."
    if host:
        options["server_name"] = host
    if port:
        options["server_port"] = port
    return options


def make_filters(date_from, date_to, source, collection) -> Filters | None:
    """Filters from the panel's values; empty or "All" means no limit. Bad dates raise QAError."""
    filters = Filters(date_from=_day(date_from), date_to=_day(date_to),
                      release_prefix=collection if collection and collection != ALL else None,
                      source=source if source and source != ALL else None)
    return None if filters.is_empty() else filters


def panel_filters(date_from, date_to, source, collection) -> Filters | None:
    """make_filters for the chat's panel: a date it cannot read is named by its box, as staff see it."""
    for label, value in (("From", date_from), ("To", date_to)):
        try:
            Filters(date_from=_day(value))
        except QAError:
            raise QAError(f"the {label} date must be YYYY-MM-DD (or picked from the calendar); "
                          f"{str(value).strip()!r} is not a date") from None
    return make_filters(date_from, date_to, source, collection)


def build_app(assistant: Assistant, settings: Settings | None = None, note: str | None = None) -> gr.Blocks:
    """The web app: a status line, then one tab per task (a function per tab), and the API."""
    settings = settings or assistant.settings
    tracing = TracingAssistant(assistant)
    context = AppContext(assistant, settings, Conversation(tracing), tracing, FeedbackStore.of(settings))
    with gr.Blocks(title="releaseqa", analytics_enabled=False) as demo:
        gr.Markdown("## Ask the press releases", elem_id="title")
        context.status = gr.Markdown(status_markdown(assistant.status(), note), elem_id="status")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat_tab(context)
            with gr.Tab("Talking points", id="briefing"):
                briefing_tab(context)
        api_endpoints(context)
    # A bounded queue: past it, a question is answered "busy, try again in a moment" (BusyAnswer).
    demo.queue(max_size=settings.max_waiting_questions)
    return demo


def chat_tab(context: AppContext) -> None:
    """Chat with history on the left; filters, sources and uploads on the right."""
    releases = context.assistant.snapshot.releases.values()
    with gr.Row():
        with gr.Column(scale=3):
            # The chat takes the height the screen leaves, so the Ask button is on it without scrolling.
            chatbot = gr.Chatbot(label="Chat", height=CHAT_HEIGHT, min_height=240, elem_id="chat", feedback_options=None,
                                 buttons=["copy", "copy_all"],
                                 placeholder="Ask about the press releases, e.g. *Who co-chaired the meeting?*")
            question = gr.Textbox(label="Question", placeholder="Who co-chaired the meeting?", max_length=2000,
                                  elem_id="question", autofocus=True)
            with gr.Row():
                ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
                clear_button = gr.Button("New chat", elem_id="new-chat")
            shown = gr.State(None)  # the last answer as shown (a FeedbackItem), for the feedback panel
            show_feedback = feedback_panel(context, shown)
        with gr.Column(scale=2):
            with gr.Accordion("Filters", open=True):  # two fields a row: the first source card stays on screen
                with gr.Row():
                    date_from = gr.DateTime(label="From", include_time=False, type="string", elem_id="date-from")
                    date_to = gr.DateTime(label="To", include_time=False, type="string", elem_id="date-to")
                with gr.Row():
                    source = gr.Dropdown([ALL] + source_choices(releases), value=ALL, label="Source",
                                         allow_custom_value=True, elem_id="source")
                    collection = gr.Dropdown([ALL] + collection_choices(releases), value=ALL, label="Collection",
                                             elem_id="collection")
            sources = gr.HTML("<p>Sources appear here, with the answering sentence highlighted.</p>",
                              elem_id="sources")
            with gr.Accordion("Why this answer?", open=False, elem_id="why-answer"):
                why = gr.HTML(WHY_PLACEHOLDER, elem_id="why")
            if context.settings.allow_uploads:
                upload_panel(context, source, collection)
    asked = gr.State([])  # the questions of this chat as typed, oldest first

    def respond(text, history, earlier, day_from, day_to, source_name, collection_name):
        history = list(history or [])
        if not text or not text.strip():
            return history, gr.skip(), "", earlier, gr.skip(), gr.skip(), gr.skip()
        status = refreshed_status(context)
        before = context.assistant.snapshot
        context.tracing.forget()
        try:
            filters = panel_filters(day_from, day_to, source_name, collection_name)
            answer = context.conversation.ask(text, earlier, filters)
        except QAError as error:
            history += [{"role": "user", "content": escape_markdown(text)},
                        {"role": "assistant", "content": error_markdown(str(error))}]
            return history, "", "", earlier, switched_status(context, before, status), WHY_PLACEHOLDER, None
        history += [{"role": "user", "content": escape_markdown(text)},
                    {"role": "assistant", "content": answer_markdown(answer)}]
        item = FeedbackItem.of(answer, context.assistant.snapshot.location)
        return (history, source_cards_html(answer), "", list(earlier) + [text],
                switched_status(context, before, status), why_html(context, answer), item)

    inputs = [question, chatbot, asked, date_from, date_to, source, collection]
    outputs = [chatbot, sources, question, asked, context.status, why, shown]
    for trigger in (question.submit, ask_button.click):
        trigger(respond, inputs, outputs, js=TYPED_DATES_JS, api_visibility="private", concurrency_id="assistant",
                concurrency_limit=context.settings.concurrent_questions).then(**show_feedback)
    clear_button.click(lambda: ([], "", [], WHY_PLACEHOLDER, None), None, [chatbot, sources, asked, why, shown],
                       api_visibility="private").then(**show_feedback)


def feedback_panel(context: AppContext, shown: gr.State) -> dict:
    """Right / Wrong under the last answer, with a comment and, for a wrong one, the right answer.

    A second press on the same answer changes what was kept for it. Returns the event that shows
    the panel (empty) for a new answer and hides it when there is none.
    """
    with gr.Group(visible=False, elem_id="feedback") as panel:
        with gr.Row(equal_height=True):
            gr.Markdown("**Was this answer right?** Your verdict goes into the next question set.",
                        elem_id="feedback-prompt")
            right_button = gr.Button("Right", size="sm", min_width=80, scale=0, elem_id="feedback-right")
            wrong_button = gr.Button("Wrong", size="sm", min_width=80, scale=0, elem_id="feedback-wrong")
        with gr.Row():
            comment = gr.Textbox(label="Comment (optional)", max_length=2000, elem_id="feedback-comment")
            correction = gr.Textbox(label="If it is wrong: the answer is… (optional)", max_length=2000,
                                    elem_id="feedback-correction")
        result = gr.Markdown(elem_id="feedback-result")

    def recorder(verdict: str):
        def record(item, comment_text, correction_text, request: gr.Request):
            if item is None:
                return error_markdown("ask a question first: feedback is on the last answer"), gr.skip()
            try:
                kept = context.feedback.save(item.reviewed(verdict, comment_text, correction_text, _user(request)))
            except QAError as error:
                return error_markdown(str(error)), gr.skip()
            return feedback_markdown(kept), kept
        return record

    for button, verdict in ((right_button, "right"), (wrong_button, "wrong")):
        button.click(recorder(verdict), [shown, comment, correction], [result, shown], api_visibility="private")
    return {"fn": lambda item: (gr.update(visible=item is not None), "", "", ""), "inputs": shown,
            "outputs": [panel, comment, correction, result], "api_visibility": "private"}


def feedback_markdown(item: FeedbackItem) -> str:
    """What the panel says once feedback is kept."""
    said = f" The answer is: {escape_markdown(item.correction)}." if item.correction else ""
    return f"Kept as **{item.verdict}**.{said} Thank you."


def _user(request: gr.Request | None) -> str | None:
    """The signed-in user, when the app asks to sign in."""
    return getattr(request, "username", None) if request is not None else None


def why_html(context: AppContext, answer) -> str:
    """The "Why this answer?" panel: the trace the answer's own ask kept (nothing is asked again)."""
    trace = context.tracing.last_trace()
    if trace is None:
        return WHY_PLACEHOLDER
    try:
        return explanation_html(Explanation.of(context.assistant.snapshot, answer, trace))
    except Exception:  # the trace is a diagnostic: a fault in it must never cost the answer
        LOGGER.exception("the trace of an answer could not be shown")
        return "<p>The trace of this answer could not be shown; the answer itself is not affected.</p>"


def briefing_tab(context: AppContext) -> None:
    """Talking points or a timeline on a topic, as Markdown to paste and as .docx/.md downloads."""
    with gr.Row():
        with gr.Column(scale=2):
            topic = gr.Textbox(label="Topic", placeholder="ASEAN-Russia cooperation", max_length=500,
                               elem_id="topic")
            kind = gr.Radio(["Talking points", "Timeline"], value="Talking points", label="Prepare",
                            elem_id="briefing-kind")
            count = gr.Slider(1, 12, value=6, step=1, label="Talking points (at most)", elem_id="briefing-k")
            order = gr.Radio([("Newest first", "newest"), ("Grouped by release", "release")], value="newest",
                             label="Order of the points", elem_id="briefing-order")
            prepare_button = gr.Button("Prepare", variant="primary", elem_id="prepare")
        with gr.Column(scale=3):
            # Plain text, not rendered: it is Markdown for a note, and release text is never rendered as HTML.
            text = gr.Textbox(label="Ready to paste (Markdown)", lines=16, max_lines=40, interactive=False,
                              buttons=["copy"], elem_id="briefing-text")
            downloads = gr.File(label="Download", file_count="multiple", interactive=False,
                                elem_id="briefing-files")

    def prepare(topic_text, what, k, order_name):
        refreshed_status(context)
        try:
            if what == "Timeline":
                item = context.assistant.timeline(topic_text)
            else:
                item = context.assistant.talking_points(topic_text, k=int(k), order=order_name)
            folder = Path(tempfile.mkdtemp(prefix="releaseqa-briefing-"))
            files = [str(write_export(item, folder / suggested_filename(item, suffix))) for suffix in (".docx", ".md")]
        except QAError as error:
            return f"⚠️ {error}", None
        return note_markdown(item), files

    for trigger in (topic.submit, prepare_button.click):
        trigger(prepare, [topic, kind, count, order], [text, downloads], api_visibility="private",
                concurrency_id="assistant", concurrency_limit=context.settings.concurrent_questions)
    kind.change(talking_points_controls, kind, [count, order], api_visibility="private", queue=False)


def talking_points_controls(what: str) -> tuple[dict, dict]:
    """The points slider and the order choice shape talking points only: a timeline hides them."""
    shown = what != "Timeline"
    return gr.update(visible=shown), gr.update(visible=shown)


def upload_panel(context: AppContext, source: gr.Dropdown, collection: gr.Dropdown) -> None:
    """Add releases from the browser; they are answerable as soon as the message appears."""
    # The child process embeds at low priority; questions go on from the current generation.
    background = BackgroundIngest(context.settings)
    uploads = Uploads(context.settings, ingest=background)
    with gr.Accordion("Add releases", open=False, elem_id="upload-panel"):
        files = gr.File(label=f"Release files ({', '.join(UPLOAD_SUFFIXES)}; up to "
                              f"{context.settings.max_upload_mb} MB each)",
                        file_count="multiple", file_types=list(UPLOAD_SUFFIXES), elem_id="upload")
        cancel = gr.Button("Cancel the upload", size="sm", elem_id="upload-cancel")
        result = gr.Markdown(elem_id="upload-result")

    def add(paths, progress=gr.Progress()):
        if not paths:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        background.progress = lambda share, stage: progress(share, desc=stage)
        try:
            report = uploads.add(context.assistant, [str(path) for path in paths])
        except QAError as error:
            return error_markdown(str(error)), gr.skip(), gr.skip(), gr.skip(), None
        except Exception:  # noqa: BLE001 - a message, not Gradio's bare "error: None"; the log has the trace
            LOGGER.exception("an upload failed")
            return (error_markdown("adding the files failed on the server, and they were not kept; "
                                   "the server's log says why"), gr.skip(), gr.skip(), gr.skip(), None)
        releases = context.assistant.snapshot.releases.values()
        return (upload_markdown(report), status_markdown(context.assistant.status()),
                gr.update(choices=[ALL] + source_choices(releases)),
                gr.update(choices=[ALL] + collection_choices(releases)), None)

    # Its own queue: an upload being embedded never holds up a question.
    files.upload(add, files, [result, context.status, source, collection, files],
                 api_visibility="private", concurrency_id="uploads", concurrency_limit=1)
    # Not queued: the upload it stops holds the uploads queue.
    cancel.click(background.cancel, None, None, api_visibility="private", queue=False)


def api_endpoints(context: AppContext) -> None:
    """`/ask`, `/feedback` and `/status` for gradio_client, the same functions the chat uses."""

    def ask(question: str, history: list[str] | None = None, date_from: str = "", date_to: str = "",
            source: str = "", collection: str = "") -> dict:
        """Answers a question from the releases, reading it with the earlier questions of a chat.

        Returns the `qa ask --json` object; `searched` is the question as rewritten from `history`.
        """
        refreshed_status(context)
        try:
            filters = make_filters(date_from, date_to, source, collection)
            return context.conversation.ask(question, history or [], filters).to_dict()
        except QAError as error:
            raise refused("/ask", error) from None

    def feedback(question: str, verdict: str, comment: str = "", correction: str = "",
                 request: gr.Request = None) -> dict:
        """Records whether the answer the index gives `question` now is "right" or "wrong", with an
        optional comment and, for a wrong one, the right answer (`correction`).

        Returns the feedback kept: the answer, its citations, the index generation, the verdict.
        """
        refreshed_status(context)
        try:
            answer = context.assistant.ask(question)
            item = FeedbackItem.of(answer, context.assistant.snapshot.location)
            return context.feedback.save(item.reviewed(verdict, comment, correction, _user(request))).to_dict()
        except QAError as error:
            raise refused("/feedback", error) from None

    def status() -> dict:
        """Releases, passages (chunks), sentences, model and last update of the index; the feedback counts."""
        refreshed_status(context)
        return {**asdict(context.assistant.status()), "feedback": asdict(context.feedback.counts())}

    gr.api(ask, api_name="ask", concurrency_id="assistant", concurrency_limit=context.settings.concurrent_questions)
    gr.api(feedback, api_name="feedback", concurrency_id="assistant",
           concurrency_limit=context.settings.concurrent_questions)
    gr.api(status, api_name="status")


def refused(endpoint: str, error: QAError) -> gr.Error:
    """The API's answer to a caller's mistake (an empty question, a bad date or verdict): the message for
    the caller, one line in the server's log and no traceback, since nothing is wrong with the server."""
    LOGGER.warning("%s refused a request: %s", endpoint, error)
    return gr.Error(str(error), print_exception=False)


def serve_questions_on_one_thread_each(settings: Settings) -> None:
    """Torch's thread count for the whole server: questions run side by side (up to
    QA_CONCURRENT_QUESTIONS), each encoded on QA_QUERY_THREADS threads; uploads embed in a child process."""
    if settings.query_threads > 0:
        import torch

        torch.set_num_threads(settings.query_threads)


def main(index_dir: str | None = None, host: str | None = None, port: int | None = None,
         store: str | None = None) -> None:
    settings = Settings.from_env(index_dir=index_dir, store=store or (f"faiss:{index_dir}" if index_dir else None))
    if not index_dir and not os.environ.get("QA_INDEX"):
        settings = settings.with_values(index_dir=ROOT / "index")
    if not os.environ.get("QA_CORPUS"):
        settings = settings.with_values(corpus_dir=ROOT / "corpus")
    try:
        options = launch_options(settings, host, port)
        assistant, note = open_assistant(settings)
        serve_questions_on_one_thread_each(settings)
    except QAError as error:
        raise SystemExit(f"qa: error: {error}") from None
    build_app(assistant, settings, note).launch(**options)


def refreshed_status(context: AppContext):
    """The status line after switching to a generation an ingest made live (the CLI's too);
    gr.skip() when nothing changed. A damaged new generation leaves the current one serving."""
    try:
        changed = context.assistant.refresh()
    except QAError as error:
        print(f"warning: kept the index generation in use: {error}")
        return gr.skip()
    return status_markdown(context.assistant.status()) if changed else gr.skip()


def switched_status(context: AppContext, before, status):
    """The status line again when answering switched generations (damage found on the way)."""
    if context.assistant.snapshot is before:
        return status
    return status_markdown(context.assistant.status())


def _day(value) -> str | None:
    """A date picker's value as YYYY-MM-DD ("2021-07-06 00:00:00" keeps its date part)."""
    text = str(value or "").strip()
    return text[:10] if len(text) > 10 and text[10] in " T" else (text or None)


if __name__ == "__main__":
    main()
