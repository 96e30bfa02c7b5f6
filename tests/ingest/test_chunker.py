import pytest

from qa.errors import ConfigurationError
from qa.ingest.chunker import Chunker, ChunkingSettings
from qa.records import Release

from ..fakes import FakeEmbedder


def make_release(text: str, title: str = "A title") -> Release:
    return Release(release_id="r1", title=title, date=None, source="test", text=text)


def word_count(texts):
    return FakeEmbedder().count_tokens(texts)


def long_paragraph(sentences: int) -> str:
    return " ".join(f"Sentence number {i} talks about topic {i} at length." for i in range(sentences))


def test_chunks_never_split_a_sentence():
    release = make_release(long_paragraph(40))
    chunker = Chunker(word_count, ChunkingSettings(max_tokens=40, min_tokens=10))
    chunks = chunker.chunk(release)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text.startswith("Sentence number") and chunk.text.endswith("length.")
        assert release.text[chunk.char_start:chunk.char_end] == chunk.text


def test_every_chunk_fits_the_model_limit_with_its_title():
    release = make_release(long_paragraph(60) + "\n\n" + long_paragraph(5), title="A long title " * 3)
    chunker = Chunker(word_count, ChunkingSettings(max_tokens=50, min_tokens=10))
    for chunk in chunker.chunk(release):
        assert word_count([chunker.embedding_text(release, chunk)])[0] <= 50


def test_cut_paragraph_repeats_one_sentence_as_overlap():
    release = make_release(long_paragraph(20))
    chunks = Chunker(word_count, ChunkingSettings(max_tokens=40, min_tokens=10)).chunk(release)
    for previous, following in zip(chunks, chunks[1:]):
        assert following.sentences[0] == previous.sentences[-1]


def test_short_paragraphs_merge_and_long_ones_start_a_chunk():
    text = "Short one.\n\nShort two.\n\n" + long_paragraph(3)
    chunks = Chunker(word_count, ChunkingSettings(max_tokens=60, min_tokens=20)).chunk(make_release(text))
    assert chunks[0].text.startswith("Short one.\n\nShort two.")
    assert chunks[0].paragraph == 0


def test_paragraph_numbers_and_offsets_are_kept():
    text = long_paragraph(4) + "\n\n" + long_paragraph(4)
    chunks = Chunker(word_count, ChunkingSettings(max_tokens=50, min_tokens=10)).chunk(make_release(text))
    assert chunks[-1].paragraph == 1
    assert chunks[-1].char_end == len(text)


def test_over_long_sentence_is_cut_between_words_and_nothing_is_lost():
    sentence = " ".join(f"word{i}" for i in range(100)) + "."
    release = make_release(sentence)
    chunks = Chunker(word_count, ChunkingSettings(max_tokens=30, min_tokens=5, overlap_sentences=0)).chunk(release)
    assert " ".join(chunk.text for chunk in chunks) == sentence
    assert all(word_count([chunk.text])[0] <= 30 for chunk in chunks)


def test_settings_reject_a_tiny_limit():
    with pytest.raises(ConfigurationError, match="max_tokens"):
        ChunkingSettings(max_tokens=4)
