"""Benchmark newsclf against fastText and a scikit-learn recipe: accuracy, cost, throughput.

Usage::

    pip install -e '.[bench]'
    python benchmarks/run.py --data ../shared/data [--runs 3] [--quick] [--out docs/benchmarks.md]

Retrains newsclf (defaults, through ``newsclf.train`` as ``newsclf train`` does), fastText
(bigrams, and the best of a small grid scored on a validation split of the training data) and a hand-written
scikit-learn TF-IDF + LinearSVC recipe on UCI NLP-100 and AG News, scores them on the test
splits, times `newsclf tag` (default jobs and ``--jobs 1``) against a fastText tagging script
on a dump of 1M distinct real Reuters headlines (rows/s, CPU seconds, peak RSS; paired within
each run), profiles `newsclf tag --jobs 1` stage by stage, and times newsclf training on 100k
labeled texts. Every figure is the median of ``--runs`` runs. ``--tagging-only`` skips the
accuracy tables (it trains only the fastText model the tagging comparison uses); without
fastText installed the tagging comparison leaves it out. The newsclf measured is the one this
interpreter imports (``python -m newsclf``): ``PYTHONPATH=src`` measures a checkout. Prints
the report and writes it (atomically) to ``--out``. Models, outputs and the cached dump go to
``--work-dir`` (default: a folder in the system temp directory).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import datasets
from harness.models import GRID
from harness.report import MB, Context, machine, render, write_atomically
from harness.suite import Suite, has_jobs_option

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"
FULL = {"dump_rows": 1_000_000, "large_rows": 100_000, "grid_points": len(GRID), "profile_rows": 200_000}
QUICK = {"dump_rows": 60_000, "large_rows": 20_000, "grid_points": 3, "profile_rows": 20_000}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="data directory (default: ../shared/data)"
    )
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default: 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smoke run: small inputs, short tuning, one run")
    parser.add_argument(
        "--tagging-only",
        action="store_true",
        help="tagging, its profile and 100k training only: no accuracy tables",
    )
    parser.add_argument("--dump-rows", type=int, help="headlines in the tagging dump (default: 1M)")
    parser.add_argument(
        "--out", type=Path, help="report file (default: docs/benchmarks.md; none with --quick)"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsclf-bench",
        help="models, outputs and the cached dump (default: <tmp>/newsclf-bench)",
    )
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.out is None and not args.quick:
        args.out = DEFAULT_OUT
    work = args.work_dir.resolve()
    if work == ROOT or ROOT in work.parents:
        parser.error(f"--work-dir must be outside the repository ({ROOT})")
    if not (args.data / "uci_news_aggregator").is_dir():
        parser.error(f"no data directory at {args.data} (see its README: ../shared/data)")
    return args


def _large_files(rows: list[datasets.Example], about: str, work: Path) -> datasets.DatasetFiles:
    path = datasets.write_labeled_csv(rows, work / "data" / "large" / "train.csv")
    # Only newsclf trains on it: it reads the train CSV alone.
    return datasets.DatasetFiles("large", about, path, path, path, path, path, len(rows), 0, "")


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _load_note(loads: list[str]) -> tuple[str, str]:
    busy = max(float(load.split(" / ")[0]) for load in loads) > (os.cpu_count() or 1)
    note = " (above the core count: other work shared the machine)" if busy else ""
    return (
        "load average (1 / 5 / 15 min) at the start of each run, then at the end",
        "; ".join(loads) + note,
    )


@dataclass
class _Inputs:
    """The prepared inputs of every run, and what the report says about them."""

    sets: list[datasets.DatasetFiles]
    large: datasets.DatasetFiles
    dump: Path
    ctx: Context


def _prepare(args: argparse.Namespace, sizes: dict[str, int]) -> _Inputs:
    import newsclf

    work = args.work_dir.resolve()
    sets = datasets.prepare_datasets(args.data, work / "data")  # fastText's tagging model needs UCI
    large_rows, large_about = datasets.training_set(args.data, sizes["large_rows"])
    dump_rows = args.dump_rows or sizes["dump_rows"]
    dump, dump_rows = datasets.reuters_dump(args.data, dump_rows, work / "cache")
    ctx = Context(
        command=shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        runs=0,
        datasets=[] if args.tagging_only else sets,
        large_about=large_about,
        dump_rows=dump_rows,
        dump_source=f"The first {dump_rows:,} distinct headlines of `{datasets.REUTERS_DUMP}` (Reuters "
        f"2007-2016, date order; {dump.stat().st_size / MB:.1f} MB), one a line: real text whose "
        "vocabulary keeps growing, no repeated pool",
        grid_points=sizes["grid_points"],
        jobs=has_jobs_option(),
        bundled_mb=newsclf.bundled_model_path().stat().st_size / MB,
        quick=args.quick,
    )
    return _Inputs(
        sets=sets,
        large=_large_files(large_rows, large_about, work),
        dump=dump,
        ctx=ctx,
    )


def _has_fasttext() -> bool:
    import importlib.util

    return importlib.util.find_spec("fasttext") is not None


def _fasttext_model(suite: Suite, sets: list[datasets.DatasetFiles], tagging_only: bool) -> Path | None:
    """Every accuracy figure (or none, ``tagging_only``); the fastText model tagging compares with."""
    if not tagging_only:
        return suite.accuracy(sets)
    if not _has_fasttext():
        print("[bench] fastText is not installed: tagging is measured without it", file=sys.stderr)
        return None
    uci = next(files for files in sets if files.name == "uci")
    return suite.train_and_evaluate(uci, "fasttext_bigram", keep=True)


def _report(suite: Suite, ctx: Context, machine_info: list[tuple[str, str]], loads: list[str]) -> str:
    return render(suite.samples, ctx, [*machine_info, _load_note(loads)])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; after each run, write the report of the runs so far to ``--out``."""
    args = parse_args(argv)
    machine_info = machine(ROOT)  # the commit measured, before any later edit
    sizes = QUICK if args.quick else FULL
    inputs = _prepare(args, sizes)
    suite = Suite(work_dir=args.work_dir.resolve(), grid_points=sizes["grid_points"])
    loads: list[str] = []
    report = ""
    for run in range(1, args.runs + 1):
        print(f"[bench] run {run} of {args.runs}", file=sys.stderr, flush=True)
        loads.append(_load_average())
        fasttext_model = _fasttext_model(suite, inputs.sets, args.tagging_only)
        suite.train_large(inputs.large)
        suite.throughput(inputs.dump, inputs.ctx.dump_rows, fasttext_model, inputs.ctx.jobs, run)
        suite.profile(inputs.dump, min(sizes["profile_rows"], inputs.ctx.dump_rows))
        if fasttext_model is not None:
            fasttext_model.unlink()
        (suite.work_dir / "samples.json").write_text(suite.samples.to_json(), encoding="utf-8")
        ctx = dataclasses.replace(inputs.ctx, runs=run, planned_runs=args.runs)
        report = _report(suite, ctx, machine_info, [*loads, _load_average()])
        if args.out is not None:  # a report of the runs so far: an interrupted run still leaves one
            write_atomically(args.out, report)
    print(report)
    if args.out is not None:
        print(f"[bench] report written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
