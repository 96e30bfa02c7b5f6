"""The one place where answers, talking points and timelines become text, in every format.

- `text`: plain text for the terminal (`qa ask`, `qa points`, `qa timeline`); nothing escaped.
- `markdown`: the chat's answer messages and the exported notes; `escape_markdown` is the one
  Markdown escaper.
- `html`: the app's source cards and "Why this answer?" panel; `html.escape` is the one HTML escaper.
- `word`: the exported notes as .docx (python-docx); `word_text` is its one cleaner.
- `document`: what an export holds whatever its format; `sources`: the source list every
  format ends with; `panels`: the app's status, upload and error lines and filter choices.

Every piece of release text, question and file name is escaped for the format it is shown in.

Example:
    from qa.render import answer_markdown, answer_text, note_markdown, source_cards_html
    print(answer_text(answer))            # the terminal
    message = answer_markdown(answer)     # the chat
"""

from qa.render.document import Entry, ExportDocument, export_document
from qa.render.html import (WHY_PLACEHOLDER, explanation_html, highlighted_passage, passage_card_html,
                            source_card_html, source_cards_html)
from qa.render.markdown import NOT_FOUND_HINT, answer_markdown, escape_markdown, note_markdown
from qa.render.panels import collection_choices, error_markdown, source_choices, status_markdown, upload_markdown
from qa.render.sources import PassageCard, Source, passage_cards, source_list
from qa.render.text import answer_text, points_text, sources_text, timeline_text
from qa.render.word import word_text, write_docx

__all__ = ["NOT_FOUND_HINT", "WHY_PLACEHOLDER", "Entry", "ExportDocument", "PassageCard", "Source", "answer_markdown", "answer_text",
           "collection_choices", "error_markdown", "escape_markdown", "explanation_html", "export_document",
           "highlighted_passage", "note_markdown", "passage_card_html", "passage_cards", "points_text", "source_card_html", "source_cards_html",
           "source_choices", "source_list", "sources_text", "status_markdown", "timeline_text", "upload_markdown",
           "word_text", "write_docx"]
