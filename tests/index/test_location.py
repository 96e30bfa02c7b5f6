"""--store / QA_STORE: parsing, defaults and the errors a user sees."""

from __future__ import annotations

import pytest

from qa.config import Settings
from qa.errors import ConfigurationError, QAError
from qa.index.location import StoreLocation


def test_each_form_is_parsed():
    assert StoreLocation.parse("faiss:/tmp/i") == StoreLocation("faiss", "/tmp/i")
    assert StoreLocation.parse("milvus-lite:/tmp/i.db") == StoreLocation("milvus-lite", "/tmp/i.db")
    assert StoreLocation.parse("milvus://db.example:19530") == StoreLocation("milvus", "http://db.example:19530")
    assert StoreLocation.parse("milvus+https://db.example:443/") == StoreLocation("milvus", "https://db.example:443")
    assert StoreLocation.parse("milvus-lite:~/x.db").target.endswith("/x.db")


@pytest.mark.parametrize("spec", ["milvus-lite:/tmp/i", "pinecone:x", "faiss:", "milvus://", "index"])
def test_bad_specs_name_the_forms(spec):
    with pytest.raises(ConfigurationError, match="milvus-lite:PATH.db|ending in .db|names no server"):
        StoreLocation.parse(spec)


def test_without_a_store_the_index_folder_is_used(monkeypatch):
    assert StoreLocation.of(Settings(index_dir="idx")) == StoreLocation("faiss", "idx")
    monkeypatch.setenv("QA_STORE", "milvus-lite:/tmp/env.db")
    assert StoreLocation.of(Settings.from_env()) == StoreLocation("milvus-lite", "/tmp/env.db")


def test_a_missing_milvus_index_says_how_to_build_it(tmp_path):
    location = StoreLocation.parse(f"milvus-lite:{tmp_path / 'none.db'}")
    assert not location.exists()
    with pytest.raises(QAError, match=r"QA_STORE=milvus-lite:.*none.db qa ingest corpus/"):
        location.open_snapshot()
    with pytest.raises(QAError, match="qa ingest corpus/"):
        location.status()


def test_an_unreachable_server_is_one_line(monkeypatch):
    location = StoreLocation.parse("milvus://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setattr("qa.index.milvus_store._CONNECT_TIMEOUT", 2.0)
    with pytest.raises(QAError) as raised:
        location.exists()
    assert "127.0.0.1:9" in str(raised.value) and "\n" not in str(raised.value)


def test_a_server_index_can_be_named_and_signed_in_to():
    location = StoreLocation.parse("milvus://db.example:19530/moi_2026")
    assert (location.target, location.name) == ("http://db.example:19530", "moi_2026")
    assert location.describe() == "http://db.example:19530/moi_2026"
    with pytest.raises(ConfigurationError, match="letters, digits and _"):
        StoreLocation.parse("milvus://db.example:19530/moi-2026")
    settings = Settings(store="milvus+https://db.example:443", milvus_token="staff:s3cret")
    location = StoreLocation.of(settings)
    assert location.target == "https://db.example:443" and location.token == "staff:s3cret"
    assert "s3cret" not in repr(location)
    assert location.milvus().store_spec() == "milvus+https://db.example:443"
