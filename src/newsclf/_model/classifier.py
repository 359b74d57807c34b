"""The newsclf estimator: TF-IDF features into a linear SVM with calibrated softmax scores."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .card import fit_card
from .features import FEATURE_PARAMS, LEGACY_SETTINGS, TextFeatures
from .fileformat import StoredModel, save_model
from .params import check_params
from .predictor import LinearTopics, as_texts, one_column, read_only

__all__ = ["Contribution", "NewsClassifier"]


@dataclass(frozen=True)
class Contribution:
    """One feature's push towards a label: its TF-IDF weight times the label's coefficient."""

    term: str
    kind: Literal["word", "char"]
    weight: float


def _as_labels(y: Iterable[object]) -> np.ndarray:
    """Labels as an int array when they are all integers, else as strings.

    A column vector (shape ``(n, 1)``) is taken as its column, with scikit-learn's warning.
    """
    shape = getattr(y, "shape", None)
    if isinstance(shape, tuple) and len(shape) == 2 and shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the shape "
            "of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
    values = list(one_column(y, where="y", what="labels"))
    if values and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.int64)
    return np.asarray([str(v) for v in values])


#: Share of the training rows held out to fit the score temperature (see ``NewsClassifier``).
CALIBRATION_SHARE = 0.2

#: Bounds of the fitted temperature. Separable held-out scores would drive it to zero (and
#: every probability to 0 or 1); headline corpora land near 0.25.
TEMPERATURE_BOUNDS = (0.1, 10.0)


def _scores(X: Any, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return np.asarray(X @ coef.T + intercept)


def _nll(scores: np.ndarray, y: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of labels ``y`` (column indices) under softmax(scores / T)."""
    if scores.shape[1] == 1:  # two labels: one score, positive for the second
        sign = np.where(y == 1, 1.0, -1.0)
        return float(-np.mean(log_expit(sign * scores[:, 0] / temperature)))
    return float(-np.mean(log_softmax(scores / temperature, axis=1)[np.arange(len(y)), y]))


#: Fewest training rows for which ``fit`` runs the temperature fit in a second process, beside
#: the final fit: below it, starting the process costs more than the fit.
CONCURRENT_FIT_ROWS = 5_000


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # the cores this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Return the temperature ``T`` whose softmax(scores / T) best fits ``y`` (max likelihood)."""
    low, high = np.log(TEMPERATURE_BOUNDS)
    found = minimize_scalar(
        lambda log_t: _nll(scores, y, float(np.exp(log_t))), bounds=(low, high), method="bounded"
    )
    return float(np.exp(found.x))


class NewsClassifier(LinearTopics, ClassifierMixin, BaseEstimator):
    """Headline topic classifier: word + character n-gram TF-IDF into a linear SVM.

    A scikit-learn estimator: ``fit`` returns self, learned state ends in ``_``, and
    ``get_params``/``set_params``/``clone`` work.

    The linear model is a one-vs-rest linear SVM (liblinear), which on headlines is as
    accurate as a logistic regression and an order of magnitude faster to fit. Its scores
    become probabilities through a softmax with a fitted temperature (*temperature
    scaling*): a model fitted on ``1 - CALIBRATION_SHARE`` of the rows scores the rest, the
    temperature that maximises their likelihood is kept, and the final model, fitted on all
    rows, has its coefficients divided by it. So ``predict_proba`` is a softmax of the linear
    scores, and a score of 0.9 means about 9 in 10 right (``temperature_`` records ``T``).

    Parameters
    ----------
    word_ngram_range : tuple of int, default=(1, 2)
        Word n-gram range.
    char_ngram_range : tuple of int, default=(3, 5)
        Character n-gram range (within word boundaries).
    min_df : int or float, default=2
        Keep only terms that appear in at least ``min_df`` training texts (an int >= 1) or
        in at least this share of them (a float in (0, 1]), in both feature blocks; this is
        scikit-learn's ``CountVectorizer`` meaning. A block left without terms falls back to 1.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)`` term weighting.
    char_weight : float, default=1.0
        Scale of the character block relative to the word block.
    C : float, default=0.5
        Inverse L2 regularisation strength of the SVM.
    class_weight : {"balanced"} or None, default="balanced"
        Re-weight classes inversely to their frequency (helps rare labels' recall). A dict
        of per-label weights is refused by ``fit``: a ``.newsclf`` model file cannot store
        one (its labels may be ints, which JSON object keys cannot be).
    max_iter : int, default=1000
        Iteration limit of the liblinear solver.
    random_state : int or None, default=0
        Seed of the solver's coordinate order and of the calibration split, in
        ``[0, 2**32 - 1]``; None draws a fresh one on each fit. A numpy ``RandomState`` is
        refused by ``fit``: a model file cannot store one, and it would make refits differ.
    strip_furniture : bool, default=True
        Remove non-topical wire and website furniture from every headline before featurizing
        it, in ``fit`` and in prediction alike: leading slugs such as "UPDATE 2-", "RPT-",
        "BREAKING:" and trailing outlet names and attributions such as " - Reuters",
        " | AP News", " -sources" (the rules: :mod:`newsclf._model.furniture`). Topical desk
        slugs ("FOREX-", "SOCCER-") are kept. It is a feature setting, stored in the model
        file; model files and pickles made before it existed load with False, and predict
        exactly as they did.

    ``fit`` validates every parameter (rules in :mod:`newsclf._model.params`), raising
    scikit-learn's ``InvalidParameterError`` (a ``ValueError`` and a ``TypeError``) that
    names the parameter, its value and what is allowed. The model-file loader applies the
    same rules, so whatever ``fit`` accepts can be saved and loaded.

    Attributes
    ----------
    classes_ : ndarray of str (or of int, when fitted on integer labels)
        The labels, sorted.
    coef_ : ndarray of shape (n_classes, n_features), or (1, n_features) for two labels
        Coefficients of the linear model (divided by the temperature).
    intercept_ : ndarray
        Intercepts of the linear model (divided by the temperature).
    temperature_ : float
        The fitted score temperature (1.0 when there were too few rows to fit one).
    features_ : TextFeatures
        The fitted featurizer.
    card_ : dict
        The model card: data fingerprint, hyperparameters, metrics, versions.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (3, 5),
        min_df: float = 2,
        sublinear_tf: bool = True,
        char_weight: float = 1.0,
        C: float = 0.5,
        class_weight: str | None = "balanced",
        max_iter: int = 1000,
        random_state: int | None = 0,
        strip_furniture: bool = True,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.char_weight = char_weight
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state
        self.strip_furniture = strip_furniture

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # -- fitting --------------------------------------------------------------------------
    def fit(self, X: Iterable[str], y: Iterable[object]) -> NewsClassifier:
        """Fit on texts ``X`` with labels ``y``; return self.

        ``X`` is an iterable of str or a one-column DataFrame or array. Integer labels stay
        integers; any other labels are converted to strings.

        Raises
        ------
        InvalidParameterError
            A hyperparameter is not allowed (see the class docstring).
        """
        # newsclf's own check, not scikit-learn's `_fit_context`: it must run even under
        # `sklearn.set_config(skip_parameter_validation=True)`, since the model file relies
        # on it (see the docstring of newsclf._model.params for the full reasons).
        check_params(self.get_params(deep=False), type(self).__name__)
        if y is None:  # scikit-learn's wording, which its estimator checks look for
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        texts = as_texts(X)
        labels = _as_labels(y)
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        if len(set(labels)) < 2:
            found = f"only one class ({labels[0].item()!r})" if len(labels) else "no labels"
            raise ValueError(f"need at least 2 distinct labels to fit a classifier; y has {found}")
        features = TextFeatures(**{name: getattr(self, name) for name in FEATURE_PARAMS}).fit(texts)
        X = features.transform(texts)
        linear, self.temperature_ = self._fit_linear_and_temperature(X, labels)
        self.features_ = features
        self.classes_ = linear.classes_
        self.coef_ = read_only(linear.coef_ / self.temperature_)
        self.intercept_ = read_only(np.atleast_1d(linear.intercept_) / self.temperature_)
        self._coef_t()  # built now, so predicting leaves the estimator's __dict__ unchanged
        self.n_iter_ = int(np.max(linear.n_iter_))
        self.card_ = fit_card(self.get_params(), self.classes_, features.n_features, texts, labels)
        self.card_["score_temperature"] = self.temperature_
        return self

    def _linear(self) -> LinearSVC:
        return LinearSVC(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
            dual=True,  # far faster than the primal when features outnumber rows
        )

    def _fit_linear_and_temperature(self, X: Any, labels: np.ndarray) -> tuple[LinearSVC, float]:
        """Fit the final linear model and the score temperature, side by side when it pays.

        The two fits are independent. liblinear releases the GIL, but its random generator is
        one global of the library, which two threads would share: the coordinate orders, and
        so the models, would depend on timing. So the temperature fit runs in a forked child
        process (which gets ``X`` for free, copy-on-write) while this one fits the final model;
        the child sends back the temperature alone. Each fit draws from its own generator,
        seeded as when they run one after the other, so the results are the same bit for bit.
        They run one after the other when the fit is small (:data:`CONCURRENT_FIT_ROWS`), when
        only one core is available, where processes cannot be forked, and with
        ``random_state=None`` (the fits would then share the parent's global numpy state).
        """
        child = None
        concurrent = (
            self.random_state is not None
            and X.shape[0] >= CONCURRENT_FIT_ROWS
            and _cores() > 1
            and _can_fork()
            and self._temperature_possible(labels)
        )
        if concurrent:
            child = _TemperatureChild.start(self, X, labels)
        try:
            linear = self._linear().fit(X, labels)
        except BaseException:
            if child is not None:
                child.stop()
            raise
        temperature = child.result() if child is not None else None
        if temperature is None:  # not started, or the child failed: fit it here
            temperature = self._temperature(X, labels)
        return linear, temperature

    def _temperature_possible(self, labels: np.ndarray) -> bool:
        _, y = np.unique(labels, return_inverse=True)
        return bool(np.bincount(y).min() * CALIBRATION_SHARE >= 2)

    def _temperature(self, X: Any, labels: np.ndarray) -> float:
        """Fit the score temperature on a held-out share (1.0 if a class is too small)."""
        classes, y = np.unique(labels, return_inverse=True)
        if np.bincount(y).min() * CALIBRATION_SHARE < 2:
            return 1.0
        X_fit, X_held, y_fit, y_held = train_test_split(
            X, y, test_size=CALIBRATION_SHARE, random_state=self.random_state, stratify=y
        )
        if len(np.unique(y_fit)) < len(classes):
            return 1.0
        linear = self._linear().fit(X_fit, y_fit)
        scores = _scores(X_held, linear.coef_, np.atleast_1d(linear.intercept_))
        return fit_temperature(scores, y_held)

    # -- predicting (decision_function, predict_proba, predict: LinearTopics) -------------
    def _check_fitted(self) -> None:
        check_is_fitted(self, "coef_")

    def __getstate__(self) -> dict[str, Any]:
        # A copy: object.__getstate__ returns the live __dict__, which pop() would change.
        state: dict[str, Any] = dict(super().__getstate__())
        state.pop("_coef_t_cache", None)  # derived; rebuilt on unpickling
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # An estimator pickled before a feature setting existed was made without it.
        super().__setstate__({**LEGACY_SETTINGS, **state})
        if "coef_" in state:
            self._coef_t()

    def explain(self, text: str, n: int = 10, *, label: str | None = None) -> list[Contribution]:
        """Return the ``n`` terms of ``text`` that pushed hardest towards ``label``.

        ``label`` defaults to the predicted one. A term's weight is its TF-IDF value in
        ``text`` times the label's coefficient; the list is sorted by weight, largest first.
        """
        check_is_fitted(self, "coef_")
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if label is None:
            label = self.predict([text])[0]
        matches = np.flatnonzero(self.classes_.astype(str) == str(label))
        if matches.size == 0:
            raise ValueError(f"unknown label {label!r}; the labels are {list(self.classes_)}")
        row = self.features_.transform([text])
        if self.coef_.shape[0] == 1:  # two labels: one coefficient row, negative for class 0
            coef = self.coef_[0] if matches[0] == 1 else -self.coef_[0]
        else:
            coef = self.coef_[matches[0]]
        weights = row.data * coef[row.indices]
        names = self.features_.feature_names()
        order = np.argsort(-weights, kind="stable")[: max(n, 0)]
        return [
            Contribution(term=names[i][1], kind=names[i][0], weight=float(weights[k]))
            for k, i in ((k, row.indices[k]) for k in order)
        ]

    # -- persistence ----------------------------------------------------------------------
    def save(
        self,
        path: str | os.PathLike[str],
        *,
        format: Literal["newsclf", "joblib"] = "newsclf",
        coef_dtype: Literal["float64", "float32"] = "float64",
    ) -> Path:
        """Write the model to exactly ``path``, atomically; return the path.

        The default ``"newsclf"`` format holds only arrays and JSON and never unpickles on
        load. ``"joblib"`` pickles the whole estimator: load such files only from sources
        you trust (``load_model(path, allow_pickle=True)``). ``coef_dtype="float32"`` halves
        the file's coefficients; the loaded model predicts from the rounded values (with the
        bundled model, no top label of 1M real headlines changed: docs/benchmarks.md).
        """
        return save_model(self, path, format=format, coef_dtype=coef_dtype)


class _TemperatureChild:
    """A forked process fitting the score temperature of an estimator on ``X``."""

    def __init__(self, process: Any, reader: Any) -> None:
        self._process = process
        self._reader = reader

    @classmethod
    def start(cls, estimator: NewsClassifier, X: Any, labels: np.ndarray) -> _TemperatureChild | None:
        """Fork a child fitting the temperature; None if it cannot be started."""
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_temperature_in_child, args=(estimator, X, labels, writer))
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork with threads alive; the child only runs
                # liblinear and numpy and leaves with os._exit.
                warnings.filterwarnings("ignore", message=r".*fork\(\) may lead", category=DeprecationWarning)
                process.start()
        except (OSError, AssertionError):  # out of processes, or inside a daemonic process
            reader.close()
            writer.close()
            return None
        writer.close()
        return cls(process, reader)

    def result(self) -> float | None:
        """Wait for the temperature; re-issue the child's warnings. None if the child failed."""
        try:
            temperature, caught = self._reader.recv()
        except (EOFError, OSError):  # the child died (killed, out of memory)
            temperature, caught = None, []
        finally:
            self._reader.close()
            self._process.join()
        for message, category in caught:
            warnings.warn(message, category, stacklevel=4)
        return temperature

    def stop(self) -> None:
        """End the child at once (the parent's fit failed)."""
        with contextlib.suppress(Exception):
            self._process.kill()
            self._process.join()
            self._reader.close()


def _temperature_in_child(estimator: NewsClassifier, X: Any, labels: np.ndarray, writer: Any) -> None:
    code = 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            temperature = estimator._temperature(X, labels)
        writer.send((temperature, [(str(w.message), w.category) for w in caught]))
    except BaseException:
        code = 1
    finally:
        with contextlib.suppress(Exception):
            writer.close()
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def new_from_state(stored: StoredModel) -> NewsClassifier:
    """Build a fitted classifier from a model file's contents (used by the artifact loader)."""
    model = NewsClassifier(**stored.params)
    model._set_fitted(stored)
    temperature = stored.card.get("score_temperature", 1.0)  # informational: already in coef_
    model.temperature_ = float(temperature) if isinstance(temperature, (int, float)) else 1.0
    return model
