"""Measure the memory of ``newsclf tag`` on a long dump: peak RSS and PSS of the process tree.

Usage::

    python benchmarks/memory.py [--data-dir ../shared/data] [--lines 10000000] [--jobs 1 --jobs 0]

Writes a dump of ``--lines`` headlines: every title of ``reuters_2007_2016/headlines.csv.gz``
(2.8M real wire headlines, read from the data directory, never copied into the repository) in
file order, then again from the top until the count is reached, so the word cache meets
millions of distinct words before any repeat. Runs ``python -m newsclf tag`` on it for each
``--jobs`` value (0: the default, every core) and samples the process tree every 0.2 s:

- summed RSS: every page a process maps, so pages forked workers share with the parent
  (the model, loaded before the fork) count once per process: an upper bound;
- summed PSS (``/proc/<pid>/smaps_rollup``): a shared page split among the processes sharing
  it: what the run costs the machine.

Prints one line per run: wall seconds, rows/s, peak summed RSS and peak summed PSS in MB.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness.process import process_tree

ROOT = Path(__file__).resolve().parents[1]
_PAGE = os.sysconf("SC_PAGE_SIZE")


def write_dump(source: Path, lines: int, out: Path) -> None:
    """Write ``lines`` titles of ``source`` to ``out``, one per line, cycling through the file."""
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        while written < lines:
            with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    sink.write(" ".join(row["title"].split()) + "\n")
                    written += 1
                    if written == lines:
                        return


def _memory(pids: list[int]) -> tuple[int, int]:
    """Return the summed RSS and PSS bytes of ``pids`` (processes gone meanwhile count 0)."""
    rss = pss = 0
    for pid in pids:
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                    break
        except (OSError, IndexError, ValueError):
            continue
    return rss, pss


def measure(command: list[str]) -> tuple[float, float, float]:
    """Run ``command``; return its wall seconds and peak summed RSS and PSS (MB) of its tree."""
    peak = [0, 0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            rss, pss = _memory(process_tree(process.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if code:
        raise SystemExit(f"{command} exited with {code}")
    return seconds, peak[0] / 1e6, peak[1] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--jobs", type=int, action="append", help="worker count (0: default); repeatable")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.txt"
        write_dump(args.data_dir / "reuters_2007_2016" / "headlines.csv.gz", args.lines, dump)
        for jobs in args.jobs or [1, 0]:
            command = [sys.executable, "-m", "newsclf", "tag", str(dump), "-o", str(Path(tmp) / "out.csv")]
            command += ["--quiet"] + ([] if jobs == 0 else ["--jobs", str(jobs)])
            seconds, rss, pss = measure(command)
            name = "default" if jobs == 0 else str(jobs)
            print(
                f"jobs {name}: {args.lines:,} lines in {seconds:.1f} s ({args.lines / seconds:,.0f} rows/s); "
                f"peak summed RSS {rss:.0f} MB, peak summed PSS {pss:.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
