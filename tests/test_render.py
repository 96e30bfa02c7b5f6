"""qa.render: every format of an answer, talking points and a timeline, and each format's escaper."""

import docx
import pytest

from qa.assistant import IndexStatus
from qa.briefing.talking_points import Briefing, TalkingPoint
from qa.briefing.timeline import Timeline, TimelineEntry
from qa.render import (answer_markdown, answer_text, collection_choices, error_markdown, escape_markdown,
                       highlighted_passage, note_markdown, points_text, source_card_html, source_cards_html,
                       source_choices, source_list, status_markdown, timeline_text, upload_markdown, word_text,
                       write_docx)
from qa.records import Answer, Citation
from qa.search.retriever import Filters
from qa.index.snapshot import ReleaseInfo
from qa.ingest.uploads import UploadedFile, UploadReport


def citation(**changes):
    values = dict(n=1, release_id="r/1.txt", title="Title <b>bold</b>", date="2021-07-06",
                  passage="Before. <script>alert(1)</script> answer here. After.", char_start=100,
                  char_end=152, score=0.9, source_url="https://example.org/a?b=1&c=2",
                  sentence="<script>alert(1)</script> answer here.", sentence_start=108, sentence_end=146)
    values.update(changes)
    return Citation(**values)


def test_source_card_escapes_release_text_and_title():
    html = source_cards_html(Answer("q", "a [1]", None, True, [citation()], {}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html


def test_passage_highlights_the_answering_sentence():
    marked = highlighted_passage(citation())
    assert marked == "Before. <mark>&lt;script&gt;alert(1)&lt;/script&gt; answer here.</mark> After."


def test_highlight_is_skipped_when_offsets_do_not_fit():
    assert "<mark>" not in highlighted_passage(citation(sentence_start=10, sentence_end=20))


def test_links_other_than_http_are_not_made():
    html = source_cards_html(Answer("q", "a", None, True, [citation(source_url="javascript:alert(1)")], {}))
    assert "javascript:" not in html


def test_answer_markdown_escapes_html_and_markdown_from_releases():
    text = answer_markdown(Answer("q", "<img src=x onerror=alert(1)> [click](http://x) [1]", "<b>X</b>", True, [], {}))
    assert "<img" not in text and "<b>" not in text
    assert "[click](http" not in text and "\\[click\\]" in text


def test_answer_markdown_lists_each_cited_release_once_with_its_numbers():
    cited = [citation(n=1), citation(n=2, release_id="r/2.txt", title="Second"), citation(n=3)]
    text = answer_markdown(Answer("q", "a [1] [2] [3]", None, True, cited, {}))
    assert "\\[1\\] \\[3\\] Title &lt;b&gt;bold&lt;/b&gt; (2021-07-06)" in text
    assert "\\[2\\] Second (2021-07-06)" in text


def test_not_found_says_the_releases_dont_say_and_points_to_the_closest_passages():
    answer = Answer("q", "The releases don't say.", None, False, [citation()], {})
    text = answer_markdown(answer)
    assert text.startswith("The releases don't say.") and "closest passages" in text
    assert "Sources:" not in text
    assert "Closest passages (they do not answer the question)" in source_cards_html(answer)


def test_source_panel_shows_the_rewritten_question_escaped():
    answer = Answer("When was it held?", "a [1]", None, True, [citation()], {},
                    searched="When was the <i>meeting</i> held?")
    html = source_cards_html(answer)
    assert "Searched for: <q>When was the &lt;i&gt;meeting&lt;/i&gt; held?</q>" in html
    assert "Searched for" not in source_cards_html(Answer("q", "a", None, True, [citation()], {}))


def test_source_card_shows_date_source_and_release_id_and_no_link_without_url():
    card = source_card_html(citation(source_url=None, source="Ministry <MFA>", date=None))
    assert 'class="source-meta">undated · Ministry &lt;MFA&gt; · r/1.txt<' in card
    assert "<a " not in card and "[1] Title &lt;b&gt;bold&lt;/b&gt;" in card


def test_status_line_gives_counts_model_and_update_time():
    status = IndexStatus("index", 24, 522, 1311, "sentence-transformers/all-MiniLM-L6-v2",
                         "2026-11-27T22:18:35+00:00")
    line = status_markdown(status, note="Built from <corpus>")
    assert line.startswith("**Index:** 24 releases, 522 passages")
    assert "all-MiniLM-L6-v2" in line and "updated 2026-11-27 22:18 UTC" in line
    assert line.endswith("Built from &lt;corpus&gt;")


def test_upload_lines_name_each_file_escaped():
    report = UploadReport([UploadedFile("a.html", "/c/uploads/a.html", "a.html: added: 'A' (2023-03-01)"),
                           UploadedFile("<b>.exe", None, "<b>.exe: not added: file type '.exe' is not accepted")])
    text = upload_markdown(report)
    assert text.splitlines() == ["- a.html: added: 'A' (2023-03-01)",
                                 "- &lt;b&gt;.exe: not added: file type '.exe' is not accepted"]
    assert upload_markdown(UploadReport()) == "No files were uploaded."


def test_filter_choices_list_sources_by_frequency_and_collections_by_folder():
    releases = [ReleaseInfo("seed/a.txt", "A", None, "Ministry", None, ()),
                ReleaseInfo("press-briefings/b.md", "B", None, "whitehouse.gov", None, ()),
                ReleaseInfo("press-briefings/c.md", "C", None, "whitehouse.gov", None, ()),
                ReleaseInfo("upload.html", "D", None, "uploads", None, ())]
    assert source_choices(releases) == ["whitehouse.gov", "Ministry", "uploads"]
    assert collection_choices(releases) == ["press-briefings/", "seed/"]


def test_errors_are_shown_escaped():
    assert error_markdown("bad <date> *x*") == "**Error:** bad &lt;date&gt; \\*x\\*"


def test_card_says_when_the_verifier_did_not_confirm_a_generated_sentence():
    assert "not confirmed" in source_card_html(citation(supported=False))
    assert "not confirmed" not in source_card_html(citation(supported=True))


# Each format of an answer, talking points and a timeline.

def plain_citation(n, release_id="r/1.txt", title="First", date="2021-07-06", url=None, sentence="It was held."):
    return Citation(n=n, release_id=release_id, title=title, date=date, passage=f"Before. {sentence}", char_start=0,
                    char_end=len(sentence) + 8, score=0.9, source_url=url, sentence=sentence)


@pytest.fixture
def answer():
    cited = [plain_citation(1), plain_citation(2, "r/2.txt", "Second", None, "https://e.org/2")]
    return Answer("When?", "It was held. [1] On Monday. [2]", "Monday", True, cited, {})


@pytest.fixture
def briefing():
    points = [TalkingPoint("ASEAN & Russia *agreed*.", plain_citation(1), 0.8),
              TalkingPoint("They met <online>.", plain_citation(2, "r/2.txt", "Second", None, "https://e.org/2"), 0.7)]
    return Briefing("ASEAN-Russia", points, "newest", Filters(date_from="2021-01-01"))


@pytest.fixture
def timeline():
    entries = [TimelineEntry("2021-07-06", "First", "It was held.", plain_citation(1)),
               TimelineEntry(None, "Second", "On Monday.", plain_citation(2, "r/2.txt", "Second", None, "ftp://e.org/2"))]
    return Timeline("ASEAN-Russia", entries)


def test_answer_as_terminal_text_lists_each_citation_with_its_sentence(answer):
    assert answer_text(answer).splitlines() == [
        "It was held. [1] On Monday. [2]", "Short answer: Monday", "", "Sources:",
        "[1] First (2021-07-06) - r/1.txt", "    It was held.", "[2] Second (undated) - r/2.txt", "    It was held."]
    not_found = Answer("Who?", "The releases don't say.", None, False, [plain_citation(1, sentence="")], {})
    assert answer_text(not_found).splitlines()[2:] == ["Closest passages:", "[1] First (2021-07-06) - r/1.txt",
                                                       "    Before. "]


def test_points_as_terminal_text_end_with_sources_and_their_addresses(briefing):
    assert points_text(briefing).splitlines() == [
        "Talking points: ASEAN-Russia (2 points, newest release first)", "",
        "- ASEAN & Russia *agreed*. [1]", "- They met <online>. [2]", "",
        "Sources:", "[1] First (2021-07-06) - r/1.txt", "[2] Second (undated) - r/2.txt", "    https://e.org/2"]
    assert points_text(Briefing("Mars", [])) == "No talking points on 'Mars': the releases hold no relevant sentence."


def test_timeline_as_terminal_text_gives_date_title_and_sentence(timeline):
    lines = timeline_text(timeline).splitlines()
    assert lines[:6] == ["Timeline: ASEAN-Russia (2 releases, oldest first)", "", "2021-07-06  First",
                         "    It was held. [1]", "undated  Second", "    On Monday. [2]"]
    assert lines[-2:] == ["[2] Second (undated) - r/2.txt", "    ftp://e.org/2"]  # the terminal prints any address
    assert timeline_text(Timeline("Mars", [])).startswith("No releases on 'Mars'")


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


def test_points_and_timeline_cards_are_the_answer_cards(briefing, timeline):
    card = source_card_html(briefing.points[1].citation)
    assert '<a href="https://e.org/2"' in card and "[2] " in card
    assert "<a " not in source_card_html(timeline.entries[1].citation)


@pytest.mark.parametrize("item", ["answer", "briefing", "timeline"])
def test_word_note_holds_the_entries_and_the_source_list(item, request, tmp_path):
    item = request.getfixturevalue(item)
    write_docx(item, tmp_path / "note.docx")
    paragraphs = [paragraph.text for paragraph in docx.Document(str(tmp_path / "note.docx")).paragraphs]
    sources = paragraphs[paragraphs.index("Sources") + 1:]
    assert sources[0] == "[1] First, 2021-07-06 (r/1.txt)"
    assert sources[1].startswith("[2] Second, undated (r/2.txt)")
    assert any(" [1]" in text for text in paragraphs[1:paragraphs.index("Sources")])


def test_source_list_by_number_or_by_release():
    cited = [plain_citation(1), plain_citation(2, "r/2.txt", "Second"), plain_citation(3), plain_citation(2, "r/2.txt")]
    assert [(source.numbers, source.release_id) for source in source_list(cited)] == [
        ((1,), "r/1.txt"), ((2,), "r/2.txt"), ((3,), "r/1.txt")]
    assert [(source.numbers, source.release_id) for source in source_list(cited, by_release=True)] == [
        ((1, 3), "r/1.txt"), ((2,), "r/2.txt")]
    untitled = source_list([plain_citation(1, title="", date=None, url="javascript:alert(1)")])[0]
    assert (untitled.title, untitled.date, untitled.link) == ("r/1.txt", "undated", None)
    assert untitled.reference == "r/1.txt, undated (r/1.txt)"


# The escapers: one per format.

def test_markdown_escaper_leaves_no_markup_and_keeps_a_lone_ampersand():
    assert escape_markdown("<b>x</b> *y* _z_ [a](b) `c` #h |p| !i ~t {b} \\s") == (
        "&lt;b&gt;x&lt;/b&gt; \\*y\\* \\_z\\_ \\[a\\](b) \\`c\\` \\#h \\|p\\| \\!i \\~t \\{b\\} \\\\s")
    assert escape_markdown("Trade & Investment") == "Trade & Investment"
    assert escape_markdown("&amp; &copy; &#169; &#xA9;") == "&amp;amp; &amp;copy; &amp;\\#169; &amp;\\#xA9;"


def test_html_escaper_escapes_quotes_in_links():
    card = source_card_html(citation(source_url='https://e.org/"onmouseover="x'))
    assert 'href="https://e.org/&quot;onmouseover=&quot;x"' in card


def test_word_cleaner_keeps_one_line_without_control_characters():
    assert word_text("ASEAN\x0b and\n\nRussia\x00 agreed.\x1f") == "ASEAN and Russia agreed."
