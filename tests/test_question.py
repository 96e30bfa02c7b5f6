"""QuestionAnalyzer: question kinds, expected answer spans, focus terms and key entities."""

from __future__ import annotations

import pytest

from qa.errors import InvalidQuestionError
from qa.question import QUESTION_KINDS, QuestionAnalyzer, QuestionInfo
from qa.spans import SpanFinder


@pytest.fixture(scope="module")
def analyzer() -> QuestionAnalyzer:
    return QuestionAnalyzer()


@pytest.mark.parametrize("question, kind, expected_span", [
    ("Who co-chaired the meeting?", "who", "person"),
    ("Whom did President Biden meet in Tokyo?", "who", "person"),
    ("Which leaders attended the summit?", "who", "person"),
    ("What is the name of the Russian foreign minister?", "who", "person"),
    ("The meeting was co-chaired by whom?", "who", "person"),
    ("When did Biden meet Kishida in Tokyo in 2022?", "when", "date"),
    ("What date was the meeting held?", "when", "date"),
    ("What year did the 4th ASEAN-Russia Summit take place?", "when", "date"),
    ("On what day did the ministers meet?", "when", "date"),
    ("What's the date of the meeting?", "when", "date"),
    ("What was the venue of the summit?", "where", "place"),
    ("Where was the U.S.-ASEAN Special Summit held?", "where", "place"),
    ("In which city did the leaders meet?", "where", "place"),
    ("Which two cities will the bridge connect?", "where", "place"),
    ("Which U.S. city hosted the summit?", "where", "place"),
    ("What is the base salary?", "what", None),
    ("In which country is Phnom Penh?", "where", "place"),
    ("Which country will take over as country coordinator?", "which_country", "place"),
    ("With which country did ASEAN hold a special meeting?", "which_country", "place"),
    ("How many vaccine doses did the US donate to ASEAN?", "how_many", "number"),
    ("How long will Cambodia serve as coordinator?", "how_many", "number"),
    ("How much did the United States pledge?", "how_much", "money"),
    ("How much money was announced for the U.S.-ASEAN partnership?", "how_much", "money"),
    ("What amount was committed?", "how_much", "money"),
    ("What percentage of funds went to health?", "how_much", "number"),
    ("How much of the budget, in percent, went to climate?", "how_much", "number"),
    ("What did PRAK Sokhonn say about vaccines?", "what", None),
    ("Which organization hosted the meeting?", "what", "org"),
    ("Why did Cambodia attend the meeting?", "why", None),
    ("What was the purpose of the meeting?", "why", None),
    ("How will ASEAN and Russia cooperate?", "how", None),
    ("Did Russia support ASEAN centrality?", "yes_no", None),
    ("Is Timor-Leste an ASEAN member?", "yes_no", None),
    ("Russia's role in ASEAN", "other", None),
])
def test_questions_are_classified_with_the_span_an_answer_needs(analyzer, question, kind,
                                                                  expected_span):
    info = analyzer.analyze(question)
    assert (info.kind, info.expected_span) == (kind, expected_span)
    assert info.kind in QUESTION_KINDS


@pytest.mark.parametrize("question, kind", [
    ("Name the co-chairs of the meeting", "who"),
    ("Give the date of the Special ASEAN-Russia Foreign Ministers' Meeting", "when"),
    ("List the countries that attended the summit.", "which_country"),
    ("Tell me when the summit took place", "when"),
    ("Can you tell me who co-chaired the meeting?", "who"),
    ("Identify where the leaders met", "where"),
    ("Describe the ASEAN-Russia Plan of Action 2021-2025", "what"),
    ("Explain why Cambodia takes over as coordinator", "why"),
])
def test_imperative_and_polite_forms_ask_like_questions(analyzer, question, kind):
    assert analyzer.analyze(question).kind == kind


@pytest.mark.parametrize("question", [
    "who co-chaired the meeting", "WHO CO-CHAIRED THE MEETING?", "  Who   co-chaired the meeting ",
])
def test_case_spacing_and_missing_question_mark_do_not_matter(analyzer, question):
    info = analyzer.analyze(question)
    assert (info.kind, info.focus_terms) == ("who", ("co-chaired", "meeting"))


def test_who_accepts_an_org_after_a_person(analyzer):
    info = analyzer.analyze("Who co-chaired the meeting?")
    assert info.acceptable_spans == ("person", "org")
    assert analyzer.analyze("When did they meet?").acceptable_spans == ("date",)
    assert analyzer.analyze("What did they discuss?").acceptable_spans == ()


def test_focus_terms_drop_question_and_stop_words(analyzer):
    info = analyzer.analyze("When did Biden meet Kishida in Tokyo in 2022?")
    assert info.focus_terms == ("biden", "meet", "kishida", "tokyo", "2022")


def test_focus_terms_drop_possessives_and_an_imperative_verb(analyzer):
    info = analyzer.analyze("Name Russia's partners in ASEAN")
    assert info.focus_terms == ("russia", "partners", "asean")


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


def test_lower_case_names_get_their_usual_spelling(analyzer):
    info = analyzer.analyze("who co-chaired the asean-russia meeting with viet nam and lao pdr")
    assert info.entities == ("ASEAN-Russia", "Viet Nam", "Lao PDR")


def test_common_words_that_look_like_names_stay_lower_case(analyzer):
    assert analyzer.analyze("who told us about the meeting").entities == ()


def test_normalized_collapses_whitespace_and_keeps_the_wording(analyzer):
    info = analyzer.analyze("  Who\tco-chaired \n the Meeting?  ")
    assert info.normalized == "Who co-chaired the Meeting?"
    assert isinstance(info, QuestionInfo)


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_a_question_without_words_is_refused(analyzer, question):
    with pytest.raises(InvalidQuestionError, match="question must contain at least one word"):
        analyzer.analyze(question)


def test_a_span_finder_can_be_shared(analyzer):
    finder = SpanFinder()
    info = QuestionAnalyzer(span_finder=finder).analyze("Where did ASEAN meet?")
    assert (info.kind, info.entities) == ("where", ("ASEAN",))


def test_adjectives_of_nationality_are_no_entities(analyzer):
    info = analyzer.analyze("What did the Cambodian and Indonesian ministers say to Russia?")
    assert info.entities == ("Russia",)
