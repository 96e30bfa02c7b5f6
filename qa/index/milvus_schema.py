"""The Milvus collections of one index: their fields, indexes and the expressions that read them."""

from __future__ import annotations

from contextlib import contextmanager

from qa.errors import QAError

# Milvus wants a vector field in every collection: the metadata collections hold this one.
PLACEHOLDER_VECTOR = [0.0, 0.0]
TEXT_PART_CHARS = 16_000  # a VARCHAR holds 65,535 bytes: 16,000 characters of any script
_MAX_TEXT_PARTS = 128  # 2,048,000 characters, above settings.max_chars
_ID = 2048  # release ids, keys and paths
_LONG = 65_535
# The BM25 tokens (qa.index.bm25.tokenize), space-separated, for TEXT_MATCH filters; the
# standard tokenizer splits them back as they were.
ANALYZER = {"tokenizer": "standard"}


def collection_names(name: str) -> dict[str, str]:
    return {part: f"{name}_{part}" for part in ("chunks", "sentences", "releases", "terms", "state")}


def split_text(text: str) -> list[str]:
    """A long string as VARCHAR parts (join them to read it back)."""
    return [text[i:i + TEXT_PART_CHARS] for i in range(0, len(text), TEXT_PART_CHARS)] or [""]


def release_key(generation: int, release_id: str) -> str:
    return f"{generation}:{release_id}"


def visible(state: dict) -> str:
    """The rows a reader of this state sees."""
    expression = f"generation >= {state['floor']} and generation <= {state['live']}"
    retired = list(state.get("retired", ()))
    return expression + (f" and release_key not in {retired!r}" if retired else "")


def quoted(value: str) -> str:
    """A string literal for a Milvus expression."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def milvus_errors(where: str):
    """A Milvus error as one line naming the store, not a gRPC traceback."""
    try:
        yield
    except QAError:
        raise
    except Exception as error:
        if type(error).__module__.split(".")[0] not in ("pymilvus", "grpc", "milvus_lite"):
            raise
        message = getattr(error, "message", None) or str(error)
        raise QAError(f"{where}: {' '.join(str(message).split())[:300]}") from None


def create_collections(client, names: dict[str, str], dimension: int) -> None:
    """Creates whichever of the index's collections are missing, with their indexes."""
    from pymilvus import DataType

    builders = {"chunks": _chunks, "sentences": _sentences, "releases": _releases, "terms": _terms,
                "state": _state}
    for part, build in builders.items():
        if client.has_collection(names[part]):
            continue
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        index_params = client.prepare_index_params()
        build(schema, index_params, DataType, dimension)
        client.create_collection(names[part], schema=schema, index_params=index_params,
                                 consistency_level="Strong")


def _common(schema, DataType) -> None:
    schema.add_field("release_key", DataType.VARCHAR, max_length=_ID)
    schema.add_field("release_id", DataType.VARCHAR, max_length=_ID)
    schema.add_field("generation", DataType.INT64)


def _chunks(schema, index_params, DataType, dimension: int) -> None:
    schema.add_field("chunk_id", DataType.INT64, is_primary=True)
    _common(schema, DataType)
    schema.add_field("date", DataType.VARCHAR, max_length=10, nullable=True)
    schema.add_field("source_key", DataType.VARCHAR, max_length=_ID)  # lower-cased, for "like" filters
    for name in ("paragraph", "char_start", "char_end"):
        schema.add_field(name, DataType.INT64)
    schema.add_field("tokens", DataType.VARCHAR, max_length=_LONG, enable_analyzer=True, enable_match=True,
                     analyzer_params=ANALYZER)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)  # BM25 weights (qa.index.sparse_bm25)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    # Exact search (FLAT) like the index folder's; docs/scaling.md gives the index for millions.
    index_params.add_index("dense", index_type="FLAT", metric_type="IP")
    # Milvus's own BM25 function is not used: Milvus Lite 3.2.2 scored a release added by a
    # later ingest with its segment's statistics alone (docs/scaling.md).
    index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")


def _sentences(schema, index_params, DataType, dimension: int) -> None:
    """Sentence vectors, read by id; where each sentence lies is in its release's row."""
    schema.add_field("sentence_id", DataType.INT64, is_primary=True)
    _common(schema, DataType)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    index_params.add_index("vector", index_type="FLAT", metric_type="IP")


def _releases(schema, index_params, DataType, dimension: int) -> None:
    schema.add_field("release_key", DataType.VARCHAR, max_length=_ID, is_primary=True)
    schema.add_field("release_id", DataType.VARCHAR, max_length=_ID)
    schema.add_field("generation", DataType.INT64)
    for name in ("title", "source", "origin", "title_prefix"):
        schema.add_field(name, DataType.VARCHAR, max_length=_LONG)
    for name in ("date", "source_url"):
        schema.add_field(name, DataType.VARCHAR, max_length=_LONG if name == "source_url" else 10, nullable=True)
    schema.add_field("content_hash", DataType.VARCHAR, max_length=128)
    schema.add_field("ingested_at", DataType.VARCHAR, max_length=64)
    schema.add_field("tags", DataType.JSON)
    # The text, and its sentences as JSON ([[id, start, end, paragraph, [[start, end, label] ...]] ...],
    # entities' offsets in the text), each cut into parts: one read gives a release whole.
    for name in ("text_parts", "sentence_parts"):
        schema.add_field(name, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=_MAX_TEXT_PARTS,
                         max_length=_LONG)
    schema.add_field("chunk_count", DataType.INT64)
    schema.add_field("sentence_count", DataType.INT64)
    _placeholder(schema, index_params, DataType)


def _terms(schema, index_params, DataType, dimension: int) -> None:
    schema.add_field("term_key", DataType.VARCHAR, max_length=600, is_primary=True)  # "generation:term"
    schema.add_field("term", DataType.VARCHAR, max_length=512)
    schema.add_field("generation", DataType.INT64)
    schema.add_field("frequency", DataType.INT64)  # chunks holding the term
    _placeholder(schema, index_params, DataType)


def _state(schema, index_params, DataType, dimension: int) -> None:
    schema.add_field("key", DataType.VARCHAR, max_length=64, is_primary=True)
    schema.add_field("value", DataType.JSON)
    _placeholder(schema, index_params, DataType)


def _placeholder(schema, index_params, DataType) -> None:
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER_VECTOR))
    index_params.add_index("placeholder", index_type="FLAT", metric_type="L2")
