"""Fits the answer model on labelled questions: `qa train-answerer` rebuilds qa/data/answer_model.json.

Run over an index of the releases the questions are about (corpus/ and the 751 White House
releases for the dev set). Every part is a logistic regression (scikit-learn); its strength of
regularisation and the two thresholds are chosen by 5-fold cross-validation grouped by
question, so that each question is scored by parts fitted without it:

1. question kinds: the kind the dev set labels (who, when, where, number, list, what) from the
   question's vector; its out-of-fold probabilities feed the sentence features;
2. list: whether a question asks for several names (kind "list", or match "all");
3. sentence: does this candidate sentence hold the key (of a gold release)? Then the share of the
   best sentence's probability from which the next best sentence of its release is quoted too:
   the highest whose out-of-fold accuracy is within `SECOND_SENTENCE_LOSS` of always quoting it;
4. answerable: do the passages hold an answer at all? Threshold: the one under which "not found"
   gives the most right answers over all questions, out of fold (a refusal is right only for an
   unanswerable question, an answer only when its sentence holds the key);
5. span: does this entity of a right sentence hold the key? Threshold: the lowest whose
   out-of-fold precision is at least `SPAN_PRECISION`.

Only the tuning set is read: the test and snippet sets never choose a weight or a threshold.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.answer.features import Candidate, FeatureBuilder, span_features
from qa.answer.model import QUESTION_CLASSES, AnswerModel, Logistic, answerable_features, question_inputs
from qa.evaluate.questions import DevQuestion
from qa.language.aliases import normalise
from qa.answer.extractive import dated_text, shown_sentences, span_text  # as the answerer shows them

FOLDS = 5
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
SECOND_RATIOS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0)
SECOND_SENTENCE_LOSS = 0.01  # answers a second sentence may cost, so that most answers quote one
SPAN_PRECISION = 0.92  # the short answer is shown when the span model is at least this sure, out of fold


@dataclass
class QuestionData:
    """One question's retrieval and candidates, with the labels read from its key strings."""

    question: DevQuestion
    vector: np.ndarray
    inputs: np.ndarray  # what the kind and list parts read (answer_model.question_inputs)
    candidates: list[Candidate]
    labels: np.ndarray  # per candidate: 1 holds the key in a gold release, 0 not, -1 ambiguous (key elsewhere)
    answer_type: str | None = None
    fold: int = 0
    type_probabilities: dict[str, float] = field(default_factory=dict)


class AnswerTrainer:
    """Collects candidates for labelled questions over an index and fits the answer model.

    Example:
        model, report = AnswerTrainer(assistant).fit(load_questions("tests/data/dev_questions.jsonl"))
        Path("qa/data/answer_model.json").write_text(json.dumps(model.to_dict()))
    """

    def __init__(self, assistant, k: int | None = None):
        self.assistant = assistant
        self.k = k or assistant.settings.top_k
        self.features = FeatureBuilder(assistant.snapshot)

    def fit(self, questions: Sequence[DevQuestion], source: str = "") -> tuple[AnswerModel, dict]:
        data = [self._collect(question, index % FOLDS) for index, question in enumerate(questions)]
        question_type = self._fit_question_types(data)
        list_question, list_threshold = self._fit_lists(data)
        sentence, out_of_fold = self._fit_sentences(data)
        second_ratio, second_report = self._fit_second_ratio(data, out_of_fold)
        answerable, answer_threshold, answer_report = self._fit_answerable(data, out_of_fold, second_ratio)
        span, span_threshold, span_report = self._fit_spans(data)
        about = {"questions": source, "trained": len(data), "answerable": sum(q.question.answerable for q in data),
                 "folds": FOLDS, "fitted_on": datetime.date.today().isoformat(),
                 "cross_validated": {**second_report, **answer_report, **span_report}}
        model = AnswerModel(question_type, list_question, sentence, answerable, span, answer_threshold,
                            span_threshold, list_threshold, second_ratio, about)
        return model, about

    # --- data -------------------------------------------------------------------------------
    def _collect(self, question: DevQuestion, fold: int) -> QuestionData:
        assistant = self.assistant
        vector = assistant.embedder.embed_queries([question.question])[0]
        hits = assistant.retriever.search(question.question, vector, self.k)
        uniform = {name: 1.0 / len(QUESTION_CLASSES) for name in QUESTION_CLASSES}
        candidates = self.features.build(question.question, vector, hits, uniform)
        labels = np.asarray([self._label(question, candidate) for candidate in candidates], dtype=np.int64)
        data = QuestionData(question, vector, question_inputs(vector, question.question), candidates, labels,
                            fold=fold)
        data.answer_type = self._answer_type(data)
        return data

    def _label(self, question: DevQuestion, candidate: Candidate) -> int:
        if not question.answerable or not question.is_answered_by(self._answer_text(candidate)):
            return 0
        return 1 if candidate.hit.release_id in question.gold_doc_ids else -1

    def _answer_text(self, candidate: Candidate) -> str:
        """The sentence as an answer shows it: "today" dated from the release's date."""
        return dated_text(candidate.text, self.assistant.snapshot.releases[candidate.hit.release_id].date)

    @staticmethod
    def _answer_type(data: QuestionData) -> str | None:
        """The kind of answer the question asks for, as the dev set labels it (None: unanswerable)."""
        return data.question.kind if data.question.kind in QUESTION_CLASSES else None

    # --- parts ------------------------------------------------------------------------------
    def _fit_question_types(self, data: list[QuestionData]) -> Logistic:
        typed = [q for q in data if q.answer_type is not None]
        features = np.vstack([q.inputs for q in typed])
        labels = np.asarray([QUESTION_CLASSES.index(q.answer_type) for q in typed])
        folds = np.asarray([q.fold for q in typed])
        c = _best_c(features, labels, folds, multiclass=True)
        for fold in range(FOLDS):  # out of fold: the sentence part learns from honest type guesses
            model = _fit(features[folds != fold], labels[folds != fold], c, multiclass=True)
            for q in data:
                if q.fold == fold:
                    q.type_probabilities = dict(zip(QUESTION_CLASSES, model.class_probabilities(q.inputs)[0].tolist()))
                    self.features.retype(q.question.question, q.candidates, q.type_probabilities)
        return _fit(features, labels, c, multiclass=True)

    def _fit_lists(self, data: list[QuestionData]) -> tuple[Logistic, float]:
        features = np.vstack([q.inputs for q in data])
        labels = np.asarray([int(q.question.kind == "list" or (q.question.match == "all" and len(q.question.answers) > 1))
                             for q in data])
        folds = np.asarray([q.fold for q in data])
        return _fit(features, labels, _best_c(features, labels, folds)), 0.5

    def _fit_sentences(self, data: list[QuestionData]) -> tuple[Logistic, dict[int, np.ndarray]]:
        rows, labels, folds, owners = [], [], [], []
        for index, q in enumerate(data):
            for candidate, label in zip(q.candidates, q.labels):
                if label >= 0:
                    rows.append(candidate.vector())
                    labels.append(label)
                    folds.append(q.fold)
                    owners.append(index)
        features, labels, folds = np.vstack(rows), np.asarray(labels), np.asarray(folds)
        c = _best_c(features, labels, folds)
        out_of_fold = {}
        for fold in range(FOLDS):
            model = _fit(features[folds != fold], labels[folds != fold], c)
            for index, q in enumerate(data):
                if q.fold == fold and q.candidates:
                    out_of_fold[index] = model.probability(np.vstack([c_.vector() for c_ in q.candidates]))
        return _fit(features, labels, c), out_of_fold

    def _fit_second_ratio(self, data, out_of_fold) -> tuple[float, dict]:
        shown = {ratio: [self._shown(q, out_of_fold[i], ratio) for i, q in enumerate(data)
                         if q.question.answerable and i in out_of_fold] for ratio in SECOND_RATIOS}
        accuracy = {ratio: np.mean([right for right, _ in results]) for ratio, results in shown.items()}
        ratio = next(r for r in SECOND_RATIOS if accuracy[r] >= accuracy[0.0] - SECOND_SENTENCE_LOSS)
        return ratio, {"second_ratio": ratio, "one_sentence_accuracy": round(float(accuracy[SECOND_RATIOS[0]]), 4),
                       "two_sentence_share": round(float(np.mean([two for _, two in shown[ratio]])), 4)}

    @staticmethod
    def _shown(q: QuestionData, probabilities: np.ndarray, second_ratio: float) -> tuple[bool, bool]:
        """Whether the sentences an answer would quote hold the key, and whether it quotes two."""
        for candidate, probability in zip(q.candidates, probabilities):
            candidate.probability = float(probability)
        ranked = sorted(q.candidates, key=lambda c: (-c.probability, c.hit_rank, c.sentence.char_start))
        chosen = shown_sentences(ranked, q.question.kind == "list", second_ratio)
        label = dict(zip((id(c) for c in q.candidates), q.labels))
        return any(label[id(c)] == 1 for c in chosen), len(chosen) == 2

    def _fit_answerable(self, data, out_of_fold, second_ratio: float) -> tuple[Logistic, float, dict]:
        rows, labels, folds, answerable = [], [], [], []
        for index, q in enumerate(data):
            if index not in out_of_fold:
                continue
            order = np.argsort(-out_of_fold[index], kind="stable")
            ranked = [q.candidates[i] for i in order]
            rows.append(answerable_features(out_of_fold[index][order], ranked))
            labels.append(int(bool((q.labels == 1).any())))  # the passages hold an answer at all
            folds.append(q.fold)
            answerable.append(q.question.answerable)
        features, labels, folds = np.vstack(rows), np.asarray(labels), np.asarray(folds)
        answerable = np.asarray(answerable)
        c = _best_c(features, labels, folds)
        probabilities = np.zeros(len(labels))
        for fold in range(FOLDS):
            model = _fit(features[folds != fold], labels[folds != fold], c)
            probabilities[folds == fold] = model.probability(features[folds == fold])
        right = np.asarray([int(self._shown(data[i], out_of_fold[i], second_ratio)[0]) for i in sorted(out_of_fold)])
        threshold, report = _answer_threshold(probabilities, right, answerable)
        return _fit(features, labels, c), threshold, report

    def _fit_spans(self, data: list[QuestionData]) -> tuple[Logistic, float, dict]:
        rows, labels, folds, groups = [], [], [], []
        for q in data:
            asked = normalise(q.question.question)
            terms = self.features.question_terms(q.question.question)
            for candidate, label in zip(q.candidates, q.labels):
                spans = self.features.answer_entities(candidate, asked) if label == 1 else []
                if not spans:
                    continue
                rows.append(span_features(candidate, spans, q.type_probabilities, terms))
                date = self.assistant.snapshot.releases[candidate.hit.release_id].date
                labels += [int(q.question.is_answered_by(span_text(candidate.text, entity, date))) for entity, _ in spans]
                folds += [q.fold] * len(spans)
                groups += [len(rows)] * len(spans)
        features, labels, folds = np.vstack(rows), np.asarray(labels), np.asarray(folds)
        c = _best_c(features, labels, folds)
        probabilities = np.zeros(len(labels))
        for fold in range(FOLDS):
            model = _fit(features[folds != fold], labels[folds != fold], c)
            probabilities[folds == fold] = model.probability(features[folds == fold])
        threshold, report = _span_threshold(probabilities, labels, np.asarray(groups))
        return _fit(features, labels, c), threshold, report


def _fit(features: np.ndarray, labels: np.ndarray, c: float, multiclass: bool = False) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight=None if multiclass else "balanced")
    model.fit((features - mean) / scale, labels)
    if multiclass:  # every class gets a row, even one missing from this fold's training data
        coef = np.zeros((len(QUESTION_CLASSES), features.shape[1]))
        intercept = np.full(len(QUESTION_CLASSES), -30.0)
        coef[model.classes_] = model.coef_
        intercept[model.classes_] = model.intercept_
        return Logistic(mean, scale, coef, intercept)
    return Logistic(mean, scale, model.coef_[0], np.asarray(model.intercept_[0]))


def _best_c(features, labels, folds, multiclass: bool = False) -> float:
    """The regularisation strength with the best out-of-fold log-likelihood."""
    best, best_value = C_GRID[0], -np.inf
    for c in C_GRID:
        values = []
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            if not test.any() or len(set(labels[train])) < 2:
                continue
            model = _fit(features[train], labels[train], c, multiclass)
            if multiclass:
                probabilities = model.class_probabilities(features[test])[np.arange(test.sum()), labels[test]]
            else:
                p = model.probability(features[test])
                probabilities = np.where(labels[test] == 1, p, 1 - p)
            values.append(np.log(np.clip(probabilities, 1e-9, 1)).mean())
        if values and np.mean(values) > best_value:
            best, best_value = c, float(np.mean(values))
    return best


def _answer_threshold(probabilities: np.ndarray, labels: np.ndarray, answerable: np.ndarray) -> tuple[float, dict]:
    """The threshold giving the most right answers over all questions, out of fold: answered and
    right, or refused and unanswerable. (Weighing both kinds of question equally instead refused a
    third of the answerable ones; staff stop trusting a tool that refuses what its first card shows.)"""
    best = (0.5, -1.0, {})
    for threshold in np.unique(np.concatenate([probabilities, [0.5]])):
        answered = probabilities >= threshold
        right_answers = (answered & (labels == 1))[answerable].mean()
        refused_unanswerable = (~answered)[~answerable].mean() if (~answerable).any() else 1.0
        value = float(((answered & (labels == 1)) | (~answered & ~answerable)).mean())
        if value > best[1]:
            report = {"accuracy": round(value, 4), "answer_accuracy": round(float(right_answers), 4),
                      "not_found_recall": round(float(refused_unanswerable), 4),
                      "false_refusals": round(float((~answered)[answerable].mean()), 4)}
            best = (float(threshold), value, report)
    return best[0], best[2]


def _span_threshold(probabilities: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> tuple[float, dict]:
    """The lowest threshold at which the short answers shown (each right sentence's best-rated
    entity) hold the key at least SPAN_PRECISION of the time, out of fold."""
    best_of = {}
    for probability, label, group in zip(probabilities, labels, groups):
        if group not in best_of or probability > best_of[group][0]:
            best_of[group] = (float(probability), int(label))
    top = np.asarray(list(best_of.values()))
    for threshold in np.sort(np.unique(top[:, 0])):
        shown = top[:, 0] >= threshold
        if top[shown, 1].mean() >= SPAN_PRECISION:
            return float(threshold), {"span_precision": round(float(top[shown, 1].mean()), 4),
                                      "span_coverage": round(float(shown.mean()), 4)}
    return 1.0, {"span_precision": None, "span_coverage": 0.0}
