"""Train the bundled default model (13 topics) from the corpus and write its model card.

One command rebuilds the shipped artifact from the data directory::

    python training/train_default.py                  # data from ../shared/data
    python training/train_default.py --data-dir DIR --output model.newsclf

It assembles the corpus (``build_corpus.py``: checked sources + committed annotations),
fits ``NewsClassifier`` with the library defaults on every training row, and evaluates on

- the team-annotated held-out test set (periods and rows never trained on): accuracy,
  macro-F1, per-topic scores, confusion matrix and calibration (ECE, reliability diagram);
- all 7,600 AG News test titles (evaluation only), predictions folded into AG's 4 classes.

It writes the model into the package (so it ships in the wheel), ``artifacts/model-card.json``,
``docs/model-card.md`` and its pictures in ``docs/model-card/``. The same data and seed give
the same model; set SOURCE_DATE_EPOCH to also get byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

import newsclf
from build_corpus import ANNOTATIONS, SOURCES, TOPICS, Corpus, build, test_judgments
from newsclf._tasks.topics import read_descriptions
from sources import AG_TEST, DEFAULT_DATA, ROOT, SourceError, ag_news_test, check_sources

DEFAULT_OUTPUT = ROOT / "src" / "newsclf" / "models" / "default.newsclf"
CARD_COPY = ROOT / "artifacts" / "model-card.json"
SEED = 0

#: AG News classes (1 World, 2 Sports, 3 Business, 4 Sci/Tech) of each topic, as the issue
#: folds them; culture has no AG class, so a culture prediction always counts as wrong.
AG_FOLD = {
    "diplomacy": 1, "politics": 1, "conflict": 1, "crime": 1, "disaster": 1, "sport": 2,
    "economy": 3, "energy": 3, "science": 4, "technology": 4, "health": 4, "environment": 4,
    "culture": 0,
}  # fmt: skip
AG_CLASSES = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}


def agreement() -> dict[str, Any]:
    """Inter-annotator agreement on the double-annotated test items (before adjudication)."""
    pairs = test_judgments(pd.read_csv(ANNOTATIONS / "labels.csv", dtype=str, keep_default_na=False))
    pairs = pairs[pairs.map(len) == 2]
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


def corpus_card(corpus: Corpus) -> dict[str, Any]:
    counts = corpus.counts()
    return {
        "train_rows": len(corpus.train),
        "test_rows": len(corpus.test),
        "per_topic": {t: {k: int(v) for k, v in row.items()} for t, row in counts.iterrows()},
        "per_source": {
            f"{s}/{o}": int(n) for (s, o), n in corpus.train.groupby(["source", "origin"]).size().items()
        },
        "test_per_source": {s: int(n) for s, n in corpus.test.source.value_counts().sort_index().items()},
    }


def model_card_markdown(card: dict[str, Any]) -> str:
    """Return the human-readable model card, docs/model-card.md."""
    test = card["metrics"]["held_out_test"]
    ag = card["metrics"]["ag_news_test_titles_folded"]
    bins = [b for b in test["reliability"] if b["count"]]
    agree = card["annotation"]["agreement"]
    corpus = card["annotation"]["corpus"]
    lines = [
        "# The default model",
        "",
        f"`{card['name']}` — what `newsclf classify` and `newsclf tag` use unless given `--model`.",
        "This page is written by `python training/train_default.py` from the model's card",
        "(`newsclf info` shows the same card; `artifacts/model-card.json` is a copy).",
        "",
        "## Topics",
        "",
        "| topic | what belongs |",
        "|---|---|",
        *(f"| {t} | {d} |" for t, d in card["label_descriptions"].items()),
        "",
        "## Evaluation",
        "",
        f"**Held-out test set** ({test['n']} real headlines, team-annotated, from periods and rows never",
        f"trained on): accuracy **{test['accuracy']:.3f}**, macro-F1 **{test['macro_f1']:.3f}**.",
        "",
        "| topic | precision | recall | F1 | test rows |",
        "|---|---|---|---|---|",
        *(
            f"| {t} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
            for t, s in test["per_class"].items()
        ),
        "",
        f"**AG News test titles** (all {ag['rows']}, evaluation only), predictions folded into AG's four",
        f"classes ({ag['fold']}): accuracy **{ag['accuracy']:.3f}**; recall per class: "
        + ", ".join(f"{k} {v:.3f}" for k, v in ag["recall_per_class"].items())
        + ".",
        "",
        f"**Calibration** on the held-out test set: expected calibration error {test['ece']:.3f}",
        f"({len(test['reliability'])} equal-width bins of the top score). `classify(..., min_score=...)`",
        "and `newsclf classify/tag --min-score` abstain below a score.",
        "",
        "| score bin | headlines | mean score | accuracy |",
        "|---|---|---|---|",
        *(
            f"| {b['lower']:.2f}-{b['upper']:.2f} | {b['count']} | {b['mean_confidence']:.3f} "
            f"| {b['accuracy']:.3f} |"
            for b in bins
        ),
        "",
        "![Confusion matrix](model-card/confusion_matrix.png)",
        "![Per-topic scores](model-card/per_class_f1.png)",
        "![Reliability diagram](model-card/reliability.png)",
        "",
        "Confusion matrix (rows: true topic, columns: predicted):",
        "",
        "| | " + " | ".join(test["labels"]) + " |",
        "|---" * (len(test["labels"]) + 1) + "|",
        *(
            f"| {t} | " + " | ".join(str(v) for v in row) + " |"
            for t, row in zip(test["labels"], test["confusion_matrix"])
        ),
        "",
        "## Training data",
        "",
        f"{corpus['train_rows']} training headlines. Per topic, real headlines from the sources below and",
        "headlines the team wrote itself (never more than the real ones):",
        "",
        "| topic | real | team-written | total | test |",
        "|---|---|---|---|---|",
        *(
            f"| {t} | {c['real']} | {c['written']} | {c['total']} | {c['test']} |"
            for t, c in corpus["per_topic"].items()
        ),
        "",
        "Annotation: headlines from mixed sources were labeled by a judgment of each headline under",
        "the taxonomy's rules. Every test headline was labeled by two annotators independently:",
        f"agreement {agree['observed_agreement']:.3f}, Cohen's kappa {agree['cohen_kappa']:.3f} on",
        f"{agree['items']} items; an adjudicator settled the {agree['adjudicated']} disagreements.",
        "",
        "| source | license | use |",
        "|---|---|---|",
        *(f"| {s['name']} | {s['license']} | {s['use']} |" for s in card["sources"]),
        "",
        "## Rebuild",
        "",
        "```",
        "python training/train_default.py --data-dir ../shared/data",
        "```",
        "",
        "The corpus is rebuilt from the data directory and the committed references in",
        "`training/annotations/` (no source text is redistributed); a missing or changed source",
        "file stops the build. The same data and seed give the same model.",
        "",
        f"Hyperparameters: {', '.join(f'{k}={v}' for k, v in card['hyperparameters'].items())}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "model-card.md")
    args = parser.parse_args(argv)
    try:
        check_sources(args.data_dir, dict([AG_TEST]))  # needed at the end: fail now, not then
        corpus = build(args.data_dir)
    except SourceError as exc:
        print(f"train_default: {exc}", file=sys.stderr)
        return 1
    print(corpus.counts().to_string())
    if corpus.problems():
        for problem in corpus.problems():
            print(f"train_default: {problem}", file=sys.stderr)
        return 1
    result = newsclf.train(corpus.train[["text", "label"]], test_size=0, random_state=SEED)
    model = result.model
    report = newsclf.evaluate(model, corpus.test[["text", "label"]])
    print(report)
    card = model.card_
    card["name"] = "newsclf default model: 13 news topics"
    descriptions = read_descriptions(ROOT / "training" / "taxonomy.csv")
    card["label_descriptions"] = {label: descriptions[label] for label in TOPICS}
    card["sources"] = SOURCES
    card["data"]["source"] = "training/build_corpus.py: the data directory's sources + training/annotations/"
    card["annotation"] = {"agreement": agreement(), "corpus": corpus_card(corpus)}
    card["metrics"] = {
        "held_out_test": report.to_dict(),
        "ag_news_test_titles_folded": ag_news_folded(model, args.data_dir),
    }
    print("AG News test titles, folded:", card["metrics"]["ag_news_test_titles_folded"])
    print("agreement:", card["annotation"]["agreement"])
    path = model.save(args.output)
    CARD_COPY.parent.mkdir(exist_ok=True)
    CARD_COPY.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", "utf-8")
    args.docs.parent.mkdir(exist_ok=True)
    args.docs.write_text(model_card_markdown(card), "utf-8")
    # The pictures docs/model-card.md embeds (matplotlib: pip install 'newsclf[plot]').
    report.write_report(args.docs.with_suffix(""), title="newsclf default model: held-out test set")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), {CARD_COPY} and {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
