import multiprocessing
import os
import signal

import numpy as np
import pytest

from newsclf._tasks import parallel as _parallel
from newsclf._tasks.classify import score_texts
from newsclf._tasks.parallel import WorkerError, resolve_jobs, score_batches

needs_fork = pytest.mark.skipif(
    _parallel._context().get_start_method() != "fork", reason="patches reach workers only when forked"
)


@pytest.fixture
def batches(corpus):
    texts = [*corpus.text, "oil oil oil", "Unknown words only"] * 2
    return [texts[i : i + 7] for i in range(0, len(texts), 7)]


def test_resolve_jobs():
    assert resolve_jobs(None) >= 1 and resolve_jobs(3) == 3
    for bad in (0, -1, True, "2", 1.5):
        with pytest.raises(ValueError, match="jobs must be a positive int"):
            resolve_jobs(bad)


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_come_back_in_order_with_the_same_scores(tiny_model, batches, jobs):
    out = list(score_batches(tiny_model, batches, lambda b: b, top_k=2, jobs=jobs))
    assert [batch for batch, _ in out] == batches
    expected = score_texts(tiny_model, [t for b in batches for t in b], top_k=2)
    np.testing.assert_array_equal(np.concatenate([s.best for _, s in out]), expected.best)
    np.testing.assert_array_equal(np.concatenate([s.ranked for _, s in out]), expected.ranked)
    np.testing.assert_allclose(np.concatenate([s.score for _, s in out]), expected.score, rtol=0, atol=1e-15)
    assert not multiprocessing.active_children()


def test_spawned_workers_get_the_model_pickled(tiny_model, batches, monkeypatch):
    # What macOS and Windows use; one worker, as each spawned one imports newsclf afresh.
    monkeypatch.setattr(_parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    with _parallel._Pool(tiny_model, 2, jobs=1) as pool:
        scores = pool.result(pool.submit(batches[0]))
    expected = score_texts(tiny_model, batches[0], 2)
    np.testing.assert_array_equal(scores.ranked, expected.ranked)
    assert not multiprocessing.active_children()


@needs_fork
def test_a_worker_error_stops_the_pool(tiny_model, batches, monkeypatch):
    main = os.getpid()

    def fail_in_workers(clf, texts, top_k):
        if os.getpid() != main:
            raise RuntimeError("boom in a worker")
        return score_texts(clf, texts, top_k)

    monkeypatch.setattr(_parallel, "score_texts", fail_in_workers)
    with pytest.raises(RuntimeError, match="boom in a worker"):
        list(score_batches(tiny_model, batches, lambda b: b, jobs=2))
    assert not multiprocessing.active_children()


@needs_fork
def test_a_killed_worker_is_a_clear_error(tiny_model, batches, monkeypatch):
    main = os.getpid()

    def die_in_workers(clf, texts, top_k):
        if os.getpid() != main:
            os.kill(os.getpid(), signal.SIGKILL)
        return score_texts(clf, texts, top_k)

    monkeypatch.setattr(_parallel, "score_texts", die_in_workers)
    with pytest.raises(WorkerError, match="worker process stopped unexpectedly"):
        list(score_batches(tiny_model, batches, lambda b: b, jobs=2))
    assert not multiprocessing.active_children()


def test_stopping_early_shuts_the_workers_down(tiny_model, batches):
    stream = score_batches(tiny_model, batches, lambda b: b, jobs=2)
    next(stream), next(stream)
    assert multiprocessing.active_children()
    stream.close()
    assert not multiprocessing.active_children()


def test_one_batch_needs_no_workers(tiny_model, batches, monkeypatch):
    monkeypatch.setattr(_parallel, "_Pool", None)  # would fail if used
    assert len(list(score_batches(tiny_model, batches[:1], lambda b: b, jobs=4))) == 1
