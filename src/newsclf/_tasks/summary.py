"""The tagging summary document: outcomes, topic counts and shares, scores, topics over time.

A :class:`SummaryCollector` counts while :func:`~newsclf._tasks.tag.tag_file` writes; at the end
:func:`write_summary` renders what it counted with the same document code as the evaluation
reports (``_io/documents.py``) and charts (``charts.py``).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .._errors import DataError
from .._io.atomic import check_output_path
from .._io.documents import Block, Heading, Image, Paragraph, Table, write_document
from .._io.records import Chunk, Status, Tagged
from .charts import require_matplotlib, score_histogram_chart, shares_over_time_chart, topic_chart

__all__ = ["SCORE_BINS", "SummaryCollector", "check_summary_path", "write_summary"]

#: Equal-width bins of the score histogram over [0, 1].
SCORE_BINS = 20

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNKNOWN = "(no date)"


def check_summary_path(path: str | os.PathLike[str]) -> Literal["md", "html"]:
    """Fail before any work if the summary cannot be written at ``path``; return its format.

    Raises
    ------
    DataError
        ``path`` ends in neither ``.md`` nor ``.html``.
    OutputError
        Its directory is missing or not writable.
    MissingDependencyError
        matplotlib is not installed.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in (".md", ".html"):
        raise DataError(f"{path}: a tagging summary is a .md or .html file")
    require_matplotlib("newsclf tag --summary")
    check_output_path(path)
    return "md" if suffix == ".md" else "html"


class SummaryCollector:
    """Count a tagging run for its summary: statuses, topics, scores and, by date, topics.

    Parameters
    ----------
    date_col : str, optional
        The input column (or JSON key) holding each row's date (``YYYY-MM-DD`` at its start,
        as in ISO 8601 timestamps); rows without one count under "(no date)".
    """

    def __init__(self, date_col: str | None = None) -> None:
        self.date_col = date_col
        self.statuses: Counter[str] = Counter()
        self.topics: Counter[str] = Counter()
        self.histogram = np.zeros(SCORE_BINS, dtype=np.int64)
        self.by_day: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._date_index: int | None = None

    def start(self, columns: list[str]) -> None:
        """Find the date column among the input's ``columns`` (else JSON objects are asked)."""
        if self.date_col is not None and self.date_col in columns:
            self._date_index = columns.index(self.date_col)

    def add(self, chunk: Chunk, tagged: Tagged) -> None:
        """Count one chunk's tagged rows."""
        self.statuses.update(tagged.statuses)
        self.topics.update(t for t in tagged.topics if t)
        scores = np.asarray([s for s in tagged.scores if s is not None], dtype=float)
        if scores.size:
            bins = np.minimum((scores * SCORE_BINS).astype(int), SCORE_BINS - 1)
            self.histogram += np.bincount(bins, minlength=SCORE_BINS)
        if self.date_col is None:
            return
        for day, topic in zip(self._days(chunk), tagged.topics):
            if topic:
                self.by_day[day][topic] += 1

    def _days(self, chunk: Chunk) -> list[str]:
        if self._date_index is not None:
            values: list[Any] = chunk.columns[self._date_index]
        elif chunk.records is not None:
            values = [(obj or {}).get(self.date_col) for obj in chunk.records]  # type: ignore[arg-type]
        else:
            raise DataError(f"--date-col {self.date_col!r}: the input has no such column")
        days = []
        for value in values:
            found = _DATE.match(str(value).strip()) if value is not None else None
            days.append(found.group(0) if found else _UNKNOWN)
        return days

    def periods(self) -> tuple[list[str], list[Counter[str]], str]:
        """Return the periods (days, or months over a span of more than 92 days), their counts, the unit."""
        days = sorted(d for d in self.by_day if d != _UNKNOWN)
        if not days:
            return [], [], "day"
        first, last = np.datetime64(days[0]), np.datetime64(days[-1])
        if (last - first).astype(int) <= 92:
            return days, [self.by_day[d] for d in days], "day"
        months: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for day in days:
            months[day[:7]].update(self.by_day[day])
        return sorted(months), [months[m] for m in sorted(months)], "month"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def write_summary(
    collector: SummaryCollector,
    path: str | os.PathLike[str],
    *,
    source: str,
    min_score: Any = None,
) -> Path:
    """Write the summary of a tagging run to ``path`` (``.md`` beside its PNG charts, or ``.html``).

    It shows the rows in each outcome (tagged, abstained, no signal, empty, unreadable), the
    topic counts and shares with a bar chart, the histogram of scores and, with a date
    column, each topic's share of the tagged rows per day or month, as a table and a chart.
    """
    fmt = check_summary_path(path)
    target = Path(path)
    stem = target.stem
    counts = collector.statuses
    rows = sum(counts.values())
    tagged = counts[Status.OK] + counts[Status.BAD_UTF8]
    unreadable = rows - tagged - counts[Status.EMPTY] - counts[Status.LOW_SCORE] - counts[Status.NO_SIGNAL]
    charts: dict[str, bytes] = {}
    blocks: list[Block] = [Heading(f"Tagging summary of {source}", 1)]
    blocks.append(
        Table(
            ("outcome", "rows", "share"),
            tuple(
                (name, f"{n:,}", _pct(n, rows))
                for name, n in (
                    ("rows", rows),
                    ("tagged (ok, repaired)", tagged),
                    ("abstained (low_score)", counts[Status.LOW_SCORE]),
                    ("no signal (no_signal)", counts[Status.NO_SIGNAL]),
                    ("empty", counts[Status.EMPTY]),
                    ("unreadable", unreadable),
                )
            ),
        )
    )
    blocks.append(
        Paragraph(
            "Scores are calibrated for English news headlines. Rows without signal are texts the "
            "model's vocabulary barely covers (too few known words): they get no topic."
        )
    )
    blocks.append(Heading("Topics", 2))
    ranked = collector.topics.most_common()
    if ranked:
        blocks.append(
            Table(
                ("topic", "rows", "share of the tagged rows"),
                tuple((topic, f"{n:,}", _pct(n, tagged)) for topic, n in ranked),
            )
        )
        charts[f"{stem}_topics.png"] = topic_chart([t for t, _ in ranked], [n for _, n in ranked])
        blocks.append(Image(f"{stem}_topics.png", "Rows per topic"))
    else:
        blocks.append(Paragraph("No row got a topic."))
    blocks.append(Heading("Scores", 2))
    edges = np.linspace(0.0, 1.0, SCORE_BINS + 1)
    limit = min_score if isinstance(min_score, float) else None
    charts[f"{stem}_scores.png"] = score_histogram_chart(edges.tolist(), collector.histogram.tolist(), limit)
    blocks.append(
        Paragraph(
            f"The best topic's score of every predicted row (tagged, abstained and without signal), "
            f"in {SCORE_BINS} bins of width {1 / SCORE_BINS:g}."
        )
    )
    blocks.append(Image(f"{stem}_scores.png", "Histogram of scores"))
    if collector.date_col is not None:
        periods, period_counts, unit = collector.periods()
        blocks.append(Heading(f"Topics over time ({collector.date_col}, by {unit})", 2))
        if periods:
            topics = [t for t, _ in ranked]
            totals = np.asarray([sum(c.values()) for c in period_counts], dtype=float)
            shares = np.asarray([[c[t] for t in topics] for c in period_counts], dtype=float)
            shares = shares / np.maximum(totals, 1.0)[:, None]
            charts[f"{stem}_over_time.png"] = shares_over_time_chart(periods, topics, shares)
            blocks.append(Image(f"{stem}_over_time.png", "Topic shares over time"))
            blocks.append(
                Table(
                    (unit, "tagged rows", *topics),
                    tuple(
                        (p, f"{int(total):,}", *(f"{s:.1%}" for s in row))
                        for p, total, row in zip(periods, totals, shares)
                    ),
                )
            )
        undated = sum(collector.by_day.get(_UNKNOWN, Counter()).values())
        if undated or not periods:
            blocks.append(
                Paragraph(f"{undated:,} tagged rows have no YYYY-MM-DD date in {collector.date_col!r}.")
            )
    return write_document(
        target.parent, blocks, charts=charts, format=fmt, title=f"Tagging summary of {source}", stem=stem
    )
