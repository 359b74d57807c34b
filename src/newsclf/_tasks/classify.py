"""``classify()``: the one-line way to tag headlines, with the bundled model loaded lazily."""

from __future__ import annotations

import numbers
import os
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from .._errors import DataError
from .._model.features import MAX_TEXT_CHARS, WORD_TOKEN_PATTERN
from .._model.loading import bundled_model_path, load_model, resolve_model
from .._model.predictor import LinearTopics, as_texts

__all__ = [
    "BATCH_SIZE",
    "MIN_KNOWN_SHARE",
    "MIN_KNOWN_WORDS",
    "OTHER_TOPICS",
    "Labeled",
    "MinScore",
    "Prediction",
    "Scores",
    "bundled_model_path",
    "check_min_score",
    "check_top_k",
    "classify",
    "label_scores",
    "load_model",
    "no_signal",
    "predict_texts",
    "resolve_model",
    "score_texts",
    "thresholds",
]

#: Texts classified per internal batch: bounds memory for large iterables and files.
BATCH_SIZE = 4096

#: A text gets no topic (``no_signal``) when fewer of its words than this are in the model's
#: vocabulary, or fewer than this share of them (see :func:`no_signal` and the guide's
#: measurement: 0.3% of real English headlines, 78% of junk and foreign-language strings).
MIN_KNOWN_WORDS = 2
MIN_KNOWN_SHARE = 0.5


@dataclass(frozen=True)
class Prediction:
    """The topic of one text.

    Attributes
    ----------
    label : str
        The most probable label; ``""`` (no topic) for an empty text, and with ``min_score``
        for a text whose best probability is below it.
    score : float
        The best label's probability, in [0, 1], kept when the label is withheld for being
        below ``min_score``; 0.0 for an empty text.
    alternatives : tuple of (label, probability)
        With ``top_k``, the ``k`` most probable labels, best first (the first is the best
        label, even when ``min_score`` withholds it); empty otherwise.
    """

    label: str
    score: float
    alternatives: tuple[tuple[str, float], ...] = field(default=())
    #: ``ok``, ``empty``, ``low_score`` (below ``min_score``) or ``no_signal`` (the model knows
    #: too few of the text's words): why ``label`` is ``""``, as ``status`` in tagged files.
    status: str = field(default="ok", repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        out: dict[str, object] = {"label": self.label, "score": self.score}
        if self.alternatives:
            out["alternatives"] = [{"label": lab, "score": s} for lab, s in self.alternatives]
        out["status"] = self.status
        return out


@dataclass(frozen=True)
class Scores:
    """Compact predictions of a batch of non-empty texts: what a tagging worker sends back.

    Attributes
    ----------
    best : ndarray of int, shape (n,)
        Index in ``classes_`` of each text's most probable label.
    score : ndarray of float, shape (n,)
        Its probability.
    ranked, ranked_score : ndarray of shape (n, k), optional
        With ``top_k``: label indices and probabilities, best first.
    weak : ndarray of bool, shape (n,), optional
        Which texts the model's vocabulary barely covers (:func:`no_signal`): no topic.
    """

    best: np.ndarray
    score: np.ndarray
    ranked: np.ndarray | None = None
    ranked_score: np.ndarray | None = None
    weak: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.best)


def check_top_k(top_k: int | None) -> None:
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive int or None, not {top_k!r}")


#: ``min_score``: one probability for every topic, or one per topic (``"*"``: every other topic).
MinScore = float | Mapping[str, float] | None

#: The key of a per-topic ``min_score`` that stands for every topic not named.
OTHER_TOPICS = "*"


def _is_probability(value: object) -> bool:
    # (NaN fails the range check too)
    return not isinstance(value, bool) and isinstance(value, numbers.Real) and 0.0 <= float(value) <= 1.0


def check_min_score(min_score: MinScore) -> None:
    """Refuse a ``min_score`` that is neither a probability nor a mapping of topics to probabilities."""
    if min_score is None:
        return
    if isinstance(min_score, Mapping):
        for topic, value in min_score.items():
            if not isinstance(topic, str) or not _is_probability(value):
                raise ValueError(
                    "min_score per topic maps topic names to probabilities in [0, 1], "
                    f"not {topic!r}: {value!r}"
                )
        return
    if not _is_probability(min_score):
        raise ValueError(
            "min_score must be a probability in [0, 1], a mapping of topics to them, or None, "
            f"not {min_score!r}"
        )


def thresholds(min_score: MinScore, classes: np.ndarray) -> np.ndarray | None:
    """Return each class's ``min_score`` (0 where none applies), or None without ``min_score``.

    Raises
    ------
    DataError
        A per-topic ``min_score`` names a topic the model does not have (a ``ValueError``).
    """
    if min_score is None:
        return None
    names = [str(c) for c in classes]
    if not isinstance(min_score, Mapping):
        return np.full(len(names), float(min_score))
    unknown = sorted(set(min_score) - {*names, OTHER_TOPICS})
    if unknown:
        raise DataError(
            f"min_score names topics the model does not have: {', '.join(map(repr, unknown))} "
            f"(its topics: {', '.join(names)})"
        )
    other = float(min_score.get(OTHER_TOPICS, 0.0))
    return np.asarray([float(min_score.get(name, other)) for name in names])


_tokenize = re.compile(WORD_TOKEN_PATTERN).findall

#: Distinct whitespace-separated pieces of text remembered per model and process (then reset).
_PIECE_CACHE_SIZE = 200_000


class _Coverage:
    """A model's single words, and what each whitespace-separated piece of text holds of them.

    A piece (``"opec+,"``) is tokenized once, as the model's word block tokenizes (runs of
    word characters never cross whitespace), into (words, known words); later texts only look pieces up.
    """

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self.pieces: dict[str, tuple[int, int]] = {}

    def piece(self, piece: str) -> tuple[int, int]:
        tokens = _tokenize(piece)
        entry = (len(tokens), len([t for t in tokens if t in self.words]))
        if len(self.pieces) >= _PIECE_CACHE_SIZE:
            self.pieces.clear()
        self.pieces[piece] = entry
        return entry

    def weak(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(texts), dtype=bool)
        get, piece = self.pieces.get, self.piece
        for i, text in enumerate(texts):
            words = known = 0
            for part in text[:MAX_TEXT_CHARS].lower().split():
                n, k = get(part) or piece(part)
                words += n
                known += k
            out[i] = known < MIN_KNOWN_WORDS or known < MIN_KNOWN_SHARE * words
        return out


# Each model's coverage, built once per process (a forked worker inherits its parent's).
_coverage: weakref.WeakKeyDictionary[Any, _Coverage | None] = weakref.WeakKeyDictionary()


def _model_coverage(clf: LinearTopics) -> _Coverage | None:
    features = getattr(clf, "features_", None)
    vocabularies = getattr(features, "vocabularies_", None)
    if features is None or not isinstance(vocabularies, dict):
        return None
    try:
        return _coverage[features]
    except KeyError:
        pass
    words = frozenset(term for term in vocabularies.get("word") or () if " " not in term)
    # No single words (word n-grams from 2 up): coverage cannot be told.
    found = _Coverage(words) if words else None
    _coverage[features] = found
    return found


def no_signal(clf: LinearTopics, texts: Sequence[str]) -> np.ndarray | None:
    """Return which texts the model's vocabulary barely covers, or None if it cannot tell.

    A text has no signal when fewer than :data:`MIN_KNOWN_WORDS` of its words (word tokens,
    lower-cased, as the model's word block reads them), or fewer than :data:`MIN_KNOWN_SHARE`
    of them, are single words of the model's vocabulary: ``"-"``, ``"the"``, ``"lorem ipsum
    dolor sit amet"``, most headlines in another language. The model still scores such a text,
    often confidently, but from next to nothing. The thresholds come from a measurement on real
    headlines against junk (see the guide, "Texts the model cannot read"). None when the
    model has no single words in its vocabulary (word n-grams from 2 up).
    """
    coverage = _model_coverage(clf)
    return None if coverage is None else coverage.weak(texts)


def score_texts(clf: LinearTopics, texts: list[str], top_k: int | None = None) -> Scores:
    """Predict a batch of non-empty texts, keeping only the best label (and the top ``k``).

    Texts without signal (:func:`no_signal`) are scored too, and marked in ``weak``.
    """
    if not texts:
        empty = np.zeros(0, dtype=np.intp)
        ranked = np.zeros((0, 0), dtype=np.intp) if top_k else None
        return Scores(empty, np.zeros(0), ranked, None if ranked is None else np.zeros((0, 0)))
    proba = clf.predict_proba(texts)
    best = np.argmax(proba, axis=1)
    score = proba[np.arange(len(proba)), best]
    weak = no_signal(clf, texts)
    if not top_k:
        return Scores(best, score, weak=weak)
    k = min(top_k, proba.shape[1])
    # Stable sort on negated probabilities: ties keep label order, and the first is argmax.
    ranked = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return Scores(best, score, ranked, np.take_along_axis(proba, ranked, axis=1), weak)


@dataclass(frozen=True)
class Labeled:
    """:class:`Scores` turned into labels, with ``min_score`` applied and alternatives named.

    Attributes
    ----------
    labels : list of str
        Each text's best label; ``""`` where it scores below ``min_score``.
    scores : list of float
        The best label's probability (kept when the label is withheld).
    low : list of bool
        Whether the label was withheld for scoring below ``min_score``.
    alternatives : list of list of (label, probability), optional
        With ``top_k``: the ranked labels, best first.
    weak : list of bool, optional
        Whether the label was withheld for want of signal (:func:`no_signal`), which comes
        before ``low``.
    """

    labels: list[str]
    scores: list[float]
    low: list[bool]
    alternatives: list[list[tuple[str, float]]] | None
    weak: list[bool] | None = None


def label_scores(scores: Scores, classes: np.ndarray, min_score: MinScore = None) -> Labeled:
    """Name the labels of ``scores``, withhold those below ``min_score`` and rank the alternatives.

    The one place that applies ``min_score``: :func:`classify`, file tagging and ``tag_frame``
    all go through it.
    """
    names = np.asarray([str(c) for c in classes], dtype=object)
    labels = names[scores.best]
    values = scores.score
    limits = thresholds(min_score, classes)
    low = np.zeros(len(values), dtype=bool) if limits is None else values < limits[scores.best]
    weak = scores.weak
    if weak is not None:
        low &= ~weak
        labels[weak] = ""
    labels[low] = ""
    alternatives = None
    if scores.ranked is not None and scores.ranked_score is not None:
        pairs = zip(scores.ranked, scores.ranked_score.tolist())
        alternatives = [list(zip(names[row].tolist(), probs)) for row, probs in pairs]
    return Labeled(
        labels.tolist(), values.tolist(), low.tolist(), alternatives, None if weak is None else weak.tolist()
    )


def predictions_from_scores(
    scores: Scores, classes: np.ndarray, min_score: MinScore = None
) -> list[Prediction]:
    """Turn :class:`Scores` into :class:`Prediction` objects (label ``""`` below ``min_score``)."""
    named = label_scores(scores, classes, min_score)
    weak = named.weak or [False] * len(named.labels)
    statuses = ["no_signal" if w else "low_score" if low else "ok" for w, low in zip(weak, named.low)]
    alternatives: list[list[tuple[str, float]]] = named.alternatives or [[] for _ in named.labels]
    return [
        Prediction(lab, v, tuple(alt), status)
        for lab, v, alt, status in zip(named.labels, named.scores, alternatives, statuses)
    ]


# A str is also an Iterable[str]: the first overload wins for it (mypy's overlap note is moot).
@overload
def classify(  # type: ignore[overload-overlap]
    text_or_texts: str,
    *,
    top_k: int | None = ...,
    min_score: MinScore = ...,
    model: LinearTopics | str | os.PathLike[str] | None = ...,
) -> Prediction: ...
@overload
def classify(
    text_or_texts: Iterable[str],
    *,
    top_k: int | None = ...,
    min_score: MinScore = ...,
    model: LinearTopics | str | os.PathLike[str] | None = ...,
) -> list[Prediction]: ...
def classify(
    text_or_texts: str | Iterable[str],
    *,
    top_k: int | None = None,
    min_score: MinScore = None,
    model: LinearTopics | str | os.PathLike[str] | None = None,
) -> Prediction | list[Prediction]:
    """Tag one headline or many with their topic.

    Parameters
    ----------
    text_or_texts : str or iterable of str
        A headline gives one :class:`Prediction`; an iterable gives a list in the same order.
        An empty or whitespace-only text gets ``Prediction(label="", score=0.0)``: no topic.
    top_k : int, optional
        Also return the ``k`` most probable labels with their probabilities.
    min_score : float or mapping, optional
        Abstain below this probability: a text whose best label scores less gets
        ``label=""`` (no topic) but keeps its ``score`` and ``alternatives``. A mapping
        gives each topic its own (``{"sport": 0.8, "*": 0.5}``; ``"*"``: every topic not
        named, else no threshold for them).
    model : NewsClassifier or path, optional
        The model to use; by default the bundled model (loaded once, then cached).

    Raises
    ------
    TypeError
        ``text_or_texts`` is neither a str nor an iterable of str (``None``, a number, bytes).

    Examples
    --------
    >>> from newsclf import classify
    >>> classify("Brent crude climbs as OPEC+ extends output cuts").label  # doctest: +SKIP
    'energy'
    >>> classify("Markets and weather mixed", min_score=0.9).label  # doctest: +SKIP
    ''
    """
    check_top_k(top_k)
    check_min_score(min_score)
    _check_texts(text_or_texts)
    clf = resolve_model(model)
    thresholds(min_score, clf.classes_)  # a topic the model lacks: an error now
    if isinstance(text_or_texts, str):
        return predict_texts(clf, [text_or_texts], top_k, min_score)[0] or EMPTY
    texts = as_texts(text_or_texts, where="texts")
    out: list[Prediction] = []
    for start in range(0, len(texts), BATCH_SIZE):
        batch = texts[start : start + BATCH_SIZE]
        out.extend(p or EMPTY for p in predict_texts(clf, batch, top_k, min_score))
    return out


def _check_texts(text_or_texts: object) -> None:
    """Refuse what is neither a str nor an iterable, before any model is loaded."""
    if isinstance(text_or_texts, str):
        return
    if (
        text_or_texts is None
        or isinstance(text_or_texts, (bytes, bytearray))
        or not (hasattr(text_or_texts, "__iter__") or hasattr(text_or_texts, "__getitem__"))
    ):
        raise TypeError(
            f"classify() takes a str or an iterable of str, not {type(text_or_texts).__name__}"
            + (" (decode bytes first: text.decode('utf-8'))" if isinstance(text_or_texts, bytes) else "")
        )


#: What an empty or whitespace-only text gets: no topic.
EMPTY = Prediction(label="", score=0.0, status="empty")


def predict_texts(
    clf: LinearTopics, texts: list[str], top_k: int | None, min_score: MinScore = None
) -> list[Prediction | None]:
    """Predict every text in one batch; ``None`` for an empty or whitespace-only one."""
    out: list[Prediction | None] = [None] * len(texts)
    filled = [i for i, text in enumerate(texts) if text.strip()]
    if filled:
        scores = score_texts(clf, [texts[i] for i in filled], top_k)
        for i, pred in zip(filled, predictions_from_scores(scores, clf.classes_, min_score)):
            out[i] = pred
    return out
