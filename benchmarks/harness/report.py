"""The benchmark report: tables of medians, the goals met or not, the machine, as Markdown."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .datasets import DatasetFiles
from .models import MODELS
from .stats import median, median_difference, median_ratio
from .suite import Samples

__all__ = ["Context", "Goal", "goals", "machine", "render", "write_atomically"]

MB = 1e6
_PACKAGES = ("newsclf", "scikit-learn", "numpy", "scipy", "fasttext-numpy2")


@dataclass(frozen=True)
class Context:
    """What the report says besides the figures: how it was run and on what data."""

    command: str
    runs: int
    datasets: Sequence[DatasetFiles]
    large_about: str
    dump_rows: int
    dump_source: str
    grid_points: int
    jobs: bool
    bundled_mb: float
    quick: bool
    planned_runs: int = 0


@dataclass(frozen=True)
class Goal:
    """One goal of the issue and how the measurement compares with it."""

    goal: str
    measured: str
    met: bool | None  # None: not measured

    def row(self) -> str:
        """Return the goal as a Markdown table row."""
        status = "-" if self.met is None else "met" if self.met else "**not met**"
        return f"| {self.goal} | {self.measured} | {status} |"


# -- the machine ------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _blas() -> str:
    try:
        import numpy  # noqa: F401  (loads the BLAS threadpoolctl reports)
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    pools = [
        f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
        for p in threadpool_info()
    ]
    return ", ".join(pools) or "none found"


def _git_commit(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return (
        f"{commit} (with uncommitted changes)"
        if git("status", "--porcelain", "--untracked-files=no")
        else commit
    )


def machine(root: Path) -> list[tuple[str, str]]:
    """Describe the machine and software the figures were measured on, as (name, value) pairs."""
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores"),
        ("RAM", f"{_ram_gib():.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("libraries", ", ".join(f"{p} {_version(p)}" for p in _PACKAGES)),
        ("BLAS", _blas()),
        ("newsclf commit", _git_commit(root)),
    ]


# -- formatting -------------------------------------------------------------------------------
def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _med(samples: Samples, key: str, scale: float = 1.0, digits: int = 1) -> str:
    return _num(median(samples[key]) / scale, digits) if key in samples else "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _best_fasttext(samples: Samples, dataset: str, metric: str) -> list[float]:
    """Per run, the better of the two fastText configurations."""
    pairs = zip(samples[f"{dataset}/fasttext_bigram/{metric}"], samples[f"{dataset}/fasttext_tuned/{metric}"])
    return [max(a, b) for a, b in pairs]


def _dataset_table(samples: Samples, files: DatasetFiles) -> list[str]:
    rows = []
    for model, name in MODELS.items():
        key = f"{files.name}/{model}"
        fit = _med(samples, f"{key}/fit_seconds")
        if f"{key}/tune_seconds" in samples:
            fit += f" (+ {_med(samples, f'{key}/tune_seconds', digits=0)} tuning)"
        rows.append(
            [
                name,
                _med(samples, f"{key}/accuracy", digits=4),
                _med(samples, f"{key}/macro_f1", digits=4),
                fit,
                _med(samples, f"{key}/load_seconds", digits=3),
                _med(samples, f"{key}/artifact_bytes", MB),
                _med(samples, f"{key}/train_peak_rss_mb", digits=0),
            ]
        )
    header = ["model", "accuracy", "macro-F1", "train s", "load s", "artifact MB", "peak RSS MB (training)"]
    intro = (
        f"### {files.title}: {files.train_rows:,} training rows -> {files.test_rows:,} test rows\n\n"
        f"fastText grid search: {files.tuning}."
    )
    return [intro, "", *_table(header, rows), *_tuned_settings(samples, files)]


def _tuned_settings(samples: Samples, files: DatasetFiles) -> list[str]:
    found = samples.notes.get(f"{files.name}/fasttext_tuned/tuned", [])
    shown = ("wordNgrams", "epoch", "lr")
    runs = ["; ".join(", ".join(f"{k} {_short(t[k])}" for k in shown if k in t) for t in found)]
    return ["", f"Best grid settings of fastText, run by run: {runs[0]}."] if found else []


def _short(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _ratio(a: list[float], b: list[float]) -> str:
    """Return the median run-by-run ratio ``a / b`` as ``1.23x``, or "-" without paired figures."""
    return f"{median_ratio(a, b):.2f}x" if a and len(a) == len(b) else "-"


def _throughput_table(samples: Samples, ctx: Context) -> list[str]:
    names = {
        "newsclf": "`newsclf tag dump.txt -o out.csv`" + (" (default jobs: all cores)" if ctx.jobs else ""),
        "newsclf_jobs1": "`newsclf tag dump.txt -o out.csv --jobs 1`",
        "fasttext": "fastText tag script (UCI bigram model)",
        "in_memory": "newsclf `classify(lines)` in memory (no I/O, no start-up)",
    }
    fasttext = samples["tag/fasttext/seconds"]
    fasttext_cpu = samples["tag/fasttext/cpu_seconds"]
    rows = []
    for key, name in names.items():
        if f"tag/{key}/seconds" not in samples:
            continue
        seconds = samples[f"tag/{key}/seconds"]
        cpu = samples[f"tag/{key}/cpu_seconds"]
        rows.append(
            [
                name,
                _num(median(seconds)),
                _num(median(samples[f"tag/{key}/rows_per_s"]), 0),
                _num(median(cpu)) if cpu else "-",
                _med(samples, f"tag/{key}/peak_rss_mb", digits=0),
                f"{median_ratio(fasttext, seconds):.2f}x"
                if fasttext and len(fasttext) == len(seconds)
                else "-",
                f"{median_ratio(cpu, fasttext_cpu):.2f}x" if cpu and len(fasttext_cpu) == len(cpu) else "-",
            ]
        )
    header = [
        "what",
        "wall s",
        "rows/s",
        "CPU s",
        "peak RSS MB",
        "rows/s vs fastText (same run)",
        "CPU vs fastText (same run)",
    ]
    intro = (
        f"### Tagging throughput: {ctx.dump_rows:,} headlines\n\n"
        f"{ctx.dump_source}. Whole processes (start-up, model load, reading, writing), except the "
        "in-memory row, which times the `classify` call alone. CPU seconds are user + system time of "
        "the process and its workers."
    )
    return [intro, "", *_table(header, rows)]


def _profile_table(samples: Samples) -> list[str]:
    if "profile/total" not in samples:
        return []
    total = median(samples["profile/total"])
    stages = [key.removeprefix("profile/") for key in samples.values if key.startswith("profile/")]
    rows = [
        [
            stage,
            _num(median(samples[f"profile/{stage}"])),
            f"{median(samples[f'profile/{stage}']) / total:.0%}",
        ]
        for stage in stages
        if stage not in ("total", "rows")
    ]
    rows.append(["total (under the profiler)", _num(total), "100%"])
    intro = (
        f"### Where `newsclf tag --jobs 1` spends its time ({median(samples['profile/rows']):,.0f} rows)\n\n"
        "`tag_file` in one process under cProfile, cumulative times summed into stages "
        "(`benchmarks/harness/stages.py`). The profiler slows Python code more than C code: the "
        "shares are indicative."
    )
    return [intro, "", *_table(["stage", "seconds", "share"], rows)]


def _large_table(samples: Samples, ctx: Context) -> list[str]:
    row = [
        _med(samples, "large/fit_seconds"),
        _med(samples, "large/train_peak_rss_mb", digits=0),
        _med(samples, "large/artifact_bytes", MB),
        _med(samples, "large/load_seconds", digits=3),
        _med(samples, "large/features", digits=0),
    ]
    header = ["train s", "peak RSS MB", "artifact MB", "load s", "features"]
    return [f"### newsclf training at scale\n\n{ctx.large_about}.", "", *_table(header, [row])]


# -- goals ------------------------------------------------------------------------------------
#: A goal: its wording, and a function of the samples and context that returns
#: ``(measured figure as text, met)``; raises ValueError when a figure it needs is missing.
_GoalCheck = tuple[str, Callable[[Samples, Context], tuple[str, bool]]]


def _accuracy_check(name: str, title: str) -> _GoalCheck:
    def check(samples: Samples, ctx: Context) -> tuple[str, bool]:
        ours = samples[f"{name}/newsclf/accuracy"]
        gap = median_difference(ours, _best_fasttext(samples, name, "accuracy"))
        return f"{100 * gap:+.2f} points (newsclf {median(ours):.4f})", gap >= 0.02

    return (f"accuracy on {title}: newsclf >= best fastText + 2 points", check)


def _speed(samples: Samples, key: str = "newsclf") -> float:
    return median_ratio(samples["tag/fasttext/seconds"], samples[f"tag/{key}/seconds"])


def _at_most(
    key: str, limit: float, unit: str, scale: float = 1.0
) -> Callable[[Samples, Context], tuple[str, bool]]:
    def check(samples: Samples, ctx: Context) -> tuple[str, bool]:
        value = median(samples[key]) / scale
        return f"{value:.3g} {unit}", value <= limit

    return check


def _overhead(samples: Samples) -> tuple[str, bool]:
    ratio = median_ratio(samples["tag/newsclf/seconds"], samples["tag/in_memory/seconds"])
    return f"{ratio:.2f}x", ratio <= 1.2


_CHECKS: list[_GoalCheck] = [
    _accuracy_check("uci", "UCI NLP-100"),
    _accuracy_check("ag", "AG News"),
    ("stretch: accuracy on UCI NLP-100 >= 0.94",
     lambda s, c: (f"{median(s['uci/newsclf/accuracy']):.4f}", median(s["uci/newsclf/accuracy"]) >= 0.94)),
    ("`newsclf tag` (default jobs) rows/s >= 1.5x fastText's",
     lambda s, c: (f"{_speed(s):.2f}x fastText", _speed(s) >= 1.5)),
    ("stretch: `newsclf tag` rows/s >= 2x fastText's", lambda s, c: (f"{_speed(s):.2f}x", _speed(s) >= 2.0)),
    ("`newsclf tag --jobs 1` rows/s >= fastText's",
     lambda s, c: (f"{_speed(s, 'newsclf_jobs1'):.2f}x", _speed(s, "newsclf_jobs1") >= 1.0)),
    ("`newsclf tag` time <= 1.2x in-memory `classify`", lambda s, c: _overhead(s)),
    ("training on 100k texts <= 20 s", _at_most("large/fit_seconds", 20, "s")),
    ("artifact <= 25 MB (bundled model)", lambda s, c: (f"{c.bundled_mb:.1f} MB", c.bundled_mb <= 25)),
    ("artifact <= 25 MB (model trained on 100k texts)", _at_most("large/artifact_bytes", 25, "MB", MB)),
    ("model load <= 1 s (bundled model)", _at_most("bundled/load_seconds", 1, "s")),
    ("model load <= 1 s (model trained on 100k texts)", _at_most("large/load_seconds", 1, "s")),
]  # fmt: skip


def goals(samples: Samples, ctx: Context) -> list[Goal]:
    """Return each goal of the issue with its measured figure (medians; comparisons run by run).

    A goal whose figures were not measured (an interrupted run) shows as not measured.
    """
    out = []
    met: bool | None
    for wording, check in _CHECKS:
        try:
            measured, met = check(samples, ctx)
        except ValueError:
            measured, met = "not measured", None
        out.append(Goal(wording, measured, met))
    return out


# -- the document -----------------------------------------------------------------------------
_METHOD = """\
How it is measured:

- Every figure is the median of {runs} run(s); the runs are interleaved (each run measures
  everything once), and every comparison (a ratio, a difference) is computed within one run and
  then its median taken.
- Each training, evaluation and tagging runs in a fresh child process; peak RSS is that
  process's (and its children's) peak resident memory.
- newsclf is trained through `newsclf.train(..., test_size=0)`, the call behind `newsclf train`,
  with default settings; its training time includes reading the CSV. fastText's includes reading
  its input file; the sklearn recipe's is the `fit` call. Load time is the model file alone
  (libraries imported beforehand).
- fastText (`fasttext-numpy2`, {threads} threads) reads text lowercased with punctuation split off,
  the preprocessing of its own tutorial; its tagging script applies the same. The grid-tuned
  model: {grid} settings (wordNgrams 1-2, epoch 10/25/50, lr 0.25/0.5/1.0; fastText's defaults
  otherwise) each fitted on a validation split carved from the training data (never the test
  set) and scored on the rest; the best is then fitted on the whole training set. fastText's
  autotune was tried first and dropped: under load it ran 20 minutes past its 90 s budget, and it
  stops with "Encountered NaN" when a trial diverges. "Best fastText" in the goals is the better
  of its two models, run by run.
- The sklearn recipe: `FeatureUnion` of `TfidfVectorizer` word 1-2-grams and char_wb 2-5-grams
  (both sublinear tf) into `LinearSVC()`.
- Accuracy and macro-F1 use scikit-learn's metrics on the full test split of each dataset.
"""


def render(
    samples: Samples, ctx: Context, machine_info: Sequence[tuple[str, str]], now: datetime | None = None
) -> str:
    """Return the whole report, as Markdown."""
    now = now or datetime.now(UTC)
    lines = ["# newsclf benchmarks", ""]
    if ctx.quick:
        lines += ["**Smoke run (`--quick`): small inputs, figures not representative.**", ""]
    if ctx.runs < ctx.planned_runs:
        lines += [f"**Partial: {ctx.runs} of the {ctx.planned_runs} runs asked for are done.**", ""]
    lines += [
        f"Generated by `benchmarks/run.py` on {now:%Y-%m-%d %H:%M} UTC. Re-run with:",
        "",
        "```bash",
        "pip install -e '.[bench]'",
        ctx.command,
        "```",
        "",
        "## Goals",
        "",
        "| goal | measured | status |",
        "|---|---|---|",
        *(goal.row() for goal in goals(samples, ctx)),
        "",
        "## Results",
        "",
    ]
    for files in ctx.datasets:
        lines += [*_dataset_table(samples, files), ""]
    lines += [*_throughput_table(samples, ctx), ""]
    if profile := _profile_table(samples):
        lines += [*profile, ""]
    lines += [*_large_table(samples, ctx), ""]
    lines += ["## Machine", "", *(f"- {name}: {value}" for name, value in machine_info), ""]
    threads = os.cpu_count() or 1
    lines += ["## Method", "", _METHOD.format(runs=ctx.runs, threads=threads, grid=ctx.grid_points)]
    return "\n".join(lines).rstrip() + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
