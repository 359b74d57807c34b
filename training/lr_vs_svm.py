"""Measure again whether a logistic regression beats the linear SVM at the v3 corpus's size (issue 9).

One seeded, stratified 80/20 split of the training rows (never the held-out test set); both
models on the same TF-IDF features (the shipped settings), macro-F1 on the 20%. The logistic
regression is round 1's (``select_model.py``: multinomial, C=20, balanced, 300 iterations).
Writes ``training/lr-vs-svm.json``.

Usage::

    python training/lr_vs_svm.py [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from build_corpus import build
from newsclf import NewsClassifier
from newsclf._model.features import FEATURE_PARAMS, TextFeatures
from sources import DEFAULT_DATA, ROOT

SEED = 0
OUT = ROOT / "training" / "lr-vs-svm.json"
SETTINGS = {"min_df": 3, "C": 0.25}  # what train_default shipped (selection.json, within 30 MB)


def fit_score(kind: str, X_fit: Any, y_fit: np.ndarray, X_val: Any, y_val: np.ndarray) -> dict[str, Any]:
    started = time.perf_counter()
    if kind == "svm":
        model: Any = LinearSVC(C=SETTINGS["C"], class_weight="balanced", random_state=SEED, dual=True)
    else:
        model = LogisticRegression(C=20.0, max_iter=300, class_weight="balanced")
    model.fit(X_fit, y_fit)
    predicted = model.predict(X_val)
    return {
        "model": kind,
        "macro_f1": float(f1_score(y_val, predicted, average="macro")),
        "accuracy": float((predicted == y_val).mean()),
        "fit_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    train = build(args.data_dir).train
    texts, labels = train.text.tolist(), train.label.to_numpy(dtype=str)
    fit_i, val_i = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=SEED, stratify=labels)
    params = NewsClassifier(**SETTINGS).get_params()
    features = TextFeatures(**{k: params[k] for k in FEATURE_PARAMS}).fit([texts[i] for i in fit_i])
    X_fit = features.transform([texts[i] for i in fit_i])
    X_val = features.transform([texts[i] for i in val_i])
    results = Parallel(n_jobs=2)(
        delayed(fit_score)(kind, X_fit, labels[fit_i], X_val, labels[val_i]) for kind in ("svm", "logreg")
    )
    result = {"what": __doc__.split("\n\n")[0], "rows": len(texts), "validation_rows": len(val_i),
              "results": results}  # fmt: skip
    OUT.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
