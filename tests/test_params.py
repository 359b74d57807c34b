"""Hyperparameter validation: fit, save and load apply one set of rules (newsclf._model.params)."""

import hashlib
import json
import math
import re
import zipfile

import numpy as np
import pytest
import sklearn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.utils._param_validation import InvalidParameterError as SklearnInvalidParameterError

from conftest import make_corpus
from newsclf import ArtifactError, NewsClassifier, load_model
from newsclf._model.features import FEATURE_PARAMS
from newsclf._model.params import (
    MAX_ITER,
    MAX_NGRAM,
    MAX_SEED,
    PARAMETER_RULES,
    InvalidParameterError,
    check_params,
    is_valid,
    params_to_json,
    stored_value,
)

SMALL = make_corpus(per_label=8)
TWO = (["oil climbs", "coach wins"], ["energy", "sport"])


def test_every_parameter_has_a_rule():
    assert set(PARAMETER_RULES) == set(NewsClassifier().get_params())


def test_the_defaults_are_valid():
    check_params(NewsClassifier().get_params())


def test_our_error_is_scikit_learns():
    assert issubclass(InvalidParameterError, SklearnInvalidParameterError)
    assert issubclass(InvalidParameterError, ValueError) and issubclass(InvalidParameterError, TypeError)


INVALID = [
    # The four that used to fit and save, then fail to load as "corrupt model file".
    ("min_df", 0, "an int >= 1"),
    ("word_ngram_range", (2, 1), "1 <= low <= high"),
    ("char_weight", -2, "(0.0, 1e+06]"),
    ("class_weight", {"sport": 2.0, "energy": 1.0}, "a dict of per-label weights is not supported"),
    ("min_df", 0.0, "a float in the range (0.0, 1.0]"),
    ("min_df", 1.5, "a float in the range (0.0, 1.0]"),
    ("min_df", -1, "an int >= 1"),
    ("min_df", True, "an int >= 1"),
    ("min_df", "2", "an int >= 1"),
    ("min_df", math.nan, "an int >= 1"),
    ("word_ngram_range", (0, 2), "1 <= low"),
    ("word_ngram_range", (1, MAX_NGRAM + 1), f"high <= {MAX_NGRAM}"),
    ("word_ngram_range", [1, 2], "a tuple (low, high)"),
    ("word_ngram_range", (1, 2, 3), "a tuple (low, high)"),
    ("char_ngram_range", (3.0, 5.0), "a tuple (low, high) of ints"),
    ("char_ngram_range", (True, True), "a tuple (low, high) of ints"),
    ("char_ngram_range", 3, "a tuple (low, high)"),
    ("sublinear_tf", "yes", "a bool"),
    ("sublinear_tf", 1, "a bool"),
    ("strip_furniture", "no", "a bool"),
    ("strip_furniture", 0, "a bool"),
    ("strip_furniture", None, "a bool"),
    ("char_weight", 0, "(0.0, 1e+06]"),
    ("char_weight", math.inf, "(0.0, 1e+06]"),
    ("char_weight", math.nan, "(0.0, 1e+06]"),
    ("char_weight", 2e6, "(0.0, 1e+06]"),
    ("C", 0, "a finite float > 0"),
    ("C", -0.5, "a finite float > 0"),
    ("C", math.inf, "a finite float > 0"),
    ("C", 10**400, "a finite float > 0"),
    ("C", "1", "a finite float > 0"),
    ("C", None, "a finite float > 0"),
    ("class_weight", "balanced_subsample", "'balanced' or None"),
    ("class_weight", "auto", "'balanced' or None"),
    ("max_iter", 0, f"an int in the range [1, {MAX_ITER}]"),
    ("max_iter", 100.0, "an int in the range"),
    ("max_iter", MAX_ITER + 1, "an int in the range"),
    ("max_iter", True, "an int in the range"),
    ("random_state", -1, f"an int in the range [0, {MAX_SEED}] or None"),
    ("random_state", MAX_SEED + 1, "an int in the range"),
    ("random_state", np.random.RandomState(0), "a numpy RandomState or Generator is not supported"),
    ("random_state", np.random.default_rng(0), "pass its seed"),
    ("random_state", 1.0, "an int in the range"),
]


# Stable ids (no memory addresses): every pytest-xdist worker must collect the same tests.
INVALID_IDS = [re.sub(r" at 0x[0-9a-fA-F]+", "", f"{name}={value!r}")[:40] for name, value, _ in INVALID]


@pytest.mark.parametrize(("name", "value", "allowed"), INVALID, ids=INVALID_IDS)
def test_fit_rejects_an_invalid_value_naming_parameter_value_and_what_is_allowed(name, value, allowed):
    model = NewsClassifier(**{name: value})  # __init__ and set_params never validate
    with pytest.raises(InvalidParameterError) as raised:
        model.fit(*TWO)
    message = str(raised.value)
    assert message.startswith(f"The {name!r} parameter of NewsClassifier must be ")
    assert allowed in message and f"Got {value!r} instead." in message
    assert not hasattr(model, "coef_")  # nothing was fitted


def test_validation_runs_even_when_scikit_learn_skips_its_own():
    with sklearn.config_context(skip_parameter_validation=True), pytest.raises(InvalidParameterError):
        NewsClassifier(min_df=0).fit(*TWO)


def test_parameters_are_checked_before_the_data():
    with pytest.raises(InvalidParameterError, match="'C' parameter"):
        NewsClassifier(C=-1).fit("not a list of texts", ["x"])


@pytest.mark.parametrize(
    "params",
    [
        {"min_df": 1.0},
        {"min_df": 0.5},
        {"min_df": np.int64(2)},
        {"min_df": np.float32(0.25)},
        {"C": np.float32(0.5), "max_iter": np.int64(50), "sublinear_tf": np.bool_(False)},
        {"word_ngram_range": (np.int64(1), np.int32(3)), "char_ngram_range": (2, 2)},
        {"random_state": None},
        {"random_state": MAX_SEED},
        {"class_weight": None, "C": 3, "char_weight": 2},
        {"strip_furniture": False},
        {"strip_furniture": np.bool_(False)},
        {"strip_furniture": np.bool_(True)},
    ],
    ids=repr,
)
def test_numpy_scalars_and_edge_values_fit_save_and_load(params, tmp_path):
    model = NewsClassifier(**params).fit(SMALL.text, SMALL.label)
    loaded = load_model(model.save(tmp_path / "m.newsclf"))
    assert loaded.get_params() == model.get_params()
    assert type(loaded.min_df) is (int if isinstance(model.min_df, (int, np.integer)) else float)
    np.testing.assert_array_equal(loaded.predict_proba(SMALL.text), model.predict_proba(SMALL.text))


def test_params_to_json_gives_plain_data_and_leaves_plain_params_as_they_are():
    plain = NewsClassifier().get_params()
    assert params_to_json(plain) == {k: list(v) if isinstance(v, tuple) else v for k, v in plain.items()}
    numpy_params = {"min_df": np.int64(2), "C": np.float32(0.5), "sublinear_tf": np.bool_(True),
                    "word_ngram_range": (np.int64(1), np.int64(2)), "class_weight": None}  # fmt: skip
    converted = params_to_json(numpy_params)
    assert json.loads(json.dumps(converted)) == converted
    assert [type(v) for v in converted.values()] == [int, float, bool, list, type(None)]
    assert type(converted["word_ngram_range"][0]) is int


# -- save refuses what load would refuse ---------------------------------------------------
def test_save_refuses_parameters_made_invalid_after_fit(tmp_path):
    model = NewsClassifier(min_df=1).fit(SMALL.text, SMALL.label)
    model.set_params(class_weight={"sport": 2.0})
    with pytest.raises(InvalidParameterError, match="'class_weight' parameter"):
        model.save(tmp_path / "m.newsclf")
    assert not list(tmp_path.iterdir())
    model.save(tmp_path / "m.joblib", format="joblib")  # pickles whatever it is given


@pytest.mark.parametrize(
    ("name", "value"),
    [("min_df", 3), ("min_df", 1.0), ("char_ngram_range", (2, 4)), ("strip_furniture", False)],
)
def test_save_refuses_feature_settings_changed_after_fit(tmp_path, name, value):
    model = NewsClassifier(min_df=1).fit(SMALL.text, SMALL.label)
    model.set_params(**{name: value})
    with pytest.raises(ValueError, match=rf"cannot save: {name} is .* but the model was fitted with"):
        model.save(tmp_path / "m.newsclf")
    assert not list(tmp_path.iterdir())


# -- properties ------------------------------------------------------------------------------
def _ngram_range():
    return st.integers(1, 4).flatmap(lambda low: st.tuples(st.just(low), st.integers(low, low + 2)))


VALID_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "word_ngram_range": _ngram_range(),
        "char_ngram_range": _ngram_range(),
        "min_df": st.one_of(st.integers(1, 40), st.floats(0.0, 1.0, exclude_min=True)),
        "sublinear_tf": st.booleans(),
        "char_weight": st.floats(1e-3, 1e3),
        "strip_furniture": st.booleans(),
        "C": st.floats(1e-3, 1e3),
        "class_weight": st.sampled_from(["balanced", None]),
        "max_iter": st.integers(1, 2000),
        "random_state": st.one_of(st.none(), st.integers(0, MAX_SEED)),
    },
)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # small max_iter
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=VALID_PARAMS)
def test_valid_params_always_fit_and_round_trip_through_save_and_load(tmp_path, params):
    model = NewsClassifier(**params).fit(SMALL.text, SMALL.label)
    loaded = load_model(model.save(tmp_path / "m.newsclf"))
    assert loaded.get_params() == model.get_params()
    assert type(loaded.min_df) is type(model.min_df)  # 1 and 1.0 are different settings
    assert loaded.features_.settings() == model.features_.settings()
    assert loaded.features_.vocabularies_ == model.features_.vocabularies_
    probes = [*SMALL.text[:5], "", "unseen words entirely"]
    np.testing.assert_array_equal(loaded.predict_proba(probes), model.predict_proba(probes))


#: Values of every JSON type, a few of them allowed for some parameter.
JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 30),
    st.sampled_from([0, 1, 2**31, 2**32, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 0.5, 1.0, 1.5, -0.0, 1e-300, 1e6, 1e7]),
    st.sampled_from(["balanced", "none", "", "2"]),
    st.lists(st.integers(-1, 25), max_size=3),
    st.lists(st.sampled_from([1.0, True, "1"]), min_size=2, max_size=2),
    st.dictionaries(st.sampled_from(["sport", "1"]), st.floats(0.1, 3.0), max_size=2),
)


def _with_stored(src, dst, name, value):
    """Copy a model file, storing ``value`` as hyperparameter ``name`` (and feature setting)."""
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    spec = json.loads(members["model.json"])
    spec["params"][name] = value
    if name in FEATURE_PARAMS:
        spec["features"][name] = value
    members["model.json"] = json.dumps(spec).encode()
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "checksums.json"}
    members["checksums.json"] = json.dumps(sums).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for member, data in members.items():
            zout.writestr(member, data)
    return dst


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(PARAMETER_RULES)), value=JSON_VALUES)
def test_fit_and_load_accept_exactly_the_same_values(tiny_model_path, tmp_path, name, value):
    """One definition of valid: a stored value loads exactly when fit accepts it."""
    python_value = stored_value(name, value)  # what the loaded estimator would hold
    path = _with_stored(tiny_model_path, tmp_path / "crafted.newsclf", name, value)
    if is_valid(name, python_value):
        assert load_model(path).get_params()[name] == python_value
        check_params({name: python_value})
    else:
        with pytest.raises(ArtifactError, match="invalid .*" + re.escape(name)):
            load_model(path)
        with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter"):
            NewsClassifier(**{name: python_value}).fit(*TWO)
