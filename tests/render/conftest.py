"""Records every render test formats: citations, an answer, talking points, a timeline."""

import pytest

from qa.briefing.talking_points import Briefing, TalkingPoint
from qa.briefing.timeline import Timeline, TimelineEntry
from qa.records import Answer, Citation
from qa.search.retriever import Filters


def make_citation(**changes):
    values = dict(n=1, release_id="r/1.txt", title="Title <b>bold</b>", date="2021-07-06",
                  passage="Before. <script>alert(1)</script> answer here. After.", char_start=100,
                  char_end=152, score=0.9, source_url="https://example.org/a?b=1&c=2",
                  sentence="<script>alert(1)</script> answer here.", sentence_start=108, sentence_end=146)
    values.update(changes)
    return Citation(**values)


def make_plain_citation(n, release_id="r/1.txt", title="First", date="2021-07-06", url=None, sentence="It was held."):
    return Citation(n=n, release_id=release_id, title=title, date=date, passage=f"Before. {sentence}", char_start=0,
                    char_end=len(sentence) + 8, score=0.9, source_url=url, sentence=sentence)


@pytest.fixture
def answer():
    cited = [make_plain_citation(1), make_plain_citation(2, "r/2.txt", "Second", None, "https://e.org/2")]
    return Answer("When?", "It was held. [1] On Monday. [2]", "Monday", True, cited, {})


@pytest.fixture
def briefing():
    points = [TalkingPoint("ASEAN & Russia *agreed*.", make_plain_citation(1), 0.8),
              TalkingPoint("They met <online>.",
                           make_plain_citation(2, "r/2.txt", "Second", None, "https://e.org/2"), 0.7)]
    return Briefing("ASEAN-Russia", points, "newest", Filters(date_from="2021-01-01"))


@pytest.fixture
def timeline():
    entries = [TimelineEntry("2021-07-06", "First", "It was held.", make_plain_citation(1)),
               TimelineEntry(None, "Second", "On Monday.",
                             make_plain_citation(2, "r/2.txt", "Second", None, "ftp://e.org/2"))]
    return Timeline("ASEAN-Russia", entries)
