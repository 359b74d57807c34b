"""Measure newsclf.dask.tag on a local Dask cluster against single-process tag_frame.

Usage::

    pip install '.[dask]'
    python benchmarks/dask_tag.py [--rows 1000000] [--partitions 20] [--workers 2] [--runs 3]

Headlines from ``<data-dir>/headlines_unlabeled.txt`` (else ``examples/headlines.txt``) are
repeated to ``--rows`` rows and written as a Parquet dataset of ``--partitions`` files in a
temporary directory. Each run reads it, tags it and writes the result as Parquet:

- Dask: ``dd.read_parquet`` -> ``newsclf.dask.tag`` -> ``to_parquet`` on a ``LocalCluster``
  of ``--workers`` processes with one thread each (workers read and write their own
  partitions, as on a real cluster);
- baseline: ``pd.read_parquet`` -> ``tag_frame`` -> ``to_parquet`` in this one process.

Prints each run's seconds and the median's rows/s. The first Dask run includes each worker's
one-off model load; the cluster stays up between runs, as a real one does between jobs.
Run it on an otherwise idle machine: every core counts.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def headlines(data_dir: Path) -> list[str]:
    source = data_dir / "headlines_unlabeled.txt"
    if not source.is_file():
        source = ROOT / "examples" / "headlines.txt"
    return [line.strip() for line in source.read_text("utf-8").splitlines() if line.strip()]


def write_dataset(texts: list[str], rows: int, partitions: int, where: Path) -> None:
    titles = np.resize(np.asarray(texts, dtype=object), rows)
    for i, part in enumerate(np.array_split(np.arange(rows), partitions)):
        frame = pd.DataFrame({"id": part, "title": titles[part]})
        frame.to_parquet(where / f"part.{i:04d}.parquet", index=False)


def timed(runs: int, job: Callable[[], None]) -> list[float]:
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - t0)
    return seconds


def report(name: str, rows: int, seconds: list[float]) -> float:
    rate = rows / statistics.median(seconds)
    runs = ", ".join(f"{s:.1f}" for s in seconds)
    print(f"{name:>34}: {rate:>9,.0f} rows/s  (median of runs of {runs} s)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-baseline", action="store_true", help="only the Dask runs")
    args = parser.parse_args()

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import newsclf
    import newsclf.dask

    work = Path(tempfile.mkdtemp(prefix="newsclf-dask-bench-"))
    try:
        source = work / "in"
        source.mkdir()
        write_dataset(headlines(args.data_dir), args.rows, args.partitions, source)
        print(f"{args.rows:,} rows in {args.partitions} partitions; {os.cpu_count()} cores")

        def dask_job() -> None:
            out = work / "out-dask"
            shutil.rmtree(out, ignore_errors=True)
            newsclf.dask.tag(dd.read_parquet(source), "title").to_parquet(out, write_index=False)

        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with cluster, Client(cluster):
            dask_s = timed(args.runs, dask_job)
        rate = report(f"newsclf.dask.tag, {args.workers} workers", args.rows, dask_s)

        if not args.skip_baseline:

            def baseline_job() -> None:
                tagged = newsclf.tag_frame(pd.read_parquet(source), "title", jobs=1)
                tagged.to_parquet(work / "out-baseline.parquet", index=False)

            newsclf.load_model()  # loaded once, before timing, like a long-lived process
            baseline = report("tag_frame, 1 process", args.rows, timed(args.runs, baseline_job))
            print(f"{'speed-up':>34}: {rate / baseline:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
