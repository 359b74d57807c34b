"""``classify()``: the one-line way to tag headlines, with the bundled model loaded lazily."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import overload

import numpy as np

from ._artifact import load_model as _load_file
from ._classifier import NewsClassifier, as_texts

__all__ = [
    "BATCH_SIZE",
    "Prediction",
    "bundled_model_path",
    "check_top_k",
    "classify",
    "load_model",
    "predict_texts",
    "predictions_from_proba",
    "resolve_model",
]

_BUNDLED_NAME = "default.newsclf"
_bundled: NewsClassifier | None = None
_bundled_lock = threading.Lock()

#: Texts classified per internal batch: bounds memory for large iterables and files.
BATCH_SIZE = 4096


@dataclass(frozen=True)
class Prediction:
    """The topic of one text.

    Attributes
    ----------
    label : str
        The most probable label; ``""`` for an empty text (no topic).
    score : float
        Its probability, in [0, 1]; 0.0 for an empty text.
    alternatives : tuple of (label, probability)
        With ``top_k``, the ``k`` most probable labels, best first (the first is ``label``);
        empty otherwise.
    """

    label: str
    score: float
    alternatives: tuple[tuple[str, float], ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        out: dict[str, object] = {"label": self.label, "score": self.score}
        if self.alternatives:
            out["alternatives"] = [{"label": lab, "score": s} for lab, s in self.alternatives]
        return out


def bundled_model_path() -> Path:
    """Return the path of the model file shipped inside the package."""
    return Path(str(resources.files("newsclf") / "models" / _BUNDLED_NAME))


def load_model(path: str | os.PathLike[str] | None = None, *, allow_pickle: bool = False) -> NewsClassifier:
    """Load a saved model, or the bundled default model when ``path`` is None.

    The bundled model is read once and cached; a path is read on every call.
    ``allow_pickle=True`` also accepts joblib files: only for files you trust.
    """
    global _bundled
    if path is not None:
        return _load_file(path, allow_pickle=allow_pickle)
    with _bundled_lock:
        if _bundled is None:
            _bundled = _load_file(bundled_model_path())
        return _bundled


def check_top_k(top_k: int | None) -> None:
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive int or None, not {top_k!r}")


def predictions_from_proba(
    proba: np.ndarray, classes: np.ndarray, top_k: int | None = None
) -> list[Prediction]:
    """Turn a probability matrix into :class:`Prediction` objects."""
    check_top_k(top_k)
    best = np.argmax(proba, axis=1)
    scores = proba[np.arange(len(proba)), best]
    if not top_k:
        return [Prediction(str(classes[b]), float(s)) for b, s in zip(best, scores)]
    k = min(top_k, proba.shape[1])
    # Stable sort on negated probabilities: ties keep label order, and the first is argmax.
    ranked = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return [
        Prediction(
            str(classes[row[0]]),
            float(p[row[0]]),
            tuple((str(classes[j]), float(p[j])) for j in row),
        )
        for row, p in zip(ranked, proba)
    ]


def resolve_model(model: NewsClassifier | str | os.PathLike[str] | None) -> NewsClassifier:
    if model is None:
        return load_model()
    if isinstance(model, NewsClassifier):
        return model
    return load_model(model)


@overload
def classify(
    text_or_texts: str,
    *,
    top_k: int | None = ...,
    model: NewsClassifier | str | os.PathLike[str] | None = ...,
) -> Prediction: ...
@overload
def classify(
    text_or_texts: Iterable[str],
    *,
    top_k: int | None = ...,
    model: NewsClassifier | str | os.PathLike[str] | None = ...,
) -> list[Prediction]: ...
def classify(
    text_or_texts: str | Iterable[str],
    *,
    top_k: int | None = None,
    model: NewsClassifier | str | os.PathLike[str] | None = None,
) -> Prediction | list[Prediction]:
    """Tag one headline or many with their topic.

    Parameters
    ----------
    text_or_texts : str or iterable of str
        A headline gives one :class:`Prediction`; an iterable gives a list in the same order.
        An empty or whitespace-only text gets ``Prediction(label="", score=0.0)``: no topic.
    top_k : int, optional
        Also return the ``k`` most probable labels with their probabilities.
    model : NewsClassifier or path, optional
        The model to use; by default the bundled model (loaded once, then cached).

    Examples
    --------
    >>> from newsclf import classify
    >>> classify("Brent crude climbs as OPEC+ extends output cuts").label  # doctest: +SKIP
    'energy'
    """
    check_top_k(top_k)
    clf = resolve_model(model)
    if isinstance(text_or_texts, str):
        return predict_texts(clf, [text_or_texts], top_k)[0] or EMPTY
    texts = as_texts(text_or_texts, where="texts")
    out: list[Prediction] = []
    for start in range(0, len(texts), BATCH_SIZE):
        out.extend(p or EMPTY for p in predict_texts(clf, texts[start : start + BATCH_SIZE], top_k))
    return out


#: What an empty or whitespace-only text gets: no topic.
EMPTY = Prediction(label="", score=0.0)


def predict_texts(clf: NewsClassifier, texts: list[str], top_k: int | None) -> list[Prediction | None]:
    """Predict every text in one batch; ``None`` for an empty or whitespace-only one."""
    out: list[Prediction | None] = [None] * len(texts)
    filled = [i for i, text in enumerate(texts) if text.strip()]
    if filled:
        proba = clf.predict_proba([texts[i] for i in filled])
        for i, pred in zip(filled, predictions_from_proba(proba, clf.classes_, top_k)):
            out[i] = pred
    return out
