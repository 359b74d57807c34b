"""Evaluation reports on disk: Markdown or self-contained HTML, with matplotlib charts.

matplotlib is optional (``pip install 'newsclf[plot]'``) and imported only here, when a
report is written. Charts are drawn on the Agg canvas through matplotlib's object API, never
through ``pyplot``, so writing a report changes no global state (a notebook's backend stays).
"""

from __future__ import annotations

import base64
import html
import io
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._errors import MissingDependencyError
from .._io.atomic import OutputError, atomic_write
from .._version import __version__

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .evaluate import EvaluationReport

__all__ = [
    "CHARTS",
    "INSTALL_HINT",
    "check_report_dir",
    "require_matplotlib",
    "write_report",
]

INSTALL_HINT = "pip install 'newsclf[plot]'"
CHARTS = ("confusion_matrix.png", "per_class_f1.png", "reliability.png")
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


def check_report_dir(directory: str | os.PathLike[str]) -> Path:
    """Fail early, before any long work, if ``directory`` cannot be created or written to."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{directory}: is not a directory; give a directory for the report")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{directory}: cannot create the report directory: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{directory}: cannot write the report there: {existing} is not writable")
    return path


# -- charts -----------------------------------------------------------------------------------
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


def _confusion_chart(report: EvaluationReport, figure_class: Any) -> Figure:
    n = len(report.labels)
    counts = np.asarray(report.confusion, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    side = float(np.clip(0.55 * n + 2.5, 4.0, 22.0))
    figure = figure_class(figsize=(side + 1.2, side), layout="constrained")
    ax = figure.add_subplot()
    image = ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    ticks = [_tick(label) for label in report.labels]
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
    return figure


def _per_class_chart(report: EvaluationReport, figure_class: Any) -> Figure:
    n = len(report.labels)
    scores = [report.per_class[label] for label in report.labels]
    figure = figure_class(figsize=(7.5, float(np.clip(0.6 * n + 1.8, 3.0, 40.0))), layout="constrained")
    ax = figure.add_subplot()
    rows = np.arange(n)
    height = 0.27
    for offset, name, values in (
        (-height, "precision", [s.precision for s in scores]),
        (0.0, "recall", [s.recall for s in scores]),
        (height, "F1", [s.f1 for s in scores]),
    ):
        ax.barh(rows + offset, values, height, label=name)
    ax.set_yticks(rows, labels=[_tick(label) for label in report.labels])
    ax.set_ylim(n - 0.5, -0.5)  # the first label on top, as in the tables
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("score")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Per-class precision, recall and F1")
    figure.legend(loc="outside lower center", ncols=3)
    return figure


def _reliability_chart(report: EvaluationReport, figure_class: Any) -> Figure:
    bins = report.reliability
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
    top.set_title(f"Reliability diagram: ECE {report.ece:.4f} ({len(bins)} bins)")
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
    bottom.axvline(report.accuracy, color="tab:blue", linestyle="--", label=f"accuracy {report.accuracy:.3f}")
    bottom.axvline(
        mean_confidence, color="tab:red", linestyle=":", label=f"mean confidence {mean_confidence:.3f}"
    )
    bottom.set_xlabel("top-label confidence")
    bottom.set_ylabel("predictions")
    bottom.legend(loc="upper left", fontsize="small")
    return figure


def _charts(report: EvaluationReport) -> dict[str, bytes]:
    figure_class, canvas_class = _matplotlib()
    charts = {
        "confusion_matrix.png": _confusion_chart(report, figure_class),
        "per_class_f1.png": _per_class_chart(report, figure_class),
    }
    if report.ece is not None and report.reliability:
        charts["reliability.png"] = _reliability_chart(report, figure_class)
    return {name: _png(figure, canvas_class) for name, figure in charts.items()}


# -- the document -----------------------------------------------------------------------------
# A report is a list of blocks that both renderers understand, so the Markdown and the HTML
# always say the same thing.
@dataclass(frozen=True)
class _Heading:
    text: str
    level: int


@dataclass(frozen=True)
class _Paragraph:
    text: str


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_from: int = 1  # columns from this one on are right-aligned


@dataclass(frozen=True)
class _Image:
    name: str
    alt: str


_Block = _Heading | _Paragraph | _Table | _Image

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


def _blocks(report: EvaluationReport, title: str, charts: dict[str, bytes]) -> Iterator[_Block]:
    yield _Heading(title, 1)
    metrics = [
        ("rows", str(report.n)),
        ("accuracy", _f(report.accuracy)),
        ("macro-F1", _f(report.macro_f1)),
    ]
    if report.ece is not None:
        metrics.append((f"ECE ({len(report.reliability)} bins, top-label confidence)", _f(report.ece)))
    yield _Table(("metric", "value"), tuple(metrics))

    yield _Heading("Per-class scores", 2)
    yield _Table(
        ("label", "precision", "recall", "F1", "support"),
        tuple(
            (label, _f(s.precision, 3), _f(s.recall, 3), _f(s.f1, 3), str(s.support))
            for label, s in report.per_class.items()
        ),
    )
    if "per_class_f1.png" in charts:
        yield _Image("per_class_f1.png", "Per-class precision, recall and F1")

    yield _Heading("Confusion matrix", 2)
    yield _Paragraph("Rows: true label; columns: predicted label; cells: counts of rows.")
    yield _Table(
        ("true \\ predicted", *report.labels),
        tuple((label, *(str(v) for v in row)) for label, row in zip(report.labels, report.confusion)),
    )
    if "confusion_matrix.png" in charts:
        yield _Image("confusion_matrix.png", "Confusion matrix heatmap, colours normalised by row")

    yield _Heading("Calibration", 2)
    if report.ece is None:
        yield _Paragraph("Not available: this report was made without the model's confidences.")
        return
    yield _Paragraph(f"Expected calibration error (ECE): {report.ece:.4f}.")
    yield _Paragraph(ECE_DEFINITION.format(bins=len(report.reliability)))
    yield _Table(
        ("confidence bin", "predictions", "mean confidence", "accuracy"),
        tuple(
            (f"({b.lower:.3f}, {b.upper:.3f}]", str(b.count), _f(b.mean_confidence), _f(b.accuracy))
            for b in report.reliability
            if b.count
        ),
    )
    yield _Paragraph("Empty bins are left out of the table.")
    if "reliability.png" in charts:
        yield _Image("reliability.png", "Reliability diagram and histogram of confidences")


def _md_text(text: str) -> str:
    # Backslash-escape Markdown punctuation and keep table cells on one line.
    text = " ".join(text.split())
    out = text.replace("\\", "\\\\")
    for char in "`*_[]<>|#!~&":
        out = out.replace(char, "\\" + char)
    return out


def _markdown(blocks: list[_Block]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, _Heading):
            parts.append("#" * block.level + " " + _md_text(block.text))
        elif isinstance(block, _Paragraph):
            parts.append(_md_text(block.text))
        elif isinstance(block, _Table):
            lines = ["| " + " | ".join(_md_text(c) for c in block.header) + " |"]
            aligns = ["---" if i < block.numeric_from else "---:" for i in range(len(block.header))]
            lines.append("|" + "|".join(aligns) + "|")
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in block.rows]
            parts.append("\n".join(lines))
        else:
            parts.append(f"![{_md_text(block.alt)}]({block.name})")
    parts.append(f"Written by newsclf {__version__}.")
    return "\n\n".join(parts) + "\n"


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 1em 0; }
footer { color: #777; font-size: 0.9em; margin-top: 2em; }
"""


def _html(blocks: list[_Block], title: str, charts: dict[str, bytes]) -> str:
    esc = html.escape
    body = []
    for block in blocks:
        if isinstance(block, _Heading):
            body.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, _Paragraph):
            body.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, _Table):
            rows = ["<tr>" + "".join(f"<th>{esc(c)}</th>" for c in block.header) + "</tr>"]
            for row in block.rows:
                cells = (
                    f'<td class="num">{esc(c)}</td>' if i >= block.numeric_from else f"<td>{esc(c)}</td>"
                    for i, c in enumerate(row)
                )
                rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append("<table>\n" + "\n".join(rows) + "\n</table>")
        else:
            data = base64.b64encode(charts[block.name]).decode("ascii")
            body.append(f'<img src="data:image/png;base64,{data}" alt="{esc(block.alt)}">')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<footer>Written by newsclf {esc(__version__)}.</footer>\n</body>\n</html>\n"
    )


def write_report(
    report: EvaluationReport,
    directory: str | os.PathLike[str],
    *,
    format: Literal["md", "html"] = "md",
    title: str | None = None,
) -> Path:
    """Write ``report`` as ``report.md`` or ``report.html`` plus PNG charts into ``directory``.

    See :meth:`EvaluationReport.write_report`. The charts are written first and the report
    last, each atomically, so a ``report.*`` file only ever sits beside complete charts.
    """
    if format not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', not {format!r}")
    charts = _charts(report)  # before touching the disk: a missing matplotlib changes nothing
    path = check_report_dir(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the report directory: {exc.strerror or exc}") from None
    for name, data in charts.items():
        with atomic_write(path / name, "wb") as handle:
            handle.write(data)
    title = title or "newsclf evaluation report"
    blocks = list(_blocks(report, title, charts))
    text = _markdown(blocks) if format == "md" else _html(blocks, title, charts)
    target = path / f"report.{format}"
    with atomic_write(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return target
