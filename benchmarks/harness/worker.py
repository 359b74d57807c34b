"""Child-process tasks of the benchmark: ``python -m harness.worker TASK JSON``.

Each task prints one JSON object on its last line of output. The parent times the whole
process and reads its peak memory; the tasks time the parts inside it (a fit, a load).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from .datasets import DatasetFiles


def _files(spec: dict[str, Any]) -> DatasetFiles:
    paths = {"train", "test", "train_ft", "tune_fit_ft", "tune_valid_ft"}
    return DatasetFiles(**{key: Path(value) if key in paths else value for key, value in spec.items()})


def train(args: dict[str, Any]) -> dict[str, Any]:
    """Train a model and save it; the fit time and the artifact size."""
    from .models import train_model

    out = Path(args["out"])
    result = train_model(args["model"], _files(args["files"]), out, args)
    return {**result, "artifact_bytes": out.stat().st_size}


def evaluate(args: dict[str, Any]) -> dict[str, Any]:
    """Load a saved model (timed, imports apart), predict the test rows, score them."""
    from sklearn.metrics import accuracy_score, f1_score

    from .datasets import read_labeled_csv
    from .models import import_libraries, load_predictor

    rows = read_labeled_csv(Path(args["test"]))
    import_libraries(args["model"])
    started = time.perf_counter()
    predict = load_predictor(args["model"], Path(args["artifact"]))
    loaded = time.perf_counter()
    predicted = predict([text for text, _ in rows])
    done = time.perf_counter()
    truth = [label for _, label in rows]
    return {
        "load_seconds": loaded - started,
        "predict_seconds": done - loaded,
        "rows": len(rows),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
    }


def load(args: dict[str, Any]) -> dict[str, Any]:
    """Time loading a model file (``artifact`` absent: newsclf's bundled model), imports apart."""
    from .models import import_libraries, load_predictor

    import_libraries(args["model"])
    started = time.perf_counter()
    load_predictor(args["model"], Path(args["artifact"]) if args.get("artifact") else None)
    return {"load_seconds": time.perf_counter() - started}


def in_memory(args: dict[str, Any]) -> dict[str, Any]:
    """Time newsclf's batch prediction of a file's lines already in memory: ``classify(list)``."""
    import newsclf

    from .models import import_libraries

    import_libraries("newsclf")  # load time is the file's, imports apart
    # The same file `newsclf tag` reads; its lines are what a .txt input's records are.
    with open(args["input"], encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    started = time.perf_counter()
    model = newsclf.load_model()
    loaded = time.perf_counter()
    predictions = newsclf.classify(lines, model=model)
    done = time.perf_counter()
    return {"rows": len(predictions), "load_seconds": loaded - started, "seconds": done - loaded}


def profile(args: dict[str, Any]) -> dict[str, Any]:
    """Seconds of each stage of `newsclf tag --jobs 1` on the first ``rows`` lines, under cProfile."""
    from .stages import profile_tagging

    return profile_tagging(Path(args["input"]), int(args["rows"]))


TASKS = {"train": train, "evaluate": evaluate, "load": load, "in_memory": in_memory, "profile": profile}


def main(argv: list[str]) -> int:
    """Run one task given as ``TASK JSON``; print its result as one JSON line."""
    task, spec = argv
    print(json.dumps(TASKS[task](json.loads(spec))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
