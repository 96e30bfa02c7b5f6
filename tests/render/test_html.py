"""Source cards, highlights and the trace panel as HTML: release text always escaped."""

from qa.render import highlighted_passage, source_card_html, source_cards_html
from qa.records import Answer

from .conftest import make_citation


def test_source_card_escapes_release_text_and_title():
    html = source_cards_html(Answer("q", "a [1]", None, True, [make_citation()], {}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html


def test_passage_highlights_the_answering_sentence():
    marked = highlighted_passage(make_citation())
    assert marked == "Before. <mark>&lt;script&gt;alert(1)&lt;/script&gt; answer here.</mark> After."


def test_highlight_is_skipped_when_offsets_do_not_fit():
    assert "<mark>" not in highlighted_passage(make_citation(sentence_start=10, sentence_end=20))


def test_links_other_than_http_are_not_made():
    html = source_cards_html(Answer("q", "a", None, True, [make_citation(source_url="javascript:alert(1)")], {}))
    assert "javascript:" not in html


def test_source_panel_shows_the_rewritten_question_escaped():
    answer = Answer("When was it held?", "a [1]", None, True, [make_citation()], {},
                    searched="When was the <i>meeting</i> held?")
    html = source_cards_html(answer)
    assert "Searched for: <q>When was the &lt;i&gt;meeting&lt;/i&gt; held?</q>" in html
    assert "Searched for" not in source_cards_html(Answer("q", "a", None, True, [make_citation()], {}))


def test_source_card_shows_date_source_and_release_id_and_no_link_without_url():
    card = source_card_html(make_citation(source_url=None, source="Ministry <MFA>", date=None))
    assert 'class="source-meta">undated · Ministry &lt;MFA&gt; · r/1.txt<' in card
    assert "<a " not in card and "[1] Title &lt;b&gt;bold&lt;/b&gt;" in card


def test_card_says_when_the_verifier_did_not_confirm_a_generated_sentence():
    assert "not confirmed" in source_card_html(make_citation(supported=False))
    assert "not confirmed" not in source_card_html(make_citation(supported=True))


def test_points_and_timeline_cards_are_the_answer_cards(briefing, timeline):
    card = source_card_html(briefing.points[1].citation)
    assert '<a href="https://e.org/2"' in card and "[2] " in card
    assert "<a " not in source_card_html(timeline.entries[1].citation)


def test_html_escaper_escapes_quotes_in_links():
    card = source_card_html(make_citation(source_url='https://e.org/"onmouseover="x'))
    assert 'href="https://e.org/&quot;onmouseover=&quot;x"' in card


def test_the_source_panel_never_repeats_a_passage():
    twice = [make_citation(), make_citation(n=2, release_id="r/1%ef%bf%bc.txt")]
    html = source_cards_html(Answer("q", "a [1] [2]", None, True, twice, {}))
    assert html.count('class="source-card"') == 1 and html.count("<mark>") == 1
    assert "[1] [2] " in html and " · also published as r/1%ef%bf%bc.txt</div>" in html
