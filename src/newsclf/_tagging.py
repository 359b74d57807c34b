"""Tag whole files: stream records in batches, classify, write one output row per input record."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from ._artifact import atomic_write
from ._classifier import NewsClassifier
from ._errors import DataError
from ._prediction import Prediction, _resolve, predictions_from_proba
from ._records import Record, RecordReader, Status, open_records

__all__ = ["OUTPUT_COLUMNS", "TagSummary", "tag_file"]

#: Columns appended to the input's own columns.
OUTPUT_COLUMNS = ("topic", "score", "status", "line")

_BATCH = 4096


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


def _alternatives(pred: Prediction | None) -> str:
    if pred is None:
        return ""
    return ";".join(f"{label}:{score:.4f}" for label, score in pred.alternatives)


class _CsvWriter:
    def __init__(self, handle: IO[str], columns: list[str], top_k: int | None) -> None:
        # RFC 4180 line ends: with "\n" alone the csv module would leave a lone "\r" in a field
        # unquoted, and readers would split the row there.
        self._writer = csv.writer(handle, lineterminator="\r\n")
        self._top_k = top_k
        extra = list(OUTPUT_COLUMNS) + (["alternatives"] if top_k else [])
        self._writer.writerow(columns + extra)

    def write(self, record: Record, pred: Prediction | None) -> None:
        row = [*record.fields]
        row += [pred.label, f"{pred.score:.4f}"] if pred else ["", ""]
        row += [record.status, record.line]
        if self._top_k:
            row.append(_alternatives(pred))
        self._writer.writerow(row)


class _JsonlWriter:
    def __init__(self, handle: IO[str], columns: list[str], top_k: int | None) -> None:
        self._handle = handle
        self._columns = columns

    def write(self, record: Record, pred: Prediction | None) -> None:
        obj: dict[str, Any] = dict(zip(self._columns, record.fields))
        obj.update(
            topic=pred.label if pred else None,
            score=round(pred.score, 6) if pred else None,
            status=record.status,
            line=record.line,
        )
        if pred and pred.alternatives:
            obj["alternatives"] = [{"label": lab, "score": round(s, 6)} for lab, s in pred.alternatives]
        self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")


_WRITERS = {"csv": _CsvWriter, "jsonl": _JsonlWriter}


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
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_write(output, "w", encoding="utf-8", newline="") as handle:
        yield handle


def _progress(quiet: bool, name: str) -> Any:
    if quiet or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from tqdm import tqdm

    return tqdm(desc=f"tagging {name}", unit=" rows", file=sys.stderr, dynamic_ncols=True)


def _tag_batch(model: NewsClassifier, batch: list[Record], top_k: int | None) -> list[Prediction | None]:
    taggable = [i for i, r in enumerate(batch) if r.status in Status.TAGGABLE]
    out: list[Prediction | None] = [None] * len(batch)
    if taggable:
        proba = model.predict_proba([batch[i].text for i in taggable])
        for i, pred in zip(taggable, predictions_from_proba(proba, model.classes_, top_k)):
            out[i] = pred
    return out


def tag_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    text_col: str | None = None,
    model: NewsClassifier | str | os.PathLike[str] | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    sep: str | None = None,
    top_k: int | None = None,
    strict: bool = False,
    quiet: bool = True,
    batch_size: int = _BATCH,
) -> TagSummary:
    """Tag every record of ``source`` and write them, in order, to ``output``.

    ``source`` is a ``.txt`` (one headline per line), ``.csv``/``.tsv`` or ``.jsonl`` file,
    optionally gzip-compressed, or ``"-"`` for stdin. ``output`` (``None`` or ``"-"``: stdout)
    gets the input's columns plus ``topic``, ``score``, ``status`` and ``line``: exactly one row
    per input record. Records that are empty or unreadable get an empty topic and a status
    (see :class:`Status`); with ``strict=True`` the first unreadable record raises a
    :class:`DataError` naming file and line instead. A file output is written to a
    temporary file and renamed at the end, so a failed run leaves no partial file behind.
    """
    clf = _resolve(model)
    started = time.perf_counter()
    summary = TagSummary(output="<stdout>" if output in (None, "-") else str(output))
    out_fmt = _output_format(None if output is None else str(output), output_format)
    with open_records(source, fmt=input_format, text_col=text_col, sep=sep) as reader:
        records = iter(reader)
        with _open_output(output) as handle, _progress(quiet, reader.name) as bar:
            writer = _WRITERS[out_fmt](handle, reader.columns, top_k)
            while batch := list(islice(records, batch_size)):
                if strict:
                    _check_strict(batch, reader)
                for record, pred in zip(batch, _tag_batch(clf, batch, top_k)):
                    writer.write(record, pred)
                    _count(summary, record)
                if bar is not None:
                    bar.update(len(batch))
    summary.seconds = time.perf_counter() - started
    return summary


def _count(summary: TagSummary, record: Record) -> None:
    summary.rows += 1
    if record.status == Status.OK:
        summary.tagged += 1
    elif record.status == Status.BAD_UTF8:
        summary.repaired += 1
    elif record.status == Status.EMPTY:
        summary.empty += 1
    else:
        summary.unreadable += 1


def _check_strict(batch: list[Record], reader: RecordReader) -> None:
    for record in batch:
        if record.status not in (Status.OK, Status.EMPTY):
            raise DataError(f"{reader.name}, line {record.line}: unreadable record ({record.status})")
