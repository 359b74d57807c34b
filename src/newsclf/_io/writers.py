"""Writing tagged chunks: one writer per output format (CSV and JSON lines here, Parquet in ``parquet.py``).

A writer gets each :class:`~newsclf._io.records.Chunk` with its
:class:`~newsclf._io.records.Tagged` columns and writes one output row per record, in order:
the input's columns, then ``topic``, ``score``, ``status``, ``line`` (and ``alternatives`` with
``top_k``), under the names :func:`~newsclf._io.records.output_names` gives. The work is done a
chunk at a time (one write per CSV chunk), since on a fast machine writing is what the main
process spends its time on.
"""

from __future__ import annotations

import csv
import json
import re
from typing import IO, Any, Protocol

from .._errors import DataError
from .records import OUTPUT_COLUMNS, Chunk, Tagged

__all__ = ["CsvWriter", "JsonlWriter", "Writer", "check_separator", "open_writer"]


class Writer(Protocol):
    """What every output format provides."""

    def write(self, chunk: Chunk, tagged: Tagged) -> None:
        """Write one output row per record of ``chunk``."""

    def close(self) -> None:
        """Finish the output (Parquet writes its footer)."""


_NEEDS_QUOTES = re.compile(r'[",\r\n]').search


def check_separator(sep: str) -> str:
    """Return ``sep`` if it can separate CSV output fields (one character, not a quote or line end)."""
    if len(sep) != 1 or sep in '"\r\n':
        raise DataError(
            f"the output separator must be one character other than a quote or newline, not {sep!r}"
        )
    return sep


def csv_column(values: list[str], sep: str = ",") -> list[str]:
    """Return ``values`` as CSV fields: quoted, inner quotes doubled, where the csv module would.

    That is where a value holds the separator, a quote, a carriage return or a line feed
    (the output's lines end in both). One pass of a compiled pattern per value: the csv
    module's writes, one call per row, cost the main process twice as much.
    """
    needs_quotes = _NEEDS_QUOTES if sep == "," else re.compile(f'["{re.escape(sep)}\r\n]').search
    return ['"' + v.replace('"', '""') + '"' if needs_quotes(v) else v for v in values]


class CsvWriter:
    """CSV output: UTF-8, RFC 4180 quoting and line ends, one write per chunk.

    ``sep`` separates the fields (default ``,``); ``bom`` starts the file with a UTF-8 byte
    order mark, by which Excel knows the file is UTF-8.
    """

    def __init__(
        self, handle: IO[str], columns: list[str], names: list[str], sep: str = ",", bom: bool = False
    ) -> None:
        self._handle = handle
        self._sep = check_separator(sep)
        self._alternatives = len(names) > len(OUTPUT_COLUMNS)
        if bom:
            handle.write("\ufeff")
        # RFC 4180 line ends: with "\n" alone a lone "\r" in a field would stay unquoted, and
        # readers would split the row there.
        csv.writer(handle, delimiter=sep, lineterminator="\r\n").writerow(columns + names)

    def write(self, chunk: Chunk, tagged: Tagged) -> None:
        sep = self._sep
        scores = ["" if s is None else f"{s:.4f}" for s in tagged.scores]
        # A few distinct labels: quote each once.
        labels = {label: csv_column([label], sep)[0] for label in set(tagged.topics)}
        added = [[labels[t] for t in tagged.topics], scores, tagged.statuses, list(map(str, chunk.lines))]
        if self._alternatives:
            ranked = [";".join(f"{label}:{p:.4f}" for label, p in alt) for alt in tagged.alternatives or ()]
            added.append(csv_column(ranked, sep))
        rows = zip(*(csv_column(column, sep) for column in chunk.columns), *added)
        if len(chunk):
            self._handle.write("\r\n".join(map(sep.join, rows)) + "\r\n")

    def close(self) -> None:
        return None


class JsonlWriter:
    """JSON lines output: the input's object (or its columns), then the added keys."""

    def __init__(self, handle: IO[str], columns: list[str], names: list[str]) -> None:
        self._handle = handle
        self._columns = columns
        self._names = names

    def write(self, chunk: Chunk, tagged: Tagged) -> None:
        topic, score, status, line = self._names[:4]
        alternatives = tagged.alternatives if len(self._names) > 4 else None
        out = []
        for i, obj in enumerate(_objects(chunk, self._columns)):
            for name in self._names:  # a later JSON object may hold one of our keys: keep its value
                if name in obj:
                    kept = f"input_{name}"
                    while kept in obj:
                        kept = f"input_{kept}"
                    obj[kept] = obj.pop(name)
            value = tagged.scores[i]
            obj[topic] = tagged.topics[i] if value is not None else None
            obj[score] = None if value is None else round(value, 6)
            obj[status] = tagged.statuses[i]
            obj[line] = chunk.lines[i]
            if alternatives is not None:
                obj[self._names[4]] = [{"label": lab, "score": round(p, 6)} for lab, p in alternatives[i]]
            # default=str: Parquet input may hold dates, decimals or bytes, which JSON has not.
            out.append(json.dumps(obj, ensure_ascii=False, default=str))
        if out:
            self._handle.write("\n".join(out) + "\n")

    def close(self) -> None:
        return None


def _objects(chunk: Chunk, columns: list[str]) -> list[dict[str, Any]]:
    """Return each record as a JSON object: the input's own object where it has one, else by column."""
    rows = [dict(zip(columns, values)) for values in zip(*chunk.columns)] if chunk.columns else []
    if chunk.records is None:
        return rows
    return [dict(obj) if obj is not None else row for obj, row in zip(chunk.records, rows)]


def open_writer(
    fmt: str,
    handle: IO[Any],
    columns: list[str],
    names: list[str],
    schema: Any = None,
    *,
    sep: str = ",",
    bom: bool = False,
) -> Writer:
    """Return the writer of output format ``fmt``.

    ``schema`` is a Parquet input's, which Parquet output keeps; ``sep`` and ``bom`` describe
    CSV output (see :class:`CsvWriter`).
    """
    if fmt == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter(handle, columns, names, schema)
    if fmt == "jsonl":
        return JsonlWriter(handle, columns, names)
    return CsvWriter(handle, columns, names, sep=sep, bom=bom)
