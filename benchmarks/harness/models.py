"""The compared models: how each is trained, saved, loaded and asked for labels.

Run inside child processes (see :mod:`harness.worker`), so each import is local to the
model that needs it.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .datasets import DatasetFiles
from .textprep import LABEL_PREFIX, fasttext_text

__all__ = ["MODELS", "SUFFIX", "Predictor", "import_libraries", "load_predictor", "train_model"]

#: Model keys, in table order, with the names the report shows.
MODELS = {
    "newsclf": "newsclf (defaults)",
    "fasttext_bigram": "fastText (wordNgrams 2, epoch 25, lr 0.5)",
    "fasttext_tuned": "fastText (grid-tuned)",
    "sklearn_recipe": "sklearn TF-IDF recipe",
}

#: File name extension of each model's artifact.
SUFFIX = {
    "newsclf": ".newsclf",
    "fasttext_bigram": ".bin",
    "fasttext_tuned": ".bin",
    "sklearn_recipe": ".joblib",
}

#: Modules a model's loading needs: imported before a load is timed, so it times the file alone.
_LIBRARIES = {
    # import newsclf is lazy: the estimator's module (and scikit-learn) load on first use.
    "newsclf": ("newsclf", "newsclf._model.classifier"),
    "fasttext_bigram": ("fasttext",),
    "fasttext_tuned": ("fasttext",),
    "sklearn_recipe": ("joblib", "sklearn.pipeline", "sklearn.svm", "sklearn.feature_extraction.text"),
}

Predictor = Callable[[list[str]], list[str]]


def import_libraries(model: str) -> None:
    """Import what loading ``model`` needs (so that timing a load leaves imports out)."""
    for name in _LIBRARIES[model]:
        importlib.import_module(name)


def _threads() -> int:
    return os.cpu_count() or 1


def _train_newsclf(files: DatasetFiles, out: Path, options: dict[str, Any]) -> dict[str, Any]:
    import newsclf

    # What `newsclf train DATA --text-col text --label-col label --test-size 0 -o OUT` runs.
    started = time.perf_counter()
    result = newsclf.train(files.train, text_col="text", label_col="label", test_size=0)
    seconds = time.perf_counter() - started
    result.model.save(out)
    return {"fit_seconds": seconds, "features": int(result.model.coef_.shape[1])}


def _train_fasttext_bigram(files: DatasetFiles, out: Path, options: dict[str, Any]) -> dict[str, Any]:
    import fasttext

    started = time.perf_counter()
    model = fasttext.train_supervised(
        input=str(files.train_ft), wordNgrams=2, epoch=25, lr=0.5, thread=_threads(), verbose=0
    )
    seconds = time.perf_counter() - started
    model.save_model(str(out))
    return {"fit_seconds": seconds}


#: The grid searched for fastText's best settings (fastText's own defaults for the rest).
#: Its autotune was tried first: under load it ran 20 minutes past a 90 s budget, and it
#: stops with "Encountered NaN" when a trial diverges; a fixed grid costs the same every run.
GRID = [
    {"wordNgrams": n, "epoch": epoch, "lr": lr}
    for n in (1, 2)
    for epoch in (10, 25, 50)
    for lr in (0.25, 0.5, 1.0)
]


def _fit_fasttext(path: Path, params: dict[str, Any]) -> Any | None:
    """Fit fastText; ``None`` when training diverged ("Encountered NaN", at a high learning rate)."""
    import fasttext

    try:
        return fasttext.train_supervised(input=str(path), thread=_threads(), verbose=0, **params)
    except RuntimeError as exc:
        if "NaN" not in str(exc):
            raise
        return None


def _grid_search(files: DatasetFiles, points: int) -> list[dict[str, Any]]:
    """Fit the first ``points`` of the grid on ``tune_fit``, score each on ``tune_valid``.

    Return the settings that could be fitted, best validation accuracy first.
    """
    scored = []
    for params in GRID[:points]:
        model = _fit_fasttext(files.tune_fit_ft, params)
        if model is not None:
            _, precision_at_1, _ = model.test(str(files.tune_valid_ft))  # one label a line: accuracy
            scored.append((precision_at_1, params))
    return [params for _, params in sorted(scored, key=lambda item: -item[0])]


def _train_fasttext_tuned(files: DatasetFiles, out: Path, options: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    ranked = _grid_search(files, int(options.get("grid_points", len(GRID))))
    tune_seconds = time.perf_counter() - started
    for params in ranked:  # the best settings, or the next best if the full fit diverges
        started = time.perf_counter()
        model = _fit_fasttext(files.train_ft, params)
        seconds = time.perf_counter() - started
        if model is not None:
            model.save_model(str(out))
            return {
                "fit_seconds": seconds,
                "tune_seconds": tune_seconds,
                "grid_fitted": len(ranked),
                "tuned": params,
            }
    raise RuntimeError("no grid point of fastText could be fitted")


def _train_sklearn_recipe(files: DatasetFiles, out: Path, options: dict[str, Any]) -> dict[str, Any]:
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    from .datasets import read_labeled_csv

    rows = read_labeled_csv(files.train)
    started = time.perf_counter()
    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    model = make_pipeline(features, LinearSVC()).fit([t for t, _ in rows], [label for _, label in rows])
    seconds = time.perf_counter() - started
    joblib.dump(model, out)
    return {"fit_seconds": seconds}


_TRAINERS = {
    "newsclf": _train_newsclf,
    "fasttext_bigram": _train_fasttext_bigram,
    "fasttext_tuned": _train_fasttext_tuned,
    "sklearn_recipe": _train_sklearn_recipe,
}


def train_model(model: str, files: DatasetFiles, out: Path, options: dict[str, Any]) -> dict[str, Any]:
    """Train ``model`` on ``files.train``, save it to ``out``; return timings and notes."""
    return _TRAINERS[model](files, out, options)


def _fasttext_predictor(path: Path) -> Predictor:
    import fasttext

    model = fasttext.load_model(str(path))

    def predict(texts: list[str]) -> list[str]:
        labels, _ = model.predict([fasttext_text(t) for t in texts], k=1)
        return [found[0].removeprefix(LABEL_PREFIX) for found in labels]

    return predict


def _newsclf_predictor(path: Path | None) -> Predictor:
    import newsclf

    model = newsclf.load_model(path)
    return lambda texts: [str(label) for label in model.predict(texts)]


def _sklearn_predictor(path: Path) -> Predictor:
    import joblib

    model = joblib.load(path)  # written by this benchmark: a trusted file
    return lambda texts: [str(label) for label in model.predict(texts)]


def load_predictor(model: str, path: Path | None) -> Predictor:
    """Load a saved model (``None``: newsclf's bundled one) as a texts-to-labels function."""
    if model == "newsclf":
        return _newsclf_predictor(path)
    if path is None:
        raise ValueError(f"{model} needs a model file")
    if model.startswith("fasttext"):
        return _fasttext_predictor(path)
    return _sklearn_predictor(path)
