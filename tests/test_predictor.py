"""The lean Predictor: the estimator's scores without scikit-learn, for paths and the bundled model."""

from __future__ import annotations

import pickle

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclf import load_model
from newsclf._model.loading import load_predictor, resolve_model
from newsclf._model.predictor import Predictor

HEADLINES = [
    "Brent crude climbs as OPEC+ extends output cuts",
    "Foreign ministers of Georgia and Kazakhstan discuss transit corridor",
    "Arsenal sign Brazilian midfielder",
    "UPDATE 2-Police detain 40 suspects in fraud raids",
    "",
]


def test_the_bundled_predictor_scores_exactly_as_the_estimator():
    predictor, estimator = load_predictor(), load_model()
    assert isinstance(predictor, Predictor) and predictor is load_predictor()  # read once
    np.testing.assert_array_equal(predictor.predict_proba(HEADLINES), estimator.predict_proba(HEADLINES))
    assert predictor.predict(HEADLINES).tolist() == estimator.predict(HEADLINES).tolist()
    assert predictor.card_ == estimator.card_


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_a_saved_model_scores_the_same_as_predictor_and_estimator(tiny_model_path, texts):
    predictor = load_predictor(tiny_model_path)
    estimator = load_model(tiny_model_path)
    np.testing.assert_array_equal(predictor.decision_function(texts), estimator.decision_function(texts))
    np.testing.assert_array_equal(predictor.predict_proba(texts), estimator.predict_proba(texts))


def test_a_predictor_pickles_without_its_derived_copy(tiny_model_path):
    predictor = load_predictor(tiny_model_path)
    state = predictor.__getstate__()
    assert "_coef_t_cache" not in state
    again = pickle.loads(pickle.dumps(predictor))
    np.testing.assert_array_equal(again.predict_proba(HEADLINES), predictor.predict_proba(HEADLINES))


def test_resolve_model_passes_an_estimator_through_and_loads_paths_lean(tiny_model, tiny_model_path):
    assert resolve_model(tiny_model) is tiny_model
    assert isinstance(resolve_model(tiny_model_path), Predictor)
    assert isinstance(resolve_model(None), Predictor)
    assert "labels" in repr(resolve_model(None))
