"""The measurements of one benchmark run, each in a child process, collected as samples."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datasets import DatasetFiles
from .models import MODELS, SUFFIX
from .process import Measured, run_measured

__all__ = ["Samples", "Suite", "has_jobs_option", "newsclf_command"]

BENCH_DIR = Path(__file__).resolve().parents[1]


@dataclass
class Samples:
    """Figures by key (``"uci/newsclf/accuracy"``), one value per run, plus free-form notes."""

    values: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    notes: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: str, value: float) -> None:
        """Record one run's value of ``key``."""
        self.values[key].append(float(value))

    def __getitem__(self, key: str) -> list[float]:
        return self.values.get(key, [])  # no insertion: a missing figure stays missing

    def __contains__(self, key: object) -> bool:
        return bool(self.values.get(key))  # type: ignore[call-overload]

    def to_json(self) -> str:
        """Every sample and note, as JSON (kept beside the work files for inspection)."""
        return json.dumps({"values": self.values, "notes": self.notes}, indent=1, default=str)


def newsclf_command() -> list[str]:
    """Return the ``newsclf`` command as this interpreter runs it: ``python -m newsclf``.

    The module, not the console script: it is the newsclf this interpreter imports (so
    ``PYTHONPATH=src`` measures a checkout without installing it), started the same way.
    """
    return [sys.executable, "-m", "newsclf"]


def has_jobs_option() -> bool:
    """Tell whether ``newsclf tag`` takes ``--jobs`` (it then runs with the default and with 1)."""
    help_text = subprocess.run(
        [*newsclf_command(), "tag", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return "--jobs" in help_text


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")]))
    return env


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


@dataclass
class Suite:
    """Runs the measurements; every figure lands in :attr:`samples`, one value per run.

    Parameters
    ----------
    work_dir : Path
        Where models and outputs go (never inside the repository).
    grid_points : int
        How many points of fastText's tuning grid to fit (all of them but in a smoke run).
    """

    work_dir: Path
    grid_points: int
    samples: Samples = field(default_factory=Samples)
    log: Any = sys.stderr

    def _say(self, message: str) -> None:
        print(f"[bench] {message}", file=self.log, flush=True)

    def _python(self, module: str, *args: str) -> Measured:
        return run_measured([sys.executable, "-m", f"harness.{module}", *args], env=_child_env())

    def _worker(self, task: str, spec: dict[str, Any]) -> Measured:
        return self._python("worker", task, json.dumps(spec, default=str))

    # -- accuracy and cost ------------------------------------------------------------------
    def train_and_evaluate(self, files: DatasetFiles, model: str, keep: bool = False) -> Path:
        """Train ``model`` on a dataset, then load and score it; return the artifact path.

        The artifact is deleted afterwards unless ``keep`` (fastText's run several hundred MB).
        """
        key = f"{files.name}/{model}"
        artifact = self.work_dir / "models" / f"{files.name}-{model}{SUFFIX[model]}"
        artifact.parent.mkdir(parents=True, exist_ok=True)
        spec = {
            "model": model,
            "files": dataclasses.asdict(files),
            "out": artifact,
            "grid_points": self.grid_points,
        }
        trained = self._worker("train", spec)
        for name in ("fit_seconds", "tune_seconds", "grid_fitted", "artifact_bytes"):
            if name in trained.result:
                self.samples.add(f"{key}/{name}", trained.result[name])
        self.samples.add(f"{key}/train_peak_rss_mb", trained.peak_rss_mb)
        if "tuned" in trained.result:
            self.samples.notes[f"{key}/tuned"].append(trained.result["tuned"])
        scored = self._worker("evaluate", {"model": model, "artifact": artifact, "test": files.test})
        for name in ("accuracy", "macro_f1", "load_seconds"):
            self.samples.add(f"{key}/{name}", scored.result[name])
        self._say(
            f"{key}: accuracy {scored.result['accuracy']:.4f}, fit {trained.result['fit_seconds']:.1f} s"
        )
        if not keep:
            artifact.unlink()
        return artifact

    def accuracy(self, datasets: Sequence[DatasetFiles]) -> Path:
        """Every model on every dataset; return the UCI fastText bigram model (kept for tagging)."""
        kept = None
        for files in datasets:
            for model in MODELS:
                keep = files.name == "uci" and model == "fasttext_bigram"
                artifact = self.train_and_evaluate(files, model, keep=keep)
                kept = artifact if keep else kept
        if kept is None:
            raise RuntimeError("the UCI fastText bigram model was not trained")
        return kept

    # -- training at scale ------------------------------------------------------------------
    def train_large(self, files: DatasetFiles) -> None:
        """Train newsclf on the large set as `newsclf train` does, then time loading the model."""
        artifact = self.work_dir / "models" / "large.newsclf"
        spec = {"model": "newsclf", "files": dataclasses.asdict(files), "out": artifact}
        trained = self._worker("train", spec)
        self.samples.add("large/fit_seconds", trained.result["fit_seconds"])
        self.samples.add("large/artifact_bytes", trained.result["artifact_bytes"])
        self.samples.add("large/train_peak_rss_mb", trained.peak_rss_mb)
        self.samples.add("large/features", trained.result["features"])
        loaded = self._worker("load", {"model": "newsclf", "artifact": artifact})
        self.samples.add("large/load_seconds", loaded.result["load_seconds"])
        self._say(f"large: fit {trained.result['fit_seconds']:.1f} s")
        artifact.unlink()

    # -- tagging throughput -----------------------------------------------------------------
    def _tagged(self, key: str, measured: Measured, rows: int, output: Path, header: int) -> None:
        written = _count_lines(output) - header
        if written != rows:
            raise RuntimeError(f"{key}: wrote {written} rows for {rows} input lines")
        output.unlink()
        self.samples.add(f"tag/{key}/seconds", measured.seconds)
        self.samples.add(f"tag/{key}/rows_per_s", rows / measured.seconds)
        self.samples.add(f"tag/{key}/cpu_seconds", measured.cpu_seconds)
        self.samples.add(f"tag/{key}/peak_rss_mb", measured.peak_rss_mb)
        self._say(
            f"tag {key}: {measured.seconds:.1f} s ({rows / measured.seconds:,.0f} rows/s), "
            f"CPU {measured.cpu_seconds:.1f} s, peak RSS {measured.peak_rss_mb:.0f} MB"
        )

    def throughput(
        self, dump: Path, rows: int, fasttext_model: Path | None, jobs: bool, run: int = 1
    ) -> None:
        """Whole-process tagging of ``dump``: `newsclf tag` (default jobs, 1 job), fastText, in memory.

        The whole-process runs are paired: each run measures each of them once, in an order
        that turns with ``run``, so that none always runs first (or last) on a loaded machine.
        ``fasttext_model`` None leaves fastText out.
        """
        output = self.work_dir / "tagged.csv"
        variants: dict[str, list[str] | None] = {"newsclf": []}
        if jobs:
            variants["newsclf_jobs1"] = ["--jobs", "1"]
        if fasttext_model is not None:
            variants["fasttext"] = None
        keys = list(variants)
        shift = (run - 1) % len(keys)
        for key in keys[shift:] + keys[:shift]:
            extra = variants[key]
            if extra is None:
                measured = self._python("fasttext_tag", str(fasttext_model), str(dump), str(output))
                self._tagged(key, measured, rows, output, header=0)
            else:
                measured = run_measured([*newsclf_command(), "tag", str(dump), "-o", str(output), *extra])
                self._tagged(key, measured, rows, output, header=1)
        in_memory = self._worker("in_memory", {"input": dump})
        if in_memory.result["rows"] != rows:
            raise RuntimeError(f"in-memory: {in_memory.result['rows']} predictions for {rows} lines")
        self.samples.add("tag/in_memory/seconds", in_memory.result["seconds"])
        self.samples.add("tag/in_memory/rows_per_s", rows / in_memory.result["seconds"])
        self.samples.add("tag/in_memory/peak_rss_mb", in_memory.peak_rss_mb)
        self.samples.add("bundled/load_seconds", in_memory.result["load_seconds"])
        self._say(f"in-memory classify: {in_memory.result['seconds']:.1f} s")

    def profile(self, dump: Path, rows: int) -> None:
        """Profile `newsclf tag --jobs 1` on the first ``rows`` lines of ``dump``, stage by stage."""
        profiled = self._worker("profile", {"input": dump, "rows": rows})
        for stage, seconds in profiled.result["stages"].items():
            self.samples.add(f"profile/{stage}", seconds)
        self.samples.add("profile/total", profiled.result["total"])
        self.samples.add("profile/rows", profiled.result["rows"])
        self._say(f"profile: {profiled.result['total']:.1f} s for {profiled.result['rows']:,} rows")
