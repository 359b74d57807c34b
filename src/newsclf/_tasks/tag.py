"""Tag whole files: stream records in batches, predict, write one output row per input record.

The main process reads and writes; predictions run in worker processes (``_parallel.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from .._deprecations import UNSET, renamed
from .._errors import DataError, OutputError
from .._io.atomic import atomic_write, check_output_path
from .._io.formats import output_format as pick_format
from .._io.readers import open_reader
from .._io.records import OUTPUT_COLUMNS, Chunk, Status, Tagged, output_names
from .._io.writers import check_separator, open_writer
from .._model.predictor import LinearTopics
from .classify import (
    BATCH_SIZE,
    MinScore,
    Scores,
    check_min_score,
    check_top_k,
    label_scores,
    resolve_model,
    thresholds,
)
from .parallel import resolve_jobs, score_batches
from .progress import Progress

__all__ = ["OUTPUT_COLUMNS", "TagSummary", "tag_columns", "tag_file", "texts_to_predict"]


@dataclass
class TagSummary:
    """Counts of one tagging run.

    Every input record is in exactly one bucket: ``tagged`` (status ``ok``), ``repaired``
    (undecodable bytes replaced, then tagged), ``empty``, ``unreadable`` (no topic),
    ``abstained`` (status ``low_score``: predicted below ``min_score``, no topic), or
    ``no_signal`` (the model knows too few of the text's words: no topic).
    """

    rows: int = 0
    tagged: int = 0
    repaired: int = 0
    empty: int = 0
    unreadable: int = 0
    seconds: float = 0.0
    output: str = "<stdout>"
    abstained: int = 0  # after output: positional construction stays as it was before abstention
    no_signal: int = 0

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        share = f" ({self.no_signal / self.rows:.1%})" if self.no_signal else ""
        return (
            f"{self.rows:,} rows: {self.tagged:,} tagged, {self.repaired:,} repaired, {self.empty:,} empty, "
            f"{self.unreadable:,} unreadable, {self.abstained:,} abstained, "
            f"{self.no_signal:,} no signal{share}; "
            f"{self.seconds:.1f} s ({rate:,.0f} rows/s) -> {self.output}"
        )

    def add(self, statuses: list[str]) -> None:
        """Add one chunk's records to their buckets."""
        counts = Counter(statuses)
        self.rows += len(statuses)
        self.tagged += counts.pop(Status.OK, 0)
        self.repaired += counts.pop(Status.BAD_UTF8, 0)
        self.empty += counts.pop(Status.EMPTY, 0)
        self.abstained += counts.pop(Status.LOW_SCORE, 0)
        self.no_signal += counts.pop(Status.NO_SIGNAL, 0)
        self.unreadable += sum(counts.values())


def texts_to_predict(chunk: Chunk) -> list[str]:
    """Return the texts of a chunk that get a prediction: every non-empty one."""
    return [text for text in chunk.texts if text]


def tag_columns(
    texts: list[str],
    statuses: list[str],
    scores: Scores,
    classes: np.ndarray,
    min_score: MinScore = None,
) -> Tagged:
    """Return the added columns of a chunk whose non-empty ``texts`` were predicted as ``scores``.

    Predicted rows get their best label and its score; below ``min_score`` the label is
    withheld and the status becomes ``low_score``; for a text the model's vocabulary barely
    covers, ``no_signal`` (score kept). Other rows keep their status, no topic.
    """
    named = label_scores(scores, classes, min_score)
    statuses = list(statuses)
    weak = named.weak or [False] * len(named.labels)
    if len(scores) == len(texts):  # the common case: every record was predicted
        for i in (i for i, low in enumerate(named.low) if low):
            statuses[i] = Status.LOW_SCORE
        for i in (i for i, w in enumerate(weak) if w):
            statuses[i] = Status.NO_SIGNAL
        return Tagged(named.labels, list(named.scores), statuses, named.alternatives)
    topics = [""] * len(texts)
    score_list: list[float | None] = [None] * len(texts)
    alternatives: list[list[tuple[str, float]]] | None = (
        None if named.alternatives is None else [[] for _ in texts]
    )
    filled = (i for i, text in enumerate(texts) if text)
    for k, i in enumerate(filled):
        topics[i], score_list[i] = named.labels[k], named.scores[k]
        if weak[k]:
            statuses[i] = Status.NO_SIGNAL
        elif named.low[k]:
            statuses[i] = Status.LOW_SCORE
        if alternatives is not None and named.alternatives is not None:
            alternatives[i] = named.alternatives[k]
    return Tagged(topics, score_list, statuses, alternatives)


@contextlib.contextmanager
def _open_output(output: str | os.PathLike[str] | None, binary: bool) -> Iterator[IO[Any]]:
    if output is None or str(output) == "-":
        if sys.stdout is None:
            raise OutputError("there is no standard output to write to; pass an output file")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a notebook or a redirect_stdout(StringIO): text only
            if binary:
                raise OutputError("standard output takes text only here; pass an output file for Parquet")
            yield sys.stdout
            return
        sys.stdout.flush()
        if binary:
            yield buffer
            buffer.flush()
            return
        # UTF-8 whatever the locale says, and no newline translation (the CSV sets its own).
        stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()
        return
    if binary:
        with atomic_write(output, "wb") as handle:
            yield handle
        return
    with atomic_write(output, "w", encoding="utf-8", newline="") as handle:
        yield handle


def tag_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    text_col: str | None = None,
    model: LinearTopics | str | os.PathLike[str] | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    sep: str | None = None,
    header: bool = True,
    quoting: bool = True,
    top_k: int | None = None,
    min_score: MinScore = None,
    strict: bool = False,
    n_jobs: int | None = None,
    quiet: bool = True,
    batch_size: int = BATCH_SIZE,
    output_sep: str | None = None,
    excel: bool = False,
    summary: str | os.PathLike[str] | None = None,
    date_col: str | None = None,
    jobs: int | None = UNSET,
) -> TagSummary:
    """Tag every record of ``source`` and write them, in order, to ``output``.

    Parameters
    ----------
    source : path or "-"
        A ``.txt`` (one headline per line), ``.csv``/``.tsv``, ``.jsonl`` or ``.parquet``
        file; any but Parquet may be gzip-compressed (``.gz``); ``"-"`` reads stdin (as text
        lines unless ``input_format`` says otherwise).
    output : path or "-", optional
        Where to write (default: stdout): CSV, or JSON lines / Parquet by the extension
        (``.jsonl``, ``.parquet``) or ``output_format``. One row per input record: the input's
        columns plus ``topic``, ``score``, ``status`` and ``line`` (prefixed ``newsclf_`` if
        the input already has such a column), and ``alternatives`` with ``top_k``. A file
        output is written to a temporary file and renamed at the end, so a failed or killed run
        leaves no partial file behind.
    text_col : str, optional
        The text column (CSV, Parquet) or key (JSONL); by default text, title or headline.
    top_k : int, optional
        Also write the ``k`` most probable labels with their probabilities.
    min_score : float or mapping, optional
        Abstain below this probability: no topic, status ``low_score``, the score is kept;
        a mapping gives each topic its own (``{"sport": 0.8, "*": 0.5}``, as in ``classify``).
    strict : bool
        Raise a :class:`DataError` naming file and line at the first unreadable record,
        instead of marking it with a status (see :class:`Status`).
    n_jobs : int, optional
        Worker processes predicting batches while this one reads and writes; default: every
        core. ``1`` predicts in this process. (``jobs`` is its deprecated old name.)
    quiet : bool
        No progress bar (which shows only when stderr is a terminal anyway).
    sep, header, quoting
        Describe CSV input (separator, header line, ``"`` quoting).
    output_sep : str, optional
        The separator of CSV output; by default the input's (CSV/TSV input: a semicolon
        file gives a semicolon file), else a comma.
    excel : bool
        Start CSV output with a UTF-8 byte order mark, by which Excel reads it as UTF-8.
    summary : path, optional
        Also write a summary a person can read, ``.md`` (beside its PNG charts) or ``.html``
        (one file): rows per outcome, topic counts and shares, the score histogram and, with
        ``date_col``, topic shares over time. Needs matplotlib.
    date_col : str, optional
        With ``summary``: the column (or JSON key) of each row's date (``YYYY-MM-DD...``).

    Returns
    -------
    TagSummary
        How many rows were read, tagged, repaired, empty, unreadable and abstained.
    """
    n_jobs = renamed("jobs", "n_jobs", jobs, n_jobs, None)
    check_top_k(top_k)
    check_min_score(min_score)
    workers = resolve_jobs(n_jobs)
    to_stdout = output is None or str(output) == "-"
    if not to_stdout:
        check_output_path(output, inputs=(source,))  # type: ignore[arg-type]
    collector = None
    if summary is not None:
        from .summary import SummaryCollector, check_summary_path

        check_summary_path(summary)
        collector = SummaryCollector(date_col)
    elif date_col is not None:
        raise ValueError("date_col is for the summary: give summary= too")
    out_fmt = pick_format(None if to_stdout else str(output), output_format)
    if out_fmt != "csv" and (output_sep is not None or excel):
        raise DataError(
            f"the output separator and the Excel byte order mark apply to CSV output, not {out_fmt}"
        )
    if output_sep is not None:
        check_separator(output_sep)
    if out_fmt == "parquet":
        from .._io.parquet import require_pyarrow

        require_pyarrow("writing Parquet")
    clf = resolve_model(model)
    thresholds(min_score, clf.classes_)  # a topic the model lacks: an error before any output
    started = time.perf_counter()
    counts = TagSummary(output="<stdout>" if to_stdout else str(output))
    options = {"text_col": text_col, "sep": sep, "header": header, "quoting": quoting, "strict": strict}
    # Parquet input keeps its rows' own types only for outputs that can hold them.
    options["keep_records"] = out_fmt != "csv"
    # JSON lines output writes each input object whole; the others get its scalar keys as columns.
    options["all_keys"] = out_fmt != "jsonl"
    with open_reader(source, fmt=input_format, **options) as reader:
        names = output_names(reader.known_names, top_k)
        with _open_output(output, binary=out_fmt == "parquet") as handle:
            schema = reader.schema if out_fmt == "parquet" else None
            out_sep: str = output_sep if output_sep is not None else getattr(reader, "separator", ",")
            writer = open_writer(out_fmt, handle, reader.columns, names, schema, sep=out_sep, bom=excel)
            if collector is not None:
                collector.start(reader.columns)
                if date_col is not None and date_col not in reader.known_names:
                    listed = ", ".join(map(repr, reader.known_names))
                    raise DataError(f"{reader.name}: no date column {date_col!r}; the columns are: {listed}")
            stream = score_batches(
                clf, reader.chunks(batch_size), texts_to_predict, top_k=top_k, jobs=workers
            )
            progress = Progress.for_stderr(
                reader.name,
                quiet=quiet,
                total_rows=reader.total_rows,
                size=reader.size,
            )
            try:
                with contextlib.closing(stream), progress:
                    for chunk, scores in stream:
                        tagged = tag_columns(chunk.texts, chunk.statuses, scores, clf.classes_, min_score)
                        writer.write(chunk, tagged)
                        counts.add(tagged.statuses)
                        if collector is not None:
                            collector.add(chunk, tagged)
                        progress.update(len(chunk), chunk.offset)
            except BaseException:
                with contextlib.suppress(Exception):  # Parquet's footer, into a file about to go
                    writer.close()
                raise
            writer.close()
    if collector is not None and summary is not None:
        from .summary import write_summary

        write_summary(collector, summary, source=str(source), min_score=min_score)
    counts.seconds = time.perf_counter() - started
    return counts
