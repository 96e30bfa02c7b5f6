"""Citations of topic sentences and the numbered source list of a briefing."""

from qa import Assistant
from qa.briefing.citations import sentence_citation, source_numbers, unique_sources
from qa.briefing.topic_sentences import TopicSentenceFinder
from qa.records import Citation


def citation(n: int, release_id: str) -> Citation:
    return Citation(n, release_id, f"Title of {release_id}", "2021-07-06", "passage", 0, 7, 1.0)


def test_source_numbers_count_releases_in_order_of_first_citation():
    assert source_numbers(["seed/b.txt", "seed/a.txt", "seed/b.txt", "seed/c.txt"]) == {
        "seed/b.txt": 1, "seed/a.txt": 2, "seed/c.txt": 3}
    assert source_numbers([]) == {}


def test_unique_sources_list_the_first_citation_of_each_number_in_number_order():
    first_of_two, one, second_of_two = citation(2, "seed/b.txt"), citation(1, "seed/a.txt"), citation(2, "seed/c.txt")
    assert unique_sources([first_of_two, one, second_of_two]) == [one, first_of_two]


def test_sentence_citation_cites_the_chunk_and_highlights_the_sentence(fake_index, fake_embedder):
    assistant = Assistant.open(fake_index, embedder=fake_embedder)
    topic = "ASEAN-Russia cooperation"
    item = TopicSentenceFinder(assistant.snapshot, assistant.retriever).find(
        topic, fake_embedder.embed_queries([topic])[0])[0]
    cited = sentence_citation(assistant.snapshot, 3, item)
    text = assistant.snapshot.release_text(item.release_id)
    assert (cited.n, cited.release_id, cited.sentence, cited.score) == (3, item.release_id, item.text, item.relevance)
    assert text[cited.char_start:cited.char_end] == cited.passage
    assert cited.char_start <= cited.sentence_start < cited.sentence_end <= cited.char_end
    assert text[cited.sentence_start:cited.sentence_end] == item.text
