"""Evaluation reports: accuracy, macro-F1, per-class scores, confusion matrix and calibration."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from .._io.documents import Block, Heading, Image, Paragraph, Table, write_document
from .calibration import DEFAULT_BINS, CalibrationBin, ece_from_bins, reliability_bins
from .charts import confusion_chart, per_class_chart, reliability_chart

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

    ``ece`` is the expected calibration error of the top-label confidences and
    ``reliability`` its bins (the data of a reliability diagram): both are there when the
    report was made with confidences (as :func:`newsclf.evaluate` and :func:`newsclf.train`
    make it), else ``None`` and ``()``. With ``n_bins`` equal-width bins over [0, 1]
    (default 15), ``ece = sum over bins of count / n * |accuracy - mean confidence|``.

    ``no_signal`` counts the rows whose text the model's vocabulary barely covers (tagging
    gives them status ``no_signal`` and no topic; here they are scored with their predicted
    label like any other row, so the other figures do not depend on the rule), and
    ``no_signal_accuracy`` is the accuracy on them; both ``None`` when not measured.
    """

    n: int
    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]
    per_class: dict[str, ClassScores]
    confusion: tuple[tuple[int, ...], ...]
    ece: float | None = None
    reliability: tuple[CalibrationBin, ...] = ()
    no_signal: int | None = None
    no_signal_accuracy: float | None = None

    @classmethod
    def from_predictions(
        cls,
        y_true: Sequence[object],
        y_pred: Sequence[object],
        confidences: Sequence[float] | np.ndarray | None = None,
        *,
        n_bins: int = DEFAULT_BINS,
    ) -> EvaluationReport:
        """Score ``y_pred`` against ``y_true``.

        Parameters
        ----------
        y_true, y_pred : sequence
            The true and the predicted label of each row (compared as strings).
        confidences : sequence of float, optional
            The probability the model gave to each predicted label (its top-label
            confidence, in [0, 1]). When given, the report holds ``ece`` and
            ``reliability``.
        n_bins : int, default 15
            How many equal-width confidence bins the calibration measures use.

        Raises
        ------
        ValueError
            No rows, lengths that differ, or a confidence outside [0, 1].
        """
        truth = np.asarray([str(v) for v in y_true], dtype=object)
        pred = np.asarray([str(v) for v in y_pred], dtype=object)
        if len(truth) != len(pred):
            raise ValueError(f"{len(truth)} true labels but {len(pred)} predictions")
        if len(truth) == 0:
            raise ValueError("nothing to evaluate: no rows")
        bins: tuple[CalibrationBin, ...] = ()
        if confidences is not None:
            if len(confidences) != len(truth):
                raise ValueError(f"{len(truth)} predictions but {len(confidences)} confidences")
            bins = reliability_bins(confidences, truth == pred, n_bins)
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
            ece=ece_from_bins(bins) if bins else None,
            reliability=bins,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with keys ``accuracy``, ``macro_f1``, ``per_class``, ``ece``, ...

        ``ece`` is ``null`` and ``reliability`` empty when the report has no confidences.
        """
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
            "ece": self.ece,
            "reliability": [b.to_dict() for b in self.reliability],
            **(
                {}
                if self.no_signal is None
                else {"no_signal": self.no_signal, "no_signal_accuracy": self.no_signal_accuracy}
            ),
        }

    def no_signal_text(self) -> str | None:
        """Return the sentence on rows without signal, or None when not measured."""
        if self.no_signal is None:
            return None
        share = self.no_signal / self.n if self.n else 0.0
        text = (
            f"no signal: {self.no_signal:,} of {self.n:,} rows ({share:.1%}) have too few words the "
            "model knows (tagging gives them no topic; scored as predicted here)"
        )
        if self.no_signal_accuracy is not None:
            text += f", accuracy on them {self.no_signal_accuracy:.4f}"
        return text

    def write_report(
        self,
        directory: str | os.PathLike[str],
        *,
        format: Literal["md", "html"] = "md",
        title: str | None = None,
    ) -> Path:
        """Write a self-contained report with charts to ``directory`` (created if missing).

        Writes ``report.md`` (or ``report.html``, whose images are embedded so the one file
        stands alone) with the headline metrics, the per-class table, the confusion matrix
        and the calibration, plus ``confusion_matrix.png``, ``per_class_f1.png`` and, when
        the report has confidences, ``reliability.png``. Each file is written atomically.
        Needs matplotlib (``pip install 'newsclf[plot]'``).

        Parameters
        ----------
        directory : path
            Where to write the files.
        format : {"md", "html"}, default "md"
            Markdown beside the PNG files, or one HTML file with the images inside.
        title : str, optional
            The report's heading (default: "newsclf evaluation report").

        Returns
        -------
        Path
            The path of ``report.md`` or ``report.html``.

        Raises
        ------
        MissingDependencyError
            matplotlib is not installed.
        OutputError
            ``directory`` cannot be created or written to.
        """
        charts = self.charts()  # before touching the disk: a missing matplotlib changes nothing
        title = title or "newsclf evaluation report"
        return write_document(
            directory, self.blocks(title, charts), charts=charts, format=format, title=title
        )

    def charts(self) -> dict[str, bytes]:
        """Return the report's charts as PNG bytes by file name (needs matplotlib)."""
        return _charts(self)

    def blocks(self, title: str, charts: dict[str, bytes]) -> list[Block]:
        """Return the report as document blocks (``newsclf._io.documents``), ``charts`` embedded.

        Other documents (a model card) put these blocks among their own.
        """
        return list(_blocks(self, title, charts))

    def __str__(self) -> str:
        width = max(8, *(len(label) for label in self.labels))
        lines = [
            f"rows: {self.n}    accuracy: {self.accuracy:.4f}    macro-F1: {self.macro_f1:.4f}"
            + (f"    ECE: {self.ece:.4f}" if self.ece is not None else ""),
            *([sentence] if (sentence := self.no_signal_text()) else []),
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


def _charts(report: EvaluationReport) -> dict[str, bytes]:
    charts = {
        "confusion_matrix.png": confusion_chart(report.labels, report.confusion),
        "per_class_f1.png": per_class_chart(
            report.labels,
            [(s.precision, s.recall, s.f1) for s in map(report.per_class.get, report.labels) if s],
        ),
    }
    if report.ece is not None and report.reliability:
        charts["reliability.png"] = reliability_chart(report.reliability, report.ece, report.accuracy)
    return charts


ECE_DEFINITION = (
    "Calibration compares the model's confidence with how often it is right. The top-label "
    "confidence of a prediction is the probability the model gives to the label it predicts. "
    "The predictions are sorted into {bins} equal-width confidence bins over [0, 1]; the "
    "expected calibration error (ECE) is the sum over the bins of (the bin's share of the "
    "predictions) × |accuracy in the bin - mean confidence in the bin|. 0 is perfectly "
    "calibrated; the larger it is, the more the scores over- or under-state the accuracy."
)


def _f(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _blocks(report: EvaluationReport, title: str, charts: dict[str, bytes]) -> Iterator[Block]:
    yield Heading(title, 1)
    metrics = [
        ("rows", str(report.n)),
        ("accuracy", _f(report.accuracy)),
        ("macro-F1", _f(report.macro_f1)),
    ]
    if report.ece is not None:
        metrics.append((f"ECE ({len(report.reliability)} bins, top-label confidence)", _f(report.ece)))
    if report.no_signal is not None:
        share = report.no_signal / report.n if report.n else 0.0
        metrics.append(("rows without signal (no topic when tagging)", f"{report.no_signal:,} ({share:.1%})"))
    yield Table(("metric", "value"), tuple(metrics))

    yield Heading("Per-class scores", 2)
    yield Table(
        ("label", "precision", "recall", "F1", "support"),
        tuple(
            (label, _f(s.precision, 3), _f(s.recall, 3), _f(s.f1, 3), str(s.support))
            for label, s in report.per_class.items()
        ),
    )
    if "per_class_f1.png" in charts:
        yield Image("per_class_f1.png", "Per-class precision, recall and F1")

    yield Heading("Confusion matrix", 2)
    yield Paragraph("Rows: true label; columns: predicted label; cells: counts of rows.")
    yield Table(
        ("true \\ predicted", *report.labels),
        tuple((label, *(str(v) for v in row)) for label, row in zip(report.labels, report.confusion)),
    )
    if "confusion_matrix.png" in charts:
        yield Image("confusion_matrix.png", "Confusion matrix heatmap, colours normalised by row")

    yield Heading("Calibration", 2)
    if report.ece is None:
        yield Paragraph("Not available: this report was made without the model's confidences.")
        return
    yield Paragraph(f"Expected calibration error (ECE): {report.ece:.4f}.")
    yield Paragraph(ECE_DEFINITION.format(bins=len(report.reliability)))
    yield Table(
        ("confidence bin", "predictions", "mean confidence", "accuracy"),
        tuple(
            (f"({b.lower:.3f}, {b.upper:.3f}]", str(b.count), _f(b.mean_confidence), _f(b.accuracy))
            for b in report.reliability
            if b.count
        ),
    )
    yield Paragraph("Empty bins are left out of the table.")
    if "reliability.png" in charts:
        yield Image("reliability.png", "Reliability diagram and histogram of confidences")
