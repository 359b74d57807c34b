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

Prints each run's seconds, the median's rows/s and the CPU seconds per million rows (the
workers' for Dask; this one process's for the baseline), which another load on the machine
changes far less than the rows/s. The first Dask run includes each worker's one-off model
load; the cluster stays up between runs, as a real one does between jobs. Dask and baseline
runs alternate. Run it on an otherwise idle machine (Unix: it reads CPU times with
``resource``): every core counts. ``--no-malloc-trim`` starts the workers without the
``MALLOC_TRIM_THRESHOLD_=65536`` that Dask sets for them (see the guide's Dask section).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
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


def cpu_seconds() -> float:
    """User and system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(job: Callable[[], None], cpu: Callable[[], float]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``job``; ``cpu`` gives the CPU time of all it uses."""
    cpu0, t0 = cpu(), time.perf_counter()
    job()
    return time.perf_counter() - t0, cpu() - cpu0


def report(name: str, rows: int, runs: list[tuple[float, float]]) -> float:
    wall = [w for w, _ in runs]
    rate = rows / statistics.median(wall)
    per_million = 1e6 * statistics.median(c for _, c in runs) / rows
    listed = ", ".join(f"{w:.1f}" for w in wall)
    print(f"{name:>34}: {rate:>9,.0f} rows/s  (median of runs of {listed} s)")
    print(f"{'':>34}  {per_million:>9,.1f} CPU s per million rows (median)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-baseline", action="store_true", help="only the Dask runs")
    parser.add_argument(
        "--no-malloc-trim",
        action="store_true",
        help="start the workers without Dask's MALLOC_TRIM_THRESHOLD_=65536 (see the guide)",
    )
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import newsclf
    import newsclf.dask

    work = Path(tempfile.mkdtemp(prefix="newsclf-dask-bench-"))
    try:
        source = work / "in"
        source.mkdir()
        write_dataset(headlines(args.data_dir), args.rows, args.partitions, source)
        print(f"{args.rows:,} rows in {args.partitions} partitions; {os.cpu_count()} cores", end="; ")
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f}")

        def dask_job() -> None:
            out = work / "out-dask"
            shutil.rmtree(out, ignore_errors=True)
            newsclf.dask.tag(dd.read_parquet(source), "title").to_parquet(out, write_index=False)

        def baseline_job() -> None:
            tagged = newsclf.tag_frame(pd.read_parquet(source), "title", n_jobs=1)
            tagged.to_parquet(work / "out-baseline.parquet", index=False)

        newsclf.load_model()  # the baseline's model, loaded before timing like a long-lived process's
        # None unsets it: the config is read when each worker process starts, or restarts.
        trim_setting = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
        dask_runs: list[tuple[float, float]] = []
        baseline_runs: list[tuple[float, float]] = []
        with (
            dask.config.set(trim_setting if args.no_malloc_trim else {}),
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            trim = set(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset")).values())

            def cluster_cpu() -> float:  # the workers', this process's (client, scheduler) aside
                return sum(client.run(cpu_seconds).values())

            # Alternated, so that both see the same load from anything else on the machine.
            for _ in range(args.runs):
                dask_runs.append(timed(dask_job, cluster_cpu))
                if not args.skip_baseline:
                    baseline_runs.append(timed(baseline_job, cpu_seconds))
        rate = report(f"newsclf.dask.tag, {args.workers} workers", args.rows, dask_runs)
        print(f"{'workers MALLOC_TRIM_THRESHOLD_':>34}: {', '.join(sorted(trim))}")
        if baseline_runs:
            baseline = report("tag_frame, 1 process", args.rows, baseline_runs)
            print(f"{'speed-up':>34}: {rate / baseline:.2f}x")
        print(f"{'load average (1 min) at the end':>34}: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
