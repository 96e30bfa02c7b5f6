"""Answers, points and timelines as terminal text."""

import json

from qa.briefing.talking_points import Briefing, TalkingPoint
from qa.briefing.timeline import Timeline, TimelineEntry
from qa.render import answer_text, points_text, timeline_text
from qa.render.text import CONTROL_CHARACTERS, json_text
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


HOSTILE = "Summit\x1b[2J\x1b[31m held\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x9b2J\x07"


def hostile_briefing():
    citation = make_plain_citation(1, title=HOSTILE, sentence=f"They met. {HOSTILE}", url="https://e.org/\x1b[2J")
    return Briefing("ASEAN", [TalkingPoint(HOSTILE, citation, 0.8)], "newest", None)


def test_terminal_text_shows_escape_sequences_instead_of_obeying_them():
    briefing = hostile_briefing()
    timeline = Timeline("ASEAN", [TimelineEntry("2021-07-06", HOSTILE, HOSTILE, briefing.points[0].citation)])
    answer = Answer("When?", HOSTILE, HOSTILE, True, [briefing.points[0].citation], {})
    for text in (answer_text(answer), points_text(briefing), timeline_text(timeline)):
        assert not CONTROL_CHARACTERS.search(text)
        assert "\\x1b[2J" in text and "\\x9b" in text  # shown, so the reader sees the release holds them


def test_json_for_the_terminal_escapes_c1_controls_and_stays_valid_json():
    line = json_text({"title": HOSTILE})
    assert not CONTROL_CHARACTERS.search(line) and json.loads(line) == {"title": HOSTILE}
