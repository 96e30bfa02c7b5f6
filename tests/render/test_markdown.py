"""Chat answers and notes as Markdown: one escaper for release text."""

from qa.render import answer_markdown, escape_markdown, note_markdown, source_cards_html
from qa.records import Answer
from qa.render.text import CONTROL_CHARACTERS

from .conftest import make_citation


def test_answer_markdown_escapes_html_and_markdown_from_releases():
    text = answer_markdown(Answer("q", "<img src=x onerror=alert(1)> [click](http://x) [1]", "<b>X</b>", True, [], {}))
    assert "<img" not in text and "<b>" not in text
    assert "[click](http" not in text and "\\[click\\]" in text


def test_answer_markdown_lists_each_cited_release_once_with_its_numbers():
    cited = [make_citation(n=1), make_citation(n=2, release_id="r/2.txt", title="Second"), make_citation(n=3)]
    text = answer_markdown(Answer("q", "a [1] [2] [3]", None, True, cited, {}))
    assert "\\[1\\] \\[3\\] Title &lt;b&gt;bold&lt;/b&gt; (2021-07-06)" in text
    assert "\\[2\\] Second (2021-07-06)" in text


def test_not_found_says_the_releases_dont_say_and_points_to_the_closest_passages():
    answer = Answer("q", "The releases don't say.", None, False, [make_citation()], {})
    text = answer_markdown(answer)
    assert text.startswith("The releases don't say.") and "closest passages" in text
    assert "Sources:" not in text
    assert "Closest passages (they do not answer the question)" in source_cards_html(answer)


def test_answer_as_a_markdown_note(answer):
    assert note_markdown(answer) == (
        "# Question: When?\n\n*Short answer: Monday*\n\nIt was held. [1] On Monday. [2]\n\n## Sources\n\n"
        "1. First, 2021-07-06 (r/1.txt)\n2. Second, undated (r/2.txt) <https://e.org/2>\n")


def test_points_as_a_markdown_note_escape_release_text(briefing):
    assert note_markdown(briefing).splitlines()[:7] == [
        "# Talking points: ASEAN-Russia", "", "*2 points, newest release first*", "",
        "*Only releases from 2021-01-01*", "", "- ASEAN & Russia \\*agreed\\*. [1]"]
    assert "- They met &lt;online&gt;. [2]" in note_markdown(briefing)


def test_timeline_as_a_markdown_note_labels_each_release_and_links_only_http(timeline):
    note = note_markdown(timeline)
    assert "- **2021-07-06 · First**: It was held. [1]\n- **undated · Second**: On Monday. [2]" in note
    assert note.endswith("2. Second, undated (r/2.txt)\n")  # an ftp address is not a link


def test_markdown_escaper_leaves_no_markup_and_keeps_a_lone_ampersand():
    assert escape_markdown("<b>x</b> *y* _z_ [a](b) `c` #h |p| !i ~t {b} \\s") == (
        "&lt;b&gt;x&lt;/b&gt; \\*y\\* \\_z\\_ \\[a\\](b) \\`c\\` \\#h \\|p\\| \\!i \\~t \\{b\\} \\\\s")
    assert escape_markdown("Trade & Investment") == "Trade & Investment"
    assert escape_markdown("&amp; &copy; &#169; &#xA9;") == "&amp;amp; &amp;copy; &amp;\\#169; &amp;\\#xA9;"


def test_markdown_note_drops_escape_sequences_of_release_text():
    from .test_text import hostile_briefing

    note = note_markdown(hostile_briefing())
    assert not CONTROL_CHARACTERS.search(note) and "Summit\\[2J\\[31m held" in note
    assert "<https://e.org/[2J>" in note
