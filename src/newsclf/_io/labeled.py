"""Labeled data for training and evaluation: read, clean, count what was set aside."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import DataError
from .records import find_column
from .tables import TableOptions, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LabeledData", "read_labeled"]


@dataclass
class LabeledData:
    """Texts with their labels, and an account of every input row.

    ``rows_read == len(texts) + skipped_empty_text + skipped_empty_label + duplicates_dropped``.
    """

    source: str
    texts: list[str]
    labels: list[str]
    lines: list[int]
    rows_read: int
    skipped_empty_text: int = 0
    skipped_empty_label: int = 0
    duplicates_dropped: int = 0
    conflicting_texts: int = 0
    sha256: str = ""
    first_lines: dict[str, int] = field(default_factory=dict)  # label -> line of its first row

    def summary(self) -> dict[str, Any]:
        """Return the row accounting as JSON-ready data (goes into the model card)."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_used": len(self.texts),
            "skipped_empty_text": self.skipped_empty_text,
            "skipped_empty_label": self.skipped_empty_label,
            "duplicates_dropped": self.duplicates_dropped,
            "conflicting_texts": self.conflicting_texts,
            "label_counts": dict(sorted(Counter(self.labels).items())),
            "file_sha256": self.sha256,
        }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: pandas' missing value
            return ""
        if value.is_integer():  # an int column that pandas made float because of a NaN
            return str(int(value))
    return str(value)


def read_labeled(
    source: str | os.PathLike[str] | pd.DataFrame,
    text_col: str,
    label_col: str,
    options: TableOptions | None = None,
    *,
    dedupe: bool = True,
) -> LabeledData:
    """Read ``(text, label)`` pairs from a CSV/TSV path or a DataFrame.

    Rows with an empty text or an empty label are skipped; exact duplicate ``(text, label)``
    rows are dropped when ``dedupe`` (so they cannot sit on both sides of a held-out split);
    texts seen with more than one label are kept and counted. All of it is counted in the
    returned :class:`LabeledData`, nothing is dropped silently.
    """
    if hasattr(source, "columns") and hasattr(source, "itertuples"):
        frame = source
        name = "<DataFrame>"
        columns = [str(c) for c in frame.columns]
        t = find_column(columns, text_col, name, "text")
        y = find_column(columns, label_col, name, "label")
        rows = [[_cell(v) for v in (row[t], row[y])] for row in frame.itertuples(index=False)]
        lines = list(range(2, len(rows) + 2))  # as if written with a header line
        t, y = 0, 1
        sha256 = ""
        if not rows:
            raise DataError(f"{name}: the DataFrame has no rows")
    else:
        table = read_table(source, options)  # type: ignore[arg-type]
        name = table.name
        t = find_column(table.columns, text_col, name, "text")
        y = find_column(table.columns, label_col, name, "label")
        rows, lines = table.rows, table.lines
        sha256 = table.sha256

    data = LabeledData(source=name, texts=[], labels=[], lines=[], rows_read=len(rows), sha256=sha256)
    seen: set[tuple[str, str]] = set()
    labels_of: dict[str, set[str]] = defaultdict(set)
    for row, line in zip(rows, lines):
        text, label = row[t].strip(), row[y].strip()
        if not text:
            data.skipped_empty_text += 1
            continue
        if not label:
            data.skipped_empty_label += 1
            continue
        if dedupe and (text, label) in seen:
            data.duplicates_dropped += 1
            continue
        seen.add((text, label))
        labels_of[text].add(label)
        data.texts.append(text)
        data.labels.append(label)
        data.lines.append(line)
        data.first_lines.setdefault(label, line)
    data.conflicting_texts = sum(1 for found in labels_of.values() if len(found) > 1)
    if not data.texts:
        raise DataError(
            f"{name}: no usable rows: {data.skipped_empty_text} with empty text in column "
            f"{text_col!r}, {data.skipped_empty_label} with empty label in column {label_col!r}"
        )
    return data
