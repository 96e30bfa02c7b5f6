import pytest

from qa.errors import QAError
from qa.search.retriever import Filters, Retriever
from qa.index.snapshot import IndexSnapshot

from ..fakes import FakeEmbedder

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


@pytest.fixture
def retriever(fake_index):
    return Retriever(IndexSnapshot.open(fake_index), candidates=20)


def search(retriever, question, k=5, filters=None):
    vector = FakeEmbedder().embed_queries([question])[0]
    return retriever.search(question, vector, k, filters)


def test_search_finds_the_release_that_holds_the_words(retriever):
    hits = search(retriever, "co-chaired Retno Marsudi Sergey Lavrov")
    assert hits[0].release_id == SEED_ID
    assert hits[0].dense_score is not None and hits[0].bm25_score is not None


def test_fused_scores_are_ranked_and_k_is_respected(retriever):
    hits = search(retriever, "ASEAN summit", k=3)
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_date_filter_keeps_only_releases_in_range(retriever):
    hits = search(retriever, "ASEAN Russia meeting", k=10, filters=Filters(date_from="2021-10-01"))
    assert hits and all(retriever.snapshot.releases[h.release_id].date >= "2021-10-01" for h in hits)


def test_prefix_filter_keeps_only_matching_ids(retriever):
    hits = search(retriever, "ASEAN", k=10, filters=Filters(release_prefix="seed/"))
    assert {h.release_id for h in hits} == {SEED_ID}


def test_source_filter_matches_issuer_case_insensitively(retriever):
    hits = search(retriever, "ASEAN", k=10, filters=Filters(source="ministry of foreign affairs"))
    assert {h.release_id for h in hits} == {SEED_ID}


def test_filter_that_admits_nothing_returns_nothing(retriever):
    assert search(retriever, "ASEAN", filters=Filters(date_to="1990-01-01")) == []


def test_bad_filter_dates_and_k_are_refused(retriever):
    with pytest.raises(QAError, match="date_from"):
        Filters(date_from="6 July 2021")
    with pytest.raises(QAError, match="after"):
        Filters(date_from="2022-01-01", date_to="2021-01-01")
    with pytest.raises(QAError, match="k must be greater than 0"):
        search(retriever, "ASEAN", k=0)


def test_a_passage_in_two_releases_is_one_hit_naming_the_other_release(tmp_path, small_corpus):
    from qa.config import Settings
    from qa.ingest.pipeline import Ingestor

    seed = small_corpus / "seed" / SEED_ID.split("/")[1]
    (small_corpus / "seed" / ("copy-of-" + seed.name)).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    Ingestor(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder(), progress=False).run([small_corpus])
    retriever = Retriever(IndexSnapshot.open(tmp_path / "index"), candidates=20)
    hits = search(retriever, "co-chaired Retno Marsudi", k=3)
    assert len({hit.chunk_id for hit in hits}) == len(hits) == 3
    first = hits[0]
    assert {first.release_id, *first.aliases} == {SEED_ID, "seed/copy-of-" + seed.name} and len(first.aliases) == 1
    only, = search(retriever, "co-chaired Retno Marsudi", k=1)  # the copy ranks just past the k-th hit
    assert (only.chunk_id, only.aliases) == (first.chunk_id, first.aliases)
