"""Answers, points and timelines as terminal text."""

from qa.briefing.talking_points import Briefing
from qa.briefing.timeline import Timeline
from qa.render import answer_text, points_text, timeline_text
from qa.records import Answer

from .conftest import make_plain_citation


def test_answer_as_terminal_text_lists_each_citation_with_its_sentence(answer):
    assert answer_text(answer).splitlines() == [
        "It was held. [1] On Monday. [2]", "Short answer: Monday", "", "Sources:",
        "[1] First (2021-07-06) - r/1.txt", "    It was held.", "[2] Second (undated) - r/2.txt", "    It was held."]
    not_found = Answer("Who?", "The releases don't say.", None, False, [make_plain_citation(1, sentence="")], {})
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
