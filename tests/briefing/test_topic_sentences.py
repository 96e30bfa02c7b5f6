"""Topic sentences: the content sentences of the releases naming a topic, scored against it."""

from types import SimpleNamespace

import pytest

from qa import Assistant
from qa.briefing.topic_sentences import TopicSentenceFinder, entity_variants, release_key
from qa.index.bm25 import tokenize

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


@pytest.fixture
def finder(fake_index, fake_embedder):
    assistant = Assistant.open(fake_index, embedder=fake_embedder)
    return TopicSentenceFinder(assistant.snapshot, assistant.retriever)


def test_points_skip_labels_greetings_and_questions(finder):
    def keep(text):
        return finder._is_content(text) and len(tokenize([text])[0]) >= finder.settings.min_terms

    assert keep("The Ministers agreed to strengthen cooperation within existing mechanisms.")
    assert not keep("THE PRESIDENT: Thank you all very much for being here today.")
    assert not keep("Q So, just on the first question, will Russia attend the summit.")
    assert not keep("Thank you all very much.")
    assert not keep("Strengthening People-to-People Ties and Education Exchanges")
    assert not keep("Will the United States and ASEAN sign an agreement on climate finance?")
    assert not keep("(Applause.)")
    assert not keep("ADOPTED in Jakarta, Indonesia, on the Sixth of September in the Year Two Thousand.")


def test_found_sentences_are_exact_most_relevant_first_and_from_releases_naming_the_topic(finder, fake_embedder):
    topic = "ASEAN-Russia cooperation"
    found = finder.find(topic, fake_embedder.embed_queries([topic])[0])
    assert found
    assert [item.relevance for item in found] == sorted((item.relevance for item in found), reverse=True)
    for item in found:
        assert item.release_id == SEED_ID
        text = finder.snapshot.release_text(item.release_id)
        assert text[item.sentence.char_start:item.sentence.char_end] == item.text


def test_entity_variants_cover_the_other_order_and_aliases():
    variants = entity_variants("U.S.-ASEAN")
    assert {"u.s.-asean", "asean-u.s.", "united states-asean", "asean and the united states"} <= set(variants)
    assert entity_variants("Japan") == ["japan"]


def test_copies_of_a_release_share_a_key_by_title_words_and_date():
    release = SimpleNamespace(title="ASEAN-Russia Meeting: Outcomes", date="2021-07-06")
    copy = SimpleNamespace(title="asean russia meeting  outcomes", date="2021-07-06")
    later = SimpleNamespace(title="ASEAN-Russia Meeting: Outcomes", date="2022-07-06")
    assert release_key(release) == release_key(copy) == ("asean russia meeting outcomes", "2021-07-06")
    assert release_key(release) != release_key(later)
