"""Word notes: the entries and the source list, text cleaned for Word."""

import docx
import pytest

from qa.render import word_text, write_docx


@pytest.mark.parametrize("item", ["answer", "briefing", "timeline"])
def test_word_note_holds_the_entries_and_the_source_list(item, request, tmp_path):
    item = request.getfixturevalue(item)
    write_docx(item, tmp_path / "note.docx")
    paragraphs = [paragraph.text for paragraph in docx.Document(str(tmp_path / "note.docx")).paragraphs]
    sources = paragraphs[paragraphs.index("Sources") + 1:]
    assert sources[0] == "[1] First, 2021-07-06 (r/1.txt)"
    assert sources[1].startswith("[2] Second, undated (r/2.txt)")
    assert any(" [1]" in text for text in paragraphs[1:paragraphs.index("Sources")])


def test_word_cleaner_keeps_one_line_without_control_characters():
    assert word_text("ASEAN\x0b and\n\nRussia\x00 agreed.\x1f") == "ASEAN and Russia agreed."
