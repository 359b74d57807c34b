r"""Paired runs of ``newsclf tag`` from two source trees on one input: speed, and a diff of outputs.

Usage::

    git archive BASE src | tar -x -C /tmp/base     # the tree to compare with, outside the repo
    python benchmarks/paired.py --old /tmp/base/src --new src --input dump.txt \
        [--runs 3] [--jobs 1 --jobs 0] [--lines N] [--taskset 0]

Each run tags ``--input`` with ``python -m newsclf tag`` once from the ``--old`` tree and
once from the ``--new`` tree (``PYTHONPATH`` set to each), alternating which goes first, for
every ``--jobs`` value (0: the default, every core). It reports per side the medians of wall
seconds, rows/s, CPU seconds (user + system of the whole process tree, from ``wait4``) and
peak RSS of the largest process, and the median of the paired ratios. Then it compares the two
outputs of the last run: byte for byte, and row by row (labels, and the largest score
difference), so an optimisation that changes any prediction shows here. ``--lines`` takes the
first N lines of the input (into a temporary file); ``--taskset CPUS`` pins every run to those
cores (``taskset -c``), to simulate a smaller machine.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

__all__ = ["Run", "compare_outputs", "main", "tag_once"]


@dataclass(frozen=True)
class Run:
    """One measured ``newsclf tag`` process."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def tag_once(src: Path, source: Path, output: Path, jobs: int, taskset: str | None) -> Run:
    """Tag ``source`` into ``output`` with the newsclf of ``src``; return what it cost."""
    command = [sys.executable, "-m", "newsclf", "tag", str(source), "-o", str(output)]
    if jobs:
        command += ["--jobs", str(jobs)]
    if taskset:
        command = ["taskset", "-c", taskset, *command]
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    # wait4 gives the child's own usage plus that of its children it waited for (workers).
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def compare_outputs(old: Path, new: Path) -> str:
    """Describe how two tagged CSV files differ: identical bytes, or labels and scores."""
    if filecmp.cmp(old, new, shallow=False):
        with old.open("rb") as handle:
            rows = sum(1 for _ in handle) - 1
        return f"byte-identical ({rows:,} rows)"
    labels = scores = rows = 0
    largest = 0.0
    with old.open(encoding="utf-8", newline="") as a, new.open(encoding="utf-8", newline="") as b:
        for x, y in zip(csv.DictReader(a), csv.DictReader(b)):
            rows += 1
            labels += x["topic"] != y["topic"]
            if x["score"] != y["score"]:
                scores += 1
                largest = max(largest, abs(float(x["score"] or 0) - float(y["score"] or 0)))
    return f"{rows:,} rows: {labels} labels differ, {scores} printed scores differ (largest by {largest:.4f})"


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def main(argv: list[str] | None = None) -> int:
    """Run the paired comparison and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the baseline's src directory")
    parser.add_argument("--new", type=Path, required=True, help="the candidate's src directory")
    parser.add_argument("--input", type=Path, required=True, help="one headline per line")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, action="append", help="0: the default (every core)")
    parser.add_argument("--lines", type=int, help="only the first N lines of --input")
    parser.add_argument("--taskset", help="cores to pin every run to, e.g. 0 or 0,1")
    args = parser.parse_args(argv)
    jobs_values = args.jobs or [1]
    with tempfile.TemporaryDirectory(prefix="newsclf-paired-") as tmp:
        work = Path(tmp)
        source = args.input
        if args.lines:
            source = work / "input.txt"
            with args.input.open(encoding="utf-8") as lines, source.open("w", encoding="utf-8") as out:
                out.writelines(islice(lines, args.lines))
        with source.open("rb") as handle:
            rows = sum(1 for _ in handle)
        print("| jobs | side | wall s | rows/s | CPU s | peak RSS MB | new/old wall | new/old CPU | output |")
        print("|---|---|---|---|---|---|---|---|---|")
        for jobs in jobs_values:
            runs: dict[str, list[Run]] = {"old": [], "new": []}
            for run in range(args.runs):
                order = ("old", "new") if run % 2 == 0 else ("new", "old")
                for side in order:
                    src = args.old if side == "old" else args.new
                    runs[side].append(tag_once(src, source, work / f"{side}.csv", jobs, args.taskset))
                    print(f"[paired] jobs {jobs} run {run + 1} {side}: {runs[side][-1]}", file=sys.stderr)
            diff = compare_outputs(work / "old.csv", work / "new.csv")
            wall = _median([n.seconds / o.seconds for o, n in zip(runs["old"], runs["new"])])
            cpu = _median([n.cpu_seconds / o.cpu_seconds for o, n in zip(runs["old"], runs["new"])])
            for side in ("old", "new"):
                r = runs[side]
                seconds = _median([x.seconds for x in r])
                ratio = f"{wall:.2f} | {cpu:.2f} | {diff}" if side == "new" else " | | "
                cpu_s, rss = _median([x.cpu_seconds for x in r]), _median([x.peak_rss_mb for x in r])
                print(
                    f"| {jobs or 'default'} | {side} | {seconds:.1f} | {rows / seconds:,.0f} | "
                    f"{cpu_s:.1f} | {rss:.0f} | {ratio} |"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
