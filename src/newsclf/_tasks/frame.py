"""``tag_frame()``: tag a text column of a pandas DataFrame, one output row per input row."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

from .._deprecations import UNSET, renamed
from .._errors import DataError
from .._io.records import Status, output_names
from .._model.predictor import LinearTopics
from .classify import BATCH_SIZE, MinScore, check_min_score, check_top_k, resolve_model, thresholds
from .parallel import resolve_jobs, score_batches
from .tag import tag_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FRAME_COLUMNS", "tag_frame"]

#: Columns ``tag_frame`` adds (prefixed ``newsclf_`` if the frame has them); no ``line``: the
#: index says where each row comes from.
FRAME_COLUMNS = ("topic", "score", "status")


def _texts(values: list[Any]) -> tuple[list[str], list[str]]:
    texts, statuses = [], []
    for value in values:
        if isinstance(value, str):
            text = value.strip()
            texts.append(text)
            statuses.append(Status.OK if text else Status.EMPTY)
        else:  # None, NaN, pd.NA, numbers, bytes...: no text to tag, and no exception either
            texts.append("")
            statuses.append(Status.NO_TEXT)
    return texts, statuses


def _filled(batch: tuple[list[str], list[str]]) -> list[str]:
    return [text for text in batch[0] if text]


def tag_frame(
    df: pd.DataFrame,
    column: str,
    *,
    model: LinearTopics | str | os.PathLike[str] | None = None,
    top_k: int | None = None,
    min_score: MinScore = None,
    n_jobs: int | None = 1,
    batch_size: int = BATCH_SIZE,
    jobs: int | None = UNSET,
) -> pd.DataFrame:
    """Tag the texts of ``df[column]``; return a new DataFrame with the tags added.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows to tag; it is not modified.
    column : str
        The column holding the texts.
    model : NewsClassifier or path, optional
        The model; by default the bundled one.
    top_k : int, optional
        Also add ``alternatives``: the ``k`` most probable ``(label, probability)`` pairs.
    min_score : float or mapping, optional
        Abstain below this probability: no topic, status ``low_score``, the score is kept;
        a mapping gives each topic its own, as in ``classify``.
    n_jobs : int, optional
        Worker processes for large frames (None: every core). The default, 1, predicts in
        this process: the right choice inside a framework that runs partitions in parallel
        itself, such as Dask's ``map_partitions``. (``jobs`` is its deprecated old name.)

    Returns
    -------
    pandas.DataFrame
        ``df``'s columns, then ``topic`` (``""`` when there is none), ``score`` (float; NaN
        when nothing was predicted), ``status`` (as in :func:`tag_file`: ``ok``, ``empty``,
        ``no_text`` for a value that is not a string, such as NaN or None, ``low_score``)
        and, with ``top_k``, ``alternatives``; the names are prefixed ``newsclf_`` if
        ``df`` has such columns. Same index, same row order. The added columns have the
        same dtypes whatever the rows, an empty frame included, so the result of an empty
        frame serves as Dask's ``meta``.

    Examples
    --------
    >>> import pandas as pd
    >>> from newsclf import tag_frame
    >>> tag_frame(pd.DataFrame({"title": ["Arsenal sign Brazilian midfielder"]}), "title")  # doctest: +SKIP
                                   title  topic     score status
    0  Arsenal sign Brazilian midfielder  sport  0.996...     ok
    """
    import pandas as pd

    check_top_k(top_k)
    check_min_score(min_score)
    workers = resolve_jobs(renamed("jobs", "n_jobs", jobs, n_jobs, 1))
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, not {type(df).__name__}")
    columns = list(df.columns)
    if column not in columns:
        listed = ", ".join(repr(c) for c in columns)
        raise DataError(f"tag_frame: no text column {column!r}; the columns are: {listed}")
    if columns.count(column) > 1:
        raise DataError(f"tag_frame: the text column {column!r} appears {columns.count(column)} times")
    clf = resolve_model(model)
    if hasattr(clf, "classes_"):  # (newsclf.dask describes its output with an unfitted model)
        thresholds(min_score, clf.classes_)  # a topic the model lacks: an error now
    texts, statuses = _texts(df[column].tolist())
    batches = [
        (texts[start : start + batch_size], statuses[start : start + batch_size])
        for start in range(0, len(texts), batch_size)
    ]
    topics: list[str] = []
    scores: list[float | None] = []
    status_out: list[str] = []
    alternatives: list[Any] = []
    stream = score_batches(clf, batches, _filled, top_k=top_k, jobs=workers)
    with contextlib.closing(stream):
        for (batch_texts, batch_statuses), predicted in stream:
            tagged = tag_columns(batch_texts, batch_statuses, predicted, clf.classes_, min_score)
            topics += tagged.topics
            scores += tagged.scores
            status_out += tagged.statuses
            if tagged.alternatives is not None:
                alternatives += [tuple(pairs) for pairs in tagged.alternatives]
    names = output_names(columns, top_k, base=FRAME_COLUMNS)
    # Fixed dtypes (str is pandas' own string dtype where it has one): an empty frame gets
    # the same as any other, as Dask's map_partitions needs.
    added: dict[str, pd.Series] = {
        names[0]: pd.Series(topics, index=df.index, dtype=str),
        names[1]: pd.Series(scores, index=df.index, dtype="float64"),
        names[2]: pd.Series(status_out, index=df.index, dtype=str),
    }
    if top_k:
        added[names[3]] = pd.Series(alternatives, index=df.index, dtype=object)
    return df.assign(**added)
