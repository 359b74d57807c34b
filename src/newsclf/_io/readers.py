"""Streaming input records: text lines, CSV/TSV rows and JSON lines.

One reader serves both jobs. Tagging reads leniently: every physical input record yields exactly
one :class:`Record`, in order, and a record that cannot be read carries a ``status`` saying
why instead of being dropped. Training reads strictly (``strict=True``): the first problem
raises a :class:`DataError` naming file, line and column.

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
from dataclasses import dataclass, field
from itertools import islice, repeat
from pathlib import Path
from typing import IO, Any

from .._errors import DataError

__all__ = [
    "DEFAULT_TEXT_COLUMNS",
    "FORMATS",
    "MAX_RECORD_CHARS",
    "Chunk",
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

#: Longest CSV record, in characters, before an open quote is declared unterminated.
MAX_RECORD_CHARS = 1_000_000

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
    LOW_SCORE = "low_score"  #: tagged, but the best score is below ``min_score``: no topic

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


@dataclass
class Chunk:
    """Consecutive input records, column by column: what tagging reads, predicts and writes.

    Attributes
    ----------
    lines : list of int
        Where each record starts (Parquet: its row number, from 1).
    texts : list of str
        Each record's stripped text; ``""`` when it has none (empty or unreadable).
    statuses : list of str
        Each record's :class:`Status`.
    columns : list of list of str, optional
        The records' fields column by column, one list per input column, blanks padded
        (None for Parquet input).
    objs : list of dict, optional
        JSON lines input: each record's object (None where the line is not one).
    arrow : pyarrow.RecordBatch, optional
        Parquet input: the rows as read, every column.
    offset : int, optional
        Bytes of the input file read once this chunk was (compressed ones for ``.gz``), when
        known: progress estimates the total from it, since reading runs ahead of writing.
    """

    lines: list[int]
    texts: list[str]
    statuses: list[str]
    columns: list[list[str]] | None = None
    objs: list[dict[str, Any] | None] | None = None
    arrow: Any = None
    offset: int | None = None

    def __len__(self) -> int:
        return len(self.lines)


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


def find_column(columns: list[str], wanted: str, name: str, role: str, where: str = ", line 1") -> int:
    """Return the index of column ``wanted`` (exact, else case-insensitive) or raise a DataError.

    The message names the file, ``where`` in it the columns are, and lists them all.
    """
    if wanted in columns:
        return columns.index(wanted)
    folded = [c.strip().lower() for c in columns]
    if wanted.strip().lower() in folded:
        return folded.index(wanted.strip().lower())
    listed = ", ".join(repr(c) for c in columns)
    raise DataError(f"{name}{where}: no {role} column {wanted!r}; the columns are: {listed}")


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
        if sep is not None and (len(sep) != 1 or sep in '"\r\n'):
            raise DataError(f"the separator must be one character other than a quote or newline, not {sep!r}")
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
        #: Every input name an output column must not clash with (JSONL: the first object's keys).
        self.known_names: list[str] = []
        self._text_index: int | None = None
        self._first: list[Record] | None = None
        self._single_lines_until = 0
        #: Input size in bytes and a function giving the bytes read so far (of the compressed
        #: file for .gz input), when the input is a regular file: for progress estimates.
        self.size: int | None = None
        self.tell: Callable[[], int] | None = None
        if fmt == "txt":
            if text_col is not None:
                raise DataError(
                    f"{name}: --text-col applies to CSV, TSV and JSONL input, but this input is read "
                    "as plain text lines (pass --input-format for another format)"
                )
            self.columns = ["text"]
        elif fmt == "jsonl":
            self._prepare_jsonl(guess_text)
        else:
            self._prepare_csv(guess_text)
        self.known_names = self.known_names or list(self.columns)

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
            self.text_col = self._guess_text_name(self.columns, first[0], "column")
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

        quoting = csv.QUOTE_MINIMAL if self._quoting else csv.QUOTE_NONE
        reader = csv.reader(feed(), delimiter=sep, quoting=quoting, strict=True)
        try:
            fields = next(reader)
        except csv.Error as exc:
            # Only this line is lost to the bad record; the lines after it are read afresh.
            self._pushed.extendleft(reversed(span[1:]))
            self._single_lines_until = max(self._single_lines_until, span[-1][0])
            reason = (
                "unterminated quote" if "unexpected end of data" in str(exc) else f"malformed CSV ({exc})"
            )
            return Record(start, [], "", Status.BAD_CSV, reason)
        return Record(start, fields, "", Status.BAD_UTF8 if any(b for _, _, b in span) else Status.OK)

    def _iter_csv(self) -> Iterator[Record]:
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
                record.fields = (record.fields + [""] * width)[:width]
            if record.status in Status.TAGGABLE and index is not None:
                record.text = record.fields[index].strip()
                if not record.text:
                    record.status = Status.EMPTY
            yield self._checked(record)

    # -- text lines ---------------------------------------------------------------------------
    def _txt_chunks(self, size: int) -> Iterator[Chunk]:
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

    def _iter_txt(self) -> Iterator[Record]:
        for chunk in self._txt_chunks(1024):
            rows = zip(chunk.lines, (chunk.columns or [[]])[0], chunk.texts, chunk.statuses)
            yield from (Record(number, [line], text, status) for number, line, text, status in rows)

    # -- JSON lines ---------------------------------------------------------------------------
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
            self.text_col = self._guess_text_name(keys, peeked[-1][0], "key")
        self.text_col = self.text_col or DEFAULT_TEXT_COLUMNS[0]
        self.columns = [self.text_col]
        self.known_names = [*keys, self.text_col]

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
        if "\\u" in stripped:  # only an escape can make a lone surrogate, which no UTF-8 can hold
            dumped = json.dumps(obj, ensure_ascii=False)
            try:
                dumped.encode("utf-8")
            except UnicodeEncodeError:
                obj = json.loads(dumped.encode("utf-8", "replace").decode("utf-8"))
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
    def _guess_text_name(self, names: list[str], line: int, kind: str) -> str:
        """Return the first of DEFAULT_TEXT_COLUMNS among ``names``, ignoring case."""
        for wanted in DEFAULT_TEXT_COLUMNS:
            for name in names:
                if name.lower() == wanted:
                    return name
        raise DataError(
            f"{self.name}, line {line}: no text {kind} given and none named "
            f"{', '.join(DEFAULT_TEXT_COLUMNS)}; pass --text-col (the {kind}s are: "
            f"{', '.join(repr(n) for n in names)})"
        )

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

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Yield the records ``size`` at a time, as :class:`Chunk` columns."""
        tell = self.tell
        for chunk in self._chunks(size):
            if tell is not None:
                chunk.offset = tell()
            yield chunk

    def _chunks(self, size: int) -> Iterator[Chunk]:
        if self.format == "txt":
            yield from self._txt_chunks(size)
            return
        records = iter(self)
        width = len(self.columns)
        jsonl = self.format == "jsonl"
        while batch := list(islice(records, size)):
            # Blank lines and rejected records have no fields: pad them to the columns.
            rows = [r.fields if len(r.fields) == width else (r.fields + [""] * width)[:width] for r in batch]
            yield Chunk(
                [r.line for r in batch],
                [r.text for r in batch],
                [r.status for r in batch],
                [list(column) for column in zip(*rows)] if width else [],
                [r.obj for r in batch] if jsonl else None,
            )


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
        reader = RecordReader(sys.stdin.buffer, "<stdin>", fmt or "txt", **options)
        with contextlib.suppress(OSError, ValueError, AttributeError):  # `< file`: size known
            if stat.S_ISREG(os.fstat(sys.stdin.buffer.fileno()).st_mode):
                reader.size, reader.tell = os.fstat(sys.stdin.buffer.fileno()).st_size, sys.stdin.buffer.tell
        yield reader
        return
    path = Path(source)
    fmt = fmt or detect_format(name)
    if path.is_dir():
        raise DataError(f"{name}: is a directory, not a file")
    if not path.is_file():
        raise DataError(f"{name}: no such file")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the gzip layer
    except OSError as exc:
        raise DataError(f"{name}: cannot read ({exc.strerror or exc})") from None
    with raw, gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix.lower() == ".gz" else raw as handle:
        reader = RecordReader(handle, name, fmt, **options)
        # Progress counts the bytes of the file itself: compressed ones for .gz input.
        reader.size, reader.tell = os.fstat(raw.fileno()).st_size, raw.tell
        yield reader
