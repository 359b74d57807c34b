"""Reading whole labeled tables (CSV, TSV, semicolon) strictly, for training and evaluation.

Built on the streaming record reader in strict mode: any malformed record, ragged row or
undecodable byte stops the read with a :class:`DataError` naming file, line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .._errors import DataError
from .records import open_records

__all__ = ["Table", "TableOptions", "read_table"]


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
    with open_records(
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
