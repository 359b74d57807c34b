"""Measure the ``no_signal`` rule: how often it fires on real headlines, and on junk.

Usage::

    python benchmarks/no_signal.py [--data-dir ../shared/data] [--rows 3000]

Reads the first ``--rows`` titles of ``newsapi_2023/headlines.csv.gz`` and of
``reddit_news_2022/headlines.csv.gz`` (real English headlines, mostly unseen by the bundled
model) from the data directory (never copied into the repository), and the junk and
non-English strings below; prints, for the bundled model, the distribution of the two
measures the rule uses (words the model knows, and their share of the text's words), the
share of each set the rule marks, the real headlines it marks and each junk string's fate.
The figures are recorded in docs/guide.md ("Texts the model cannot read").
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import re
from pathlib import Path

import numpy as np

from newsclf import load_model
from newsclf._tasks.classify import no_signal

JUNK = [
    "-", "the", "a", "ok", "test", "null", "N/A", "TBD", "...", "???", "#####", "12345", "0.5 0.7 1.2",
    "xxxxxxxx", "untitled", "Loading...", "Page not found", "click here to subscribe", "hello world",
    "foo bar baz", "asdf qwerty zxcv", "and the of", "Lorem ipsum", "lorem ipsum dolor sit amet",
    "consectetur adipiscing elit sed do eiusmod", "Sed ut perspiciatis unde omnis iste natus error",
    "Le gouvernement annonce une réforme des retraites", "La police arrête trois suspects à Marseille",
    "Les prix du pétrole grimpent après la décision de l'OPEP",
    "Der Bundestag beschließt neues Klimaschutzgesetz", "Die Polizei nimmt zwei Verdächtige fest",
    "El Real Madrid gana la liga por tercera vez", "Il governo italiano approva la manovra finanziaria",
    "O presidente anuncia novas medidas econômicas", "De regering kondigt nieuwe maatregelen aan",
    "Крупнейший банк России", "日本の首相が辞任",
]  # fmt: skip


def titles(path: Path, rows: int) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [row["title"] for row in itertools.islice(csv.DictReader(handle), rows)]


def measures(model: object, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    words = frozenset(t for t in model.features_.vocabularies_["word"] if " " not in t)  # type: ignore[attr-defined]
    known, share = [], []
    for text in texts:
        tokens = re.findall(r"\w+", text.lower())
        hits = sum(t in words for t in tokens)
        known.append(hits)
        share.append(hits / len(tokens) if tokens else 0.0)
    return np.array(known), np.array(share)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    model = load_model()
    sets = {
        "newsapi_2023": titles(args.data_dir / "newsapi_2023" / "headlines.csv.gz", args.rows),
        "reddit_news_2022": titles(args.data_dir / "reddit_news_2022" / "headlines.csv.gz", args.rows),
        "junk": JUNK,
    }
    for name, texts in sets.items():
        known, share = measures(model, texts)
        weak = no_signal(model, texts)
        assert weak is not None
        pct = (0.5, 1, 2, 5, 10)
        print(f"{name}: {len(texts)} texts, marked no_signal: {weak.sum()} ({weak.mean():.2%})")
        print("  known words, percentiles " + " ".join(f"p{q}={np.percentile(known, q):.0f}" for q in pct))
        print("  known share, percentiles " + " ".join(f"p{q}={np.percentile(share, q):.2f}" for q in pct))
        for text, flag, k, s in zip(texts, weak, known, share):
            if name == "junk" or flag:
                score = model.predict_proba([text]).max()  # type: ignore[attr-defined]
                what = "NO_SIGNAL" if flag else "signal   "
                print(f"  {what} known {k:2d} share {s:.2f} score {score:.2f}  {text[:70]}")


if __name__ == "__main__":
    main()
