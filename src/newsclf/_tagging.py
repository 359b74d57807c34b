"""Tag whole files: stream records in batches, classify, write one output row per input record."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from ._atomic import OutputError, atomic_write, check_output_path
from ._classifier import NewsClassifier
from ._errors import DataError
from ._prediction import BATCH_SIZE, Prediction, check_top_k, predict_texts, resolve_model
from ._records import Record, Status, open_records

__all__ = ["OUTPUT_COLUMNS", "TagSummary", "output_names", "tag_file"]

#: Columns appended to the input's own columns (prefixed ``newsclf_`` if the input has them).
OUTPUT_COLUMNS = ("topic", "score", "status", "line")


@dataclass
class TagSummary:
    """Counts of one tagging run.

    Every input record is in exactly one bucket: ``tagged`` (status ``ok``), ``repaired``
    (undecodable bytes replaced, then tagged), ``empty`` or ``unreadable`` (no topic).
    """

    rows: int = 0
    tagged: int = 0
    repaired: int = 0
    empty: int = 0
    unreadable: int = 0
    seconds: float = 0.0
    output: str = "<stdout>"

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.rows} rows: {self.tagged} tagged, {self.repaired} repaired, {self.empty} empty, "
            f"{self.unreadable} unreadable; {self.seconds:.1f} s ({rate:,.0f} rows/s) -> {self.output}"
        )

    def count(self, record: Record) -> None:
        """Add one record to its bucket."""
        self.rows += 1
        if record.status == Status.OK:
            self.tagged += 1
        elif record.status == Status.BAD_UTF8:
            self.repaired += 1
        elif record.status == Status.EMPTY:
            self.empty += 1
        else:
            self.unreadable += 1


def output_names(columns: list[str], top_k: int | None) -> list[str]:
    """Names of the appended columns: ``topic`` etc., prefixed ``newsclf_`` (again) on a clash."""
    names = [*OUTPUT_COLUMNS, *(["alternatives"] if top_k else [])]
    while any(name in columns for name in names):
        names = [f"newsclf_{name}" for name in names]
    return names


def _alternatives(pred: Prediction | None) -> str:
    if pred is None:
        return ""
    return ";".join(f"{label}:{score:.4f}" for label, score in pred.alternatives)


class _CsvWriter:
    def __init__(self, handle: IO[str], columns: list[str], names: list[str]) -> None:
        # RFC 4180 line ends: with "\n" alone the csv module would leave a lone "\r" in a field
        # unquoted, and readers would split the row there.
        self._writer = csv.writer(handle, lineterminator="\r\n")
        self._width = len(columns)
        self._alternatives = len(names) > len(OUTPUT_COLUMNS)
        self._writer.writerow(columns + names)

    def write(self, record: Record, pred: Prediction | None) -> None:
        row: list[object] = (record.fields + [""] * self._width)[: self._width]
        row += [pred.label, f"{pred.score:.4f}"] if pred else ["", ""]
        row += [record.status, record.line]
        if self._alternatives:
            row.append(_alternatives(pred))
        self._writer.writerow(row)


class _JsonlWriter:
    def __init__(self, handle: IO[str], columns: list[str], names: list[str]) -> None:
        self._handle = handle
        self._columns = columns
        self._names = names

    def write(self, record: Record, pred: Prediction | None) -> None:
        obj: dict[str, Any] = (
            dict(record.obj) if record.obj is not None else dict(zip(self._columns, record.fields))
        )
        for name in self._names:  # a later JSON object may hold one of our keys: keep its value
            if name in obj:
                kept = f"input_{name}"
                while kept in obj:
                    kept = f"input_{kept}"
                obj[kept] = obj.pop(name)
        topic, score, status, line = self._names[:4]
        obj[topic] = pred.label if pred else None
        obj[score] = round(pred.score, 6) if pred else None
        obj[status] = record.status
        obj[line] = record.line
        if len(self._names) > 4:
            alternatives = pred.alternatives if pred else ()
            obj[self._names[4]] = [{"label": lab, "score": round(s, 6)} for lab, s in alternatives]
        self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")


_WRITERS: dict[str, Any] = {"csv": _CsvWriter, "jsonl": _JsonlWriter}


def _output_format(output: str | None, fmt: str | None) -> str:
    if fmt:
        if fmt not in _WRITERS:
            raise DataError(f"unknown output format {fmt!r}; use one of {', '.join(_WRITERS)}")
        return fmt
    if output and output != "-" and Path(output).suffix.lower() in (".jsonl", ".ndjson"):
        return "jsonl"
    return "csv"


@contextlib.contextmanager
def _open_output(output: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    if output is None or str(output) == "-":
        if sys.stdout is None:
            raise OutputError("there is no standard output to write to; pass an output file")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a notebook or a redirect_stdout(StringIO): text only
            yield sys.stdout
            return
        # UTF-8 whatever the locale says, and no newline translation (the CSV sets its own).
        sys.stdout.flush()
        stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()
        return
    with atomic_write(output, "w", encoding="utf-8", newline="") as handle:
        yield handle


def _progress(quiet: bool, name: str) -> Any:
    if quiet or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from tqdm import tqdm

    return tqdm(desc=f"tagging {name}", unit=" rows", file=sys.stderr, dynamic_ncols=True)


def tag_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    text_col: str | None = None,
    model: NewsClassifier | str | os.PathLike[str] | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    sep: str | None = None,
    header: bool = True,
    quoting: bool = True,
    top_k: int | None = None,
    strict: bool = False,
    quiet: bool = True,
    batch_size: int = BATCH_SIZE,
) -> TagSummary:
    """Tag every record of ``source`` and write them, in order, to ``output``.

    ``source`` is a ``.txt`` (one headline per line), ``.csv``/``.tsv`` or ``.jsonl`` file,
    optionally gzip-compressed, or ``"-"`` for stdin. ``output`` (``None`` or ``"-"``: stdout)
    gets the input's columns plus ``topic``, ``score``, ``status`` and ``line`` (prefixed
    ``newsclf_`` if the input already has such a column): exactly one row per input record.
    Records that are empty or unreadable get an empty topic and a status (see :class:`Status`);
    with ``strict=True`` the first unreadable record raises a :class:`DataError` naming file and
    line instead. A file output is written to a temporary file and renamed at the end, so a
    failed run leaves no partial file behind. ``header``/``quoting``/``sep`` describe CSV input.
    """
    check_top_k(top_k)
    if output is not None and str(output) != "-":
        check_output_path(output, inputs=(source,))
    clf = resolve_model(model)
    started = time.perf_counter()
    summary = TagSummary(output="<stdout>" if output in (None, "-") else str(output))
    out_fmt = _output_format(None if output is None else str(output), output_format)
    with open_records(
        source, fmt=input_format, text_col=text_col, sep=sep, header=header, quoting=quoting, strict=strict
    ) as reader:
        records = iter(reader)
        with _open_output(output) as handle, _progress(quiet, reader.name) as bar:
            writer = _WRITERS[out_fmt](handle, reader.columns, output_names(reader.known_names, top_k))
            while batch := list(islice(records, batch_size)):
                # Unreadable and empty records carry no text, so they get no prediction.
                for record, pred in zip(batch, predict_texts(clf, [r.text for r in batch], top_k)):
                    writer.write(record, pred)
                    summary.count(record)
                if bar is not None:
                    bar.update(len(batch))
    summary.seconds = time.perf_counter() - started
    return summary
