"""Timelines: one line per release on the topic, in date order, each with a cited sentence."""

import json
import shutil

import pytest

from qa import Assistant, Filters
from qa.config import Settings
from qa.errors import QAError
from qa.ingest.pipeline import Ingestor

from ..conftest import SEED_FILE, copy_sample_corpus
from ..fakes import FakeEmbedder

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    """The seed, the seed again under another name, four ASEAN releases and an undated one."""
    folder = tmp_path_factory.mktemp("timeline")
    copy_sample_corpus(folder / "corpus", asean_files=4)
    shutil.copy(SEED_FILE, folder / "corpus" / "seed" / "republished-seed.txt")
    undated = {"id": "undated/asean-note", "title": "Note on ASEAN cooperation",
               "text": "ASEAN and its partners agreed to deepen ASEAN cooperation on health and climate."}
    (folder / "corpus" / "undated.jsonl").write_text(json.dumps(undated) + "\n", encoding="utf-8")
    embedder = FakeEmbedder()
    Ingestor(Settings(index_dir=folder / "index"), embedder=embedder, progress=False).run([folder / "corpus"])
    return Assistant.open(folder / "index", embedder=embedder)


def test_entries_are_in_date_order_one_per_release_undated_last(assistant):
    timeline = assistant.timeline("ASEAN cooperation")
    assert timeline.entries[-1].date is None and timeline.entries[-1].title == "Note on ASEAN cooperation"
    dates = [entry.date for entry in timeline.entries[:-1]]
    assert len(dates) >= 3 and None not in dates and dates == sorted(dates)
    releases = [entry.citation.release_id for entry in timeline.entries]
    assert len(releases) == len(set(releases))


def test_each_entry_cites_its_release_and_a_sentence_of_it(assistant):
    timeline = assistant.timeline("ASEAN cooperation")
    assert timeline.entries
    for n, entry in enumerate(timeline.entries, start=1):
        citation = entry.citation
        release = assistant.snapshot.releases[citation.release_id]
        text = assistant.snapshot.release_text(citation.release_id)
        assert citation.n == n
        assert (entry.date, entry.title) == (release.date, release.title)
        assert entry.sentence == text[citation.sentence_start:citation.sentence_end]
    assert [source.n for source in timeline.sources()] == list(range(1, len(timeline.entries) + 1))


def test_a_release_published_twice_appears_once(assistant):
    timeline = assistant.timeline("ASEAN-Russia cooperation")
    seeds = [entry for entry in timeline.entries if entry.date == "2021-07-06"]
    assert len(seeds) == 1


def test_topic_naming_a_pair_lists_only_releases_naming_it(assistant):
    timeline = assistant.timeline("ASEAN-Russia")
    assert timeline.entries
    assert all(entry.date == "2021-07-06" for entry in timeline.entries)


def test_filters_and_limit_bound_the_timeline(assistant):
    timeline = assistant.timeline("ASEAN cooperation", filters=Filters(date_from="2021-07-01"), limit=2)
    assert 0 < len(timeline.entries) <= 2
    assert all(entry.date >= "2021-07-01" for entry in timeline.entries)


def test_limit_keeps_the_most_relevant_releases(assistant):
    everything = assistant.timeline("ASEAN cooperation")
    shortest = assistant.timeline("ASEAN cooperation", limit=1)
    best = max(everything.entries, key=lambda entry: entry.citation.score)
    assert [entry.citation.release_id for entry in shortest.entries] == [best.citation.release_id]


def test_topic_the_releases_do_not_cover_gives_an_empty_timeline(assistant):
    assert assistant.timeline("Mars colonisation programme").entries == []


def test_bad_limit_is_refused_with_a_message(assistant):
    with pytest.raises(QAError, match="limit must be greater than 0"):
        assistant.timeline("ASEAN", limit=0)


@pytest.mark.slow
def test_us_asean_timeline_on_the_sample_reads_as_a_history(sample_assistant):
    timeline = sample_assistant.timeline("U.S.-ASEAN relations")
    dates = [entry.date for entry in timeline.entries]
    assert len(dates) >= 8 and dates == sorted(dates)
    assert dates[0] < "2022-01-01" < dates[-1]
    assert all(entry.citation.release_id.startswith("asean-md/") for entry in timeline.entries)


@pytest.mark.slow
def test_qa_timeline_prints_dated_lines_and_writes_markdown(sample_index, real_embedder, monkeypatch, tmp_path,
                                                          capsys):
    from qa.cli import main

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *args, **kwargs: real_embedder)
    path = tmp_path / "timeline.md"
    assert main(["timeline", "ASEAN-Russia", "--index", str(sample_index), "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2021-07-06  Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting" in out
    assert "[1]" in path.read_text(encoding="utf-8") and "## Sources" in path.read_text(encoding="utf-8")
