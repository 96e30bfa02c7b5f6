"""qa/briefing/point_fitness.py: which sentences can stand alone as talking points, and joining one to the
sentence before it."""

import json

import pytest

from qa.briefing.point_fitness import LEANS_ON_EARLIER, StandAlonePoints, unfit_reason
from qa.index.snapshot import StoredSentence
from qa.records import Hit

from ..conftest import REPO

LABELS = REPO / "tests" / "data" / "talking_point_labels.jsonl"


@pytest.mark.parametrize("text, reason", [
    ("COMMITTING to engaging in substantive, practical, and tangible cooperation in the four priority areas;",
     "clause of a statement"),
    ("STRENGTHEN practical cooperation in areas of maritime security through the ADMM-Plus framework.",
     "clause of a statement"),
    ("WE, the Member States of ASEAN and the United States gather on the occasion of the Special Summit.",
     "clause of a statement"),
    ("The leaders welcomed progress on maritime domain awareness;", "clause of a statement"),
    ("Humanitarian Assistance: The ongoing conflict has left 3.4 million people in need of aid.",
     "heading before the sentence"),
    ("To that end, one of the main topics of our lunch will be maritime security.", "spoken"),
    ("So, just quickly, I think as you know, President Biden looks forward to the summit.", "spoken"),
    ("We're about to kick off the first day of the summit.", "spoken"),
    ("They also discussed the crisis in Burma and ASEAN's response.", LEANS_ON_EARLIER),
    ("Finally, they discussed Indonesia's leadership in global health security.", LEANS_ON_EARLIER),
    ("The two discussed key issues in the U.S.-Japan Alliance.", LEANS_ON_EARLIER),
    ("With this in mind, both leaders agree to expand combined exercises.", LEANS_ON_EARLIER),
    ("These electric utilities offered their support for clean energy investments.", LEANS_ON_EARLIER),
    ("AUKUS is a central element in our efforts to achieve these aims.", LEANS_ON_EARLIER),
])
def test_fragments_headings_asides_and_leaning_sentences_are_not_fit(text, reason):
    assert unfit_reason(text) == reason


@pytest.mark.parametrize("text", [
    "ASEAN and the United States agreed to elevate their relationship to a Comprehensive Strategic Partnership.",
    "AUKUS is an enhanced trilateral security partnership.",
    "Today, we take another critical step: beginning a new era in our cooperation.",
    "The two leaders reaffirmed their commitment to strengthen the U.S.-ROK alliance.",
    "The U.S. government will provide an additional $45 million in humanitarian assistance this year.",
    "We recognise the benefits of having the South China Sea as a sea of peace, stability, and prosperity.",
])
def test_complete_sentences_a_briefer_could_say_are_fit(text):
    assert unfit_reason(text) is None


def test_check_agrees_with_the_labels_written_before_it():
    """On the points labelled before the check existed: most unfit ones caught, almost no fit one lost."""
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    before = [label for label in labels if not label.get("labelled_after")]
    unfit = [label for label in before if not label["fit"]]
    fit = [label for label in before if label["fit"]]
    assert len(before) >= 150
    caught = sum(unfit_reason(label["text"]) is not None for label in unfit)
    lost = sum(unfit_reason(label["text"]) is not None for label in fit)
    assert caught / len(unfit) >= 0.9 and lost <= 3


OPENING = "President Biden spoke today with Prime Minister Lee of Singapore."
LEANING = "They discussed the U.S.-Singapore strategic partnership."
FRAGMENT = "STRENGTHEN cooperation on cybersecurity;"


class Release:
    """A snapshot of one release: two paragraphs, the first two sentences in one."""

    text = f"{OPENING} {LEANING}\n{FRAGMENT}\n{LEANING}"

    def __init__(self):
        starts = [0, len(OPENING) + 1, self.text.index(FRAGMENT), self.text.rindex(LEANING)]
        ends = [len(OPENING), starts[1] + len(LEANING), starts[2] + len(FRAGMENT), len(self.text)]
        self.sentences = [StoredSentence(n, "r", paragraph, start, end)
                          for n, (paragraph, start, end) in enumerate(zip([0, 0, 1, 2], starts, ends))]

    def release_sentences(self, release_id):
        return self.sentences

    def release_text(self, release_id):
        return self.text

    def chunk_holding(self, sentence):
        return 7


def test_leaning_sentence_is_joined_to_the_one_before_it_in_its_paragraph():
    snapshot = Release()
    fit = StandAlonePoints(snapshot)
    hit = Hit(chunk_id=3, release_id="r", score=0.5)
    opening, leaning, fragment, alone = snapshot.sentences
    assert fit(opening, OPENING, hit) == (opening, OPENING, hit)
    joined, text, joined_hit = fit(leaning, LEANING, hit)
    assert text == f"{OPENING} {LEANING}" == snapshot.text[joined.char_start:joined.char_end]
    assert joined.sentence_id == leaning.sentence_id and joined_hit.chunk_id == 7
    assert fit(fragment, FRAGMENT, hit) is None
    assert fit(alone, LEANING, hit) is None  # the sentence before it is in another paragraph
