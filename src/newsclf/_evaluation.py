"""Evaluation reports: accuracy, macro-F1, per-class scores and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

__all__ = ["ClassScores", "EvaluationReport"]


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall, F1 and support of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    """How well predictions match the truth on a labeled set.

    ``labels`` orders the rows and columns of ``confusion`` (rows: true, columns: predicted)
    and covers every label seen in either the truth or the predictions.
    """

    n: int
    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]
    per_class: dict[str, ClassScores]
    confusion: tuple[tuple[int, ...], ...]

    @classmethod
    def from_predictions(cls, y_true: Sequence[object], y_pred: Sequence[object]) -> EvaluationReport:
        """Score ``y_pred`` against ``y_true``."""
        truth = np.asarray([str(v) for v in y_true], dtype=object)
        pred = np.asarray([str(v) for v in y_pred], dtype=object)
        if len(truth) != len(pred):
            raise ValueError(f"{len(truth)} true labels but {len(pred)} predictions")
        if len(truth) == 0:
            raise ValueError("nothing to evaluate: no rows")
        labels = sorted(set(truth) | set(pred))
        precision, recall, f1, support = precision_recall_fscore_support(
            truth, pred, labels=labels, zero_division=0
        )
        # Macro-F1 averages over the labels present in the truth: a label the model
        # predicts but the data never has would otherwise count as a free zero.
        present = [i for i, label in enumerate(labels) if support[i] > 0]
        matrix = confusion_matrix(truth, pred, labels=labels)
        return cls(
            n=len(truth),
            accuracy=float(accuracy_score(truth, pred)),
            macro_f1=float(np.mean(f1[present])),
            labels=tuple(labels),
            per_class={
                label: ClassScores(float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
                for i, label in enumerate(labels)
            },
            confusion=tuple(tuple(int(v) for v in row) for row in matrix),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with keys ``accuracy``, ``macro_f1``, ``per_class``, ..."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "labels": list(self.labels),
            "per_class": {
                label: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for label, s in self.per_class.items()
            },
            "confusion_matrix": [list(row) for row in self.confusion],
        }

    def __str__(self) -> str:
        width = max(8, *(len(label) for label in self.labels))
        lines = [
            f"rows: {self.n}    accuracy: {self.accuracy:.4f}    macro-F1: {self.macro_f1:.4f}",
            "",
            f"{'label':<{width}}  precision  recall     f1  support",
        ]
        for label, s in self.per_class.items():
            lines.append(
                f"{label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
            )
        lines += ["", "confusion matrix (rows: true, columns: predicted)"]
        cell = max(
            5, *(len(label) for label in self.labels), *(len(str(v)) for row in self.confusion for v in row)
        )
        lines.append(" " * width + "  " + " ".join(f"{label:>{cell}}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion):
            lines.append(f"{label:<{width}}  " + " ".join(f"{v:>{cell}d}" for v in row))
        return "\n".join(lines)
