"""The question sets' figures, pinned: a change that makes any of them worse fails (as Pyserini pins nDCG).

Builds the index of corpus/ and the 751 White House releases once (about two minutes on an
idle machine) and runs the dev set (`tests/data/dev_questions.jsonl`, the tuning set the
answer model is fitted on) and the test set (`tests/data/test_questions.jsonl`, frozen
before the answer stage was fitted, never used to choose anything) through `Evaluator`;
the snippet set runs over its own index of untitled passages. Figures are deterministic for
a fixed corpus, model and code; latency is not pinned. The dev figures are in-sample: the
test set's say what to expect on questions nobody tuned for (docs/evaluation.md).
"""

import pytest

from qa.config import Settings
from qa.evaluate.evaluation import Evaluator
from qa.evaluate.questions import load_questions
from qa.ingest.pipeline import Ingestor

from ..conftest import REPO, WHITE_HOUSE

pytestmark = pytest.mark.slow
DATA = REPO / "tests" / "data"
DEV_QUESTIONS = DATA / "dev_questions.jsonl"
TOLERANCE = 1e-9  # float rounding only: one question more or less moves a figure by >= 1/300
LOWER_IS_BETTER = {"false_refusals"}

# Measured with the shipped answer stage: the reader (qa/data/reader) over the fitted stage's
# candidates (docs/evaluation.md). Make a figure stricter when a change improves it; never loosen
# one to make a change pass. One was loosened when the reader replaced the fitted stage alone, and
# not to make it pass: dev false refusals 12 -> 13 of 241, the price of the thresholds fitted on the
# dev set for the most right answers (dev right 231 -> 245 of 300, "not found" recall 27 -> 35 of 59);
# every test-split and snippet figure improved or held.
PINNED = {
    "dev": {"recall_at_5": 240 / 241, "mrr": 0.9392, "accuracy": 245 / 300, "answer_accuracy": 210 / 241,
            "false_refusals": 13 / 241, "not_found_recall": 35 / 59, "cited_gold": 215 / 241},
    "test": {"recall_at_5": 150 / 152, "mrr": 0.9275, "accuracy": 143 / 192, "answer_accuracy": 124 / 152,
             "false_refusals": 18 / 152, "not_found_recall": 19 / 40, "cited_gold": 127 / 152},
    "snippets": {"recall_at_5": 81 / 82, "mrr": 0.9773, "accuracy": 78 / 96, "answer_accuracy": 75 / 82,
                 "false_refusals": 4 / 82, "not_found_recall": 3 / 14, "cited_gold": 76 / 82},
}
QUESTIONS = {"dev": DEV_QUESTIONS, "test": DATA / "test_questions.jsonl", "snippets": DATA / "snippets.jsonl"}


def _index(tmp_path_factory, real_embedder, name: str, paths: list):
    from qa import Assistant

    index_dir = tmp_path_factory.mktemp(name) / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=real_embedder, progress=False).run(paths)
    return Assistant.open(index_dir, embedder=real_embedder)


@pytest.fixture(scope="session")
def dev_assistant(tmp_path_factory, real_embedder):
    return _index(tmp_path_factory, real_embedder, "dev", [REPO / "corpus", WHITE_HOUSE])


@pytest.fixture(scope="session")
def snippet_assistant(tmp_path_factory, real_embedder):
    return _index(tmp_path_factory, real_embedder, "snippets", [DATA / "snippet_passages.jsonl.gz"])


@pytest.fixture(scope="session")
def reports(request):
    """Each set's report, made on first use."""
    made = {}

    def report(name: str):
        if name not in made:
            fixture = "snippet_assistant" if name == "snippets" else "dev_assistant"
            made[name] = Evaluator(request.getfixturevalue(fixture)).run(load_questions(QUESTIONS[name]))
        return made[name]

    return report


@pytest.mark.parametrize("name, figure", [(name, figure) for name in PINNED for figure in sorted(PINNED[name])])
def test_figure_holds(reports, name, figure):
    report = reports(name)
    measured, pinned = getattr(report.overall, figure), PINNED[name][figure]
    misses = "\n".join(f"  {r.question.question_id}: {r.short_answer or r.answer[:100]}" for r in report.failures)
    worse = measured > pinned + TOLERANCE if figure in LOWER_IS_BETTER else measured < pinned - TOLERANCE
    assert not worse, f"{name} {figure} went to {measured:.4f} (pinned {pinned:.4f}); wrong answers now:\n{misses}"


def test_every_gold_release_is_in_the_index(dev_assistant):
    releases = dev_assistant.snapshot.releases
    unknown = sorted({release_id for path in (DEV_QUESTIONS, QUESTIONS["test"]) for question in load_questions(path)
                      for release_id in question.gold_doc_ids if release_id not in releases})
    assert not unknown, f"gold_doc_ids naming no release of the index: {unknown}"


@pytest.mark.parametrize("name, records", [("dev", 751 + 24), ("snippets", 565)])
def test_no_release_is_lost_at_ingest(request, name, records):
    """Every record of the 751 releases, corpus/ and the snippet passages is indexed with at
    least one sentence (cleaning once dropped short and label-first texts whole)."""
    snapshot = request.getfixturevalue("snippet_assistant" if name == "snippets" else "dev_assistant").snapshot
    with_sentences = {release_id for (release_id,) in
                      snapshot.connection.execute("SELECT DISTINCT release_id FROM sentences")}
    assert len(snapshot.releases) == records
    assert not set(snapshot.releases) - with_sentences


def test_the_shipped_answer_model_is_what_train_answerer_fits(dev_assistant):
    """qa/data/answer_model.json is rebuilt by `qa train-answerer` from the dev set over this index."""
    import numpy as np

    from qa.answer.model import AnswerModel
    from qa.answer.training import AnswerTrainer

    fitted, _ = AnswerTrainer(dev_assistant).fit(load_questions(DEV_QUESTIONS), source="tests/data/dev_questions.jsonl")
    shipped = AnswerModel.load()
    for threshold in ("answer_threshold", "span_threshold", "second_ratio"):
        assert getattr(fitted, threshold) == pytest.approx(getattr(shipped, threshold), abs=1e-4), threshold
    # Refitted on another CPU (2-core AMD EPYC, AVX2 only, 2026-12-07) the features agree to about 1e-8 and the
    # coefficients moved by up to 4e-3 (same thresholds, same pinned figures): float kernels differ by machine.
    # A model that is not what the trainer fits moves them by far more (a changed feature: 0.1 and up).
    for part in ("question_type", "list_question", "sentence", "answerable", "span"):
        assert np.allclose(getattr(fitted, part).coef, getattr(shipped, part).coef, atol=1e-2), part
