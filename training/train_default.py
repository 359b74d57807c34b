"""Train the bundled default model (13 topics) from the corpus and write its model card.

One command rebuilds the shipped artifact from the data directory::

    python training/train_default.py                  # data from ../shared/data
    python training/train_default.py --data-dir DIR --output model.newsclf

It assembles the corpus (``build_corpus.py``: checked sources + committed annotations), fits
``NewsClassifier`` with the settings cross-validation chose on the training rows
(``selection.json``, written by ``select_model.py``) on every training row, and evaluates on

- held-out test set v2 (periods and rows never trained on, each headline labeled by two
  annotators independently and adjudicated): accuracy, macro-F1, per-topic and per-source
  scores, confusion matrix and calibration (ECE, reliability diagram);
- all 7,600 AG News test titles (evaluation only), predictions folded into AG's 4 classes;

plus a learning curve (25, 50 and 100% of the training rows) and ablations (without the
team-written rows, without wire copy, without rows from 2022 on), fitted two at a time.

It writes the model into the package (so it ships in the wheel) with its card, and renders
``docs/model-card.md`` and its pictures (``docs/model-card/``) through the library's report
code. The same data and seed give the same model; set SOURCE_DATE_EPOCH to also get
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import cohen_kappa_score, f1_score

import newsclf
from build_corpus import (
    RECENT_FROM,
    SOURCES,
    TOPICS,
    WIRE_SOURCES,
    Corpus,
    build,
    read_labels,
    test_judgments,
)
from newsclf._io.documents import Block, Heading, Image, Paragraph, Table, write_document
from newsclf._model.features import FEATURE_PARAMS, TextFeatures
from newsclf._tasks.topics import read_descriptions
from sources import AG_TEST, DEFAULT_DATA, ROOT, SourceError, ag_news_test, check_sources

DEFAULT_OUTPUT = ROOT / "src" / "newsclf" / "models" / "default.newsclf"
SELECTION = ROOT / "training" / "selection.json"
SEED = 0

#: AG News classes (1 World, 2 Sports, 3 Business, 4 Sci/Tech) of each topic, as the issue
#: folds them; culture has no AG class, so a culture prediction always counts as wrong.
AG_FOLD = {
    "diplomacy": 1, "politics": 1, "conflict": 1, "crime": 1, "disaster": 1, "sport": 2,
    "economy": 3, "energy": 3, "science": 4, "technology": 4, "health": 4, "environment": 4,
    "culture": 0,
}  # fmt: skip
AG_CLASSES = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}


#: The model file must stay at or under 30 MB: its dense coefficients are most of it.
MAX_COEF_BYTES = 30_000_000


def chosen_settings(corpus: Corpus) -> tuple[dict[str, Any], str]:
    """Return the best settings by cross-validation (``selection.json``) whose model fits the size limit.

    A candidate's size is its coefficients' (labels x features x 8 bytes as float64, 4 as
    float32), its features counted by fitting the featurizer alone on the training rows. The
    best candidate that fits is taken, with float64 coefficients if they fit, else float32
    (``benchmarks/float32.py``: no top label of 1M headlines changed). Returns the settings
    and the coefficients' dtype.
    """
    if not SELECTION.exists():
        return {}, "float64"
    selection = json.loads(SELECTION.read_text("utf-8"))
    texts = corpus.train.text.tolist()
    for candidate in selection["candidates"]:  # best first
        if candidate["model"] != "svm":  # NewsClassifier fits a linear SVM
            continue
        params = newsclf.NewsClassifier(**candidate["params"]).get_params()
        features = TextFeatures(**{k: params[k] for k in FEATURE_PARAMS}).fit(texts)
        size = features.n_features * len(TOPICS) * 8
        print(f"{candidate['name']}: {features.n_features} features, {size / 1e6:.1f} MB of coefficients")
        for dtype, width in (("float64", 8), ("float32", 4)):
            if features.n_features * len(TOPICS) * width <= MAX_COEF_BYTES:
                return dict(candidate["params"]), dtype
    raise SystemExit(f"train_default: no candidate in {SELECTION} fits {MAX_COEF_BYTES / 1e6:.0f} MB")


def agreement(test: pd.DataFrame) -> dict[str, Any]:
    """Inter-annotator agreement on the test items (before adjudication)."""
    pairs = test_judgments(read_labels())
    pairs = pairs[pairs.map(len) == 2]
    pairs = pairs[pairs.index.isin(list(zip(test.source, test.key)))]
    first, second = pairs.map(lambda v: v[0]), pairs.map(lambda v: v[1])
    return {
        "items": len(pairs),
        "observed_agreement": float((first == second).mean()),
        "cohen_kappa": float(cohen_kappa_score(first, second)),
        "adjudicated": int((first != second).sum()),
        "note": "two annotators judged every test item independently; an adjudicator settled "
        "the disagreements",
    }


def ag_news_folded(model: newsclf.NewsClassifier, data_dir: Path) -> dict[str, Any]:
    test = ag_news_test(data_dir)
    predicted = model.predict(test.title.fillna("").tolist())
    folded = np.array([AG_FOLD[str(label)] for label in predicted])
    truth = test.label.to_numpy()
    per_class = {name: float((folded[truth == k] == k).mean()) for k, name in AG_CLASSES.items()}
    return {
        "rows": len(test),
        "accuracy": float((folded == truth).mean()),
        "recall_per_class": per_class,
        "fold": "diplomacy, politics, conflict, crime, disaster -> World; sport -> Sports; economy, "
        "energy -> Business; science, technology, health, environment -> Sci/Tech; culture -> none",
        "text": "titles only",
    }


def per_source(model: newsclf.NewsClassifier, test: pd.DataFrame) -> dict[str, dict[str, float]]:
    predicted = model.predict(test.text.tolist())
    out = {}
    for source, rows in test.assign(predicted=predicted).groupby("source"):
        out[str(source)] = {
            "n": len(rows),
            "accuracy": float((rows.predicted == rows.label).mean()),
            "macro_f1": float(f1_score(rows.label, rows.predicted, average="macro")),
        }
    return out


def _fit_and_score(train: pd.DataFrame, test: pd.DataFrame, settings: dict[str, Any]) -> dict[str, Any]:
    """Fit on ``train``; return its size and held-out accuracy and macro-F1."""
    model = newsclf.NewsClassifier(random_state=SEED, **settings).fit(train.text, train.label)
    predicted = model.predict(test.text.tolist())
    return {
        "train_rows": len(train),
        "accuracy": float((predicted == test.label.to_numpy()).mean()),
        "macro_f1": float(f1_score(test.label, predicted, average="macro")),
    }


def variants(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Return the learning curve's samples and the ablations' training sets (not the full set)."""
    train = corpus.train
    out = {
        f"{share}% of the rows": train.groupby("label", group_keys=False).sample(
            frac=share / 100, random_state=SEED
        )
        for share in (25, 50)
    }
    out["without team-written rows"] = train[train.origin != "written"]
    out["without wire copy"] = train[~train.source.isin(WIRE_SOURCES)]
    out[f"without rows from {RECENT_FROM[:4]} on"] = train[~(train.date >= RECENT_FROM)]
    return out


def corpus_card(corpus: Corpus) -> dict[str, Any]:
    counts = corpus.counts()
    return {
        "train_rows": len(corpus.train),
        "test_rows": len(corpus.test),
        "judged_from_2022_share": corpus.recent_share(),
        "per_topic": {t: {k: int(v) for k, v in row.items()} for t, row in counts.iterrows()},
        "per_source": {
            f"{s}/{o}": int(n) for (s, o), n in corpus.train.groupby(["source", "origin"]).size().items()
        },
        "test_per_source": {s: int(n) for s, n in corpus.test.source.value_counts().sort_index().items()},
    }


def card_blocks(
    card: dict[str, Any], report: newsclf.EvaluationReport, charts: dict[str, bytes]
) -> list[Block]:
    """Return the model card as document blocks: what ``docs/model-card.md`` says, from the card."""
    metrics, annotation = card["metrics"], card["annotation"]
    corpus, agree = annotation["corpus"], annotation["agreement"]
    ag = metrics["ag_news_test_titles_folded"]
    blocks: list[Block] = [
        Heading("The default model", 1),
        Paragraph(
            f"{card['name']}: what newsclf classify and newsclf tag use unless given --model. This page "
            "is written by python training/train_default.py from the model's card (newsclf info --json "
            "prints the card itself)."
        ),
        Heading("Topics", 2),
        Table(("topic", "what belongs"), tuple(card["label_descriptions"].items()), numeric_from=2),
        Heading("Held-out evaluation", 2),
        Paragraph(
            f"Test set v2: {report.n} real headlines from {len(corpus['test_per_source'])} sources and "
            "periods never trained on; two annotators labeled each independently "
            f"(agreement {agree['observed_agreement']:.3f}, Cohen's kappa {agree['cohen_kappa']:.3f} on "
            f"{agree['items']} items; an adjudicator settled the {agree['adjudicated']} disagreements). "
            "Scores are calibrated for English news headlines."
        ),
        Table(
            ("source", "headlines", "accuracy", "macro-F1"),
            tuple(
                (s, str(v["n"]), f"{v['accuracy']:.3f}", f"{v['macro_f1']:.3f}")
                for s, v in metrics["per_source"].items()
            ),
        ),
        Paragraph(
            f"AG News test titles (all {ag['rows']}, evaluation only), predictions folded into AG's four "
            f"classes ({ag['fold']}): accuracy {ag['accuracy']:.3f}."
        ),
        # The evaluation report's own blocks (title dropped), its pictures under model-card/.
        *(
            Image(f"model-card/{b.name}", b.alt) if isinstance(b, Image) else b
            for b in report.blocks("Test set v2 in detail", charts)[1:]
        ),
        Heading("Learning curve and ablations", 2),
        Paragraph(
            "The same settings fitted on part of the training rows (stratified samples) or without a "
            "kind of rows, scored on test set v2."
        ),
        Table(
            ("training set", "rows", "accuracy", "macro-F1"),
            tuple(
                (name, str(v["train_rows"]), f"{v['accuracy']:.3f}", f"{v['macro_f1']:.3f}")
                for name, v in metrics["variants"].items()
            ),
        ),
        Heading("Training data", 2),
        Paragraph(
            f"{corpus['train_rows']} training headlines: judged real headlines (one annotator's judgment of "
            "each under the taxonomy; sections, outlets and keywords chose which headlines were judged, "
            "never their topic; no source label is mapped without judgment) and headlines the team wrote "
            "for thin regions and desks (never more than a topic's real ones). "
            f"{annotation['corpus']['judged_from_2022_share']:.0%} of the judged headlines date from 2022 on."
        ),
        Table(
            ("topic", "judged", "of them wire", "team-written", "total", "test"),
            tuple(
                (t, str(c["real"]), str(c["wire"]), str(c["written"]), str(c["total"]), str(c["test"]))
                for t, c in corpus["per_topic"].items()
            ),
        ),
        Table(
            ("source", "license", "use"),
            tuple((s["name"], s["license"], s["use"]) for s in card["sources"]),
            numeric_from=3,
        ),
        Heading("Settings", 2),
        Paragraph(
            f"Chosen by {card['selection']['what']} (training/selection.json; an earlier round, "
            "training/selection-round1.json, found the linear SVM better than a logistic regression): "
            + "; ".join(f"{c['name']} {c['macro_f1_mean']:.4f}" for c in card["selection"]["candidates"])
            + f". Used: the best that fits 30 MB ({card['selection']['settings_used'] or 'the defaults'})."
            + " Hyperparameters: "
            + ", ".join(f"{k}={v}" for k, v in card["hyperparameters"].items())
            + ". Rebuild: python training/train_default.py --data-dir ../shared/data"
        ),
    ]
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--no-variants", action="store_true", help="skip the learning curve and ablations")
    parser.add_argument(
        "--coef-dtype",
        choices=["auto", "float64", "float32"],
        default="auto",
        help="coefficients stored as (auto: float64 if the model fits 30 MB so, else float32)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        check_sources(args.data_dir, dict([AG_TEST]))  # needed at the end: fail now, not then
        corpus = build(args.data_dir)
    except SourceError as exc:
        print(f"train_default: {exc}", file=sys.stderr)
        return 1
    print(corpus.counts().to_string())
    for problem in corpus.problems():
        print(f"train_default: {problem}", file=sys.stderr)
    if corpus.problems():
        return 1
    settings, coef_dtype = chosen_settings(corpus)
    coef_dtype = coef_dtype if args.coef_dtype == "auto" else args.coef_dtype
    test = corpus.test
    tasks = [("full", corpus.train)] + ([] if args.no_variants else list(variants(corpus).items()))
    # The shipped model and the variants, two fits at a time (each fit uses one core).
    fitted = Parallel(n_jobs=2)(
        delayed(newsclf.train)(train[["text", "label"]], test_size=0, random_state=SEED, **settings)
        if name == "full" else delayed(_fit_and_score)(train, test, settings)
        for name, train in tasks
    )  # fmt: skip
    model = fitted[0].model
    report = newsclf.evaluate(model, test[["text", "label"]])
    print(report)
    card = model.card_
    card["name"] = "newsclf default model: 13 news topics"
    descriptions = read_descriptions(ROOT / "training" / "taxonomy.csv")
    card["label_descriptions"] = {label: descriptions[label] for label in TOPICS}
    card["sources"] = SOURCES
    card["data"]["source"] = "training/build_corpus.py: the data directory's sources + training/annotations/"
    card["annotation"] = {"agreement": agreement(test), "corpus": corpus_card(corpus)}
    if SELECTION.exists():
        card["selection"] = json.loads(SELECTION.read_text("utf-8"))
    else:
        card["selection"] = {"what": "no selection run", "candidates": []}
    card["selection"]["settings_used"] = settings  # the best whose model file fits 30 MB
    card["selection"]["coefficients"] = coef_dtype
    full = {"train_rows": len(corpus.train), "accuracy": report.accuracy, "macro_f1": report.macro_f1}
    card["metrics"] = {
        "held_out_test": report.to_dict(),
        "per_source": per_source(model, test),
        "ag_news_test_titles_folded": ag_news_folded(model, args.data_dir),
        "variants": {"all rows (the shipped model)": full}
        | {name: result for (name, _), result in zip(tasks[1:], fitted[1:])},
    }
    shown = ("per_source", "ag_news_test_titles_folded", "variants")
    print(json.dumps({k: card["metrics"][k] for k in shown}, indent=1))
    print("agreement:", card["annotation"]["agreement"])
    path = model.save(args.output, coef_dtype=coef_dtype)
    if coef_dtype != "float64":  # what rounding the coefficients changed, on every test text
        texts = test.text.tolist()
        differ = int((newsclf.load_model(path).predict(texts) != model.predict(texts)).sum())
        print(f"{coef_dtype} coefficients: {differ} of {len(texts)} held-out labels differ")
    charts = report.charts()
    named = {f"model-card/{name}": data for name, data in charts.items()}
    (args.docs / "model-card").mkdir(parents=True, exist_ok=True)
    blocks = card_blocks(card, report, charts)
    write_document(args.docs, blocks, charts=named, title="The default model", stem="model-card")
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(f"wrote {path} ({size:.1f} MB) and {args.docs / 'model-card.md'} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
