"""The dev set's figures, pinned: a change that lowers any of them fails (as Pyserini pins nDCG).

Builds the index of corpus/ and the 751 White House releases once (about two minutes on
an idle machine), then runs `tests/data/dev_questions.jsonl` through `Evaluator`.
Retrieval and answer figures are deterministic for a fixed corpus, model and code, so
each must stay at or above its pinned value; latency depends on the machine and is not
pinned. These are dev-set figures: the defaults were tuned on these questions
(docs/evaluation.md), so they overstate what to expect on unseen questions.
"""

import pytest

from qa.config import Settings
from qa.evaluation import Evaluator, load_questions
from qa.ingest import Ingestor

from .conftest import REPO, WHITE_HOUSE

pytestmark = pytest.mark.slow
DEV_QUESTIONS = REPO / "tests" / "data" / "dev_questions.jsonl"
TOLERANCE = 1e-9  # float rounding only: one question more or less moves a figure by >= 1/82

# Measured with the defaults of Settings and AnswerSettings (docs/evaluation.md, "final").
# Raise a figure when a change improves it; never lower one to make a change pass.
PINNED = {
    "recall_at_1": 68 / 82,
    "recall_at_5": 81 / 82,
    "recall_at_10": 81 / 82,
    "mrr": 0.8899,  # 0.8900 (0.889024 before BM25 ties went to the earlier row)
    "answer_accuracy": 76 / 82,
    "short_answer_accuracy": 47 / 82,
    "cited_gold": 76 / 82,
    "citation_precision": 0.9085,  # 0.908536...
    "accuracy": 89 / 100,
    "not_found_precision": 13 / 13,
    "not_found_recall": 13 / 18,
}


@pytest.fixture(scope="session")
def dev_assistant(tmp_path_factory, real_embedder):
    from qa import Assistant

    index_dir = tmp_path_factory.mktemp("dev") / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=real_embedder, progress=False).run(
        [REPO / "corpus", WHITE_HOUSE])
    return Assistant.open(index_dir, embedder=real_embedder)


@pytest.fixture(scope="session")
def dev_report(dev_assistant):
    # The first 100 questions, on which these figures were measured; the 200 written later
    # in staff's own words are scored with the learned answer stage (docs/evaluation.md).
    return Evaluator(dev_assistant).run(load_questions(DEV_QUESTIONS)[:100])


@pytest.mark.parametrize("figure", sorted(PINNED))
def test_dev_set_figure_holds(dev_report, figure):
    measured = getattr(dev_report.overall, figure)
    misses = "\n".join(f"  {r.question.question_id}: {r.short_answer or r.answer[:100]}" for r in dev_report.failures)
    assert measured >= PINNED[figure] - TOLERANCE, (
        f"{figure} fell to {measured:.4f} (pinned {PINNED[figure]:.4f}); wrong answers now:\n{misses}")


def test_every_gold_release_is_in_the_index(dev_assistant):
    releases = dev_assistant.snapshot.releases
    unknown = sorted({release_id for question in load_questions(DEV_QUESTIONS)
                      for release_id in question.gold_doc_ids if release_id not in releases})
    assert not unknown, f"gold_doc_ids naming no release of the index: {unknown}"


def test_the_shipped_answer_model_is_what_train_answerer_fits(dev_assistant):
    """qa/data/answer_model.json is rebuilt by `qa train-answerer` from the dev set over this index."""
    import numpy as np

    from qa.answer_model import AnswerModel
    from qa.training import AnswerTrainer

    fitted, _ = AnswerTrainer(dev_assistant).fit(load_questions(DEV_QUESTIONS), source="tests/data/dev_questions.jsonl")
    shipped = AnswerModel.load()
    assert fitted.answer_threshold == pytest.approx(shipped.answer_threshold, abs=1e-4)
    assert fitted.span_threshold == pytest.approx(shipped.span_threshold, abs=1e-4)
    for part in ("question_type", "list_question", "sentence", "answerable", "span"):
        assert np.allclose(getattr(fitted, part).coef, getattr(shipped, part).coef, atol=1e-3), part
