"""Markup: Markdown and HTML to plain text, words kept, escaped characters left for the unescape step."""

from qa.ingest.markup import strip_markdown


def test_strip_markdown_treats_trailing_double_space_as_a_break():
    raw = "**Combating COVID-19**  \nThe top priority of the President\nis ending the pandemic."
    assert strip_markdown(raw) == ("Combating COVID-19  \n\nThe top priority of the President\n"
                                   "is ending the pandemic.")


def test_strip_markdown_turns_block_tags_into_paragraph_breaks_and_drops_inline_tags():
    text = strip_markdown("<p>The 45<sup>th</sup> meeting</p><p>Second <b>part</b></p>")
    assert [line for line in text.split("\n") if line] == ["The 45th meeting", "Second part"]


def test_strip_markdown_leaves_escaped_characters_for_the_unescape_step():
    raw = r"5 \* 3 and \[moderator\](y) \#1"
    assert strip_markdown(raw) == raw


def test_strip_markdown_leaves_plain_text_as_it_is():
    raw = "The talks went well; both sides agreed (on trade) - and on travel."
    assert strip_markdown(raw) == raw
