"""Exports: Markdown and Word files that hold every point and the numbered source list."""

import re

import docx
import pytest

from qa.errors import QAError
from qa.briefing.export import check_export_path, write_export
from qa.render import export_document, note_markdown as to_markdown
from qa.records import Answer, Citation
from qa.search.retriever import Filters
from qa.briefing.talking_points import Briefing, TalkingPoint
from qa.briefing.timeline import Timeline, TimelineEntry

SEED_TITLE = "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"
SUMMIT_TITLE = "FACT SHEET: U.S.-ASEAN Special Summit in Washington, DC"
SUMMIT_URL = "https://bidenwhitehouse.archives.gov/briefing-room/2022/05/12/fact-sheet/"


def citation(n, sentence, release_id="seed/mfaic.txt", title=SEED_TITLE, date="2021-07-06", url=None):
    return Citation(n=n, release_id=release_id, title=title, date=date, passage=sentence, char_start=0,
                    char_end=len(sentence), score=0.8, source_url=url, sentence=sentence,
                    sentence_start=0, sentence_end=len(sentence))


POINTS = [
    ("The United States will provide $150 million to deepen U.S.-ASEAN relations.", 1),
    ("The Meeting highlighted the importance of ASEAN Centrality.", 2),
    ("ASEAN encouraged Russia to support vaccine multilateralism (the *equitable* kind) [sic].", 2),
]


@pytest.fixture
def briefing():
    sources = {1: dict(release_id="fact-sheet.md", title=SUMMIT_TITLE, date="2022-05-12", url=SUMMIT_URL),
               2: dict()}
    points = [TalkingPoint(text, citation(n, text, **sources[n]), 0.7) for text, n in POINTS]
    return Briefing("ASEAN-Russia cooperation", points, "newest", Filters(date_from="2021-01-01"))


@pytest.fixture
def timeline():
    entries = [TimelineEntry("2021-07-06", SEED_TITLE, POINTS[1][0], citation(1, POINTS[1][0])),
               TimelineEntry("2022-05-12", SUMMIT_TITLE, POINTS[0][0],
                             citation(2, POINTS[0][0], "fact-sheet.md", SUMMIT_TITLE, "2022-05-12", SUMMIT_URL))]
    return Timeline("U.S.-ASEAN", entries)


@pytest.fixture
def answer():
    first, second = POINTS[1][0], POINTS[2][0]
    return Answer("What did the Meeting highlight?", f"{first} [1] {second} [2]", "ASEAN Centrality", True,
                  [citation(1, first), citation(2, second)], {})


def markdown_markers(markdown):
    """The [n] markers of the body (escaped brackets from the releases are not markers)."""
    body = markdown.split("## Sources")[0]
    return [int(n) for n in re.findall(r"(?<!\\)\[(\d+)\]", body)]


def markdown_sources(markdown):
    return dict(re.findall(r"^(\d+)\. (.+)$", markdown.split("## Sources")[1], flags=re.M))


def test_markdown_round_trips_each_point_with_its_citation(briefing):
    markdown = to_markdown(briefing)
    bullets = [line[2:] for line in markdown.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(POINTS)
    for bullet, (text, n) in zip(bullets, POINTS):
        assert bullet.endswith(f" [{n}]")
        unescaped = re.sub(r"\\(.)", r"\1", bullet[: -len(f" [{n}]")])
        assert unescaped == text
    assert markdown_markers(markdown) == [n for _, n in POINTS]


def test_markdown_ends_with_a_numbered_source_list_with_title_date_and_link(briefing):
    sources = markdown_sources(to_markdown(briefing))
    assert set(sources) == {"1", "2"}
    assert "U.S.-ASEAN Special Summit" in sources["1"] and "2022-05-12" in sources["1"]
    assert f"<{SUMMIT_URL}>" in sources["1"]
    assert "Special ASEAN-Russia" in sources["2"] and "2021-07-06" in sources["2"]


def test_markdown_escapes_release_text_so_it_cannot_add_markup(briefing):
    markdown = to_markdown(briefing)
    assert r"\*equitable\*" in markdown and r"\[sic\]" in markdown
    assert "*Only releases from 2021-01-01*" in markdown


def test_docx_reads_back_with_every_point_and_the_source_list(briefing, tmp_path):
    path = write_export(briefing, tmp_path / "tp.docx")
    paragraphs = [paragraph.text for paragraph in docx.Document(str(path)).paragraphs]
    for text, n in POINTS:
        assert f"{text} [{n}]" in paragraphs
    assert "Sources" in paragraphs
    sources = paragraphs[paragraphs.index("Sources") + 1:]
    assert sources[0].startswith(f"[1] {SUMMIT_TITLE}, 2022-05-12") and SUMMIT_URL in sources[0]
    assert sources[1].startswith(f"[2] {SEED_TITLE}, 2021-07-06")
    assert paragraphs[0] == "Talking points: ASEAN-Russia cooperation"


def test_timeline_exports_list_date_title_sentence_and_sources(timeline, tmp_path):
    markdown = to_markdown(timeline)
    assert markdown.index("2021-07-06") < markdown.index("2022-05-12")
    assert markdown_markers(markdown) == [1, 2]
    paragraphs = [p.text for p in docx.Document(str(write_export(timeline, tmp_path / "t.docx"))).paragraphs]
    assert f"2021-07-06 · {SEED_TITLE}: {POINTS[1][0]} [1]" in paragraphs
    assert any(p.startswith("[2] FACT SHEET") for p in paragraphs)


def test_answer_exports_keep_the_answer_markers_and_sources(answer, tmp_path):
    markdown = to_markdown(answer)
    assert markdown_markers(markdown) == [1, 2]
    assert "Short answer: ASEAN Centrality" in markdown
    assert set(markdown_sources(markdown)) == {"1", "2"}
    path = write_export(answer, tmp_path / "answer.md")
    assert path.read_text(encoding="utf-8") == markdown


def test_not_found_answer_exports_the_closest_passages(answer):
    not_found = Answer("Who won the World Cup?", "The releases don't say.", None, False, answer.citations, {})
    document = export_document(not_found)
    assert [piece for entry in document.entries for piece in entry.pieces][1:] == [
        (c.passage, c.n) for c in answer.citations]


def test_empty_briefing_exports_say_there_are_no_points(tmp_path):
    empty = Briefing("Mars colonisation", [])
    assert "no points" in to_markdown(empty) and "## Sources" not in to_markdown(empty)
    paragraphs = [p.text for p in docx.Document(str(write_export(empty, tmp_path / "e.docx"))).paragraphs]
    assert any("no points" in p for p in paragraphs)


def test_control_characters_from_a_release_do_not_break_the_docx(tmp_path):
    text = "ASEAN\x0b and Russia\x00 agreed."
    briefing = Briefing("ASEAN", [TalkingPoint(text, citation(1, text), 0.9)])
    paragraphs = [p.text for p in docx.Document(str(write_export(briefing, tmp_path / "c.docx"))).paragraphs]
    assert "ASEAN and Russia agreed. [1]" in paragraphs


@pytest.mark.parametrize("name", ["tp.txt", "tp", "tp.pdf"])
def test_other_suffixes_are_refused_with_a_message(briefing, tmp_path, name):
    with pytest.raises(QAError, match=r"\.md \(Markdown\) or \.docx \(Word\)"):
        write_export(briefing, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_missing_folder_is_refused_before_any_work(tmp_path):
    with pytest.raises(QAError, match="does not exist"):
        check_export_path(tmp_path / "nowhere" / "tp.md")


def test_suffix_is_matched_whatever_its_case(briefing, tmp_path):
    path = write_export(briefing, tmp_path / "TP.DOCX")
    assert docx.Document(str(path)).paragraphs[0].text.startswith("Talking points")


def test_adjacent_markers_of_a_generated_answer_stay_separate(answer):
    generated = Answer("What did the Meeting highlight?", "ASEAN Centrality. [1][2] Russia's role [2]", None, True,
                       answer.citations, {}, mode="generative")
    assert "ASEAN Centrality. [1] [2] Russia's role [2]" in to_markdown(generated)


def test_suggested_filename_names_the_kind_and_the_topic(briefing, timeline, answer):
    from qa.briefing.export import suggested_filename

    assert suggested_filename(briefing) == "talking-points-asean-russia-cooperation.docx"
    assert suggested_filename(timeline, ".md") == "timeline-u-s-asean.md"
    assert suggested_filename(answer, ".MD") == "answer-what-did-the-meeting-highlight.md"
    with pytest.raises(QAError, match="suffix must be"):
        suggested_filename(briefing, ".pdf")
