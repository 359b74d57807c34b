"""scikit-learn's estimator checks that apply to a text classifier, as an explicit list.

``check_estimator(NewsClassifier())`` runs almost nothing: the tags say the estimator takes
strings, not 2-d numeric arrays (``input_tags.two_d_array=False``), and scikit-learn then
skips every check but ``check_estimator_cloneable`` with a ``SkipTestWarning``. The checks feed
numeric arrays, so they are run here one by one:

- :data:`ON_THE_ESTIMATOR`: checks that fit no data, or only call an unfitted model; they run
  on ``NewsClassifier`` itself.
- :data:`THROUGH_AN_ADAPTER`: checks of what ``fit`` and the predict methods do; they run on
  :class:`NumbersAsHeadlines`, a test-only subclass that writes each numeric row as a
  headline (one word per feature) in front of ``NewsClassifier.fit`` and
  ``decision_function``. Everything else -- parameter validation, featurizing, the SVM, the
  temperature, predicting, pickling, cloning -- is ``NewsClassifier``'s own code. Sparse
  input and array-likes are passed through unchanged, so those checks meet NewsClassifier's
  own input handling.
- :data:`NOT_APPLICABLE`: every other check scikit-learn has for a classifier, and why it
  does not apply.

``test_every_check_is_accounted_for`` fails when scikit-learn adds a check, so that the new
one gets sorted into a list.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import SkipTestWarning
from sklearn.utils import estimator_checks

from newsclf import NewsClassifier


def _headlines(X):
    """Numeric rows as headlines: the row (3.2, -1.5) becomes "f0p3 f1n2"."""
    if sp.issparse(X) or (isinstance(X, list) and all(isinstance(t, str) for t in X)):
        return X  # texts already (predict_proba -> decision_function), or sparse: NewsClassifier's call
    rows = np.floor(np.asarray(X, dtype=np.float64)).astype(np.int64)
    return [" ".join(f"f{j}{'n' if v < 0 else 'p'}{abs(v)}" for j, v in enumerate(row)) for row in rows]


class NumbersAsHeadlines(NewsClassifier):
    """NewsClassifier on numeric rows, each written as a headline first (test-only)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        return tags

    def fit(self, X, y):
        return super().fit(_headlines(X), y)

    def decision_function(self, X):  # predict and predict_proba come through here
        return super().decision_function(_headlines(X))


#: Checks run on NewsClassifier itself: parameters, repr, tags, cloning, unfitted calls.
ON_THE_ESTIMATOR = [
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimators_unfitted",  # predict & co. raise NotFittedError before looking at X
]

#: Checks of fit and predict behaviour, run through NumbersAsHeadlines.
THROUGH_AN_ADAPTER = [
    "check_fit_score_takes_y",
    "check_estimators_fit_returns_self",
    "check_estimators_overwrite_params",  # fit does not change its parameters
    "check_dont_overwrite_parameters",  # fit sets only attributes ending in "_"
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_dict_unchanged",  # predicting leaves __dict__ alone (the coef_.T cache is built in fit)
    "check_methods_subset_invariance",
    "check_methods_sample_order_invariance",
    "check_decision_proba_consistency",
    "check_estimators_pickle",
    "check_readonly_memmap_input",
    "check_pipeline_consistency",
    "check_non_transformer_estimators_n_iter",
    "check_classifiers_one_label",  # "need at least 2 distinct labels ... only one class"
    "check_classifiers_one_label_sample_weights",  # fit has no sample_weight: TypeError naming it
    "check_classifiers_classes",  # string and integer labels
    "check_classifier_data_not_an_array",  # array-likes and pandas objects as X and y
    "check_supervised_y_2d",  # a column-vector y works, with a DataConversionWarning
    "check_requires_y_none",
    "check_positive_only_tag_during_fit",
    "check_estimators_partial_fit_n_features",  # no partial_fit: passes trivially
    "check_estimator_sparse_tag",  # sparse X: "X is a sparse matrix; NewsClassifier takes texts"
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
]

_NUMERIC = "validates numeric arrays; NewsClassifier takes texts (its input checks are in test_classifier.py)"

#: The other checks scikit-learn runs on a classifier, and why each does not apply.
NOT_APPLICABLE = {
    "check_estimators_dtypes": f"float32/int arrays: {_NUMERIC}",
    "check_complex_data": f"complex numbers: {_NUMERIC}",
    "check_dtype_object": f"object arrays of numbers: {_NUMERIC}",
    "check_estimators_nan_inf": f"NaN and inf features: {_NUMERIC}",
    "check_f_contiguous_array_estimator": f"memory layout of a float array: {_NUMERIC}",
    "check_estimators_empty_data_messages": "wants the '0 feature(s)' message for shape (n, 0): a text "
    "has no fixed number of features (a 0-column input is refused by NewsClassifier's own check)",
    "check_n_features_in": "n_features_in_: a text has no fixed number of features (as for "
    "scikit-learn's own TfidfVectorizer, which does not set it either)",
    "check_n_features_in_after_fitting": "n_features_in_, as check_n_features_in",
    "check_fit2d_1feature": f"one numeric feature: {_NUMERIC}",
    "check_fit2d_1sample": "one numeric row; fitting on one text fails with 'need at least 2 distinct "
    "labels ... only one class', tested in test_classifier.py",
    "check_fit1d": "wants 1-d X refused: 1-d (a sequence of texts) is NewsClassifier's native input",
    "check_fit2d_predict1d": "wants 1-d X refused at predict, as check_fit1d",
    "check_classifiers_train": "mostly wants a different number of numeric features at predict to "
    "raise: n/a to texts; its other assertions (shapes, probabilities) are in test_classifier.py",
    "check_classifiers_regression_target": "labels are names: every non-integer label becomes a string "
    "(documented in NewsClassifier.fit), so a float target is a set of labels, not an error",
    "check_supervised_y_no_nan": "labels are names, as above (NaN becomes the label 'nan'); the "
    "check's all-NaN y only fails because it has one class",
    "check_class_weight_classifiers": "uses a class_weight dict, which NewsClassifier refuses by design: "
    "a .newsclf model file cannot store one (see newsclf._model.params)",
    "check_array_api_input": "array API namespaces: NewsClassifier takes Python strings",
}


def _check(name):
    check = getattr(estimator_checks, name, None)
    if check is None:
        pytest.skip(f"this scikit-learn has no {name}")
    return check


@pytest.mark.parametrize("name", ON_THE_ESTIMATOR)
def test_check_on_the_estimator(name):
    _check(name)(type(NewsClassifier()).__name__, NewsClassifier())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", THROUGH_AN_ADAPTER)
def test_check_through_an_adapter(name):
    check = _check(name)
    check("NumbersAsHeadlines", NumbersAsHeadlines())
    if name == "check_estimators_pickle":  # scikit-learn also runs it on memory-mapped arrays
        check("NumbersAsHeadlines", NumbersAsHeadlines(), readonly_memmap=True)


def _check_names(checks):
    for check in checks:
        while isinstance(check, functools.partial):
            check = check.func
        yield getattr(check, "__name__", repr(check))


def test_every_check_is_accounted_for():
    generator = getattr(estimator_checks, "estimator_checks_generator", None)
    if generator is None:
        pytest.skip("estimator_checks_generator needs scikit-learn >= 1.6")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkipTestWarning)
        yielded = set(_check_names(check for _, check in generator(NumbersAsHeadlines(), mark=None)))
    listed = set(ON_THE_ESTIMATOR) | set(THROUGH_AN_ADAPTER) | set(NOT_APPLICABLE)
    assert yielded - listed == set(), "new scikit-learn checks: sort them into a list above"
    assert len(listed) == len(ON_THE_ESTIMATOR) + len(THROUGH_AN_ADAPTER) + len(NOT_APPLICABLE)


def test_check_estimator_skips_a_text_estimator_which_is_why_the_lists_exist():
    if not hasattr(estimator_checks, "estimator_checks_generator"):
        pytest.skip("check_estimator returns its results from scikit-learn 1.6")
    with pytest.warns(SkipTestWarning, match="Can't test estimator NewsClassifier"):
        results = estimator_checks.check_estimator(NewsClassifier())
    assert [r["check_name"] for r in results] == ["check_estimator_cloneable"]
