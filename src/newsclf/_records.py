"""Streaming input records for tagging: text lines, CSV/TSV rows and JSON lines.

Every physical input record yields exactly one :class:`Record`, in order, whatever is wrong
with it: a record that cannot be read carries a ``status`` saying why instead of being
dropped, so the output can keep one row per input record.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ._errors import DataError
from ._tables import pick_separator, resolve_column

__all__ = ["FORMATS", "Record", "RecordReader", "Status", "detect_format", "open_records"]

#: Input formats by name.
FORMATS = ("txt", "csv", "tsv", "jsonl")

_EXTENSIONS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: Text columns tried, in order, when a CSV or JSONL input does not name one.
DEFAULT_TEXT_COLUMNS = ("text", "title", "headline")


class Status:
    """Per-row status values written in the ``status`` column of tagged output."""

    OK = "ok"  #: tagged
    EMPTY = "empty"  #: blank line or empty text: no topic
    BAD_UTF8 = "bad_utf8"  #: undecodable bytes replaced by U+FFFD, then tagged
    RAGGED = "ragged_row"  #: CSV row with the wrong number of fields: no topic
    BAD_CSV = "bad_csv"  #: CSV record the parser rejected: no topic
    BAD_JSON = "bad_json"  #: line that is not a JSON object: no topic
    NO_TEXT = "no_text"  #: JSON object without the text key, or a non-string text: no topic

    TAGGABLE = frozenset({OK, BAD_UTF8})


@dataclass
class Record:
    """One input record: where it starts, its fields, its text and its status."""

    line: int
    fields: list[str]
    text: str
    status: str


def detect_format(name: str) -> str:
    """Return the input format implied by a file name (``.gz`` is looked through)."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    fmt = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise DataError(
            f"{name}: cannot tell the input format from the file name; pass --input-format "
            f"(one of {', '.join(FORMATS)})"
        )
    return fmt


class _LineDecoder:
    """Decode binary lines as UTF-8, replacing bad bytes and counting the lines that had them."""

    def __init__(self, handle: IO[bytes], name: str) -> None:
        self._handle = handle
        self._name = name
        self.bad_lines = 0
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        first = True
        try:
            for raw in self._handle:
                self.line += 1
                if first:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                    first = False
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    self.bad_lines += 1
                    yield raw.decode("utf-8", errors="replace")
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DataError(
                f"{self._name}, line {self.line + 1}: truncated or corrupt gzip input ({exc})"
            ) from None


class RecordReader:
    """Iterate the records of one input, and describe its columns."""

    def __init__(
        self,
        handle: IO[bytes],
        name: str,
        fmt: str,
        *,
        text_col: str | None = None,
        sep: str | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise DataError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.name = name
        self.format = fmt
        self._decoder = _LineDecoder(handle, name)
        self._lines = iter(self._decoder)
        self._sep = sep or ("\t" if fmt == "tsv" else None)
        self.text_col = text_col
        self.columns: list[str] = []
        self._text_index = 0
        self._first_json: str | None = None
        self._prepare()

    # The output columns are known once the header (CSV) or the text key (JSONL) is.
    def _prepare(self) -> None:
        if self.format == "txt":
            self.columns = ["text"]
            return
        if self.format == "jsonl":
            self.text_col = self.text_col or self._guess_json_key()
            self.columns = ["line", self.text_col]
            return
        header_line = next(self._lines, None)
        if header_line is None or not header_line.strip():
            raise DataError(f"{self.name}: the file is empty (no header line)")
        sep = self._sep or pick_separator(header_line, self.name)
        self._sep = sep
        self.columns = [c.strip() for c in next(csv.reader([header_line], delimiter=sep))]
        if self.text_col is None:
            found = [c for c in DEFAULT_TEXT_COLUMNS if c in self.columns]
            if not found:
                listed = ", ".join(repr(c) for c in self.columns)
                raise DataError(
                    f"{self.name}, line 1: no text column given and none named "
                    f"{', '.join(DEFAULT_TEXT_COLUMNS)}; pass --text-col (the columns are: {listed})"
                )
            self.text_col = found[0]
        self._text_index = resolve_column(self.columns, self.text_col, self.name, "text")

    def _guess_json_key(self) -> str:
        # Peek at the first line to find the text key; it is replayed by _iter_jsonl.
        self._first_json = next(self._lines, None)
        if self._first_json is None:
            return DEFAULT_TEXT_COLUMNS[0]
        try:
            obj = json.loads(self._first_json)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            for key in DEFAULT_TEXT_COLUMNS:
                if key in obj:
                    return key
            listed = ", ".join(repr(k) for k in obj)
            raise DataError(
                f"{self.name}, line 1: no text key given and none named "
                f"{', '.join(DEFAULT_TEXT_COLUMNS)}; pass --text-col (the keys are: {listed})"
            )
        return DEFAULT_TEXT_COLUMNS[0]

    def __iter__(self) -> Iterator[Record]:
        if self.format == "txt":
            return self._iter_txt()
        if self.format == "jsonl":
            return self._iter_jsonl()
        return self._iter_csv()

    def _iter_txt(self) -> Iterator[Record]:
        decoder = self._decoder
        bad_seen = 0
        for raw in self._lines:
            bad_now = decoder.bad_lines > bad_seen
            bad_seen = decoder.bad_lines
            line = raw.rstrip("\r\n")
            text = line.strip()
            status = Status.EMPTY if not text else Status.BAD_UTF8 if bad_now else Status.OK
            yield Record(decoder.line, [line], text, status)

    def _iter_jsonl(self) -> Iterator[Record]:
        decoder = self._decoder
        key = self.text_col
        lines = self._lines
        if self._first_json is not None:
            lines = _chain_first(self._first_json, lines)
        line_no = 0
        bad_seen = 0
        for raw in lines:
            line_no += 1
            bad_now = decoder.bad_lines > bad_seen
            bad_seen = decoder.bad_lines
            stripped = raw.strip()
            if not stripped:
                yield Record(line_no, [str(line_no), ""], "", Status.EMPTY)
                continue
            try:
                obj = json.loads(stripped)
            except ValueError:
                yield Record(line_no, [str(line_no), ""], "", Status.BAD_JSON)
                continue
            value = obj.get(key) if isinstance(obj, dict) else None
            if not isinstance(obj, dict):
                yield Record(line_no, [str(line_no), ""], "", Status.BAD_JSON)
            elif not isinstance(value, str):
                yield Record(line_no, [str(line_no), ""], "", Status.NO_TEXT)
            else:
                text = value.strip()
                status = Status.EMPTY if not text else Status.BAD_UTF8 if bad_now else Status.OK
                yield Record(line_no, [str(line_no), value], text, status)

    def _iter_csv(self) -> Iterator[Record]:
        decoder = self._decoder
        reader = csv.reader(self._lines, delimiter=self._sep or ",", strict=True)
        width = len(self.columns)
        index = self._text_index
        start = decoder.line + 1
        bad_seen = decoder.bad_lines
        while True:
            try:
                row = next(reader)
                error = None
            except StopIteration:
                return
            except csv.Error as exc:
                row, error = [], exc
            line, start = start, decoder.line + 1
            bad_now = decoder.bad_lines > bad_seen
            bad_seen = decoder.bad_lines
            if error is not None:
                yield Record(line, [""] * width, "", Status.BAD_CSV)
            elif not row:  # blank line: keep it as an empty row
                yield Record(line, [""] * width, "", Status.EMPTY)
            elif len(row) != width:
                fields = (row + [""] * width)[:width]
                yield Record(line, fields, "", Status.RAGGED)
            else:
                text = row[index].strip()
                status = Status.EMPTY if not text else Status.BAD_UTF8 if bad_now else Status.OK
                yield Record(line, row, text, status)


def _chain_first(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


@contextmanager
def open_records(
    source: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    text_col: str | None = None,
    sep: str | None = None,
) -> Iterator[RecordReader]:
    """Open a file (``.gz`` decompressed on the fly) or ``"-"`` (stdin) as records."""
    name = str(source)
    if name == "-":
        yield RecordReader(sys.stdin.buffer, "<stdin>", fmt or "txt", text_col=text_col, sep=sep)
        return
    path = Path(source)
    fmt = fmt or detect_format(name)
    if not path.is_file():
        raise DataError(f"{name}: no such file")
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:  # type: ignore[operator]
        yield RecordReader(handle, name, fmt, text_col=text_col, sep=sep)
