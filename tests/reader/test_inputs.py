"""What the reader reads: question, the whole sentence, then the title and neighbours within the budget."""

from qa.reader.inputs import InputBuilder, Passage, ReaderLimits, token_span
from qa.reader.network import load_tokenizer

SENTENCE = "The meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov."


def test_the_sentence_follows_the_question_whole_and_its_offsets_map_back():
    tokenizer = load_tokenizer()
    builder = InputBuilder(tokenizer)
    item = builder.build("Who co-chaired it?", Passage(SENTENCE, "Special meeting (2021-07-06)", "Before.", "After."))
    tokens = tokenizer.convert_ids_to_tokens(item.input_ids)
    assert tokens[0] == "[CLS]" and tokens[item.sentence_first - 1] == "[SEP]" and tokens[-1] == "[SEP]"
    assert (item.sentence_offsets[0][0], item.sentence_offsets[-1][1]) == (0, len(SENTENCE))
    start = SENTENCE.index("Retno")
    first, last = token_span(item, start, start + len("Retno Marsudi"))
    assert tokenizer.convert_tokens_to_string(tokens[first:last + 1]) == "retno marsudi"
    assert item.token_type_ids[:item.sentence_first] == [0] * item.sentence_first
    assert set(item.token_type_ids[item.sentence_first:]) == {1}


def test_context_is_cut_before_the_sentence_and_the_whole_stays_within_the_limit():
    limits = ReaderLimits(max_question_tokens=8, max_sentence_tokens=20, max_context_tokens=10, max_tokens=40)
    builder = InputBuilder(load_tokenizer(), limits)
    long = " ".join(["word"] * 200)
    item = builder.build(long, Passage(long, long, long, long))
    assert len(item.input_ids) <= limits.max_tokens
    assert len(item.sentence_offsets) == limits.max_sentence_tokens
    batch = builder.batch([item, builder.build("Short?", Passage("Short."))])
    assert batch["input_ids"].shape == batch["sentence_mask"].shape == (2, len(item.input_ids))
    assert batch["sentence_mask"][1].sum() == 2  # "short" "."


def test_a_span_outside_the_sentence_tokens_is_none():
    item = InputBuilder(load_tokenizer()).build("Who?", Passage("Retno met Lavrov."))
    assert token_span(item, 100, 120) is None
