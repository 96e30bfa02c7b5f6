"""The repetition guard both generator backends use to stop a looping model."""

from qa.answer.repetition_guard import RepetitionGuard


def test_repetition_guard_spots_loops_but_not_ordinary_text():
    guard = RepetitionGuard()
    assert guard.looping("to " * 30)
    assert guard.looping("The Ministers agreed. " * 3 + "The Ministers agreed. The")
    assert not guard.looping("The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov [1]. "
                             "The Ministers agreed to strengthen cooperation within ASEAN-led mechanisms [2].")
    assert not guard.looping("Short. Short.")
