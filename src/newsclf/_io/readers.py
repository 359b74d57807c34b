"""Streaming input readers behind one :class:`Reader` protocol: one reader per format.

Text lines, CSV/TSV rows and JSON lines are read here; Parquet in ``parquet.py``; which one
reads a file is decided by :mod:`formats` (one table from extension to format).

Tagging reads leniently: every physical input record yields exactly one :class:`Record`, in
order, and a record that cannot be read carries a ``status`` saying why instead of being
dropped. Training reads strictly (``strict=True``): the first problem raises a
:class:`DataError` naming file, line and column.

CSV records may span lines (quoted newlines): the csv module reads further lines only while a
quoted field is open, up to :data:`MAX_RECORD_CHARS` characters. A quote that is never closed
within that limit costs one ``bad_csv`` row for its line, never the rest of the file: the lines
read past it are parsed again, one line per record.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import json
import os
import stat
import sys
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice, repeat
from pathlib import Path
from typing import IO, Any, Protocol

from .._errors import DataError
from .formats import input_format
from .records import DEFAULT_TEXT_COLUMNS, Chunk, Record, Status, find_column, guess_text_column

__all__ = [
    "MAX_RECORD_CHARS",
    "CsvReader",
    "JsonlReader",
    "Reader",
    "TextReader",
    "open_reader",
    "pick_separator",
]

#: Longest CSV record, in characters, before an open quote is declared unterminated.
MAX_RECORD_CHARS = 1_000_000

_SEPARATORS = (",", ";", "\t")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Headline files never need the csv module's 128 KiB field cap; long fields must not fail.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class Reader(Protocol):
    """What tagging needs of an input, whatever its format.

    Attributes
    ----------
    name : str
        The input's name, for messages.
    columns : list of str
        The input's columns, as the output repeats them.
    known_names : list of str
        Every input name an output column must not clash with (JSONL: the first object's keys).
    text_col : str or None
        The column (or key) holding the text.
    size : int or None
        Input size in bytes, when known: progress estimates from it.
    total_rows : int or None
        Rows in the input, when known before reading (Parquet's footer): an exact ETA.
    schema : pyarrow.Schema or None
        The columns' own types, where the format has them (Parquet): Parquet output keeps them.
    """

    name: str
    columns: list[str]
    known_names: list[str]
    text_col: str | None
    size: int | None
    total_rows: int | None
    schema: Any

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Yield the records ``size`` at a time, as :class:`Chunk` columns."""
        ...


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


class _Lines:
    """Physical lines of a binary input, decoded a batch at a time.

    Lenient mode replaces undecodable bytes with U+FFFD and flags the line; strict mode raises
    a :class:`DataError` with the line, column and byte offset of the first bad byte.
    """

    def __init__(self, handle: IO[bytes], name: str, strict: bool) -> None:
        self._handle = handle
        self._name = name
        self._strict = strict
        self._digest = hashlib.sha256()
        self._offset = 0  # bytes of the lines decoded so far
        self._errors: dict[int, str] = {}  # strict mode: line -> why it is not UTF-8
        self.line = 0  # lines read so far

    @property
    def sha256(self) -> str:
        """sha256 of the bytes read so far (all of them, once iteration has finished)."""
        return self._digest.hexdigest()

    def _raw_batches(self, size: int) -> Iterator[list[bytes]]:
        """Physical lines as bytes, ``size`` at a time (``self.line`` counts those yielded)."""
        update, handle = self._digest.update, self._handle
        batch: list[bytes] = []
        try:
            first = handle.readline()
            if not first:
                return
            update(first)
            batch = self._split_classic_mac(first)
            while len(batch) > size:  # CR-only line ends: the whole file came as one "line"
                self.line += size
                yield batch[:size]
                batch = batch[size:]
            if not isinstance(handle, gzip.GzipFile):
                # A plain file or pipe cannot end mid-stream: read each batch in C.
                while fresh := list(islice(handle, size - len(batch))):
                    update(b"".join(fresh))
                    batch += fresh
                    if len(batch) == size:
                        self.line += size
                        yield batch
                        batch = []
            else:  # a gzip stream may end early: line by line, so the error names the line
                for line in handle:
                    update(line)
                    batch.append(line)
                    if len(batch) == size:
                        self.line += size
                        yield batch
                        batch = []
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DataError(
                f"{self._name}, line {self.line + len(batch) + 1}: truncated or corrupt gzip input ({exc})"
            ) from None
        if batch:
            self.line += len(batch)
            yield batch

    def batches(self, size: int) -> Iterator[tuple[int, list[str], list[bool] | None]]:
        """Yield ``(first line number, decoded lines, bad-bytes flags)``, up to ``size`` lines each.

        The flags are None when every line of the batch decoded cleanly (the common case: one
        ``decode`` per line, no per-line bookkeeping).
        """
        for raw in self._raw_batches(size):
            first = self.line - len(raw) + 1
            skipped = 0
            if first == 1 and raw[0].startswith(b"\xef\xbb\xbf"):
                raw[0], skipped = raw[0][3:], 3
            try:
                texts, bad = [line.decode("utf-8") for line in raw], None
            except UnicodeDecodeError:
                texts, bad = self._decode_leniently(raw, first, self._offset + skipped)
            self._offset += skipped + sum(map(len, raw))
            yield first, texts, bad

    def __iter__(self) -> Iterator[tuple[int, str, bool]]:
        for first, texts, bad in self.batches(1024):
            if bad is None:
                yield from zip(range(first, first + len(texts)), texts, repeat(False))
                continue
            for number, text, flag in zip(range(first, first + len(texts)), texts, bad):
                if flag:
                    self.check(number)
                yield number, text, flag

    def check(self, number: int) -> None:
        """In strict mode, raise the decoding error of line ``number`` (which had bad bytes)."""
        if self._strict:
            raise DataError(self._errors[number])

    def _decode_leniently(self, raw: list[bytes], first: int, offset: int) -> tuple[list[str], list[bool]]:
        # A strict reader raises only when the bad line's turn comes: an earlier line of the
        # batch may hold another problem, and the first one is the one to report.
        texts, bad = [], []
        for number, data in enumerate(raw, first):
            try:
                texts.append(data.decode("utf-8"))
                bad.append(False)
            except UnicodeDecodeError as exc:
                if self._strict:
                    self._errors[number] = (
                        f"{self._name}, line {number}, {self._decode_error(data, exc, offset)}"
                    )
                texts.append(data.decode("utf-8", errors="replace"))
                bad.append(True)
            offset += len(data)
        return texts, bad

    def _split_classic_mac(self, chunk: bytes) -> list[bytes]:
        # A first "line" holding CRs but no LF is a file with CR-only line ends (classic Mac):
        # split it on CR. Any other file is left alone: a lone CR there is data.
        if not chunk.endswith(b"\n") and b"\r" in chunk.rstrip(b"\r"):
            parts = chunk.split(b"\r")
            if parts[-1] == b"":  # the file ended with a CR
                parts.pop()
            return [part + b"\n" for part in parts]
        return [chunk]

    @staticmethod
    def _decode_error(data: bytes, exc: UnicodeDecodeError, base: int) -> str:
        column = len(data[: exc.start].decode("utf-8", errors="replace")) + 1
        return (
            f"column {column}: not UTF-8 (byte 0x{data[exc.start]:02X} at byte offset "
            f"{base + exc.start}); re-save the file as UTF-8"
        )


class _LineReader:
    """What the line-based readers share: physical lines with push-back, strictness, chunking.

    Subclasses read their header in ``__init__``, iterate :class:`Record` objects, and may
    override ``_chunks`` with a faster path.
    """

    format = ""

    def __init__(self, handle: IO[bytes], name: str, *, text_col: str | None, strict: bool) -> None:
        self.name = name
        self.strict = strict
        self.text_col = text_col
        self.columns: list[str] = []
        self.known_names: list[str] = []
        self._lines = _Lines(handle, name, strict)
        self._physical = iter(self._lines)
        self._pushed: deque[tuple[int, str, bool]] = deque()
        #: Input size in bytes and a function giving the bytes read so far (of the compressed
        #: file for .gz input), when the input is a regular file: for progress estimates.
        self.size: int | None = None
        self.tell: Callable[[], int] | None = None
        self.total_rows: int | None = None
        self.schema: Any = None  # text formats have no column types

    @property
    def sha256(self) -> str:
        """sha256 of the input bytes (complete once the records have been read)."""
        return self._lines.sha256

    def _next_line(self) -> tuple[int, str, bool] | None:
        if self._pushed:
            return self._pushed.popleft()
        return next(self._physical, None)

    def _checked(self, record: Record) -> Record:
        if self.strict and record.status not in (Status.OK, Status.EMPTY):
            raise DataError(f"{self.name}, line {record.line}: {record.detail or record.status}")
        return record

    def __iter__(self) -> Iterator[Record]:
        raise NotImplementedError

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Yield the records ``size`` at a time, as :class:`Chunk` columns."""
        tell = self.tell
        for chunk in self._chunks(size):
            if tell is not None:
                chunk.offset = tell()
            yield chunk

    def _chunks(self, size: int) -> Iterator[Chunk]:
        records = iter(self)
        width = len(self.columns)
        while batch := list(islice(records, size)):
            # Blank lines and rejected records have no fields: pad them to the columns.
            rows = [r.fields if len(r.fields) == width else (r.fields + [""] * width)[:width] for r in batch]
            yield Chunk(
                [r.line for r in batch],
                [r.text for r in batch],
                [r.status for r in batch],
                [list(column) for column in zip(*rows)] if width else [],
                self._records(batch),
            )

    def _records(self, batch: list[Record]) -> list[dict[str, Any] | None] | None:
        return None


class TextReader(_LineReader):
    """Plain text, one headline per line: the fast path of tagging (no per-record objects)."""

    format = "txt"

    def __init__(
        self, handle: IO[bytes], name: str, *, text_col: str | None = None, strict: bool = False
    ) -> None:
        if text_col is not None:
            raise DataError(
                f"{name}: --text-col applies to CSV, TSV and JSONL input, but this input is read "
                "as plain text lines (pass --input-format for another format)"
            )
        super().__init__(handle, name, text_col=None, strict=strict)
        self.columns = ["text"]
        self.known_names = list(self.columns)

    def _chunks(self, size: int) -> Iterator[Chunk]:
        # The fast path of tagging: a batch of lines at a time, no per-record objects.
        ok, empty, bad_utf8 = Status.OK, Status.EMPTY, Status.BAD_UTF8
        for first, decoded, bad in self._lines.batches(size):
            lines = [raw.rstrip("\r\n") for raw in decoded]
            texts = [line.strip() for line in lines]
            statuses = [ok if text else empty for text in texts]
            if bad is not None:
                for i in (i for i, flag in enumerate(bad) if flag):
                    self._lines.check(first + i)  # strict: stop here
                    if texts[i]:
                        statuses[i] = bad_utf8
            yield Chunk(list(range(first, first + len(lines))), texts, statuses, [lines])

    def __iter__(self) -> Iterator[Record]:
        for chunk in self._chunks(1024):
            rows = zip(chunk.lines, chunk.columns[0], chunk.texts, chunk.statuses)
            yield from (Record(number, [line], text, status) for number, line, text, status in rows)


class CsvReader(_LineReader):
    """CSV or TSV rows: separator sniffed from the header line unless given.

    Parameters
    ----------
    handle : binary file
        The input, opened for reading bytes.
    name : str
        Its name, used in messages.
    tsv : bool
        Whether the input is a ``.tsv`` (tab-separated unless ``sep`` says otherwise).
    text_col : str, optional
        The text column. When None and ``guess_text``, the first of
        :data:`~newsclf._io.records.DEFAULT_TEXT_COLUMNS` present is used.
    sep : str, optional
        Separator, sniffed from the header line when None.
    header : bool
        Whether the first record names the columns (otherwise they are "1", "2", ...).
    quoting : bool
        Whether ``"`` quotes fields.
    strict : bool
        Raise a :class:`DataError` at the first unreadable record instead of marking it.
    guess_text : bool
        Whether a text column must be found (tagging) or is not needed (reading a table).
    """

    format = "csv"

    def __init__(
        self,
        handle: IO[bytes],
        name: str,
        *,
        tsv: bool = False,
        text_col: str | None = None,
        sep: str | None = None,
        header: bool = True,
        quoting: bool = True,
        strict: bool = False,
        guess_text: bool = True,
    ) -> None:
        if sep is not None and (len(sep) != 1 or sep in '"\r\n'):
            raise DataError(f"the separator must be one character other than a quote or newline, not {sep!r}")
        super().__init__(handle, name, text_col=text_col, strict=strict)
        self._sep = sep or ("\t" if tsv else None)
        self._header = header
        self._quoting = quoting
        self._text_index: int | None = None
        self._first: list[Record] | None = None
        self._single_lines_until = 0
        self._prepare_csv(guess_text)
        self.known_names = list(self.columns)

    @property
    def separator(self) -> str:
        """The separator the input's fields are read with (given, or sniffed from its first line)."""
        return self._sep or ","

    def _prepare_csv(self, guess_text: bool) -> None:
        blanks: list[Record] = []  # blank lines before the first row: data rows without a header
        while True:
            first = self._next_line()
            if first is None:
                raise DataError(f"{self.name}: the file is empty")
            if first[1].strip():
                break
            blanks.append(Record(first[0], [], "", Status.EMPTY))
        self._pushed.appendleft(first)
        self._sep = self._sep or pick_separator(first[1], self.name)
        record = self._read_csv_record()
        if record is None or record.status not in Status.TAGGABLE:
            what = "header" if self._header else "first row (to count the columns)"
            raise DataError(
                f"{self.name}, line {first[0]}: cannot read the {what}: {record and record.detail}"
            )
        if self._header:
            self.columns = [c.strip() for c in record.fields]
        else:
            self._first = [*blanks, record]
            self.columns = [str(i + 1) for i in range(len(record.fields))]
        if self.text_col is not None:
            self._text_index = find_column(self.columns, self.text_col, self.name, "text")
        elif guess_text:
            self.text_col = guess_text_column(self.columns, f"{self.name}, line {first[0]}")
            self._text_index = self.columns.index(self.text_col)

    def _read_csv_record(self) -> Record | None:
        first = self._next_line()
        if first is None:
            return None
        start, text, bad = first
        if not text.strip(" \r\n"):  # blank, or spaces only
            return Record(start, [], "", Status.EMPTY)
        sep = self._sep or ","
        if '"' not in text and "\r" not in text.rstrip("\r\n"):
            # Fast path, exactly what the csv module would give for a line without quotes.
            return Record(start, text.rstrip("\r\n").split(sep), "", Status.BAD_UTF8 if bad else Status.OK)
        # The csv module reads lines from `feed` only while the record is open (a quoted
        # field spanning lines), so `span` ends up holding exactly this record's lines.
        span = [first]
        size = len(text)

        # Lines already read past an unterminated quote are parsed alone: rescanning each of
        # them up to the limit again would make such a dirty stretch cost quadratic time.
        limit = 0 if start <= self._single_lines_until else MAX_RECORD_CHARS

        def feed() -> Iterator[str]:
            nonlocal size
            yield text
            while size < limit and (following := self._next_line()) is not None:
                span.append(following)
                size += len(following[1])
                yield following[1]

        if self._quoting:
            reader = csv.reader(feed(), delimiter=sep, quoting=csv.QUOTE_MINIMAL, strict=True)
        else:
            reader = csv.reader(feed(), delimiter=sep, quoting=csv.QUOTE_NONE, strict=True)
        try:
            fields = next(reader)
        except csv.Error as exc:
            # Only this line is lost to the bad record; the lines after it are read afresh.
            self._pushed.extendleft(reversed(span[1:]))
            self._single_lines_until = max(self._single_lines_until, span[-1][0])
            reason = (
                "unterminated quote" if "unexpected end of data" in str(exc) else f"malformed CSV ({exc})"
            )
            return Record(start, [], "", Status.BAD_CSV, reason, raw=text.rstrip("\r\n"))
        status = Status.BAD_UTF8 if any(b for _, _, b in span) else Status.OK
        return Record(start, fields, "", status, raw="".join(t for _, t, _ in span).rstrip("\r\n"))

    def __iter__(self) -> Iterator[Record]:
        width = len(self.columns)
        index = self._text_index
        pending = deque(self._first or ())
        while True:
            record = pending.popleft() if pending else self._read_csv_record()
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
                if found > width and index is not None:  # the fields past the header's would be lost
                    record.fields = self._keep_raw(record, record.fields[:width], index)
                else:
                    record.fields = (record.fields + [""] * width)[:width]
            elif record.status == Status.BAD_CSV and index is not None:
                record.fields = self._keep_raw(record, [""] * width, index)
            if record.status in Status.TAGGABLE and index is not None:
                record.text = record.fields[index].strip()
                if not record.text:
                    record.status = Status.EMPTY
            yield self._checked(record)

    def _keep_raw(self, record: Record, fields: list[str], index: int) -> list[str]:
        """Put ``record`` as it stands in the input into the text column, so nothing read is lost."""
        # The fast path keeps no raw text: its records split exactly on the separator.
        fields[index] = record.raw or (self._sep or ",").join(record.fields)
        return fields


class JsonlReader(_LineReader):
    """JSON lines: one object per line; its ``text_col`` key holds the text.

    Its ``columns`` are the text key alone (JSON lines output writes each object whole), or,
    with ``all_keys`` (for CSV and Parquet output), every key of the first object whose value
    is a scalar (string, number, boolean, null), the text key included: each record's values
    there as text (null as empty, numbers and booleans as JSON). A line that is not a JSON
    object keeps its content in the text column.
    """

    format = "jsonl"

    def __init__(
        self,
        handle: IO[bytes],
        name: str,
        *,
        text_col: str | None = None,
        strict: bool = False,
        guess_text: bool = True,
        all_keys: bool = False,
    ) -> None:
        super().__init__(handle, name, text_col=text_col, strict=strict)
        self._all_keys = all_keys
        self._prepare_jsonl(guess_text)

    def _prepare_jsonl(self, guess_text: bool) -> None:
        # Peek (then push back) lines up to the first JSON object: its keys name the output's
        # columns and, unless text_col is given, tell which key holds the text.
        peeked: list[tuple[int, str, bool]] = []
        first_obj: dict[str, Any] | None = None
        while len(peeked) < 1000 and (item := self._next_line()) is not None:
            peeked.append(item)
            first_obj = self._json_record(*item, key=None).obj
            if first_obj is not None:
                break
        self._pushed.extendleft(reversed(peeked))
        keys = list(first_obj or {})
        if self.text_col is None and first_obj is not None and guess_text:
            self.text_col = guess_text_column(keys, f"{self.name}, line {peeked[-1][0]}", "key")
        self.text_col = self.text_col or DEFAULT_TEXT_COLUMNS[0]
        self.columns = [self.text_col]
        if self._all_keys and first_obj is not None:
            scalar = [k for k, v in first_obj.items() if v is None or isinstance(v, (str, int, float, bool))]
            self.columns = scalar if self.text_col in scalar else [*scalar, self.text_col]
        self._text_index = self.columns.index(self.text_col)
        self.known_names = [*keys, self.text_col]

    def _fields(self, text: str, obj: dict[str, Any] | None = None) -> list[str]:
        """Return the record's columns as text: ``text`` in the text column, the object's keys beside it."""
        if len(self.columns) <= 1:  # (none yet while the first object is looked for)
            return [text]
        fields = (
            [_json_cell(obj.get(c)) for c in self.columns] if obj is not None else [""] * len(self.columns)
        )
        fields[self._text_index] = text
        return fields

    def _json_record(self, number: int, raw: str, bad: bool, key: str | None) -> Record:
        stripped = raw.strip()
        if not stripped:
            return Record(number, self._fields(""), "", Status.EMPTY)
        try:
            obj = json.loads(stripped)
        except (ValueError, RecursionError):  # the line itself is kept, in the text column
            return Record(number, self._fields(stripped), "", Status.BAD_JSON, "not valid JSON")
        if not isinstance(obj, dict):
            return Record(number, self._fields(stripped), "", Status.BAD_JSON, "not a JSON object")
        if "\\u" in stripped:  # only an escape can make a lone surrogate, which no UTF-8 can hold
            dumped = json.dumps(obj, ensure_ascii=False)
            try:
                dumped.encode("utf-8")
            except UnicodeEncodeError:
                obj = json.loads(dumped.encode("utf-8", "replace").decode("utf-8"))
                bad = True
        value = obj.get(key) if key is not None else None
        if key is not None and not isinstance(value, str):
            kept = self._fields("" if len(self.columns) == 1 else _json_cell(value), obj)
            return Record(number, kept, "", Status.NO_TEXT, f"no string value for key {key!r}", obj)
        text = (value or "").strip()
        status = Status.EMPTY if not text else Status.BAD_UTF8 if bad else Status.OK
        return Record(number, self._fields(value or "", obj), text, status, obj=obj)

    def __iter__(self) -> Iterator[Record]:
        while (item := self._next_line()) is not None:
            yield self._checked(self._json_record(*item, key=self.text_col))

    def _records(self, batch: list[Record]) -> list[dict[str, Any] | None] | None:
        return [r.obj for r in batch]


def _json_cell(value: Any) -> str:
    """Return a JSON value as a CSV field: a string as it is, null as empty, anything else as JSON."""
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _line_reader(handle: Any, name: str, fmt: str, options: dict[str, Any]) -> _LineReader:
    csv_only = {k: options.pop(k) for k in ("sep", "header", "quoting") if k in options}
    all_keys = options.pop("all_keys", False)
    if fmt == "jsonl":
        return JsonlReader(handle, name, all_keys=all_keys, **options)
    if fmt in ("csv", "tsv"):
        return CsvReader(handle, name, tsv=fmt == "tsv", **csv_only, **options)
    options.pop("guess_text", None)
    return TextReader(handle, name, **options)


@contextmanager
def open_reader(
    source: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    **options: Any,
) -> Iterator[Any]:
    """Open a file (``.gz`` decompressed on the fly) or ``"-"`` (stdin) with its format's reader.

    ``fmt`` defaults to the one the file name implies (stdin: text lines); ``options`` are
    those of the reader (``text_col``, ``strict``, ``guess_text``; CSV's ``sep``, ``header``,
    ``quoting``; JSON lines' ``all_keys``; Parquet's ``keep_records``).
    """
    name = str(source)
    keep_records = options.pop("keep_records", False)
    fmt = input_format(name, fmt) if name != "-" or fmt is not None else "txt"
    if fmt == "parquet":
        from .parquet import ParquetReader

        if name == "-":
            raise DataError(
                "Parquet input must be a file (it is read from its end first), not standard input"
            )
        if not Path(name).is_file():
            raise DataError(f"{name}: no such file")
        if (
            options.get("sep") is not None
            or not options.get("header", True)
            or not options.get("quoting", True)
        ):
            raise DataError(f"{name}: --sep, --no-header and --no-quotes apply to CSV input, not Parquet")
        yield ParquetReader(
            source,
            text_col=options.get("text_col"),
            strict=options.get("strict", False),
            keep_records=keep_records,
        )
        return
    if name == "-":
        reader = _line_reader(sys.stdin.buffer, "<stdin>", fmt, options)
        with contextlib.suppress(OSError, ValueError, AttributeError):  # `< file`: size known
            if stat.S_ISREG(os.fstat(sys.stdin.buffer.fileno()).st_mode):
                reader.size, reader.tell = os.fstat(sys.stdin.buffer.fileno()).st_size, sys.stdin.buffer.tell
        yield reader
        return
    path = Path(source)
    if path.is_dir():
        raise DataError(f"{name}: is a directory, not a file")
    if not path.is_file():
        raise DataError(f"{name}: no such file")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the gzip layer
    except OSError as exc:
        raise DataError(f"{name}: cannot read ({exc.strerror or exc})") from None
    with raw, gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix.lower() == ".gz" else raw as handle:
        reader = _line_reader(handle, name, fmt, options)
        # Progress counts the bytes of the file itself: compressed ones for .gz input.
        reader.size, reader.tell = os.fstat(raw.fileno()).st_size, raw.tell
        yield reader
