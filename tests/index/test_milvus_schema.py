"""Expressions and errors of the Milvus collections."""

from __future__ import annotations

import pytest

from qa.errors import QAError
from qa.index.milvus_schema import collection_names, milvus_errors, quoted, release_key, visible


def test_string_literals_are_escaped():
    assert quoted('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


def test_readers_see_the_live_generations_less_the_retired_releases():
    assert visible({"live": 3, "floor": 1}) == "generation >= 1 and generation <= 3"
    retired = visible({"live": 3, "floor": 2, "retired": ["2:a.txt"]})
    assert retired == "generation >= 2 and generation <= 3 and release_key not in ['2:a.txt']"


def test_names_and_keys():
    assert collection_names("moi")["chunks"] == "moi_chunks" and len(collection_names("moi")) == 5
    assert release_key(4, "seed/x.txt") == "4:seed/x.txt"


def test_milvus_errors_become_one_line_naming_the_store():
    from pymilvus.exceptions import MilvusException

    with pytest.raises(QAError, match=r"^Milvus Lite database 'x.db': collection not\s+found$"):
        with milvus_errors("Milvus Lite database 'x.db'"):
            raise MilvusException(message="collection not\n found")
    with pytest.raises(KeyError):  # not Milvus's: left alone
        with milvus_errors("x"):
            raise KeyError("k")
