"""The one numbered source list every format shows."""

from qa.render import passage_cards, source_list

from .conftest import make_citation, make_plain_citation


def test_source_list_by_number_or_by_release():
    cited = [make_plain_citation(1), make_plain_citation(2, "r/2.txt", "Second"), make_plain_citation(3),
             make_plain_citation(2, "r/2.txt")]
    assert [(source.numbers, source.release_id) for source in source_list(cited)] == [
        ((1,), "r/1.txt"), ((2,), "r/2.txt"), ((3,), "r/1.txt")]
    assert [(source.numbers, source.release_id) for source in source_list(cited, by_release=True)] == [
        ((1, 3), "r/1.txt"), ((2,), "r/2.txt")]
    untitled = source_list([make_plain_citation(1, title="", date=None, url="javascript:alert(1)")])[0]
    assert (untitled.title, untitled.date, untitled.link) == ("r/1.txt", "undated", None)
    assert untitled.reference == "r/1.txt, undated (r/1.txt)"


def test_a_passage_cited_from_two_copies_of_a_release_is_one_card():
    copy = make_plain_citation(2, "r/1%ef%bf%bc.txt")
    cards = passage_cards([make_plain_citation(1), copy, make_plain_citation(3, "r/2.txt", sentence="Other."), copy])
    assert [(card.numbers, card.release_id, card.aliases) for card in cards] == [
        ((1, 2), "r/1.txt", ("r/1%ef%bf%bc.txt",)), ((3,), "r/2.txt", ())]


def test_a_card_marks_every_sentence_cited_in_its_passage():
    first = make_citation()  # "Before. <script>alert(1)</script> answer here. After." from offset 100
    second = make_citation(n=2, sentence="After.", sentence_start=147, sentence_end=153)
    respaced = make_citation(n=3, release_id="copy.txt", passage=" ".join(first.passage.split()) + " ",
                             sentence="Before.", sentence_start=0, sentence_end=7, char_start=0)
    card, = passage_cards([second, first, respaced])
    assert card.numbers == (2, 1, 3) and card.marks() == [(0, 7), (8, 46), (47, 53)]
