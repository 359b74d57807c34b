"""One-call training and evaluation from labeled CSVs or DataFrames."""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection import train_test_split

from .._deprecations import UNSET, renamed
from .._errors import DataError
from .._io.tables import LabeledData, TableOptions, read_labeled
from .._model.classifier import NewsClassifier
from .classify import no_signal
from .evaluate import EvaluationReport
from .labelmap import fold_probabilities, map_labels
from .topics import set_descriptions
from .tune import SEARCH_SPACE, TuneResult, tune

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SHORT_TEXT_SHARE", "TrainResult", "check_texts", "evaluate", "train"]


@dataclass
class TrainResult:
    """What :func:`train` returns: the fitted model, its held-out report and the data account.

    ``tuning`` holds the hyperparameter search when ``train(..., tune_candidates=N)`` ran one.
    """

    model: NewsClassifier
    report: EvaluationReport | None
    data: LabeledData
    tuning: TuneResult | None = None


def _check_labels(data: LabeledData, label_col: str) -> None:
    counts = Counter(data.labels)
    if len(counts) < 2:
        only = ", ".join(repr(label) for label in counts)
        raise DataError(
            f"{data.source}, column {label_col!r}: found only {len(counts)} label ({only}); "
            "a classifier needs at least 2"
        )
    rare = sorted(label for label, n in counts.items() if n < 2)
    if rare:
        where = "; ".join(f"{label!r} (line {data.first_lines[label]})" for label in rare[:10])
        more = f"; and {len(rare) - 10} more" if len(rare) > 10 else ""
        raise DataError(
            f"{data.source}, column {label_col!r}: {len(rare)} label(s) have fewer than 2 examples, "
            f"too few to learn and evaluate: {where}{more}. Add examples or remove those rows."
        )


def _split(
    data: LabeledData, test_size: float, seed: int
) -> tuple[list[str], list[str], list[str], list[str]]:
    n_labels = len(set(data.labels))
    n_test = int(-(-test_size * len(data.texts) // 1))  # ceil, as scikit-learn does
    if n_test < n_labels or len(data.texts) - n_test < n_labels:
        raise DataError(
            f"{data.source}: a stratified {test_size:g} test split of {len(data.texts)} rows "
            f"cannot hold all {n_labels} labels on both sides; use more data or change "
            "--test-size (0 trains on everything without a held-out evaluation)"
        )
    x_train, x_test, y_train, y_test = train_test_split(
        data.texts, data.labels, test_size=test_size, random_state=seed, stratify=data.labels
    )
    return x_train, x_test, y_train, y_test


def _score(
    model: NewsClassifier, texts: list[str], labels: list[str], label_map: Mapping[str, str] | None = None
) -> EvaluationReport:
    # One pass through predict_proba gives both the labels (exactly what predict returns:
    # the argmax) and the top-label confidences the calibration measures need.
    proba = model.predict_proba(texts)
    top = np.argmax(proba, axis=1)
    confidences = proba[np.arange(len(top)), top]
    predicted = model.classes_[top]
    if label_map:
        # The model's labels folded as the data's are: the predicted one's target, whose
        # confidence is the probability of every label mapped onto it.
        targets, folded = fold_probabilities(proba, list(model.classes_), label_map)
        predicted = np.asarray(map_labels(predicted, label_map), dtype=object)
        where = {label: i for i, label in enumerate(targets)}
        confidences = folded[np.arange(len(top)), [where[p] for p in predicted]]
    report = EvaluationReport.from_predictions(labels, predicted, confidences)
    weak = no_signal(model, texts)
    if weak is None:
        return report
    right = np.asarray([str(p) == str(t) for p, t in zip(predicted, labels)], dtype=bool)
    accuracy = float(right[weak].mean()) if weak.any() else None
    return dataclasses.replace(report, no_signal=int(weak.sum()), no_signal_accuracy=accuracy)


def train(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    text_col: str = "text",
    label_col: str = "label",
    test_size: float = 0.2,
    random_state: int = 0,
    sep: str | None = None,
    header: bool = True,
    quoting: bool = True,
    tune_candidates: int = 0,
    n_jobs: int | None = 1,
    label_descriptions: Mapping[str, str] | None = None,
    refit: bool = False,
    seed: int = UNSET,
    jobs: int | None = UNSET,
    **params: Any,
) -> TrainResult:
    """Train a :class:`NewsClassifier` on a labeled CSV/TSV file or DataFrame.

    A seeded, stratified ``test_size`` share of the rows is held out; the model is fitted on
    the rest and scored on it (``test_size=0`` fits on everything and gives no report).
    ``sep``, ``header`` and ``quoting`` describe a file (see :class:`TableOptions`);
    ``params`` are passed to :class:`NewsClassifier`. The returned model's ``card_`` holds
    the data account, the hyperparameters and the held-out metrics (calibration included).

    ``tune_candidates=N`` first searches ``N`` settings (the defaults and a seeded sample of
    :data:`~newsclf._tuning.SEARCH_SPACE`, less any setting given in ``params``) by 3-fold
    cross-validated macro-F1 on the training rows only, then fits with the best; ``n_jobs``
    scores candidates in parallel (``None`` or -1: every core). The search is in
    ``TrainResult.tuning`` and the card.

    ``random_state`` seeds the split, the search and the model. ``seed`` and ``jobs`` are the
    old names of ``random_state`` and ``n_jobs`` (deprecated; they go in 0.4).

    ``label_descriptions`` maps labels to one-line descriptions, kept in the card and shown
    by :func:`topics` and ``newsclf info`` (a label the data lacks is an error).

    ``refit=True`` (with ``test_size > 0``): after the held-out report, fit a model with the
    same settings on every row, held-out ones included, and return that one. Its report is
    still the held-out one (an estimate for the refitted model, which saw those rows); the
    card's ``split`` says ``"refit": true`` and ``fitted_on`` says ``"all rows"``.

    Warns (``UserWarning``) when most texts are numbers or single words: the text column is
    probably not the headlines (see :func:`check_texts`).

    Raises
    ------
    DataError
        The file or frame cannot be used: missing columns, bad encoding, empty, fewer than 2
        labels, a label with fewer than 2 examples. The message names file, line and column.
    ValueError
        ``test_size`` is outside [0, 1), or ``refit`` with ``test_size=0``.
    """
    seed = renamed("seed", "random_state", seed, random_state, 0)
    n_jobs = renamed("jobs", "n_jobs", jobs, n_jobs, 1)
    if not 0.0 <= test_size < 1.0:
        raise ValueError(f"test_size must be in [0, 1), not {test_size}")
    if refit and test_size == 0:
        raise ValueError("refit=True needs a held-out split to report on, and test_size=0 holds out nothing")
    if text_col == label_col:
        raise DataError(f"the text and label columns must differ (both are {text_col!r})")
    labeled = read_labeled(data, text_col, label_col, TableOptions(sep, header, quoting))
    _check_labels(labeled, label_col)
    check_texts(labeled.texts, f"{labeled.source}, column {text_col!r}")
    report = None
    if test_size > 0:
        x_train, x_test, y_train, y_test = _split(labeled, test_size, seed)
    else:
        x_train, y_train = labeled.texts, labeled.labels
    tuning = None
    if tune_candidates:
        tuning = _tune(x_train, y_train, tune_candidates, seed, n_jobs, fixed=params)
        params = {**tuning.best_params, **params}
    model = NewsClassifier(**{"random_state": seed, **params}).fit(x_train, y_train)
    if test_size > 0:
        report = _score(model, x_test, y_test)
    if refit:
        model = NewsClassifier(**{"random_state": seed, **params}).fit(labeled.texts, labeled.labels)
    if label_descriptions:
        set_descriptions(model, label_descriptions)
    model.card_["data"] = labeled.summary()
    model.card_["split"] = {"test_size": test_size, "seed": seed, "stratified": True}
    if refit:
        model.card_["split"]["refit"] = True
        model.card_["fitted_on"] = "all rows: refitted after the held-out evaluation, which it saw"
    if report is not None:
        model.card_["metrics"] = {"held_out": report.to_dict()}
    if tuning is not None:
        model.card_["tuning"] = tuning.to_dict()
    return TrainResult(model=model, report=report, data=labeled, tuning=tuning)


#: Above this share of numbers and single words among the texts, training warns.
SHORT_TEXT_SHARE = 0.5


def _is_short(text: str) -> bool:
    """Whether ``text`` is a number (digits and punctuation, no letter) or a single word."""
    return len(text.split()) <= 1 or not any(c.isalpha() for c in text)


def check_texts(texts: Sequence[str], where: str) -> None:
    """Warn (``UserWarning``) when most ``texts`` are numbers or single words.

    Such a column is most likely not the headlines (an id, a date, a category): a model
    trained on it learns little, and silently (one trial reached 0.39 accuracy).
    """
    if not texts:
        return
    short = sum(map(_is_short, texts))
    if short > SHORT_TEXT_SHARE * len(texts):
        warnings.warn(
            f"{where}: {short:,} of {len(texts):,} texts ({short / len(texts):.0%}) are numbers or "
            "single words; is this the column of headlines? (--text-col)",
            UserWarning,
            stacklevel=3,
        )


def _tune(
    texts: list[str],
    labels: Sequence[object],
    candidates: int,
    seed: int,
    jobs: int | None,
    fixed: dict[str, Any],
) -> TuneResult:
    folds = 3
    rarest, count = Counter(map(str, labels)).most_common()[-1]
    if count < folds:
        raise DataError(
            f"tuning needs at least {folds} training rows per label for its {folds}-fold "
            f"cross-validation, but label {rarest!r} has {count}"
        )
    space = {k: v for k, v in SEARCH_SPACE.items() if k not in fixed}
    return tune(
        texts, labels, candidates=candidates, folds=folds, random_state=seed, n_jobs=jobs, search_space=space
    )


def evaluate(
    model: NewsClassifier,
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    text_col: str = "text",
    label_col: str = "label",
    sep: str | None = None,
    header: bool = True,
    quoting: bool = True,
    label_map: Mapping[str, str] | None = None,
) -> EvaluationReport:
    """Score ``model`` on every usable row of a labeled file or DataFrame (no deduplication).

    The report includes the calibration of the model's top-label probabilities (``ece`` and
    ``reliability``).

    ``label_map`` (``{"from": "to"}``) is applied to the data's labels and to the model's
    alike before scoring, so that a model can be scored on another label set: map the data's
    labels onto the model's (``{"b": "economy"}``), or fold the model's onto the data's
    (``{"diplomacy": "World", "conflict": "World", ...}``). A label without an entry stays as
    it is. With a map, a prediction's confidence is the sum of the probabilities of the model
    labels mapped onto the predicted one.

    Warns (``UserWarning``) when the data holds labels the model does not know (after the
    map): those rows can only count as errors.
    """
    labeled = read_labeled(data, text_col, label_col, TableOptions(sep, header, quoting), dedupe=False)
    known = {str(c) for c in model.classes_}
    labels = labeled.labels
    if label_map:
        labels = map_labels(labels, label_map)
        known = set(map_labels(sorted(known), label_map))
    unknown = sorted(set(labels) - known)
    if unknown:
        warnings.warn(
            f"{labeled.source}: {len(unknown)} label(s) the model does not know, whose rows can "
            f"only count as errors: {', '.join(map(repr, unknown[:10]))}",
            UserWarning,
            stacklevel=2,
        )
    return _score(model, labeled.texts, list(labels), label_map)
