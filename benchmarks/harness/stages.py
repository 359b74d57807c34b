"""Where `newsclf tag --jobs 1` spends its time: a cProfile run, summed into named stages.

``python -m harness.worker profile '{"input": DUMP, "rows": N}'`` runs ``tag_file`` on the first
``N`` lines of ``DUMP`` in one process under :mod:`cProfile` and reports the seconds of each
stage below (cumulative times of the functions that make it up, less the stages nested in
them). Profiling slows Python code more than C code, so the shares are indicative; the
whole-process figures of the throughput table are the measurement.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from itertools import islice
from pathlib import Path

__all__ = ["STAGES", "profile_tagging"]

#: Stage name -> ([(file suffix, function name), ...] whose cumulative times it is, [stages
#: nested in those functions, subtracted]). Functions of the rebuilt prediction path (0.3).
STAGES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "read input (reader, decoding)": ([("_io/readers.py", "chunks")], []),
    "strip furniture": ([("_model/furniture.py", "strip_furniture")], []),
    "join, lower-case, split": ([("_model/ngrams.py", "split")], []),
    "new words analysed (cache growth)": ([("_model/ngrams.py", "_add")], []),
    "cache look-ups, per-batch arrays": (
        [("_model/ngrams.py", "count_words")],
        ["new words analysed (cache growth)", "word n-grams", "character counts (sparse product)"],
    ),
    "word n-grams": ([("_model/ngrams.py", "_word_counts")], []),
    "character counts (sparse product)": (
        [("~", "<built-in method scipy.sparse._sparsetools.csr_matmat>")],
        [],
    ),
    "tf-idf, norms, scores": (
        [("_model/classifier.py", "decision_function")],
        [
            "strip furniture",
            "join, lower-case, split",
            "new words analysed (cache growth)",
            "cache look-ups, per-batch arrays",
            "word n-grams",
            "character counts (sparse product)",
        ],
    ),
    "probabilities, best label": (
        [("_tasks/classify.py", "score_texts")],
        [
            "strip furniture",
            "join, lower-case, split",
            "new words analysed (cache growth)",
            "cache look-ups, per-batch arrays",
            "word n-grams",
            "character counts (sparse product)",
            "tf-idf, norms, scores",
        ],
    ),
    "output columns, writing": ([("_tasks/tag.py", "tag_columns"), ("_io/writers.py", "write")], []),
}


def _cumulative(stats: pstats.Stats, functions: list[tuple[str, str]]) -> float:
    total = 0.0
    for (filename, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if any(name == fn and filename.endswith(suffix) for suffix, fn in functions):
            total += row[3]  # cumulative time
    return total


def profile_tagging(source: Path, rows: int) -> dict[str, object]:
    """Tag the first ``rows`` lines of ``source`` under cProfile; the seconds of every stage."""
    import newsclf
    from newsclf._tasks.tag import tag_file

    model = newsclf.load_model()
    with tempfile.TemporaryDirectory(prefix="newsclf-profile-") as tmp:
        part = Path(tmp) / "input.txt"
        with source.open(encoding="utf-8") as lines, part.open("w", encoding="utf-8") as out:
            out.writelines(islice(lines, rows))
        profiler = cProfile.Profile()
        profiler.enable()
        summary = tag_file(part, Path(tmp) / "out.csv", model=model, n_jobs=1)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(row[3] for row in stats.stats.values())  # type: ignore[attr-defined]
    seconds: dict[str, float] = {}
    for stage, (functions, nested) in STAGES.items():
        seconds[stage] = max(0.0, _cumulative(stats, functions) - sum(seconds.get(n, 0.0) for n in nested))
    seconds["everything else"] = max(0.0, total - sum(seconds.values()))
    return {"rows": summary.rows, "total": total, "stages": seconds}
