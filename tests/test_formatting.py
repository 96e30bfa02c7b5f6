from qa.formatting import answer_markdown, highlighted_passage, source_cards_html
from qa.records import Answer, Citation


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
