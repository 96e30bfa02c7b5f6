"""The one numbered source list every format shows."""

from qa.render import source_list

from .conftest import make_plain_citation


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
