"""The feedback file: what an item keeps, its checks, where the file lives, and that a restart loses nothing."""

import pytest

from qa import Settings
from qa.errors import QAError
from qa.feedback.store import FEEDBACK_FILE, FeedbackCounts, FeedbackItem, FeedbackStore
from qa.records import Answer, Citation

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def answer(short_answer="Retno Marsudi and Sergey Lavrov", found=True, searched=None):
    citation = Citation(1, SEED_ID, "Outcomes of the Special ASEAN-Russia FMM", "2021-07-06",
                        "The Meeting was co-chaired by H.E. Retno Marsudi ...", 0, 60, 0.9,
                        sentence="The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov.")
    return Answer("Who co-chaired it?", "The Meeting was co-chaired by ... [1]", short_answer, found,
                  [citation] if found else [], {"retrieve": 1.0}, searched=searched)


def test_an_item_keeps_the_answer_as_shown_with_its_generation():
    item = FeedbackItem.of(answer(searched="Who co-chaired the meeting?"), "gen-000004")
    assert (item.question, item.searched, item.asked) == ("Who co-chaired it?", "Who co-chaired the meeting?",
                                                          "Who co-chaired the meeting?")
    assert item.citations[0]["release_id"] == SEED_ID and item.generation == "gen-000004"
    assert item.verdict == "" and item.to_dict()["citations"][0]["n"] == 1


def test_items_are_kept_across_a_restart(tmp_path):
    path = tmp_path / "index" / FEEDBACK_FILE
    given = FeedbackStore(path).save(FeedbackItem.of(answer(), "gen-000001").reviewed(
        "Wrong", comment="  only one co-chair  ", correction="Sergey Lavrov", user="staff"))
    assert given.item_id == 1 and given.created_at
    kept = FeedbackStore(path).items()  # a new store on the same file, as after a restart
    assert kept == [given]
    assert (kept[0].verdict, kept[0].comment, kept[0].correction, kept[0].user) == (
        "wrong", "only one co-chair", "Sergey Lavrov", "staff")


def test_counts_of_right_wrong_and_corrected(tmp_path):
    store = FeedbackStore(tmp_path / FEEDBACK_FILE)
    assert store.counts() == FeedbackCounts() and not store.path.exists()  # reading makes no file
    item = FeedbackItem.of(answer(), "gen-000001")
    for verdict, correction in (("right", ""), ("wrong", ""), ("wrong", "Lavrov"), ("right", "")):
        store.save(item.reviewed(verdict, correction=correction))
    assert store.counts() == FeedbackCounts(right=2, wrong=2, corrected=1)
    assert store.counts().summary() == "2 right, 2 wrong (1 with the right answer given)"


@pytest.mark.parametrize("verdict, correction, message", [
    ("meh", "", "verdict must be 'right' or 'wrong'. Currently, verdict is 'meh'"),
    ("", "", "verdict must be 'right' or 'wrong'"),
    ("right", "Sergey Lavrov", "a correction is for a wrong answer"),
    ("wrong", "Lavrov \udcff", "the correction is not valid text"),
])
def test_bad_feedback_is_refused_with_one_line(verdict, correction, message):
    with pytest.raises(QAError, match=message):
        FeedbackItem.of(answer(), "gen-000001").reviewed(verdict, correction=correction)


def test_punctuation_alone_is_no_comment():
    assert FeedbackItem.of(answer(), "g").reviewed("right", comment=" ?! ").comment == ""


def test_an_item_without_a_verdict_is_not_stored(tmp_path):
    with pytest.raises(QAError, match="needs a verdict"):
        FeedbackStore(tmp_path / FEEDBACK_FILE).save(FeedbackItem.of(answer(), "g"))


def test_a_file_that_cannot_be_written_gives_one_line(tmp_path):
    (tmp_path / "taken").write_text("a file where the folder should be")
    store = FeedbackStore(tmp_path / "taken" / FEEDBACK_FILE)
    with pytest.raises(QAError, match="feedback could not be saved in"):
        store.save(FeedbackItem.of(answer(), "g").reviewed("right"))


def test_the_file_lives_beside_the_index(tmp_path):
    assert FeedbackStore.of(Settings(index_dir=tmp_path / "index")).path == tmp_path / "index" / FEEDBACK_FILE
    lite = Settings(store=f"milvus-lite:{tmp_path}/x.db")
    assert FeedbackStore.of(lite).path == tmp_path / "x.feedback.sqlite"
    server = Settings(index_dir=tmp_path / "here", store="milvus://db.example:19530")
    assert FeedbackStore.of(server).path == tmp_path / "here" / FEEDBACK_FILE
    assert FeedbackStore.of(Settings(feedback_db=tmp_path / "f.sqlite")).path == tmp_path / "f.sqlite"


def test_saving_a_kept_item_again_replaces_its_verdict(tmp_path):
    store = FeedbackStore(tmp_path / FEEDBACK_FILE)
    kept = store.save(FeedbackItem.of(answer(), "gen-000001").reviewed("wrong"))
    again = store.save(kept.reviewed("wrong", comment="the date", correction="6 July 2021"))
    assert again.item_id == kept.item_id and store.items() == [again]
    assert store.counts() == FeedbackCounts(right=0, wrong=1, corrected=1)
