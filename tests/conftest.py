"""Shared fixtures: a fake embedder for fast tests, the real model once per session for slow ones."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from qa.config import Settings
from qa.ingest.pipeline import Ingestor

from .fakes import FakeEmbedder

REPO = Path(__file__).resolve().parents[1]
# The 751 White House releases (CC0, tests/data/LICENSE-whitehouse-CC0.txt), kept in the repository
# so that a fresh clone tests on its own.
WHITE_HOUSE = REPO / "tests" / "data" / "whitehouse-foreign-affairs-2021-2022.jsonl.gz"
SEED_FILE = REPO / "corpus" / "seed" / "mfaic-2021-07-06-asean-russia-special-fmm.txt"


def white_house_lines(count: int | None = None) -> list[str]:
    """The first `count` lines (all by default) of the White House file, without line ends."""
    with gzip.open(WHITE_HOUSE, "rt", encoding="utf-8") as lines:
        found = [line.rstrip("\n") for line in lines]
    return found if count is None else found[:count]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def copy_sample_corpus(folder: Path, asean_files: int = 3) -> Path:
    """The seed release and the first `asean_files` ASEAN files, copied into `folder` so tests can change them."""
    (folder / "seed").mkdir(parents=True)
    shutil.copy(SEED_FILE, folder / "seed")
    (folder / "asean-md").mkdir()
    for path in sorted((REPO / "corpus" / "asean-md").glob("*.md"))[:asean_files]:
        shutil.copy(path, folder / "asean-md")
    return folder


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """The seed release and three ASEAN files, copied so tests can change them."""
    return copy_sample_corpus(tmp_path / "corpus")


@pytest.fixture
def fake_index(tmp_path, small_corpus, fake_embedder) -> Path:
    index_dir = tmp_path / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=fake_embedder, progress=False).run([small_corpus])
    return index_dir


@pytest.fixture(scope="session")
def real_embedder():
    from qa.index.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, real_embedder) -> Path:
    """The sample corpus (seed + 23 ASEAN files) indexed with the real model, once."""
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=real_embedder, progress=False).run([REPO / "corpus"])
    return index_dir


@pytest.fixture(scope="session")
def sample_assistant(sample_index, real_embedder):
    from qa import Assistant

    return Assistant.open(sample_index, embedder=real_embedder)
