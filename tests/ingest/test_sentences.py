from qa.ingest.sentences import SentenceSplitter, paragraph_spans


def test_split_keeps_abbreviations_inside_sentences():
    text = "The Meeting was co-chaired by H.E. Retno Marsudi. The U.S. and Dr. Lee met on Jan. 5, 2021. They spoke."
    sentences = SentenceSplitter().split(text)
    assert [s.text for s in sentences] == [
        "The Meeting was co-chaired by H.E. Retno Marsudi.",
        "The U.S. and Dr. Lee met on Jan. 5, 2021.",
        "They spoke.",
    ]


def test_split_offsets_point_into_the_text():
    text = "First paragraph here. Second sentence.\n\nNext paragraph. Again. Again."
    sentences = SentenceSplitter().split(text)
    assert all(text[s.char_start:s.char_end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 0, 1, 1, 1]


def test_repeated_sentences_get_their_own_offsets():
    text = "Thank you. Thank you. Thank you."
    sentences = SentenceSplitter().split(text)
    assert [s.char_start for s in sentences] == [0, 11, 22]


def test_paragraph_spans_skip_blank_paragraphs():
    text = "\n\nOne.\n\n  \n\nTwo.\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["One.", "Two."]


def test_a_sentence_over_the_bound_is_cut_into_pieces_with_exact_offsets():
    from qa.ingest.sentences import MAX_SENTENCE_CHARS, long_sentence_notes

    text = "It began. " + "word " * 3000 + "x" * 12_000 + " It ended."
    sentences = SentenceSplitter().split(text)
    assert max(len(sentence.text) for sentence in sentences) <= MAX_SENTENCE_CHARS
    assert all(text[sentence.char_start:sentence.char_end] == sentence.text for sentence in sentences)
    assert "".join(sentence.text for sentence in sentences).replace(" ", "") == text.replace(" ", "")
    assert long_sentence_notes(text) and not long_sentence_notes("Short. Sentences. Only.")
