"""A fitted model's prediction side, on numpy and scipy.sparse alone (no scikit-learn, no pandas).

``classify``, ``tag`` and the command line only predict. They load a model file into a
:class:`Predictor`, which starts in a fraction of the time the full estimator takes: importing
scikit-learn pulls in pandas and ``scipy.optimize``, about 0.9 s on the 2-core reference
machine. :class:`~newsclf.NewsClassifier` shares the same arithmetic through :class:`LinearTopics`,
so both give the same scores, bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax

from .features import TextFeatures

if TYPE_CHECKING:
    from .fileformat import StoredModel

__all__ = ["LinearTopics", "Predictor", "as_texts", "one_column", "read_only"]


def one_column(X: Any, *, where: str, what: str = "texts") -> Any:
    """Return 1-d input as it is and the one column of 2-d input (a DataFrame, an array).

    A ``ColumnTransformer`` given ``["headline"]`` passes a one-column DataFrame, and arrays
    of shape ``(n, 1)`` are common: iterating those would yield the column name, or rows.
    Any other 2-d input is refused: which column holds the ``what`` is the caller's choice.
    """
    if sp.issparse(X):
        raise TypeError(f"{where} is a sparse matrix; NewsClassifier takes {what}, not numeric features")
    if hasattr(X, "__array__") and not hasattr(X, "__iter__"):  # an array-like that only converts
        X = np.asarray(X)
    shape = getattr(X, "shape", None)
    if not isinstance(shape, tuple) or len(shape) == 1:
        return X
    if len(shape) == 0:
        raise TypeError(f"{where} must be an iterable of {what}, not a 0-d {type(X).__name__}")
    if len(shape) > 2:
        raise ValueError(f"{where} has {len(shape)} dimensions {shape}; pass one column of {what}")
    if shape[1] != 1:
        columns = getattr(X, "columns", None)
        columns = [] if columns is None else list(columns)
        named = f" ({', '.join(map(repr, columns[:5]))}{', ...' if len(columns) > 5 else ''})"
        example = " (e.g. df['headline'], or ['headline'] in a ColumnTransformer)" if what == "texts" else ""
        raise ValueError(
            f"{where} has {shape[1]} columns{named if columns else ''}; NewsClassifier takes one "
            f"column of {what}: pass that column alone{example}"
        )
    if hasattr(X, "iloc"):  # pandas
        return X.iloc[:, 0]
    return np.asarray(X)[:, 0]


def as_texts(X: Iterable[str], *, where: str = "X") -> list[str]:
    """Return ``X`` as a list of str, checking every item.

    ``X`` is an iterable of str (a list, a pandas Series, a 1-d array) or 2-d input with
    exactly one column (a one-column DataFrame, an array of shape ``(n, 1)``), whose column
    is taken. A single string, other 2-d input and non-string items are refused.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{where} must be an iterable of strings, not a single {type(X).__name__}")
    texts = list(one_column(X, where=where))
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{where}[{i}] is {type(text).__name__}, not str")
    return texts


def read_only(array: np.ndarray) -> np.ndarray:
    """Return a float64, read-only copy of a learned array.

    Learned arrays are frozen: predictions cache a transposed copy of ``coef_``, which an
    in-place edit would silently leave stale. Assign a new array to change a model.
    """
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


class LinearTopics:
    """Scores of a fitted linear model over :class:`TextFeatures`: the arithmetic of prediction.

    Subclasses set ``features_``, ``classes_``, ``coef_`` (temperature already divided in) and
    ``intercept_``; :meth:`_check_fitted` says what to raise before they exist.
    """

    features_: TextFeatures
    classes_: np.ndarray
    coef_: np.ndarray
    intercept_: np.ndarray
    card_: dict[str, Any]

    def _check_fitted(self) -> None:
        """Raise if the model is not fitted (a loaded :class:`Predictor` always is)."""

    def _set_fitted(self, stored: StoredModel) -> None:
        """Take a model file's fitted state: features, labels, learned arrays (frozen), card."""
        self.features_ = stored.features
        self.classes_ = np.asarray(list(stored.classes))
        self.coef_ = read_only(stored.coef)
        self.intercept_ = read_only(stored.intercept)
        self.card_ = stored.card
        self._coef_t()

    def _coef_t(self) -> np.ndarray:
        # sparse @ dense wants a C-ordered right operand; coef_.T is not, and scipy would copy
        # all of it on every call. Keep one contiguous copy per coefficient array, built when
        # coef_ is set by fit, load or unpickling (and here again if coef_ is replaced).
        cached = getattr(self, "_coef_t_cache", None)
        if cached is None or cached[0] is not self.coef_:
            cached = (self.coef_, np.ascontiguousarray(self.coef_.T))
            self._coef_t_cache = cached
        return cached[1]

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Return the linear scores, shape ``(n, n_classes)`` (``(n,)`` for two labels)."""
        self._check_fitted()
        scores = self.features_.scores(as_texts(X), self._coef_t(), self.intercept_)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Return class probabilities, shape ``(n, n_classes)``, columns in ``classes_`` order."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """Return the most probable label of each text."""
        proba = self.predict_proba(X)  # first: raises NotFittedError before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]


class Predictor(LinearTopics):
    """A model file loaded for prediction only; :func:`~newsclf.load_model` gives the estimator.

    Parameters
    ----------
    stored : StoredModel
        A model file's validated contents (``coef`` and ``intercept`` already divided by the
        score temperature); ``params`` keeps its hyperparameters.
    """

    def __init__(self, stored: StoredModel) -> None:
        self.params = dict(stored.params)
        self._set_fitted(stored)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_coef_t_cache", None)  # derived: workers rebuild it rather than receive it
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._coef_t()

    def __repr__(self) -> str:
        return f"Predictor({len(self.classes_)} labels, {self.coef_.shape[1]} features)"
