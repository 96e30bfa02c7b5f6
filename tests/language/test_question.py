"""QuestionAnalyzer: the entities of a question or topic, and whether it asks who."""

from __future__ import annotations

import pytest

from qa.errors import InvalidQuestionError
from qa.language.question import QuestionAnalyzer, QuestionInfo
from qa.language.entity_finder import SpanFinder


@pytest.fixture(scope="module")
def analyzer() -> QuestionAnalyzer:
    return QuestionAnalyzer()


@pytest.mark.parametrize("question, asks_who", [
    ("Who co-chaired the meeting?", True),
    ("Whom did President Biden meet in Tokyo?", True),
    ("Which leaders attended the summit?", True),
    ("What is the name of the Russian foreign minister?", True),
    ("The meeting was co-chaired by whom?", True),
    ("When did Biden meet Kishida in Tokyo in 2022?", False),
    ("What date was the meeting held?", False),
    ("What's the date of the meeting?", False),
    ("Where was the U.S.-ASEAN Special Summit held?", False),
    ("Which U.S. city hosted the summit?", False),
    ("Which country will take over as country coordinator?", False),
    ("How many vaccine doses did the US donate to ASEAN?", False),
    ("What percentage of funds went to health?", False),
    ("What share of people in the Caribbean face food insecurity, says the readout with CARICOM "
     "leaders?", False),
    ("What did PRAK Sokhonn say about vaccines?", False),
    ("Which organization hosted the meeting?", False),
    ("Why did Cambodia attend the meeting?", False),
    ("How will ASEAN and Russia cooperate?", False),
    ("Did Russia support ASEAN centrality?", False),
    ("Is Timor-Leste an ASEAN member?", False),
    ("Russia's role in ASEAN", False),
    # imperative and polite forms ask like questions
    ("Name the co-chairs of the meeting", True),
    ("Can you tell me who co-chaired the meeting?", True),
    ("Tell me when the summit took place", False),
    ("Give the date of the Special ASEAN-Russia Foreign Ministers' Meeting", False),
    ("List the countries that attended the summit.", False),
    ("Describe who the ASEAN-Russia Plan of Action 2021-2025 helps", False),
])
def test_questions_about_people_ask_who(analyzer, question, asks_who):
    assert analyzer.analyze(question).asks_who is asks_who


@pytest.mark.parametrize("question", [
    "who co-chaired the asean-russia meeting", "WHO CO-CHAIRED THE ASEAN-RUSSIA MEETING?",
    "  Who   co-chaired the ASEAN-Russia meeting ",
])
def test_case_spacing_and_missing_question_mark_do_not_matter(analyzer, question):
    assert analyzer.analyze(question) == QuestionInfo(entities=("ASEAN-Russia",), asks_who=True)


@pytest.mark.parametrize("question, entities", [
    ("When did Biden meet Kishida in Tokyo in 2022?", ("Biden", "Kishida", "Tokyo", "2022")),
    ("Who is Retno Marsudi?", ("Retno Marsudi",)),
    ("What was the outcome of the Special ASEAN-Russia Foreign Ministers' Meeting?",
     ("ASEAN-Russia",)),
    ("Whom did President Biden meet in Tokyo?", ("Biden", "Tokyo")),
    ("What did Deputy Prime Minister PRAK Sokhonn say?", ("PRAK Sokhonn",)),
    ("When was the meeting on 6 July 2021?", ("6 July 2021",)),
    ("What did the two leaders discuss on COVID-19 and the G7?", ("COVID-19", "G7")),
    ("Did Russia's minister visit the United States?", ("Russia", "United States")),
    ("What did Sheikh Mohamed bin Zayed discuss with Biden?", ("Mohamed bin Zayed", "Biden")),
    ("Who co-chaired the meeting?", ()),
])
def test_entities_are_the_distinctive_names_numbers_and_dates(analyzer, question, entities):
    assert analyzer.analyze(question).entities == entities


@pytest.mark.parametrize("question, entities", [
    ("How much did the U.S. pledge as $150 million in 2022?", ("U.S.", "$150 million", "2022")),
    ("Which two governors co-chair the Council of Governors?", ("Council of Governors",)),
    ("What did Interior Secretary Haaland and Governor DeSantis discuss?", ("Haaland", "DeSantis")),
    ("Which chief executives joined Biden's call with Gulf Coast utilities?", ("Biden", "Gulf Coast")),
    ("What did NATO say about Article 5 at the White House?", ("NATO", "Article", "White House")),
])
def test_named_bodies_titles_amounts_and_adjectives_shape_the_entities(analyzer, question, entities):
    assert analyzer.analyze(question).entities == entities


def test_lower_case_names_get_their_usual_spelling(analyzer):
    info = analyzer.analyze("who co-chaired the asean-russia meeting with viet nam and lao pdr")
    assert info.entities == ("ASEAN-Russia", "Viet Nam", "Lao PDR")


def test_common_words_that_look_like_names_stay_lower_case(analyzer):
    assert analyzer.analyze("who told us about the meeting").entities == ()


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_a_question_without_words_is_refused(analyzer, question):
    with pytest.raises(InvalidQuestionError, match="question must contain at least one word"):
        analyzer.analyze(question)


def test_a_span_finder_can_be_shared():
    info = QuestionAnalyzer(span_finder=SpanFinder()).analyze("Where did ASEAN meet?")
    assert info == QuestionInfo(entities=("ASEAN",), asks_who=False)


def test_adjectives_of_nationality_are_no_entities(analyzer):
    info = analyzer.analyze("What did the Cambodian and Indonesian ministers say to Russia?")
    assert info.entities == ("Russia",)
