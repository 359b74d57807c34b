"""Measure whether word vectors learned from unlabeled headlines help the default model (issue 9).

The question: do unsupervised features from the millions of unlabeled headlines help with
unseen names and rare words? The features, all numpy/scikit-learn:

1. word vectors: binary co-occurrence of the ``--vocab`` commonest words within a headline,
   counted over the training periods' headlines (never a held-out slice, never AG News test),
   turned into positive pointwise mutual information and reduced by truncated SVD to
   ``--dims`` dimensions (rows L2-normalised);
2. a headline's vector: the mean of its known words' vectors, L2-normalised, times a weight,
   appended to the TF-IDF features as a small dense block.

Selection uses training rows only: a seeded 80/20 split of the training corpus scores each
weight (0 is the model without the block). Then the best weight and 0 are each refitted on every
training row and scored once on held-out v2; the block is worth adopting only if that improves.
Writes ``training/word-vectors.json``.

Usage::

    python training/word_vectors.py [--data-dir ../shared/data] [--unlabeled 1000000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from build_corpus import build
from newsclf import NewsClassifier
from newsclf._model.features import FEATURE_PARAMS, WORD_TOKEN_PATTERN, TextFeatures
from sources import DEFAULT_DATA, ROOT, load_sources

SEED = 0
OUT = ROOT / "training" / "word-vectors.json"
WEIGHTS = (0.0, 0.5, 1.0, 2.0)


def word_vectors(texts: list[str], vocab: int, dims: int) -> tuple[CountVectorizer, np.ndarray]:
    """Learn PPMI-SVD word vectors from ``texts``; return the vocabulary and the vectors."""
    counter = CountVectorizer(
        token_pattern=WORD_TOKEN_PATTERN, lowercase=True, binary=True, max_features=vocab, dtype=np.float32
    )
    X = counter.fit_transform(texts).tocsc()
    co = (X.T @ X).tocoo()  # headlines in which both words occur
    words = np.asarray(X.sum(axis=0)).ravel()
    total = float(X.shape[0])
    keep = co.row != co.col
    rows, cols, both = co.row[keep], co.col[keep], co.data[keep]
    pmi = np.log(both * total / (words[rows] * words[cols]))
    positive = pmi > 0
    ppmi = sp.csr_matrix((pmi[positive], (rows[positive], cols[positive])), shape=co.shape)
    vectors = TruncatedSVD(n_components=dims, random_state=SEED).fit_transform(ppmi)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return counter, vectors.astype(np.float64)


def headline_block(counter: CountVectorizer, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    """Mean word vector of each headline (zeros when no word is known), L2-normalised."""
    X = counter.transform(texts).astype(np.float64)
    sums = X @ vectors
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)


def fit_score(
    params: dict[str, Any],
    train: tuple[list[str], np.ndarray, np.ndarray],
    test: tuple[list[str], np.ndarray, np.ndarray],
    weight: float,
) -> dict[str, float]:
    """Fit TF-IDF (+ the block at ``weight``) and a linear SVM on ``train``; score ``test``."""
    started = time.perf_counter()
    texts, dense, y = train
    features = TextFeatures(**{k: params[k] for k in FEATURE_PARAMS}).fit(texts)

    def matrix(texts: list[str], dense: np.ndarray) -> sp.csr_matrix:
        X = features.transform(texts)
        return sp.hstack([X, sp.csr_matrix(dense * weight)]).tocsr() if weight else X

    svm = LinearSVC(C=params["C"], random_state=SEED, dual=True, max_iter=params["max_iter"])
    svm.fit(matrix(texts, dense), y)
    predicted = svm.predict(matrix(test[0], test[1]))
    return {
        "weight": weight,
        "macro_f1": float(f1_score(test[2], predicted, average="macro")),
        "accuracy": float((predicted == test[2]).mean()),
        "seconds": time.perf_counter() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--unlabeled", type=int, default=1_000_000, help="unlabeled headlines to learn from")
    parser.add_argument("--vocab", type=int, default=50_000)
    parser.add_argument("--dims", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = build(args.data_dir)
    rows = load_sources(args.data_dir)
    pool = rows[(rows.period == "train") & (rows.text != "") & (rows.source != "ag_train")].text
    pool = pool[~pool.isin(set(corpus.test.text))]  # never a test headline, even as another row's copy
    pool = pool.drop_duplicates().sample(n=min(args.unlabeled, pool.nunique()), random_state=SEED)
    counter, vectors = word_vectors(pool.tolist(), args.vocab, args.dims)
    print(f"word vectors: {vectors.shape} from {len(pool)} headlines, {time.perf_counter() - started:.0f} s")

    params = NewsClassifier().get_params()
    texts = corpus.train.text.tolist()
    labels = corpus.train.label.to_numpy()
    dense = headline_block(counter, vectors, texts)
    fit_i, val_i = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=SEED, stratify=labels)

    def part(index: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
        return [texts[i] for i in index], dense[index], labels[index]

    validation = Parallel(n_jobs=args.jobs)(
        delayed(fit_score)(params, part(fit_i), part(val_i), w) for w in WEIGHTS
    )
    print(json.dumps(validation, indent=1))
    best = max(validation, key=lambda r: r["macro_f1"])["weight"]
    test_texts = corpus.test.text.tolist()
    test = (test_texts, headline_block(counter, vectors, test_texts), corpus.test.label.to_numpy())
    everything = (texts, dense, labels)
    held_out = Parallel(n_jobs=args.jobs)(
        delayed(fit_score)(params, everything, test, w) for w in sorted({0.0, best})
    )
    print(json.dumps(held_out, indent=1))
    result = {
        "what": "PPMI-SVD word vectors of unlabeled headlines, averaged per headline, as a dense block",
        "unlabeled_headlines": len(pool),
        "vocab": args.vocab,
        "dims": args.dims,
        "train_rows": len(texts),
        "validation (20% of training rows)": validation,
        "chosen_weight": best,
        "held_out_v2": held_out,
        "seconds": round(time.perf_counter() - started),
    }
    OUT.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
