"""Charts of evaluation results as PNG bytes, drawn with matplotlib (the ``plot`` extra).

matplotlib is optional (``pip install 'newsclf[plot]'``) and imported only here, when a chart
is drawn. Charts are drawn on the Agg canvas through matplotlib's object API, never through
``pyplot``, so drawing one changes no global state (a notebook's backend stays).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import MissingDependencyError
from .calibration import CalibrationBin

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "INSTALL_HINT",
    "confusion_chart",
    "per_class_chart",
    "reliability_chart",
    "require_matplotlib",
    "score_histogram_chart",
    "shares_over_time_chart",
    "topic_chart",
]

INSTALL_HINT = "pip install 'newsclf[plot]'"
_DPI = 110
_MAX_LABEL = 32  # longer labels are cut in the charts (the tables keep them whole)
_MAX_ANNOTATED = 30  # larger confusion matrices get colours without counts in the cells


def require_matplotlib(feature: str = "writing a report") -> None:
    """Raise :class:`MissingDependencyError` if matplotlib cannot be imported."""
    _matplotlib(feature)


def _matplotlib(feature: str = "writing a report") -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(f"{feature} needs matplotlib: {INSTALL_HINT}") from None
    return Figure, FigureCanvasAgg


def _tick(label: str) -> str:
    # Cut long labels; escape "$" so matplotlib never reads a label as mathtext.
    short = label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"
    return " ".join(short.split()).replace("$", r"\$")


def _png(figure: Figure, canvas_class: Any) -> bytes:
    canvas_class(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from")  # labels in other scripts
        figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def confusion_chart(labels: Sequence[str], confusion: Sequence[Sequence[int]]) -> bytes:
    """Heatmap of a confusion matrix (rows: true label), colours normalised by row, as PNG."""
    figure_class, canvas_class = _matplotlib()
    n = len(labels)
    counts = np.asarray(confusion, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    side = float(np.clip(0.55 * n + 2.5, 4.0, 22.0))
    figure = figure_class(figsize=(side + 1.2, side), layout="constrained")
    ax = figure.add_subplot()
    image = ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    ticks = [_tick(label) for label in labels]
    ax.set_xticks(range(n), labels=ticks, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), labels=ticks)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title("Confusion matrix")
    if n <= _MAX_ANNOTATED:
        size = 10 if n <= 10 else 8 if n <= 20 else 6
        for i in range(n):
            for j in range(n):
                ax.text(
                    j,
                    i,
                    str(int(counts[i, j])),
                    ha="center",
                    va="center",
                    fontsize=size,
                    color="white" if shares[i, j] > 0.5 else "black",
                )
    figure.colorbar(image, ax=ax, shrink=0.8, label="share of the true label's rows")
    return _png(figure, canvas_class)


def per_class_chart(labels: Sequence[str], scores: Sequence[tuple[float, float, float]]) -> bytes:
    """Horizontal bars of each label's (precision, recall, F1), as PNG."""
    figure_class, canvas_class = _matplotlib()
    n = len(labels)
    figure = figure_class(figsize=(7.5, float(np.clip(0.6 * n + 1.8, 3.0, 40.0))), layout="constrained")
    ax = figure.add_subplot()
    rows = np.arange(n)
    height = 0.27
    for offset, name, values in (
        (-height, "precision", [s[0] for s in scores]),
        (0.0, "recall", [s[1] for s in scores]),
        (height, "F1", [s[2] for s in scores]),
    ):
        ax.barh(rows + offset, values, height, label=name)
    ax.set_yticks(rows, labels=[_tick(label) for label in labels])
    ax.set_ylim(n - 0.5, -0.5)  # the first label on top, as in the tables
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("score")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Per-class precision, recall and F1")
    figure.legend(loc="outside lower center", ncols=3)
    return _png(figure, canvas_class)


def reliability_chart(bins: Sequence[CalibrationBin], ece: float, accuracy: float) -> bytes:
    """Reliability diagram over a histogram of top-label confidences, as PNG."""
    figure_class, canvas_class = _matplotlib()
    filled = [b for b in bins if b.count]
    figure = figure_class(figsize=(6.0, 7.0), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    top.bar(
        [b.lower for b in filled],
        [b.accuracy for b in filled],
        width=[b.upper - b.lower for b in filled],
        align="edge",
        edgecolor="black",
        alpha=0.7,
        label="accuracy of the bin",
    )
    top.plot(
        [b.mean_confidence for b in filled],
        [b.accuracy for b in filled],
        "o",
        color="black",
        markersize=4,
        label="(mean confidence, accuracy)",
    )
    top.set_xlim(0.0, 1.0)
    top.set_ylim(0.0, 1.0)
    top.set_ylabel("accuracy")
    top.set_title(f"Reliability diagram: ECE {ece:.4f} ({len(bins)} bins)")
    top.legend(loc="upper left")
    n = sum(b.count for b in filled)
    mean_confidence = sum(b.count * (b.mean_confidence or 0.0) for b in filled) / n
    bottom.bar(
        [b.lower for b in bins],
        [b.count for b in bins],
        width=[b.upper - b.lower for b in bins],
        align="edge",
        edgecolor="black",
        color="tab:grey",
    )
    bottom.axvline(accuracy, color="tab:blue", linestyle="--", label=f"accuracy {accuracy:.3f}")
    bottom.axvline(
        mean_confidence, color="tab:red", linestyle=":", label=f"mean confidence {mean_confidence:.3f}"
    )
    bottom.set_xlabel("top-label confidence")
    bottom.set_ylabel("predictions")
    bottom.legend(loc="upper left", fontsize="small")
    return _png(figure, canvas_class)


def topic_chart(topics: Sequence[str], counts: Sequence[int]) -> bytes:
    """Horizontal bars of the rows per topic, most frequent on top, as PNG."""
    figure_class, canvas_class = _matplotlib("writing a tagging summary")
    n = len(topics)
    figure = figure_class(figsize=(7.5, float(np.clip(0.35 * n + 1.5, 2.5, 40.0))), layout="constrained")
    ax = figure.add_subplot()
    rows = np.arange(n)
    ax.barh(rows, counts, color="tab:blue")
    ax.set_yticks(rows, labels=[_tick(topic) for topic in topics])
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("rows")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Rows per topic")
    return _png(figure, canvas_class)


def score_histogram_chart(
    edges: Sequence[float], counts: Sequence[int], min_score: float | None = None
) -> bytes:
    """Histogram of the best topic's score over the predicted rows, as PNG."""
    figure_class, canvas_class = _matplotlib("writing a tagging summary")
    figure = figure_class(figsize=(7.0, 3.8), layout="constrained")
    ax = figure.add_subplot()
    widths = np.diff(np.asarray(edges, dtype=float))
    ax.bar(edges[:-1], counts, width=widths, align="edge", edgecolor="black", color="tab:grey")
    if min_score is not None:
        ax.axvline(min_score, color="tab:red", linestyle="--", label=f"--min-score {min_score:g}")
        ax.legend(loc="upper left")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("score of the best topic")
    ax.set_ylabel("rows")
    ax.set_title("Scores")
    return _png(figure, canvas_class)


def shares_over_time_chart(periods: Sequence[str], topics: Sequence[str], shares: np.ndarray) -> bytes:
    """Stacked areas of each topic's share of the tagged rows per period, as PNG."""
    figure_class, canvas_class = _matplotlib("writing a tagging summary")
    figure = figure_class(figsize=(9.0, 5.0), layout="constrained")
    ax = figure.add_subplot()
    x = np.arange(len(periods))
    from matplotlib import colormaps

    palette = colormaps["tab20"]  # 20 distinct colours: the 13 default topics each get their own
    colors = [palette(i % 20) for i in range(len(topics))]
    ax.stackplot(x, shares.T, labels=[_tick(topic) for topic in topics], colors=colors, alpha=0.9)
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step], labels=[periods[i] for i in x[::step]], rotation=45, ha="right")
    ax.set_xlim(0, max(len(periods) - 1, 1))
    ax.set_ylim(0.0, 1.0)
    ax.set_ylabel("share of the tagged rows")
    ax.set_title("Topic shares over time")
    figure.legend(loc="outside right center", fontsize="small")
    return _png(figure, canvas_class)
