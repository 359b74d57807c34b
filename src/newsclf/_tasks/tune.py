"""Hyperparameter search: cross-validated macro-F1 over the settings that matter.

The candidates are the defaults plus a seeded random sample of :data:`SEARCH_SPACE`, each
scored by stratified k-fold cross-validation with scikit-learn's ``GridSearchCV`` (the
featurizer is refitted inside every fold, so no fold sees its test rows' vocabulary).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import GridSearchCV, ParameterSampler, StratifiedKFold

from .._deprecations import UNSET, renamed
from .._model.classifier import NewsClassifier

__all__ = ["SEARCH_SPACE", "TuneResult", "tune"]

#: The settings searched and the values tried for each.
SEARCH_SPACE: dict[str, list[Any]] = {
    "C": [0.1, 0.2, 0.5, 1.0, 2.0],
    "word_ngram_range": [(1, 1), (1, 2), (1, 3)],
    "char_ngram_range": [(2, 4), (2, 5), (3, 5), (3, 6)],
    "min_df": [1, 2, 3],
    "sublinear_tf": [True, False],
    "class_weight": ["balanced", None],
}


@dataclass(frozen=True)
class TuneResult:
    """The chosen settings and every candidate's cross-validated score, best first."""

    best_params: dict[str, Any]
    best_score: float
    candidates: list[dict[str, Any]]
    folds: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (n-gram ranges as lists)."""

        def plain(params: dict[str, Any]) -> dict[str, Any]:
            return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}

        return {
            "scoring": f"macro-F1, {self.folds}-fold stratified cross-validation",
            "best_params": plain(self.best_params),
            "best_score": self.best_score,
            "candidates": [
                {"params": plain(c["params"]), "mean": c["mean"], "std": c["std"]} for c in self.candidates
            ],
        }

    def __str__(self) -> str:
        lines = [f"{'macro-F1':>9} {'+/-':>6}  settings ({self.folds}-fold cross-validation, best first)"]
        for c in self.candidates:
            settings = ", ".join(f"{k}={v}" for k, v in c["params"].items())
            lines.append(f"{c['mean']:9.4f} {c['std']:6.4f}  {settings}")
        return "\n".join(lines)


def tune(
    texts: Sequence[str],
    labels: Sequence[object],
    *,
    candidates: int = 12,
    folds: int = 3,
    random_state: int = 0,
    n_jobs: int | None = 1,
    search_space: dict[str, list[Any]] | None = None,
    seed: int = UNSET,
    jobs: int | None = UNSET,
) -> TuneResult:
    """Score the defaults and ``candidates - 1`` random settings; return them, best first.

    Parameters
    ----------
    texts, labels : sequences
        The training rows (never the rows you will evaluate on).
    candidates : int
        How many settings to score, the defaults included.
    folds : int
        Folds of the stratified cross-validation (each label needs at least this many rows).
    random_state : int
        Seed of the sample of settings, of the folds and of the models.
    n_jobs : int or None
        Candidates scored in parallel (``None`` or -1: every core).
    search_space : dict, optional
        Values to try per setting; default :data:`SEARCH_SPACE`.
    seed, jobs
        Deprecated old names of ``random_state`` and ``n_jobs`` (they go in 0.4).
    """
    seed = renamed("seed", "random_state", seed, random_state, 0)
    n_jobs = renamed("jobs", "n_jobs", jobs, n_jobs, 1)
    if candidates < 1:
        raise ValueError(f"candidates must be at least 1, not {candidates}")
    space = SEARCH_SPACE if search_space is None else search_space
    defaults = {k: v for k, v in NewsClassifier().get_params().items() if k in space}
    tried = [defaults]
    size = int(np.prod([len(values) for values in space.values()]))
    for params in ParameterSampler(space, n_iter=min(10 * candidates, size), random_state=seed):
        if len(tried) == candidates:
            break
        if params not in tried:
            tried.append(params)
    search = GridSearchCV(
        NewsClassifier(random_state=seed),
        [{k: [v] for k, v in params.items()} for params in tried],
        scoring="f1_macro",
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
        n_jobs=-1 if n_jobs is None else n_jobs,  # GridSearchCV reads None as 1
        refit=False,
        error_score="raise",
    )
    search.fit(list(texts), np.asarray([str(label) for label in labels]))
    results = search.cv_results_
    order = np.argsort(-results["mean_test_score"], kind="stable")  # ties: the defaults first
    scored: list[dict[str, Any]] = [
        {
            "params": dict(results["params"][i]),
            "mean": float(results["mean_test_score"][i]),
            "std": float(results["std_test_score"][i]),
        }
        for i in order
    ]
    best = scored[0]
    return TuneResult(dict(best["params"]), float(best["mean"]), scored, folds)
