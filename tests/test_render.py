from qa.assistant import IndexStatus
from qa.render import (answer_markdown, collection_choices, error_markdown, highlighted_passage,
                           source_card_html, source_cards_html, source_choices, status_markdown,
                           upload_markdown)
from qa.records import Answer, Citation
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
