"""Medians of repeated runs, and comparisons computed run by run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

__all__ = ["median", "median_difference", "median_ratio"]


def median(values: Sequence[float]) -> float:
    """Return the median of ``values`` (the mean of the middle two for an even count).

    Raises
    ------
    ValueError
        ``values`` is empty.
    """
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


def _paired(a: Sequence[float], b: Sequence[float]) -> list[tuple[float, float]]:
    if len(a) != len(b):
        raise ValueError(f"need one value of each side per run, got {len(a)} and {len(b)}")
    if not a:
        raise ValueError("no runs to compare")
    return list(zip(a, b))


def median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the median over runs of ``a[i] / b[i]``: each ratio compares figures of one run.

    Raises
    ------
    ValueError
        The sequences differ in length, are empty, or a ``b[i]`` is zero.
    """
    ratios = []
    for x, y in _paired(a, b):
        if y == 0:
            raise ValueError("ratio with a zero denominator")
        ratios.append(x / y)
    return median(ratios)


def median_difference(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the median over runs of ``a[i] - b[i]``."""
    return median([x - y for x, y in _paired(a, b)])
