"""Candidate sentences and their features: plumbing on a small index with the fake embedder."""

import math

import numpy as np
import pytest

from qa import Assistant
from qa.answer.features import (FEATURES, FeatureBuilder, question_names, question_terms, span_features,
                                term_positions)
from qa.answer.model import QUESTION_CLASSES, SPAN_FEATURES

from ..fakes import FakeEmbedder

QUESTION = "Who co-chaired the Special ASEAN-Russia Foreign Ministers' Meeting in 2021?"


@pytest.fixture
def built(fake_index):
    assistant = Assistant.open(fake_index, embedder=FakeEmbedder())
    vector = assistant.embedder.embed_queries([QUESTION])[0]
    hits = assistant.retriever.search(QUESTION, vector, 5)
    who = {name: float(name == "who") for name in QUESTION_CLASSES}
    builder = FeatureBuilder(assistant.snapshot)
    return assistant, builder, hits, builder.build(QUESTION, vector, hits, who)


def test_every_sentence_of_the_passages_is_a_candidate_once_with_every_feature(built):
    assistant, _, hits, candidates = built
    expected = {s.sentence_id for hit in hits for s in assistant.snapshot.chunk_sentences(hit.chunk_id)}
    assert {c.sentence.sentence_id for c in candidates} == expected
    for candidate in candidates:
        vector = candidate.vector()
        assert vector.shape == (len(FEATURES),) and np.isfinite(vector).all()
        assert 0.0 <= candidate.features["lexical"] <= 1.0 and candidate.features["lexical_gap"] <= 0.0
        assert candidate.features["year_match"] + candidate.features["year_mismatch"] == 1.0  # the question names 2021


def test_the_co_chair_sentence_fits_a_who_question(built):
    _, _, _, candidates = built
    cochair = next(c for c in candidates if c.text.startswith("The Meeting was co-chaired"))
    assert cochair.features["type_who"] == 1.0 and cochair.features["type_missing"] == 0.0
    assert cochair.features["names_missing_release"] == 0.0


def test_retyping_changes_only_what_depends_on_the_question_kind(built):
    _, builder, _, candidates = built
    before = [dict(c.features) for c in candidates]
    builder.retype(QUESTION, candidates, {name: float(name == "when") for name in QUESTION_CLASSES})
    kind_features = {"type_fit", "type_missing", "relative_day", "type_near_predicate",
                     *(f"type_{kind}" for kind in ("who", "when", "where", "number", "list"))}
    for old, candidate in zip(before, candidates):
        assert {name for name in FEATURES if old[name] != candidate.features[name]} <= kind_features


def test_question_terms_skip_question_words_and_weigh_rare_words_more(built):
    assistant = built[0]
    terms = question_terms(assistant.snapshot, "Who co-chaired the meeting with Lavrov?")
    assert "who" not in terms and all(weight > 0 for weight in terms.values())
    assert terms[max(terms, key=terms.get)] >= terms.get("meet", 0.0)
    assert question_names("Where did Biden meet Xi Jinping in 2022?") == ["biden", "xi", "jinping", "2022"]
    assert term_positions("The Meeting was co-chaired by Lavrov", {"meet": 1.0}) == [4]


def test_span_features_give_one_row_per_span(built):
    _, builder, _, candidates = built
    cochair = next(c for c in candidates if c.text.startswith("The Meeting was co-chaired"))
    spans = builder.answer_entities(cochair, "who co-chaired the meeting?")
    rows = span_features(cochair, spans, {name: float(name == "who") for name in QUESTION_CLASSES}, {"chair": 1.0})
    assert rows.shape == (len(spans), len(SPAN_FEATURES)) and np.isfinite(rows).all()
    assert all(math.isclose(row[0], 1.0) for row, (_, kind) in zip(rows, spans) if kind == "person")
