"""The model card: hashes of the weights, config and training data it describes; loading needs no network."""

import socket

import pytest

from qa.reader.card import CARD_FILE, add_figures, check_card, write_reader
from qa.reader.inputs import Passage
from qa.reader.network import WEIGHTS_FILE
from qa.reader.reader import READER_DIR, Reader

from .tiny import tiny_network


def test_a_card_names_what_it_describes_and_notices_a_changed_file(tmp_path):
    write_reader(tiny_network(), tmp_path, {"questions": 3, "answerable": 2, "pairs": 9, "minutes": 0.1,
                                             "training": {"epochs": 1}})
    add_figures(tmp_path, {"dev_answer_accuracy": 0.5})
    assert check_card(tmp_path) == []
    assert "Apache-2.0" in (tmp_path / "MODEL_CARD.md").read_text() and (tmp_path / CARD_FILE).is_file()
    weights = tmp_path / WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:-2] + b"\x00\x01")
    assert check_card(tmp_path) == [f"{WEIGHTS_FILE} is not the file the card describes"]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


@pytest.mark.skipif(not (READER_DIR / CARD_FILE).is_file(), reason="no reader shipped in qa/data/reader")
def test_the_shipped_reader_matches_its_card_and_loads_without_a_network(no_network):
    assert check_card(READER_DIR) == []
    reader = Reader.load()
    scores = reader.score("Who co-chaired the meeting?",
                          [Passage("The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov.")])
    assert len(scores) == 1 and scores[0].span is not None


def test_a_tiny_reader_loads_without_a_network(tmp_path, no_network):
    tiny_network().save(tmp_path, {"record": {}})
    assert len(Reader.load(tmp_path).score("Who?", [Passage("Retno met Lavrov.")])) == 1
