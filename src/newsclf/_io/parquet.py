"""Parquet input and output, through pyarrow (the optional extra ``newsclf[parquet]``).

Input is streamed a record batch at a time (``ParquetFile.iter_batches``), every column kept as
read; output is written a row group at a time with a fixed schema: the input's columns (their
own types for Parquet input, strings otherwise), then ``topic`` (string), ``score`` (float64,
null where nothing was predicted), ``status`` (string), ``line`` (int64: the input line, or
the row number from 1 for Parquet input) and, with ``top_k``, ``alternatives``
(list of ``{label, score}``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import IO, Any

from .._errors import DataError, MissingDependencyError
from .records import OUTPUT_COLUMNS, Chunk, Status, Tagged, find_column, guess_text_column

__all__ = [
    "ROW_GROUP_ROWS",
    "ParquetReader",
    "ParquetWriter",
    "require_pyarrow",
]

#: Rows per output row group: large enough for efficient files, small enough to stay flat.
ROW_GROUP_ROWS = 65_536


def require_pyarrow(what: str) -> Any:
    """Return ``pyarrow``, or raise a :class:`MissingDependencyError` saying how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependencyError(f"{what} needs pyarrow: pip install 'newsclf[parquet]'") from None
    return pyarrow


def _is_text(pa: Any, kind: Any) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or str(kind) == "string_view")


class ParquetReader:
    """The rows of a Parquet file, a batch at a time (a :class:`~newsclf._io.readers.Reader`).

    Parameters
    ----------
    path : path-like
        The file.
    text_col : str, optional
        The text column; by default the first of ``text``, ``title``, ``headline`` present.
    strict : bool
        Raise a :class:`DataError` at the first row without a readable text (null, or bytes
        that are not UTF-8) instead of marking it.
    keep_records : bool
        Also give each chunk's rows as objects with their own value types (``Chunk.records``),
        for outputs that keep them (JSON lines, Parquet); CSV output needs only the text columns.
    """

    format = "parquet"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        text_col: str | None = None,
        strict: bool = False,
        keep_records: bool = False,
    ) -> None:
        self.name = str(path)
        pa = require_pyarrow(f"{self.name}: reading Parquet")
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"{self.name}: not a readable Parquet file ({exc})") from None
        self.schema = self._file.schema_arrow
        self.columns: list[str] = list(self.schema.names)
        self.known_names = self.columns
        self.strict = strict
        self.keep_records = keep_records
        if text_col is not None:
            index = find_column(self.columns, text_col, self.name, "text", where="", hint=False)
        else:
            index = self.columns.index(guess_text_column(self.columns, self.name, hint=False))
        self.text_col = self.columns[index]
        self._index = index
        kind = self.schema.field(index).type
        if not _is_text(pa, kind):
            raise DataError(f"{self.name}: text column {self.text_col!r} holds {kind} values, not strings")
        #: Rows in the file, known from its footer: progress gives an exact ETA.
        self.total_rows: int = self._file.metadata.num_rows
        self.size: int | None = None
        self.tell = None

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Yield the rows ``size`` at a time: texts, statuses and the record batch as read."""
        pa = require_pyarrow("reading Parquet")
        row = 1
        try:
            for batch in self._file.iter_batches(batch_size=size):
                texts, statuses = self._texts(pa, batch.column(self._index), row)
                records = batch.to_pylist() if self.keep_records else None
                yield Chunk(
                    list(range(row, row + batch.num_rows)), texts, statuses, _text_columns(batch), records
                )
                row += batch.num_rows
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"{self.name}, row {row}: cannot read ({exc})") from None

    def _texts(self, pa: Any, column: Any, row: int) -> tuple[list[str], list[str]]:
        try:
            values: list[Any] = column.to_pylist()
            bad: set[int] = set()
        except UnicodeDecodeError:  # a string column holding bytes that are not UTF-8
            raw = column.cast(pa.large_binary()) if not pa.types.is_dictionary(column.type) else None
            raw = raw if raw is not None else column.dictionary_decode().cast(pa.large_binary())
            values, bad = [], set()
            for i, data in enumerate(raw.to_pylist()):
                try:
                    values.append(None if data is None else data.decode("utf-8"))
                except UnicodeDecodeError:
                    values.append(data.decode("utf-8", errors="replace"))
                    bad.add(i)
        texts = [value.strip() if value is not None else "" for value in values]
        ok, empty = Status.OK, Status.EMPTY
        statuses = [ok if text else empty for text in texts]
        for i, value in enumerate(values):
            if value is None:
                statuses[i] = Status.NO_TEXT
            elif i in bad and texts[i]:
                statuses[i] = Status.BAD_UTF8
            else:
                continue
            if self.strict:
                what = "no value" if value is None else "not UTF-8"
                raise DataError(f"{self.name}, row {row + i}: {what} in text column {self.text_col!r}")
        return texts, statuses


def _text_columns(batch: Any) -> list[list[str]]:
    """Return the columns of a record batch as text (for CSV output); nulls give ``""``."""
    pa = require_pyarrow("converting Parquet rows")
    import pyarrow.compute as pc

    columns = []
    for column in batch.columns:
        try:
            columns.append(pc.fill_null(column.cast(pa.string()), "").to_pylist())
        except (pa.ArrowException, UnicodeDecodeError):  # nested or binary values: JSON-ish text
            values = column.to_pylist()
            columns.append(
                [v if isinstance(v, str) else "" if v is None else json.dumps(v, default=str) for v in values]
            )
    return columns


class ParquetWriter:
    """Parquet output: the input's columns, then the added ones, a row group at a time."""

    def __init__(
        self, handle: IO[bytes], columns: list[str], names: list[str], input_schema: Any = None
    ) -> None:
        pa = require_pyarrow("writing Parquet")
        import pyarrow.parquet as pq

        self._pa = pa
        self._input_schema = input_schema
        base = list(input_schema) if input_schema is not None else [pa.field(c, pa.string()) for c in columns]
        added = [pa.string(), pa.float64(), pa.string(), pa.int64()]
        if len(names) > len(OUTPUT_COLUMNS):
            added.append(pa.list_(pa.struct([("label", pa.string()), ("score", pa.float64())])))
        self._schema = pa.schema(base + [pa.field(n, t) for n, t in zip(names, added)])
        self._width = len(columns)
        self._writer = pq.ParquetWriter(handle, self._schema)
        self._pending: list[Any] = []
        self._rows = 0

    def write(self, chunk: Chunk, tagged: Tagged) -> None:
        pa = self._pa
        if self._input_schema is not None and chunk.records is not None:  # Parquet in: its own types
            rows = [row or {} for row in chunk.records]
            base = list(pa.RecordBatch.from_pylist(rows, schema=self._input_schema).columns)
        else:
            base = [pa.array(values, pa.string()) for values in chunk.columns]
        added = [
            pa.array(tagged.topics, pa.string()),
            pa.array(tagged.scores, pa.float64()),
            pa.array(tagged.statuses, pa.string()),
            pa.array(chunk.lines, pa.int64()),
        ]
        if len(self._schema) > self._width + len(OUTPUT_COLUMNS):
            pairs = [[{"label": lab, "score": p} for lab, p in alt] for alt in tagged.alternatives or ()]
            added.append(pa.array(pairs, self._schema.field(len(self._schema) - 1).type))
        self._pending.append(pa.RecordBatch.from_arrays(base + added, schema=self._schema))
        self._rows += len(chunk)
        if self._rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            table = self._pa.Table.from_batches(self._pending, schema=self._schema)
            self._writer.write_table(table, row_group_size=max(1, table.num_rows))
        self._pending, self._rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
