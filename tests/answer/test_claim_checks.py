"""Word-level checks of a generated sentence: the numbers, names and polarity it claims."""

import pytest

from qa.answer.claim_checks import name_run_in, name_runs, numbers_in, says_opposite
from qa.language.aliases import normalise


def test_numbers_in_digits_and_words_are_written_alike():
    assert numbers_in("over the next three years") == {"3"}
    assert numbers_in("US$1,500 and 2.5 per cent in 2021.") == {"1500", "2.5", "2021"}


def test_name_runs_group_capitalised_words_but_skip_sentence_openers():
    assert name_runs("The Meeting was co-chaired by Retno Marsudi and Hun Sen.") == [["Meeting"], ["Retno", "Marsudi"],
                                                                                       ["Hun", "Sen"]]
    assert name_runs("Russia: Not the ASEAN-Russia meeting with the United States.") == [["ASEAN-Russia"],
                                                                                          ["United", "States"]]


@pytest.mark.parametrize("run, found", [(["Sergey", "Lavrov"], True), (["Lavrov"], True), (["USA"], True),
                                        (["ASEAN-Russia"], True), (["Hun", "Sen"], False)])
def test_a_name_is_found_as_written_by_alias_or_by_its_hyphenated_parts(run, found):
    evidence = normalise("The ASEAN meeting with Sergey Lavrov of Russia and the United States")
    assert name_run_in(run, evidence) is found


@pytest.mark.parametrize("generated, opposite", [("Russia opposed the plan.", True),
                                                 ("Russia did not support the plan.", True),
                                                 ("Russia didn't support the plan.", True),
                                                 ("Russia supported the plan.", False)])
def test_says_opposite_spots_negation_and_antonyms(generated, opposite):
    assert says_opposite(generated, "Russia supported the plan.") is opposite
