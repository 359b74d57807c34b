"""Reading delimited text tables (CSV, TSV, semicolon) with errors that say file, line and column.

Used for labeled training and evaluation data, which fit in memory. Parsing is done with the
standard ``csv`` module rather than pandas so that every record keeps the line it started on,
and every problem can be reported at that line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ._errors import DataError

__all__ = ["Table", "TableOptions", "decode_utf8", "pick_separator", "read_table", "resolve_column"]

_SEPARATORS = (",", ";", "\t")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


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
    sep: str
    raw: bytes


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 (dropping a BOM) or raise a :class:`DataError` locating the first bad byte."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            f"{name}, line {line}, column {column}: not UTF-8 (byte 0x{data[exc.start]:02X} at "
            f"byte offset {exc.start}); re-save the file as UTF-8"
        ) from None


def pick_separator(header_line: str, name: str) -> str:
    """Pick the separator of a table from its first line (the most frequent of , ; TAB).

    Ties and lines without any separator fall back on the file extension (``.tsv`` -> tab).
    """
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(counts.values())
    winners = [sep for sep, n in counts.items() if n == best and n > 0]
    if len(winners) == 1:
        return winners[0]
    return "\t" if name.lower().removesuffix(".gz").endswith(".tsv") else ","


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a file, gunzipping ``*.gz``; missing files and bad gzip give a :class:`DataError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DataError(f"{path}: not a valid gzip file ({exc})") from None
    return data


def read_table(path: str | os.PathLike[str], options: TableOptions = TableOptions()) -> Table:
    """Read a whole delimited file strictly: any malformed or ragged row is a :class:`DataError`."""
    name = str(path)
    raw = read_bytes(path)
    text = decode_utf8(raw, name)
    if not text.strip():
        raise DataError(f"{name}: the file is empty")
    sep = options.sep or pick_separator(text.split("\n", 1)[0], name)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=sep,
        quoting=csv.QUOTE_MINIMAL if options.quoting else csv.QUOTE_NONE,
        strict=True,
    )
    rows: list[list[str]] = []
    lines: list[int] = []
    columns: list[str] | None = None
    next_line = 1
    try:
        for row in reader:
            start, next_line = next_line, reader.line_num + 1
            if not row or row == [""]:
                continue  # blank line
            if columns is None and options.header:
                columns = [c.strip() for c in row]
                continue
            if columns is None:
                columns = [str(i + 1) for i in range(len(row))]
            if len(row) != len(columns):
                raise DataError(
                    f"{name}, line {start}: expected {len(columns)} fields separated by "
                    f"{_SEP_NAMES.get(sep, repr(sep))} (as in the header), found {len(row)}"
                )
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise DataError(f"{name}, line {reader.line_num}: malformed CSV ({exc})") from None
    if columns is None:
        raise DataError(f"{name}: the file is empty")
    if not rows:
        raise DataError(f"{name}: the file has a header but no data rows")
    return Table(name, columns, rows, lines, sep, raw)


def resolve_column(columns: list[str], wanted: str, name: str, role: str) -> int:
    """Return the index of column ``wanted`` or raise a :class:`DataError` listing the columns."""
    if wanted in columns:
        return columns.index(wanted)
    stripped = [c.strip().lower() for c in columns]
    if wanted.strip().lower() in stripped:
        return stripped.index(wanted.strip().lower())
    listed = ", ".join(repr(c) for c in columns)
    raise DataError(f"{name}, line 1: no {role} column {wanted!r}; the columns are: {listed}")
