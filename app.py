"""The web chat for staff: a thin Gradio layer over `qa.Assistant`.

Run: `python app.py` (or `qa serve`). The index is built from the corpus folder on first launch.
Configuration: QA_INDEX, QA_CORPUS, QA_MODEL, GRADIO_SERVER_NAME, GRADIO_SERVER_PORT.
"""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr

from qa import Assistant, Filters, QAError, Settings
from qa.formatting import answer_markdown, escape_markdown, source_cards_html
from qa.ingest import Ingestor
from qa.store import IndexStore

ROOT = Path(__file__).resolve().parent


def open_assistant(settings: Settings) -> Assistant:
    """Opens the index, building it from the corpus folder first if there is none."""
    if not IndexStore(settings.index_dir).exists():
        print(f"No index in {settings.index_dir}: building it from {settings.corpus_dir} (first run only)")
        report = Ingestor(settings, progress=True).run([settings.corpus_dir])
        print(report.summary())
        for error in report.errors:
            print(f"skipped {error}")
    return Assistant.open(settings=settings)


def status_markdown(assistant: Assistant) -> str:
    status = assistant.status()
    return (f"**Index:** {status.releases} releases, {status.chunks} passages · "
            f"model `{status.model}` · updated {status.updated_at}")


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat, a sources panel beside it, and date/source filters."""

    def respond(question, history, date_from, date_to, source):
        history = list(history or [])
        try:
            filters = Filters(date_from or None, date_to or None, None, source or None)
            answer = assistant.ask(question, filters=filters)
        except QAError as error:
            history += [{"role": "user", "content": escape_markdown(question or "")},
                        {"role": "assistant", "content": f"⚠️ {escape_markdown(str(error))}"}]
            return history, "", ""
        history += [{"role": "user", "content": escape_markdown(question)},
                    {"role": "assistant", "content": answer_markdown(answer)}]
        return history, source_cards_html(answer), ""

    with gr.Blocks(title="releaseqa") as demo:
        gr.Markdown("## Ask the press releases")
        gr.Markdown(status_markdown(assistant))
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480)
                question = gr.Textbox(label="Question", placeholder="Who co-chaired the meeting?",
                                      max_length=2000)
                ask_button = gr.Button("Ask", variant="primary")
            with gr.Column(scale=2):
                with gr.Accordion("Filters", open=False):
                    date_from = gr.Textbox(label="From (YYYY-MM-DD)")
                    date_to = gr.Textbox(label="To (YYYY-MM-DD)")
                    source = gr.Textbox(label="Source contains")
                sources = gr.HTML(label="Sources")
        inputs = [question, chatbot, date_from, date_to, source]
        outputs = [chatbot, sources, question]
        question.submit(respond, inputs, outputs, api_name="ask")
        ask_button.click(respond, inputs, outputs, api_name=False)
    return demo


def main(index_dir: str | None = None, host: str | None = None, port: int | None = None) -> None:
    settings = Settings.from_env(index_dir=index_dir)
    if not index_dir and not os.environ.get("QA_INDEX"):
        settings = settings.with_values(index_dir=ROOT / "index")
    if not os.environ.get("QA_CORPUS"):
        settings = settings.with_values(corpus_dir=ROOT / "corpus")
    try:
        assistant = open_assistant(settings)
    except QAError as error:
        raise SystemExit(f"qa: error: {error}") from None
    demo = build_app(assistant)
    demo.launch(server_name=host or os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=port or int(os.environ.get("GRADIO_SERVER_PORT", "7860")))


if __name__ == "__main__":
    main()
