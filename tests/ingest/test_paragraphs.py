"""Body paragraphs: wrapped lines joined, one paragraph per list item, noise left out."""

import pytest

from qa.ingest.paragraphs import body_paragraphs, with_words


def test_list_items_are_separate_paragraphs():
    block = ["The Ministers agreed to:", "- expand trade and", "investment;", "- reopen travel.",
             "• Share data", "1. Meet again", "2. Report back"]
    assert body_paragraphs([block]) == [
        "The Ministers agreed to:", "- expand trade and investment;", "- reopen travel.",
        "- Share data", "1. Meet again", "2. Report back"]


def test_a_number_starting_a_wrapped_line_does_not_start_a_list_item():
    block = ["The leaders met in Phnom Penh on November", "13. They agreed to meet again."]
    assert body_paragraphs([block]) == ["The leaders met in Phnom Penh on November 13. They agreed to meet again."]


def test_repeated_last_words_that_start_a_word_are_kept():
    assert body_paragraphs([["So, thank you. Thank you."], ["Thank you."]]) == [
        "So, thank you. Thank you.", "Thank you."]


@pytest.mark.parametrize(("raw", "joined"), [
    ("The Mekong-\nLancang talks on co-\noperation.", "The Mekong-Lancang talks on co-operation."),
    ("Loans for small-\nand medium-sized firms.", "Loans for small- and medium-sized firms."),
    ("Among 18-\nthrough 42-year-olds.", "Among 18- through 42-year-olds."),
    ("Medicaid provid-\n— you know, providers.", "Medicaid provid- — you know, providers."),
])
def test_a_word_split_at_a_hyphen_is_joined_without_a_space(raw, joined):
    assert body_paragraphs([raw.split("\n")]) == [joined]


def test_with_words_leaves_out_paragraphs_without_a_letter_or_digit():
    assert with_words(["###", "* * *", "Body.", "2"]) == ["Body.", "2"]
