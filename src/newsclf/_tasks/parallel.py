"""Batch predictions in worker processes: in input order, with a bounded number in flight.

The main process reads and writes; workers featurize and predict. Workers get the model once,
when they start: on Linux they are forked, so they share the already-loaded model without any
copy; elsewhere they are spawned and the model is pickled once per worker, without its
per-process word cache.
Each batch sends texts and gets back compact :class:`Scores` (best label, its probability and
the top ``k``), so little crosses the process boundary. At most ``2 * jobs`` batches are in
flight: memory stays flat however long the input is.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from typing import Any, TypeVar

from .._errors import NewsclfError
from .._model.predictor import LinearTopics
from .classify import Scores, score_texts

__all__ = ["WorkerError", "resolve_jobs", "score_batches"]

B = TypeVar("B")

#: Batches in flight per worker: one being predicted, one queued so no worker waits.
IN_FLIGHT_PER_JOB = 2


class WorkerError(NewsclfError, RuntimeError):
    """A worker process stopped before finishing its batch (killed, or out of memory)."""


def resolve_jobs(jobs: int | None) -> int:
    """Return the number of worker processes: ``jobs``, or every core this process may use."""
    if jobs is None:
        if hasattr(os, "sched_getaffinity"):  # the cores we may run on, not the machine's
            return max(1, len(os.sched_getaffinity(0)))
        return max(1, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int or None (all cores), not {jobs!r}")
    return jobs


def score_batches(
    clf: LinearTopics,
    batches: Iterable[B],
    texts_of: Callable[[B], list[str]],
    *,
    top_k: int | None = None,
    jobs: int = 1,
) -> Generator[tuple[B, Scores], None, None]:
    """Yield ``(batch, scores of texts_of(batch))`` for every batch, in order.

    ``jobs=1`` predicts in this process. Otherwise up to ``jobs`` worker processes predict
    while this process goes on reading (``batches`` is consumed here, lazily) and the caller
    writes. The first batch is predicted here (an input of one batch needs no workers).
    Close the generator (``contextlib.closing``) when stopping early, so the workers are
    shut down at once.
    """
    batches = iter(batches)
    if jobs <= 1:
        for batch in batches:
            yield batch, score_texts(clf, texts_of(batch), top_k)
        return
    first = next(batches, None)
    if first is None:
        return
    # The first batch is predicted here, before the workers start: forked, they inherit the
    # word cache it filled with the input's most frequent words instead of each rebuilding it.
    scores = score_texts(clf, texts_of(first), top_k)
    second = next(batches, None)
    if second is None:
        yield first, scores
        return
    with _Pool(clf, top_k, jobs) as pool:
        yield first, scores
        pending: deque[tuple[B, Future[Scores]]] = deque()
        for batch in chain((second,), batches):
            pending.append((batch, pool.submit(texts_of(batch))))
            if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                done, future = pending.popleft()
                yield done, pool.result(future)
        while pending:
            done, future = pending.popleft()
            yield done, pool.result(future)


def _context() -> Any:
    # fork shares the loaded model for free. It is unsafe on macOS (system libraries), and in
    # general a lock held by another thread at fork time stays held in the child; but workers
    # only unpickle texts, predict with numpy and scipy, and pickle arrays back: they take
    # none of the locks a caller's threads (or a progress bar's monitor thread) may hold.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Pool:
    """A process pool whose workers hold the model; shut down (and waited for) on exit."""

    def __init__(self, clf: LinearTopics, top_k: int | None, jobs: int) -> None:
        context = _context()
        self._executor = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(clf, top_k, os.getpid()),
        )
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork in any process with more than one thread,
                # native thread pools of numeric libraries included: see _context on why
                # these workers are safe.
                warnings.filterwarnings(
                    "ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning
                )
                # Freeze the objects alive now (the model among them) out of the collector's
                # sight, so that forked workers' collections do not copy the pages they share.
                frozen = context.get_start_method() == "fork"
                if frozen:
                    gc.freeze()
                try:
                    # Start every worker now: a model that cannot reach them fails here, clearly.
                    for future in [self._executor.submit(_ready) for _ in range(jobs)]:
                        self.result(future)
                finally:
                    if frozen:
                        gc.unfreeze()
        except BaseException:
            self._executor.shutdown(wait=True, cancel_futures=True)
            raise

    def submit(self, texts: list[str]) -> Future[Scores]:
        return self._executor.submit(_score, texts)

    def result(self, future: Future[Any]) -> Any:
        try:
            return future.result()
        except BrokenProcessPool:
            raise WorkerError(
                "a tagging worker process stopped unexpectedly (killed, or out of memory?); try fewer --jobs"
            ) from None

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        # On an error or Ctrl-C, drop the queued batches; running ones end within a batch.
        self._executor.shutdown(wait=True, cancel_futures=True)


# -- in the worker processes ------------------------------------------------------------------
_worker: tuple[LinearTopics, int | None] | None = None


def _start_worker(clf: LinearTopics, top_k: int | None, parent: int) -> None:
    global _worker
    _worker = (clf, top_k)
    # Ctrl-C reaches the whole process group: the main process alone handles it, by shutting
    # the pool down. A forked worker would also inherit the main process's SIGTERM handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A main process killed outright (SIGKILL) cannot shut its pool down; its workers would
    # wait for batches forever, holding the terminal's pipes open. They notice and leave.
    while os.getppid() == parent:
        time.sleep(0.5)
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(1)


def _ready() -> None:
    return None


def _score(texts: list[str]) -> Scores:
    assert _worker is not None, "worker not initialised"
    clf, top_k = _worker
    return score_texts(clf, texts, top_k)
