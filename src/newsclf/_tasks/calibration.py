"""Calibration: expected calibration error (ECE) and reliability-diagram bins.

A classifier is calibrated when, of the predictions it makes with confidence ``p``, a share
``p`` is right. Both measures here use the *top-label* confidence: the probability the model
gives to the label it predicts (``Prediction.score``), against whether that label is right.

The confidences are sorted into ``n_bins`` equal-width bins over [0, 1] (default 15): bin
``m`` (``m = 1 .. n_bins``) holds the confidences in ``((m - 1) / n_bins, m / n_bins]``, the
first bin also holding 0. Then::

    ECE = sum over bins m of  |B_m| / n * |accuracy(B_m) - mean confidence(B_m)|

with ``|B_m|`` the number of predictions in bin ``m`` and ``n`` the number of predictions:
the gap between accuracy and confidence in each bin, weighted by the bin's share of the
predictions (Naeini et al. 2015; Guo et al. 2017). It is 0 for a perfectly calibrated model
and at most 1; empty bins count for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_BINS",
    "CalibrationBin",
    "ece_from_bins",
    "expected_calibration_error",
    "reliability_bins",
]

DEFAULT_BINS = 15

# Probabilities computed in floating point may stray from [0, 1] by a rounding error.
_SLACK = 1e-9


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of a reliability diagram: the predictions whose confidence is in ``(lower, upper]``.

    ``mean_confidence`` and ``accuracy`` are ``None`` for an empty bin (``count == 0``).
    """

    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the bin's fields."""
        return {
            "lower": self.lower,
            "upper": self.upper,
            "count": self.count,
            "mean_confidence": self.mean_confidence,
            "accuracy": self.accuracy,
        }


def _as_confidences(confidences: Sequence[float] | np.ndarray) -> np.ndarray:
    values = np.asarray(confidences, dtype=float)
    if values.ndim != 1:
        raise ValueError(
            f"confidences must be one number per prediction, not an array of shape {values.shape}"
        )
    bad = ~np.isfinite(values) | (values < -_SLACK) | (values > 1 + _SLACK)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"confidences must be probabilities in [0, 1]; {int(bad.sum())} are not "
            f"(the first: {float(values[first])!r} at position {first})"
        )
    return np.clip(values, 0.0, 1.0)


def reliability_bins(
    confidences: Sequence[float] | np.ndarray,
    correct: Sequence[bool] | np.ndarray,
    n_bins: int = DEFAULT_BINS,
) -> tuple[CalibrationBin, ...]:
    """Sort predictions into ``n_bins`` equal-width confidence bins.

    Parameters
    ----------
    confidences : sequence of float
        The top-label confidence of each prediction, in [0, 1].
    correct : sequence of bool
        Whether each prediction is right.
    n_bins : int, default 15
        How many equal-width bins split [0, 1].

    Returns
    -------
    tuple of CalibrationBin
        All ``n_bins`` bins, lowest first, empty ones included.

    Raises
    ------
    ValueError
        Lengths differ, there are no predictions, a confidence is not in [0, 1] or
        ``n_bins`` is not a positive integer.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, not {n_bins!r}")
    conf = _as_confidences(confidences)
    right = np.asarray(correct, dtype=bool)
    if right.shape != conf.shape:
        raise ValueError(f"{len(conf)} confidences but {right.size} correctness values")
    if len(conf) == 0:
        raise ValueError("no predictions to bin")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # The first upper edge at or above each confidence: bins are (lower, upper], 0 goes in the first.
    index = np.searchsorted(edges[1:], conf, side="left")
    counts = np.bincount(index, minlength=n_bins)
    conf_sums = np.bincount(index, weights=conf, minlength=n_bins)
    right_sums = np.bincount(index, weights=right.astype(float), minlength=n_bins)
    bins = []
    for m in range(n_bins):
        count = int(counts[m])
        bins.append(
            CalibrationBin(
                lower=float(edges[m]),
                upper=float(edges[m + 1]),
                count=count,
                mean_confidence=float(conf_sums[m] / count) if count else None,
                accuracy=float(right_sums[m] / count) if count else None,
            )
        )
    return tuple(bins)


def ece_from_bins(bins: Sequence[CalibrationBin]) -> float:
    """Return the expected calibration error of reliability bins (see the module docstring)."""
    n = sum(b.count for b in bins)
    if n == 0:
        raise ValueError("no predictions in the bins")
    gap = sum(
        b.count * abs(b.accuracy - b.mean_confidence)
        for b in bins
        if b.count and b.accuracy is not None and b.mean_confidence is not None
    )
    return float(min(1.0, gap / n))


def expected_calibration_error(
    confidences: Sequence[float] | np.ndarray,
    correct: Sequence[bool] | np.ndarray,
    n_bins: int = DEFAULT_BINS,
) -> float:
    """Return the expected calibration error of top-label ``confidences`` (in [0, 1]).

    ``sum_m |B_m| / n * |accuracy(B_m) - mean confidence(B_m)|`` over ``n_bins`` equal-width
    bins ``((m - 1) / n_bins, m / n_bins]``; see the module docstring. Raises ``ValueError``
    as :func:`reliability_bins` does.
    """
    return ece_from_bins(reliability_bins(confidences, correct, n_bins))
