"""Measure start-up (``newsclf --version``, ``--help``, ``classify``), model load and classify latency.

Usage::

    python benchmarks/latency.py [--runs 5] [--data-dir ../shared/data]

Reports medians over ``--runs`` fresh processes (wall time of the console commands; the first
call includes the import and the model load) and over repeated in-process calls. Headlines come from
``<data-dir>/headlines_unlabeled.txt`` when present, else from ``examples/headlines.txt``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_FIRST_CALL = """
import time, json
t0 = time.perf_counter()
import newsclf
t1 = time.perf_counter()
newsclf.classify("Brent crude climbs as OPEC+ extends output cuts")
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_classify_s": t2 - t1}))
"""


def command_seconds(args: list[str], runs: int) -> float:
    """Median wall time of running the ``newsclf`` console command with ``args``, in a fresh process."""
    script = Path(sys.executable).with_name("newsclf")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(script), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def headlines(data_dir: Path) -> list[str]:
    source = data_dir / "headlines_unlabeled.txt"
    if not source.is_file():
        source = ROOT / "examples" / "headlines.txt"
    return [line.strip() for line in source.read_text("utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    commands = {
        "cli_version_s": command_seconds(["--version"], args.runs),
        "cli_help_s": command_seconds(["--help"], args.runs),
        "cli_classify_s": command_seconds(
            ["classify", "Brent crude climbs as OPEC+ extends output cuts"], args.runs
        ),
    }
    first = [
        json.loads(subprocess.check_output([sys.executable, "-c", _FIRST_CALL])) for _ in range(args.runs)
    ]
    import newsclf

    model = newsclf.load_model()
    texts = headlines(args.data_dir)
    sample = texts[:500]
    newsclf.classify(sample[0])  # warm
    per_call = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for text in sample:
            newsclf.classify(text)
        per_call.append((time.perf_counter() - t0) / len(sample))
    batch = texts[:50_000]
    rates = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        newsclf.classify(batch)
        rates.append(len(batch) / (time.perf_counter() - t0))
    path = newsclf.bundled_model_path()
    report = {
        "runs": args.runs,
        **commands,
        "import_s": statistics.median(r["import_s"] for r in first),
        "first_classify_incl_load_s": statistics.median(r["first_classify_s"] for r in first),
        "per_headline_ms": 1000 * statistics.median(per_call),
        "batch_headlines_per_s": statistics.median(rates),
        "batch_size": len(batch),
        "artifact_mb": path.stat().st_size / 1e6,
        "n_features": model.features_.n_features,
        "labels": len(model.classes_),
    }
    for key, value in report.items():
        print(f"{key:>28}: {value:,.3f}" if isinstance(value, float) else f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
