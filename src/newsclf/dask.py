"""Tag a text column of a Dask DataFrame: the same topics as :func:`newsclf.tag_frame`, at scale.

Needs the optional extra: ``pip install 'newsclf[dask]'``.

>>> import dask.dataframe as dd
>>> import newsclf.dask
>>> ddf = dd.read_parquet("headlines/")  # doctest: +SKIP
>>> newsclf.dask.tag(ddf, "title").to_parquet("tagged/")  # doctest: +SKIP

Every partition is tagged by :func:`newsclf.tag_frame` (``n_jobs=1``: Dask runs the partitions
in parallel itself), so a row gets exactly the topic, score and status the single-machine path
gives it. The same code runs on any Dask scheduler: threads, processes, a local cluster or a
real one (``distributed.Client("tcp://scheduler:8786")``). The model reaches each worker once:

- ``model=None``, the bundled model: each worker process loads it from its own installed
  newsclf, once, and keeps it for the life of the process (:func:`newsclf.load_model`
  caches it); nothing is shipped.
- a :class:`NewsClassifier` or a path: the model is loaded here (a path is read once, by this
  process: the workers need not see the file). With a distributed Client, it is scattered
  to every worker when ``tag()`` is called, and the task graph only names it; threads share
  the object itself; the processes scheduler pickles it with each task, and each process
  rebuilds it once.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import uuid
from collections import OrderedDict
from typing import Any

from ._errors import MissingDependencyError
from ._model.classifier import NewsClassifier
from ._model.loading import resolve_model
from ._model.predictor import LinearTopics
from ._tasks.classify import MinScore
from ._tasks.frame import tag_frame

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # the optional extra is missing, or dask.dataframe's own dependencies
    raise MissingDependencyError(f"newsclf.dask needs dask: pip install 'newsclf[dask]' ({exc})") from None

__all__ = ["tag"]


def tag(
    ddf: dd.DataFrame,
    column: str,
    *,
    model: LinearTopics | str | os.PathLike[str] | None = None,
    top_k: int | None = None,
    min_score: MinScore = None,
) -> dd.DataFrame:
    """Tag the texts of ``ddf[column]``, partition by partition; return a lazy Dask DataFrame.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The rows to tag.
    column : str
        The column holding the texts.
    model : NewsClassifier or path, optional
        The model; by default the bundled one, which each worker loads once. A model object
        or a path is loaded here and shipped to each worker once.
    top_k : int, optional
        Also add ``alternatives``: the ``k`` most probable ``(label, probability)`` pairs.
    min_score : float, optional
        Abstain below this probability: no topic, status ``low_score``, the score is kept.

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf``'s columns, then ``topic``, ``score``, ``status`` (and ``alternatives`` with
        ``top_k``), with the names, values and dtypes :func:`newsclf.tag_frame` gives; same
        index, divisions and partitions, rows in the same order. Nothing runs until it is
        computed or written (``.compute()``, ``.to_parquet(...)``).

    Raises
    ------
    DataError
        At once, before any computation: ``column`` is not a column of ``ddf`` (the message
        lists those that are), or appears twice.
    ValueError
        At once: ``top_k`` or ``min_score`` out of range.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> import newsclf.dask
    >>> ddf = dd.from_pandas(pd.DataFrame({"title": ["Arsenal sign Brazilian midfielder"]}), npartitions=1)
    >>> newsclf.dask.tag(ddf, "title").compute()  # doctest: +SKIP
                                   title  topic     score status
    0  Arsenal sign Brazilian midfielder  sport  0.996...     ok
    """
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"ddf must be a dask DataFrame, not {type(ddf).__name__}")
    clf = None if model is None else resolve_model(model)
    # tag_frame on the empty frame that describes ddf's partitions gives the output's columns
    # and dtypes (Dask's meta), and checks the column, top_k and min_score now. The bundled
    # model is not loaded for it: an unfitted stand-in serves, as an empty frame predicts nothing.
    meta = tag_frame(
        ddf._meta,
        column,
        model=clf if clf is not None else NewsClassifier(),
        top_k=top_k,
        min_score=min_score,
    )
    shipped = None if clf is None else _ship(clf)
    return ddf.map_partitions(
        _tag_partition, column, shipped, top_k, min_score, meta=meta, token="newsclf-tag"
    )


def _ship(clf: LinearTopics) -> Any:
    """Return what stands for ``clf`` in the task graph: data each worker receives once."""
    client = _current_client()
    # (A cluster without workers yet, say one that scales from zero: scatter would wait for one.)
    if client is not None and client.scheduler_info().get("workers"):
        # Sent to every worker now, worker to worker: the graph only names it (embedded, a
        # model of megabytes would travel with the graph and trip the large-graph warning).
        return client.scatter(clf, broadcast=True, hash=False)
    return _Shipped(clf)


class _Shipped:
    """A model in a task graph run without a Client (threads, processes, one thread).

    Threads share the object itself. Pickled (by the processes scheduler), it carries the
    model, which each process rebuilds once: later tasks with the same model reuse it.
    """

    def __init__(self, clf: LinearTopics, token: str | None = None) -> None:
        self.clf = clf
        self.token = token or uuid.uuid4().hex

    def __dask_tokenize__(self) -> tuple[str, str]:
        # Named, not hashed: hashing a model's pickled bytes would take about a second.
        return ("newsclf-model", self.token)

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]:
        return _unship, (self.token, pickle.dumps(self.clf, protocol=pickle.HIGHEST_PROTOCOL))


#: Models rebuilt in this process, by token, the most recent last: a few, not every one seen.
_received: OrderedDict[str, LinearTopics] = OrderedDict()
_received_lock = threading.Lock()
_RECEIVED_KEPT = 2


def _unship(token: str, payload: bytes) -> _Shipped:
    with _received_lock:
        clf = _received.get(token)
        if clf is None:
            clf = pickle.loads(payload)
            _received[token] = clf
            while len(_received) > _RECEIVED_KEPT:
                _received.popitem(last=False)
        _received.move_to_end(token)
    return _Shipped(clf, token)


def _current_client() -> Any:
    """Return the distributed Client that ``compute()`` would use now, or None."""
    if "distributed" not in sys.modules:  # no Client without it, and no need to import it
        return None
    from distributed import Client

    try:
        get = dask.base.get_scheduler()
    except RuntimeError:  # an asynchronous Client: the model goes into the graph instead
        return None
    client = getattr(get, "__self__", None)  # a Client's scheduler is its bound get()
    return client if isinstance(client, Client) and not client.asynchronous else None


def _tag_partition(
    part: Any,
    column: str,
    model: LinearTopics | _Shipped | None,
    top_k: int | None,
    min_score: MinScore,
) -> Any:
    if isinstance(model, _Shipped):
        model = model.clf
    return tag_frame(part, column, model=model, top_k=top_k, min_score=min_score, n_jobs=1)
