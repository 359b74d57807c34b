"""The record types every layer shares: row statuses, input records and chunks, tagged columns.

Readers produce :class:`Chunk` objects of plain columns, the tagging task adds a :class:`Tagged`
per chunk, and writers turn both into output rows. Nothing here knows any file format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .._errors import DataError

__all__ = [
    "DEFAULT_TEXT_COLUMNS",
    "OUTPUT_COLUMNS",
    "Chunk",
    "Record",
    "Status",
    "Tagged",
    "find_column",
    "guess_text_column",
    "header_hint",
    "output_names",
]

#: Text columns tried, in order, when an input does not name one.
DEFAULT_TEXT_COLUMNS = ("text", "title", "headline")

#: Columns appended to the input's own columns (prefixed ``newsclf_`` if the input has them).
OUTPUT_COLUMNS = ("topic", "score", "status", "line")


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
    NO_SIGNAL = "no_signal"  #: the model knows too few of the text's words: no topic, score kept

    TAGGABLE = frozenset({OK, BAD_UTF8})


@dataclass
class Record:
    """One input record: where it starts, its fields, its text and its status.

    ``fields`` is empty for a blank line; ``obj`` is the parsed object of a JSON line;
    ``raw`` the record as it stands in the input (its lines, without the last line end), where
    a reader keeps it for a record it could not read whole (a rejected or ragged CSV record).
    """

    line: int
    fields: list[str]
    text: str
    status: str
    detail: str = ""
    obj: dict[str, Any] | None = field(default=None, repr=False)
    raw: str = field(default="", repr=False)


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
    columns : list of list of str
        The records' fields as text, one list per input column (blanks padded).
    records : list of dict, optional
        Each record as an object with its own value types, where the input has them: a JSON
        line's object (None where the line is not one), a Parquet row. None for text tables.
    offset : int, optional
        Bytes of the input file read once this chunk was (compressed ones for ``.gz``), when
        known: progress estimates the total from it, since reading runs ahead of writing.
    """

    lines: list[int]
    texts: list[str]
    statuses: list[str]
    columns: list[list[str]]
    records: list[dict[str, Any] | None] | None = None
    offset: int | None = None

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class Tagged:
    """The columns tagging adds to a chunk, one entry per record.

    ``topics`` holds ``""`` where there is no topic; ``scores`` None where nothing was
    predicted (empty or unreadable records); ``alternatives`` (with ``top_k``) the ranked
    ``(label, probability)`` pairs, empty where nothing was predicted.
    """

    topics: list[str]
    scores: list[float | None]
    statuses: list[str]
    alternatives: list[list[tuple[str, float]]] | None = None


def output_names(
    columns: Sequence[str], top_k: int | None, base: tuple[str, ...] = OUTPUT_COLUMNS
) -> list[str]:
    """Names of the appended columns: ``topic`` etc., prefixed ``newsclf_`` (again) on a clash."""
    names = [*base, *(["alternatives"] if top_k else [])]
    while any(name in columns for name in names):
        names = [f"newsclf_{name}" for name in names]
    return names


def _looks_like_data(name: str) -> bool:
    """Whether a header field looks like a value rather than a column name.

    A number (``42``, ``-0.5``, ``1e3``, ``2,5``), a date-like run of digits and separators
    (``2024-01-31``), or a sentence (five words or more, or over 40 characters).
    """
    value = name.strip()
    if not value:
        return False
    if value.replace(",", ".").lstrip("+-").replace(".", "", 1).replace("e", "", 1).isdigit():
        return True
    if any(c.isdigit() for c in value) and all(c.isdigit() or c in "-/:. T" for c in value):
        return True
    return len(value.split()) >= 5 or len(value) > 40


def header_hint(columns: Sequence[str]) -> str:
    """Return a hint to pass ``--no-header`` when most of the "column names" look like data, else ``""``."""
    if not columns:
        return ""
    data_like = sum(_looks_like_data(c) for c in columns)
    if data_like == 0 or data_like * 2 < len(columns):
        return ""
    return (
        ". The first line looks like data, not column names: if the file has no header line, "
        "pass --no-header and give the column by number (1, 2, ...)"
    )


def find_column(
    columns: list[str], wanted: str, name: str, role: str, where: str = ", line 1", hint: bool = True
) -> int:
    """Return the index of column ``wanted`` (exact, else case-insensitive) or raise a DataError.

    The message names the file, ``where`` in it the columns are, and lists them all; with
    ``hint`` (text tables, whose first line may be data), it suggests ``--no-header`` when the
    columns look like data (see :func:`header_hint`).
    """
    if wanted in columns:
        return columns.index(wanted)
    folded = [c.strip().lower() for c in columns]
    if wanted.strip().lower() in folded:
        return folded.index(wanted.strip().lower())
    listed = ", ".join(repr(c) for c in columns)
    extra = header_hint(columns) if hint else ""
    raise DataError(f"{name}{where}: no {role} column {wanted!r}; the columns are: {listed}{extra}")


def guess_text_column(names: Sequence[str], where: str, kind: str = "column", hint: bool = True) -> str:
    """Return the first of :data:`DEFAULT_TEXT_COLUMNS` among ``names`` (any case), or raise.

    ``where`` names the input (and line) for the message; ``kind`` is "column" or "key".
    With ``hint``, a table whose columns look like data gets the ``--no-header`` hint.
    """
    for wanted in DEFAULT_TEXT_COLUMNS:
        for name in names:
            if name.lower() == wanted:
                return name
    extra = header_hint(names) if hint and kind == "column" else ""
    raise DataError(
        f"{where}: no text {kind} given and none named {', '.join(DEFAULT_TEXT_COLUMNS)}; "
        f"pass --text-col (the {kind}s are: {', '.join(repr(n) for n in names)}){extra}"
    )
