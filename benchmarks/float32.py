"""Measure what float32 coefficients (``save(..., coef_dtype="float32")``) change.

Usage::

    python benchmarks/float32.py [--data-dir ../shared/data] [--rows 1000000] [--model PATH]

Saves the model (default: the bundled one; it must store float64 coefficients) a second time
with float32 coefficients, loads both files and scores with each the first ``--rows`` distinct
titles of ``reuters_2007_2016/headlines.csv.gz`` (real wire headlines, read from the data
directory, never copied into the repository; the dump ``benchmarks/run.py`` tags). Prints both
files' sizes, how many top labels differ, the largest score difference and the load time of
each file (median of 5). The figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from harness.datasets import reuters_dump
from newsclf import load_model
from newsclf._model.loading import bundled_model_path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 50_000


def load_seconds(path: Path) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        load_model(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", type=Path, default=None, help="model file (default: the bundled one)")
    args = parser.parse_args()
    source = args.model or bundled_model_path()
    with zipfile.ZipFile(source) as archive, archive.open("arrays/coef.npy") as member:
        stored = np.lib.format.read_array(member, allow_pickle=False).dtype
    if stored != np.float64:  # rounding rounded values again would show nothing
        raise SystemExit(f"{source} stores {stored} coefficients: pass a float64 model with --model")
    with tempfile.TemporaryDirectory() as tmp:
        dump, _ = reuters_dump(args.data_dir, args.rows, Path(tmp))
        texts = dump.read_text("utf-8").splitlines()
        wide_path = Path(tmp) / "float64.newsclf"
        half_path = Path(tmp) / "float32.newsclf"
        load_model(source).save(wide_path)
        load_model(source).save(half_path, coef_dtype="float32")
        wide, half = load_model(wide_path), load_model(half_path)
        differ, largest = 0, 0.0
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            p_wide, p_half = wide.predict_proba(batch), half.predict_proba(batch)
            differ += int(np.count_nonzero(p_wide.argmax(axis=1) != p_half.argmax(axis=1)))
            largest = max(largest, float(np.abs(p_wide - p_half).max()))
        sizes = [path.stat().st_size / 1e6 for path in (wide_path, half_path)]
        loads = [load_seconds(path) for path in (wide_path, half_path)]
        print(f"model: {source}")
        print(f"file size: float64 {sizes[0]:.1f} MB, float32 {sizes[1]:.1f} MB")
        print(f"load (median of 5): float64 {loads[0]:.3f} s, float32 {loads[1]:.3f} s")
        print(f"{len(texts):,} distinct Reuters headlines: {differ} top labels differ")
        print(f"largest score difference: {largest:.2e}")


if __name__ == "__main__":
    main()
