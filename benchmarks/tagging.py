"""Measure ``newsclf tag`` on a large headline dump: rows/s, CPU and peak memory, vs in-memory.

Usage::

    python benchmarks/tagging.py --lines 1000000 [--runs 3] [--gzip] [--jobs 1 --jobs 0]

Builds a dump of ``--lines`` headlines from ``<data-dir>/headlines_unlabeled.txt`` (the 53k real
headlines, shuffled and repeated) in a temporary directory, never in the repository, then
reports medians over ``--runs`` runs of

- ``newsclf tag DUMP -o OUT.csv --jobs N`` as a whole process (start-up and model load
  included): wall seconds, rows/s, CPU seconds of all its processes, the peak RSS of its
  largest process (``wait4``) and the peak memory of the whole process tree, sampled from
  ``/proc`` (RSS summed, which counts the pages forked workers share once per process, and
  PSS, which divides shared pages among their users: the memory actually used);
- the model's own in-memory batch prediction, ``load_model().predict_proba`` on the same
  headlines held in a list, 4,096 at a time, in this process (a fresh model each run, so its
  word cache starts cold as the tagging run's does);

and the ratio of the two (the goal: tagging at most 1.2 x the in-memory time). ``--jobs 0``
means the default, every core. Goal on memory: < 400 MB RSS on 10M lines.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 4096


def build_dump(source: Path, lines: int, path: Path, compress: bool) -> None:
    headlines = [line.strip() for line in source.read_text("utf-8").splitlines() if line.strip()]
    rng = random.Random(0)
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="\n") as out:  # type: ignore[operator]
        written = 0
        while written < lines:
            rng.shuffle(headlines)
            block = headlines[: lines - written]
            out.write("\n".join(block) + "\n")
            written += len(block)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, 0 when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def run_tag(command: list[str]) -> dict[str, float]:
    peaks = {"tree_rss_mb": 0.0, "tree_pss_mb": 0.0}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            totals = [_memory_kb(pid) for pid in _tree(process.pid)]
            peaks["tree_rss_mb"] = max(peaks["tree_rss_mb"], sum(t[0] for t in totals) / 1024)
            peaks["tree_pss_mb"] = max(peaks["tree_pss_mb"], sum(t[1] for t in totals) / 1024)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    err = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    return {
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        # wait4 gives the largest of the process and the workers it waited for (in kB).
        "max_rss_mb": usage.ru_maxrss / 1024,
        **peaks,
    }


def in_memory(dump: Path, lines: int) -> dict[str, float]:
    """Time the baseline (in a process of its own: see run_in_memory)."""
    from newsclf import load_model

    opener = gzip.open if dump.suffix == ".gz" else open
    with opener(dump, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        texts = [line.rstrip("\n") for line in islice(handle, lines)]
    model = load_model()  # its word cache starts cold, as a tagging run's does
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), BATCH):
        model.predict_proba(texts[start : start + BATCH])
    return {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}


def run_in_memory(dump: Path, lines: int) -> dict[str, float]:
    # In a fresh process: this one stays small, and a child forked from a big parent would
    # report the parent's size as its peak RSS (Linux counts the memory it had before exec).
    command = [sys.executable, __file__, "--in-memory-of", str(dump), "--lines", str(lines)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, action="append", help="0: the default (every core)")
    parser.add_argument("--gzip", action="store_true", help="also tag a gzip-compressed copy")
    parser.add_argument("--no-in-memory", action="store_true", help="skip the in-memory baseline")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--in-memory-of", type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.in_memory_of:
        print(json.dumps(in_memory(args.in_memory_of, args.lines)))
        return 0

    source = args.data_dir / "headlines_unlabeled.txt"
    if not source.is_file():
        print(f"skipped: {source} not found (pass --data-dir)")
        return 0
    newsclf = shutil.which("newsclf") or str(Path(sys.executable).with_name("newsclf"))
    jobs_list = args.jobs or [1, 0]
    results: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="newsclf-bench-") as tmp:
        dumps = [Path(tmp) / "dump.txt"] + ([Path(tmp) / "dump.txt.gz"] if args.gzip else [])
        for dump in dumps:
            build_dump(source, args.lines, dump, compress=dump.suffix == ".gz")
        print(f"{args.lines:,} lines ({dumps[0].stat().st_size / 1e6:,.0f} MB), {args.runs} run(s) each, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        empty = Path(tmp) / "empty.txt"
        empty.touch()
        startup = [
            run_tag([newsclf, "tag", str(empty), "-o", str(Path(tmp) / "e.csv"), "-q"]) for _ in range(3)
        ]
        results.append(("start-up: newsclf tag on an empty file", _median(startup)))
        if not args.no_in_memory:
            runs = [run_in_memory(dumps[0], args.lines) for _ in range(args.runs)]
            results.append(("in-memory predict_proba", _median(runs)))
            print(f"  done: {results[-1][0]}", flush=True)
        for dump in dumps:
            for jobs in jobs_list:
                command = [newsclf, "tag", str(dump), "-o", str(Path(tmp) / "out.csv"), "--quiet"]
                command += ["--jobs", str(jobs)] if jobs else []
                default = f"default ({len(os.sched_getaffinity(0))})"
                label = f"newsclf tag {dump.name} --jobs {jobs or default}"
                runs = [run_tag(command) for _ in range(args.runs)]
                results.append((label, _median(runs)))
                print(f"  done: {label}", flush=True)
    baseline = dict(results).get("in-memory predict_proba")
    print(
        f"\n| {'what':<40} | wall s | rows/s | CPU s | x in-memory | max RSS MB | tree PSS MB | tree RSS MB |"
    )
    print(f"|{'-' * 42}|-------:|-------:|------:|------------:|-----------:|------------:|------------:|")
    for label, r in results:
        ratio = f"{r['seconds'] / baseline['seconds']:.2f}" if baseline and "start-up" not in label else "-"
        mem = [f"{r[k]:,.0f}" if k in r else "-" for k in ("max_rss_mb", "tree_pss_mb", "tree_rss_mb")]
        rate = 0 if "start-up" in label else args.lines / r["seconds"]
        print(f"| {label:<40} | {r['seconds']:6.1f} | {rate:6,.0f} | {r['cpu_s']:5.1f} | {ratio:>11} | "
              f"{mem[0]:>10} | {mem[1]:>11} | {mem[2]:>11} |")  # fmt: skip
    print("\nGoals: tagging <= 1.2 x the in-memory time; < 400 MB RSS on 10M lines. Medians; wall")
    print("times depend on what else the machine runs (CPU s is steadier).")
    return 0


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


if __name__ == "__main__":
    raise SystemExit(main())
