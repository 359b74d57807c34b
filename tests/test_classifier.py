import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from sklearn.base import clone
from sklearn.svm import LinearSVC

from newsclf import NewsClassifier
from newsclf._model.classifier import TEMPERATURE_BOUNDS, fit_temperature


def test_fit_returns_self_and_sets_learned_state(corpus):
    model = NewsClassifier(min_df=1)
    assert model.fit(corpus.text, corpus.label) is model
    assert list(model.classes_) == ["energy", "health", "sport"]
    assert model.coef_.shape == (3, model.features_.n_features)
    assert model.intercept_.shape == (3,)
    assert model.card_["training_data"]["rows"] == len(corpus)


def test_scikit_learn_conventions(tiny_model):
    params = tiny_model.get_params()
    assert params["C"] == 0.5 and params["min_df"] == 1
    twin = clone(tiny_model)
    assert twin.get_params() == params and not hasattr(twin, "coef_")
    assert twin.set_params(C=3.0) is twin and twin.C == 3.0


def test_predictions_on_clear_cases(tiny_model):
    assert list(tiny_model.predict(["Striker signs for club", "Crude oil prices climb"])) == [
        "sport",
        "energy",
    ]
    assert tiny_model.score(["Vaccine trial approved"], ["health"]) == 1.0


def test_scores_are_scikit_learn_svm_scores_over_the_temperature(corpus, tiny_model):
    X = tiny_model.features_.transform(corpus.text)
    reference = LinearSVC(C=0.5, class_weight="balanced", random_state=0, dual=True).fit(X, corpus.label)
    scores = reference.decision_function(X) / tiny_model.temperature_
    np.testing.assert_allclose(tiny_model.decision_function(corpus.text), scores, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(tiny_model.predict_proba(corpus.text), softmax(scores, axis=1), atol=1e-12)
    low, high = TEMPERATURE_BOUNDS
    assert low <= tiny_model.temperature_ <= high


def test_fitted_temperature_recovers_the_one_that_made_the_labels():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(20_000, 4)) * 3
    for true_t in (0.3, 1.0, 4.0):
        gumbel = rng.gumbel(size=scores.shape)  # argmax(s / T + Gumbel) ~ softmax(s / T)
        labels = np.argmax(scores / true_t + gumbel, axis=1)
        assert fit_temperature(scores, labels) == pytest.approx(true_t, rel=0.1)


def test_temperature_is_held_within_bounds_on_separable_scores():
    scores = np.array([[5.0, -5.0], [-5.0, 5.0]] * 50)
    # The likelihood only grows as T shrinks: the fit goes to the floor (within its tolerance).
    assert TEMPERATURE_BOUNDS[0] <= fit_temperature(scores, np.array([0, 1] * 50)) < 0.25


def test_two_labels(corpus):
    two = corpus[corpus.label != "health"]
    model = NewsClassifier(min_df=1).fit(two.text, two.label)
    proba = model.predict_proba(["oil pipeline deal", "coach wins cup"])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(model.predict(["oil pipeline deal", "coach wins cup"])) == ["energy", "sport"]
    assert model.explain("oil pipeline deal", 3, label="energy")[0].weight > 0
    assert (
        model.explain("oil pipeline deal", 3, label="sport")[0].weight
        < model.explain("oil pipeline deal", 3, label="energy")[0].weight
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=8))
def test_probabilities_sum_to_one(tiny_model, texts):
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert list(tiny_model.predict(texts)) == list(tiny_model.classes_[proba.argmax(axis=1)])


def test_explain_weights_are_tfidf_times_coefficient(tiny_model):
    text = "Crude oil output deal"
    terms = tiny_model.explain(text, 5)
    assert 0 < len(terms) <= 5
    weights = [t.weight for t in terms]
    assert weights == sorted(weights, reverse=True)
    row = tiny_model.features_.transform([text])
    energy = list(tiny_model.classes_).index("energy")
    names = tiny_model.features_.feature_names()
    expected = {names[j]: row[0, j] * tiny_model.coef_[energy, j] for j in row.indices}
    for term in terms:
        assert term.weight == pytest.approx(expected[(term.kind, term.term)])
    assert {t.term for t in terms if t.kind == "word"} & {
        "crude",
        "oil",
        "output",
        "deal",
        "crude oil",
    }


def test_explain_rejects_unknown_label_and_bad_input(tiny_model):
    with pytest.raises(ValueError, match="unknown label 'politics'"):
        tiny_model.explain("oil", label="politics")
    with pytest.raises(TypeError, match="text must be str"):
        tiny_model.explain(None)  # type: ignore[arg-type]


def test_rejects_non_text_input(tiny_model):
    with pytest.raises(TypeError, match="single str"):
        tiny_model.predict("one string")
    with pytest.raises(TypeError, match=r"X\[1\] is int"):
        tiny_model.predict(["ok", 3])


def test_fit_needs_two_labels_and_matching_lengths():
    with pytest.raises(ValueError, match=r"at least 2 distinct labels .*; y has only one class \('x'\)"):
        NewsClassifier().fit(["a b", "c d"], ["x", "x"])
    with pytest.raises(ValueError, match=r"at least 2 distinct labels .*; y has no labels"):
        NewsClassifier().fit([], [])
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        NewsClassifier().fit(["a b", "c d"], None)
    with pytest.raises(ValueError, match="2 texts but y has 1"):
        NewsClassifier().fit(["a b", "c d"], ["x"])


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_fit_is_deterministic_for_a_seed(corpus, seed):
    a = NewsClassifier(min_df=1, random_state=seed).fit(corpus.text, corpus.label)
    b = NewsClassifier(min_df=1, random_state=seed).fit(corpus.text, corpus.label)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)
    assert a.features_.vocabularies_ == b.features_.vocabularies_


def test_integer_labels_stay_integers(corpus):
    from sklearn.model_selection import cross_val_score

    codes = corpus.label.map({"energy": 0, "health": 1, "sport": 2}).tolist()
    model = NewsClassifier(min_df=1).fit(corpus.text, codes)
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.predict(["Crude oil climbs"])[0] == 0
    assert model.score(corpus.text, codes) > 0.9
    scores = cross_val_score(NewsClassifier(min_df=1), corpus.text.tolist(), codes, cv=3)
    assert scores.mean() > 0.8


def test_long_texts_are_cut_before_featurizing(tiny_model):
    from newsclf._model.features import MAX_TEXT_CHARS

    head = "Crude oil climbs " * (MAX_TEXT_CHARS // 17 + 1)
    assert np.array_equal(
        tiny_model.predict_proba([head + "vaccine " * 100_000]), tiny_model.predict_proba([head])
    )


def test_learned_arrays_are_frozen_and_replacing_them_takes_effect(corpus):
    model = NewsClassifier(min_df=1).fit(corpus.text, corpus.label)
    before = model.predict_proba(["Crude oil climbs"])
    with pytest.raises(ValueError, match="read-only"):
        model.coef_[0, 0] = 1.0
    model.coef_ = -model.coef_
    assert not np.allclose(model.predict_proba(["Crude oil climbs"]), before)


# -- 2-d input: one text column is taken, anything else refused -----------------------------
def test_one_column_dataframe_or_array_is_taken_as_its_column(tiny_model, corpus):
    import pandas as pd

    frame = pd.DataFrame({"headline": ["Striker signs for club", "Crude oil prices climb", "Flu vaccine"]})
    expected = tiny_model.predict(frame.headline)
    assert len(expected) == 3
    column = frame[["headline"]]
    for X in (column, column.to_numpy(), np.asarray(column, dtype=str)):
        assert list(tiny_model.predict(X)) == list(expected)
        np.testing.assert_array_equal(tiny_model.predict_proba(X), tiny_model.predict_proba(frame.headline))
        np.testing.assert_array_equal(
            tiny_model.decision_function(X), tiny_model.decision_function(frame.headline)
        )
    refit = NewsClassifier(min_df=1).fit(corpus[["text"]], corpus.label)
    np.testing.assert_array_equal(refit.coef_, tiny_model.coef_)


def test_column_transformer_in_a_pipeline_feeds_one_column(corpus):
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline

    frame = corpus.rename(columns={"text": "headline"}).assign(source="wire")
    pipeline = make_pipeline(
        ColumnTransformer([("headline", "passthrough", ["headline"])]), NewsClassifier(min_df=1)
    ).fit(frame, frame.label)
    probes = pd.DataFrame({"headline": ["Coach signs striker", "Oil output deal"], "source": "web"})
    assert list(pipeline.predict(probes)) == ["sport", "energy"]
    assert pipeline.score(frame, frame.label) > 0.9


@pytest.mark.parametrize("method", ["fit", "predict", "predict_proba", "decision_function"])
def test_other_2d_input_is_refused_clearly(tiny_model, corpus, method):
    import pandas as pd

    def call(X):
        if method == "fit":
            return NewsClassifier().fit(X, ["sport", "energy"])
        return getattr(tiny_model, method)(X)

    two = pd.DataFrame({"headline": ["a b", "c d"], "source": ["x", "y"]})
    with pytest.raises(ValueError, match=r"X has 2 columns \('headline', 'source'\); NewsClassifier"):
        call(two)
    with pytest.raises(ValueError, match="X has 2 columns; NewsClassifier takes one column of texts"):
        call(two.to_numpy())
    with pytest.raises(ValueError, match=r"X has 3 dimensions \(2, 1, 1\)"):
        call(np.array([[["a"]], [["b"]]]))
    with pytest.raises(ValueError, match="X has 0 columns"):
        call(np.empty((2, 0), dtype=object))
    with pytest.raises(TypeError, match="X is a sparse matrix"):
        import scipy.sparse as sp

        call(sp.csr_matrix(np.eye(2)))
    with pytest.raises(TypeError, match="X must be an iterable of texts, not a 0-d ndarray"):
        call(np.array("one text"))
    with pytest.raises(TypeError, match=r"X\[0\] is float64, not str"):
        call(np.zeros((2, 1)))


def test_a_column_vector_of_labels_is_taken_with_scikit_learns_warning(corpus, tiny_model):
    from sklearn.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning, match="column-vector y"):
        model = NewsClassifier(min_df=1).fit(corpus.text, corpus[["label"]])
    np.testing.assert_array_equal(model.coef_, tiny_model.coef_)
    with pytest.raises(
        ValueError, match=r"y has 2 columns \('label', 'text'\); NewsClassifier takes one column of labels"
    ):
        NewsClassifier(min_df=1).fit(corpus.text, corpus[["label", "text"]])


# -- unfitted ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.predict(["x"]),
        lambda m: m.predict_proba(["x"]),
        lambda m: m.decision_function(["x"]),
        lambda m: m.score(["x"], ["y"]),
        lambda m: m.explain("x"),
        lambda m: m.explain("x", label="sport"),
    ],
    ids=["predict", "predict_proba", "decision_function", "score", "explain", "explain_label"],
)
def test_an_unfitted_model_raises_not_fitted_error(call):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="This NewsClassifier instance is not fitted yet"):
        call(NewsClassifier())


def test_predicting_leaves_the_estimator_dict_unchanged(corpus, tiny_model, tiny_model_path):
    import pickle

    from newsclf import load_model

    for model in (tiny_model, load_model(tiny_model_path), pickle.loads(pickle.dumps(tiny_model))):
        before = dict(vars(model))
        model.predict(corpus.text[:3])
        assert vars(model) == before


def _fit_in(mode, monkeypatch, corpus, **params):
    from newsclf._model import classifier

    monkeypatch.setattr(classifier, "CONCURRENT_FIT_ROWS", 0)
    monkeypatch.setattr(classifier, "_cores", lambda: 2)
    monkeypatch.setattr(classifier, "_can_fork", lambda: mode == "concurrent")
    return NewsClassifier(min_df=1, **params).fit(corpus.text, corpus.label)


@pytest.mark.parametrize("seed", [0, 7])
def test_concurrent_temperature_fit_gives_the_same_model(monkeypatch, corpus, seed):
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: the fits always run one after the other")
    one_by_one = _fit_in("sequential", monkeypatch, corpus, random_state=seed)
    side_by_side = _fit_in("concurrent", monkeypatch, corpus, random_state=seed)
    assert side_by_side.temperature_ == one_by_one.temperature_ != 1.0
    np.testing.assert_array_equal(side_by_side.coef_, one_by_one.coef_)
    np.testing.assert_array_equal(side_by_side.intercept_, one_by_one.intercept_)


def test_concurrent_temperature_fit_passes_on_the_child_warnings(monkeypatch, corpus):
    import multiprocessing
    import warnings

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    caught = {}
    for mode in ("sequential", "concurrent"):
        with warnings.catch_warnings(record=True) as found:
            warnings.simplefilter("always")
            _fit_in(mode, monkeypatch, corpus, max_iter=1)
        caught[mode] = sorted(type(w.message).__name__ for w in found)
    assert caught["concurrent"] == caught["sequential"]
    assert "ConvergenceWarning" in caught["concurrent"]


def test_a_failed_child_falls_back_to_fitting_here(monkeypatch, corpus):
    from newsclf._model import classifier

    real_result = classifier._TemperatureChild.result
    monkeypatch.setattr(classifier._TemperatureChild, "result", lambda self: real_result(self) and None)
    expected = _fit_in("sequential", monkeypatch, corpus)
    fallen_back = _fit_in("concurrent", monkeypatch, corpus)
    assert fallen_back.temperature_ == expected.temperature_
