"""Streaming input records: text lines, CSV/TSV rows and JSON lines.

One reader serves both jobs. Tagging reads leniently: every physical input record yields exactly
one :class:`Record`, in order, and a record that cannot be read carries a ``status`` saying
why instead of being dropped. Training reads strictly (``strict=True``): the first problem
raises a :class:`DataError` naming file, line and column.

CSV records may span lines (quoted newlines). A record is assembled line by line while its
quotes are unbalanced, up to :data:`MAX_RECORD_LINES` lines; an unterminated quote therefore
costs one ``bad_csv`` row for its line, never the rest of the file.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import sys
import zlib
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ._errors import DataError

__all__ = [
    "DEFAULT_TEXT_COLUMNS",
    "FORMATS",
    "MAX_RECORD_LINES",
    "Record",
    "RecordReader",
    "Status",
    "detect_format",
    "find_column",
    "open_records",
    "pick_separator",
]

#: Input formats by name.
FORMATS = ("txt", "csv", "tsv", "jsonl")

_EXTENSIONS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: Text columns tried, in order, when a CSV or JSONL input does not name one.
DEFAULT_TEXT_COLUMNS = ("text", "title", "headline")

#: Longest CSV record, in physical lines, before an open quote is declared unterminated.
MAX_RECORD_LINES = 200

_SEPARATORS = (",", ";", "\t")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Headline files never need the csv module's 128 KiB field cap; long fields must not fail.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class Status:
    """Per-row status values written in the ``status`` column of tagged output."""

    OK = "ok"  #: tagged
    EMPTY = "empty"  #: blank line or empty text: no topic
    BAD_UTF8 = "bad_utf8"  #: undecodable bytes replaced by U+FFFD, then tagged
    RAGGED = "ragged_row"  #: CSV row with the wrong number of fields: no topic
    BAD_CSV = "bad_csv"  #: CSV record the parser rejected (e.g. unterminated quote): no topic
    BAD_JSON = "bad_json"  #: line that is not a JSON object: no topic
    NO_TEXT = "no_text"  #: JSON object without the text key, or a non-string text: no topic

    TAGGABLE = frozenset({OK, BAD_UTF8})


@dataclass
class Record:
    """One input record: where it starts, its fields, its text and its status.

    ``fields`` is empty for a blank line; ``obj`` is the parsed object of a JSON line.
    """

    line: int
    fields: list[str]
    text: str
    status: str
    detail: str = ""
    obj: dict[str, Any] | None = field(default=None, repr=False)


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


def find_column(columns: list[str], wanted: str, name: str, role: str) -> int:
    """Return the index of column ``wanted`` (exact, else case-insensitive) or raise a DataError."""
    if wanted in columns:
        return columns.index(wanted)
    folded = [c.strip().lower() for c in columns]
    if wanted.strip().lower() in folded:
        return folded.index(wanted.strip().lower())
    listed = ", ".join(repr(c) for c in columns)
    raise DataError(f"{name}, line 1: no {role} column {wanted!r}; the columns are: {listed}")


class _Lines:
    """Physical lines of a binary input as ``(line number, text, had bad bytes)``.

    Lenient mode replaces undecodable bytes with U+FFFD and flags the line; strict mode raises
    a :class:`DataError` with the line, column and byte offset of the first bad byte.
    """

    def __init__(self, handle: IO[bytes], name: str, strict: bool) -> None:
        self._handle = handle
        self._name = name
        self._strict = strict
        self._digest = hashlib.sha256()
        self.line = 0

    @property
    def sha256(self) -> str:
        """sha256 of the bytes read so far (all of them, once iteration has finished)."""
        return self._digest.hexdigest()

    def __iter__(self) -> Iterator[tuple[int, str, bool]]:
        offset = 0
        try:
            for raw in self._handle:
                self._digest.update(raw)
                self.line += 1
                data = raw[3:] if self.line == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
                try:
                    yield self.line, data.decode("utf-8"), False
                except UnicodeDecodeError as exc:
                    if self._strict:
                        self._raise_decode(data, exc, offset + len(raw) - len(data))
                    yield self.line, data.decode("utf-8", errors="replace"), True
                offset += len(raw)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DataError(
                f"{self._name}, line {self.line + 1}: truncated or corrupt gzip input ({exc})"
            ) from None

    def _raise_decode(self, data: bytes, exc: UnicodeDecodeError, base: int) -> None:
        column = len(data[: exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            f"{self._name}, line {self.line}, column {column}: not UTF-8 (byte "
            f"0x{data[exc.start]:02X} at byte offset {base + exc.start}); re-save the file as UTF-8"
        )


class RecordReader:
    """Iterate the records of one input; ``columns`` describes them.

    Parameters
    ----------
    handle : binary file
        The input, opened for reading bytes.
    name : str
        Its name, used in messages.
    fmt : {"txt", "csv", "tsv", "jsonl"}
        Input format.
    text_col : str, optional
        The text column (CSV) or key (JSONL). When None and ``guess_text``, the first of
        :data:`DEFAULT_TEXT_COLUMNS` present is used.
    sep : str, optional
        CSV separator, sniffed from the header line when None.
    header : bool
        Whether a CSV's first record names the columns (otherwise they are "1", "2", ...).
    quoting : bool
        Whether ``"`` quotes CSV fields.
    strict : bool
        Raise a :class:`DataError` at the first unreadable record instead of marking it.
    guess_text : bool
        Whether a text column must be found (tagging) or is not needed (reading a table).
    """

    def __init__(
        self,
        handle: IO[bytes],
        name: str,
        fmt: str,
        *,
        text_col: str | None = None,
        sep: str | None = None,
        header: bool = True,
        quoting: bool = True,
        strict: bool = False,
        guess_text: bool = True,
    ) -> None:
        if fmt not in FORMATS:
            raise DataError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
        if sep is not None and len(sep) != 1:
            raise DataError(f"the separator must be one character, not {sep!r}")
        self.name = name
        self.format = fmt
        self.strict = strict
        self._lines = _Lines(handle, name, strict)
        self._physical = iter(self._lines)
        self._pushed: deque[tuple[int, str, bool]] = deque()
        self._sep = sep or ("\t" if fmt == "tsv" else None)
        self._header = header
        self._quoting = quoting
        self.text_col = text_col
        self.columns: list[str] = []
        self._text_index: int | None = None
        self._first: Record | None = None
        if fmt == "txt":
            self.columns = ["text"]
        elif fmt == "jsonl":
            self._prepare_jsonl(guess_text)
        else:
            self._prepare_csv(guess_text)

    @property
    def sha256(self) -> str:
        """sha256 of the input bytes (complete once the records have been read)."""
        return self._lines.sha256

    # -- physical lines with push-back --------------------------------------------------------
    def _next_line(self) -> tuple[int, str, bool] | None:
        if self._pushed:
            return self._pushed.popleft()
        return next(self._physical, None)

    # -- CSV ------------------------------------------------------------------------------------
    def _prepare_csv(self, guess_text: bool) -> None:
        while True:
            first = self._next_line()
            if first is None:
                raise DataError(f"{self.name}: the file is empty")
            if first[1].strip():
                break
        self._pushed.appendleft(first)
        self._sep = self._sep or pick_separator(first[1], self.name)
        if self._header:
            record = self._read_csv_record()
            if record is None or record.status != Status.OK:
                raise DataError(
                    f"{self.name}, line {first[0]}: cannot read the header ({record and record.detail})"
                )
            self.columns = [c.strip() for c in record.fields]
        else:
            self._first = self._read_csv_record()
            width = len(self._first.fields) if self._first else 0
            self.columns = [str(i + 1) for i in range(width)]
        if self.text_col is not None:
            self._text_index = find_column(self.columns, self.text_col, self.name, "text")
        elif guess_text:
            folded = [c.lower() for c in self.columns]
            found = [c for c in DEFAULT_TEXT_COLUMNS if c in folded]
            if not found:
                listed = ", ".join(repr(c) for c in self.columns)
                raise DataError(
                    f"{self.name}, line 1: no text column given and none named "
                    f"{', '.join(DEFAULT_TEXT_COLUMNS)}; pass --text-col (the columns are: {listed})"
                )
            self._text_index = folded.index(found[0])
            self.text_col = self.columns[self._text_index]

    def _parse(self, lines: list[str]) -> list[str]:
        text = lines[0]
        if len(lines) == 1 and '"' not in text and "\r" not in text.rstrip("\r\n"):
            return text.rstrip("\r\n").split(self._sep)  # fast path: what csv would give
        quoting = csv.QUOTE_MINIMAL if self._quoting else csv.QUOTE_NONE
        rows = list(csv.reader(lines, delimiter=self._sep or ",", quoting=quoting, strict=True))
        if len(rows) != 1:
            raise csv.Error(f"{len(lines)} lines hold {len(rows)} records")
        return rows[0]

    def _read_csv_record(self) -> Record | None:
        first = self._next_line()
        if first is None:
            return None
        start, text, _ = first
        if not text.strip("\r\n"):
            return Record(start, [], "", Status.EMPTY)
        span = [first]
        quotes = text.count('"') if self._quoting else 0
        while quotes % 2 and len(span) < MAX_RECORD_LINES:
            following = self._next_line()
            if following is None:
                break
            span.append(following)
            quotes += following[1].count('"')
        error = "unterminated quote" if quotes % 2 else ""
        fields: list[str] = []
        if not error:
            try:
                fields = self._parse([t for _, t, _ in span])
            except csv.Error as exc:
                error = f"malformed CSV ({exc})"
        if error:
            # Only this line is lost to the bad record; the lines after it are read afresh.
            self._pushed.extendleft(reversed(span[1:]))
            return Record(start, [], "", Status.BAD_CSV, error)
        return Record(start, fields, "", Status.BAD_UTF8 if any(b for _, _, b in span) else Status.OK)

    def _iter_csv(self) -> Iterator[Record]:
        width = len(self.columns)
        index = self._text_index
        pending = self._first
        while True:
            record = pending if pending is not None else self._read_csv_record()
            pending = None
            if record is None:
                return
            if record.status in Status.TAGGABLE and len(record.fields) != width:
                found = len(record.fields)
                record.status = Status.RAGGED
                sep_name = _SEP_NAMES.get(self._sep or ",", repr(self._sep))
                record.detail = (
                    f"expected {width} fields separated by {sep_name} "
                    f"(as in {'the header' if self._header else 'the first row'}), found {found}"
                )
                record.fields = (record.fields + [""] * width)[:width]
            if record.status in Status.TAGGABLE and index is not None:
                record.text = record.fields[index].strip()
                if not record.text:
                    record.status = Status.EMPTY
            yield self._checked(record)

    # -- text lines ---------------------------------------------------------------------------
    def _iter_txt(self) -> Iterator[Record]:
        while (item := self._next_line()) is not None:
            number, raw, bad = item
            line = raw.rstrip("\r\n")
            text = line.strip()
            status = Status.EMPTY if not text else Status.BAD_UTF8 if bad else Status.OK
            yield self._checked(Record(number, [line], text, status))

    # -- JSON lines ---------------------------------------------------------------------------
    def _prepare_jsonl(self, guess_text: bool) -> None:
        if self.text_col is None:
            first = self._next_line()
            if first is not None:
                self._pushed.appendleft(first)
                record = self._json_record(*first, key=None)
                if record.obj is not None and guess_text:
                    folded = {k.lower(): k for k in record.obj}
                    found = [folded[c] for c in DEFAULT_TEXT_COLUMNS if c in folded]
                    if not found:
                        listed = ", ".join(repr(k) for k in record.obj)
                        raise DataError(
                            f"{self.name}, line 1: no text key given and none named "
                            f"{', '.join(DEFAULT_TEXT_COLUMNS)}; pass --text-col (the keys are: {listed})"
                        )
                    self.text_col = found[0]
        self.text_col = self.text_col or DEFAULT_TEXT_COLUMNS[0]
        self.columns = [self.text_col]

    def _json_record(self, number: int, raw: str, bad: bool, key: str | None) -> Record:
        stripped = raw.strip()
        if not stripped:
            return Record(number, [""], "", Status.EMPTY)
        try:
            obj = json.loads(stripped)
        except (ValueError, RecursionError):
            return Record(number, [""], "", Status.BAD_JSON, "not valid JSON")
        if not isinstance(obj, dict):
            return Record(number, [""], "", Status.BAD_JSON, "not a JSON object")
        try:  # JSON may carry lone surrogates ("\ud800"), which no UTF-8 output can hold
            stripped.encode("utf-8")
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            obj = json.loads(json.dumps(obj, ensure_ascii=False).encode("utf-8", "replace").decode("utf-8"))
            bad = True
        value = obj.get(key) if key is not None else None
        if key is not None and not isinstance(value, str):
            return Record(number, [""], "", Status.NO_TEXT, f"no string value for key {key!r}", obj)
        text = (value or "").strip()
        status = Status.EMPTY if not text else Status.BAD_UTF8 if bad else Status.OK
        return Record(number, [value or ""], text, status, obj=obj)

    def _iter_jsonl(self) -> Iterator[Record]:
        while (item := self._next_line()) is not None:
            yield self._checked(self._json_record(*item, key=self.text_col))

    # -- common ---------------------------------------------------------------------------------
    def _checked(self, record: Record) -> Record:
        if self.strict and record.status not in (Status.OK, Status.EMPTY):
            raise DataError(f"{self.name}, line {record.line}: {record.detail or record.status}")
        return record

    def __iter__(self) -> Iterator[Record]:
        if self.format == "txt":
            return self._iter_txt()
        if self.format == "jsonl":
            return self._iter_jsonl()
        return self._iter_csv()


@contextmanager
def open_records(
    source: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    **options: Any,
) -> Iterator[RecordReader]:
    """Open a file (``.gz`` decompressed on the fly) or ``"-"`` (stdin) as records.

    ``options`` are those of :class:`RecordReader`.
    """
    name = str(source)
    if name == "-":
        yield RecordReader(sys.stdin.buffer, "<stdin>", fmt or "txt", **options)
        return
    path = Path(source)
    fmt = fmt or detect_format(name)
    if path.is_dir():
        raise DataError(f"{name}: is a directory, not a file")
    if not path.is_file():
        raise DataError(f"{name}: no such file")
    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        handle = opener(path, "rb")
    except OSError as exc:
        raise DataError(f"{name}: cannot read ({exc.strerror or exc})") from None
    with handle:
        yield RecordReader(handle, name, fmt, **options)
