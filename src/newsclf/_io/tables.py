"""Whole tables read strictly (CSV, TSV, semicolon; or a DataFrame): labeled data for training and evaluation.

Built on the streaming CSV reader in strict mode: any malformed record, ragged row or
undecodable byte stops the read with a :class:`DataError` naming file, line and column.
Labeled data is then cleaned (empty texts and labels set aside, duplicates dropped) with an
account of every input row.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import DataError
from .readers import open_reader
from .records import find_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LabeledData", "Table", "TableOptions", "read_labeled", "read_mapping", "read_table"]


@dataclass(frozen=True)
class TableOptions:
    """How to parse a table.

    Attributes
    ----------
    sep : str, optional
        Field separator; sniffed from the header line when None.
    header : bool
        Whether the first row names the columns. Without one, columns are named
        ``"1"``, ``"2"``, ... (1-based, like ``cut -f``).
    quoting : bool
        Whether ``"`` quotes fields (standard CSV). Turn off for files such as the UCI
        News Aggregator TSVs, whose unescaped quotes are part of the text.
    """

    sep: str | None = None
    header: bool = True
    quoting: bool = True


@dataclass
class Table:
    """A parsed table: column names and rows, each with the line it starts on (1-based)."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    lines: list[int]
    sha256: str


def read_table(path: str | os.PathLike[str], options: TableOptions | None = None) -> Table:
    """Read a whole delimited file (``.gz`` too); blank lines are skipped."""
    options = options or TableOptions()
    name = str(path)
    fmt = "tsv" if name.lower().removesuffix(".gz").endswith(".tsv") else "csv"
    with open_reader(
        path,
        fmt=fmt,
        sep=options.sep,
        header=options.header,
        quoting=options.quoting,
        strict=True,
        guess_text=False,
    ) as reader:
        rows: list[list[str]] = []
        lines: list[int] = []
        for record in reader:
            if record.fields:  # blank lines are not rows
                rows.append(record.fields)
                lines.append(record.line)
        columns, sha256 = reader.columns, reader.sha256
    if not rows:
        raise DataError(f"{name}: the file has a header but no data rows")
    return Table(name, columns, rows, lines, sha256)


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
        table = read_table(source, options)
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


def read_mapping(
    path: str | os.PathLike[str],
    columns: tuple[str, str],
    roles: tuple[str, str],
    *,
    empty: str,
    repeated: str,
) -> dict[str, str]:
    """Read a table's key column -> value column pairs (``columns``, stripped) into a dict.

    ``roles`` name the columns in a missing-column error; an empty key raises
    ``"<file>, line N: <empty>"`` and a key given twice ``"<file>, line N: label 'k' <repeated>"``.
    """
    table = read_table(path, TableOptions())
    key_index = find_column(table.columns, columns[0], table.name, roles[0])
    value_index = find_column(table.columns, columns[1], table.name, roles[1])
    out: dict[str, str] = {}
    for line, row in zip(table.lines, table.rows):
        key = row[key_index].strip()
        if not key:
            raise DataError(f"{table.name}, line {line}: {empty}")
        if key in out:
            raise DataError(f"{table.name}, line {line}: label {key!r} {repeated}")
        out[key] = row[value_index].strip()
    return out
