"""Assemble the default model's training corpus and held-out test set from the data directory.

Nothing here holds a source text: the corpus is rebuilt from ``../shared/data`` (checked by
sha256, see ``sources.py``) and the committed references in ``training/annotations/``:

1. **Held-out test set**: every item of the ``test`` and ``test2`` sets (drawn from BBC RSS
   September-December 2022 and the AG News ``chimera_validation`` subset, periods and rows
   never trained on), labeled by two annotators independently; where they disagreed, by an
   adjudicator. ``skip`` items are left out.
2. **Annotated training rows**: mixed sources (BBC RSS world/UK/science sections and
   business, AG News World, Sci/Tech and Business, UCI ``b`` and ``t``, BBC 2005 business),
   each labeled by one annotator's judgment.
3. **Clean mappings**: sources whose label is one topic (``CLEAN`` below), for rows nobody
   annotated, from the training period only.
4. **Team-written headlines** (``annotations/written.csv``), never more than the real
   headlines of their topic, and none close to the example headlines (``EXAMPLES``).

Any training text equal (case and spacing aside) to a test text is dropped; so are exact
duplicates. Rows about one UCI story are capped at ``STORY_CAP``, and each (topic, source)
at ``SOURCE_CAP``, so no one story or source swamps a topic. The AG News test split is
never read here. Seeded: the same data gives the same corpus.

Usage::

    python training/build_corpus.py [--data-dir ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sources import DEFAULT_DATA, ROOT, SourceError, load_sources, normalize

ANNOTATIONS = ROOT / "training" / "annotations"
TOPICS = ["diplomacy", "politics", "economy", "energy", "sport", "science", "technology", "health",
          "environment", "conflict", "crime", "disaster", "culture"]  # fmt: skip
SEED = 0
TEST_SETS = ("test", "test2")  # both double-annotated draws from the held-out strata
MIN_PER_TOPIC = 800
STORY_CAP = 3
SOURCE_CAP = 1500

ENERGY = {"crude", "nat-gas", "gas", "fuel", "heat", "pet-chem", "jet", "naphtha", "propane"}
ECONOMY = {
    "earn", "acq", "money-fx", "trade", "interest", "gnp", "cpi", "bop", "jobs", "money-supply",
    "reserves", "ipi", "dlr", "yen", "retail", "housing", "income", "wpi", "instal-debt", "lei",
}  # fmt: skip

#: Per source: (pattern on its own label, topic) for labels that map onto one topic.
CLEAN: dict[str, list[tuple[str, str]]] = {
    "bbc2005": [(r"entertainment", "culture"), (r"politics", "politics"), (r"sport", "sport"),
                (r"tech", "technology")],
    "uci": [(r"e", "culture"), (r"m", "health")],
    "bbc_rss": [(r"sport(?:/.*)?", "sport"), (r"technology", "technology"), (r"health", "health"),
                (r"entertainment-arts|education", "culture"), (r"uk-politics", "politics")],
    "ag_train": [(r"Sports", "sport")],
}  # fmt: skip

#: Headlines the docs, the issues and examples/headlines.txt use as examples. Team-written
#: headlines close to one (most words shared) are left out, so those stay unseen by the model
#: and show what it does on new text rather than what it remembers.
EXAMPLES = [
    "Brent crude climbs as OPEC+ extends output cuts",
    "Foreign ministers of Georgia and Kazakhstan discuss transit corridor",
    "Georgian and Kazakh foreign ministers discuss transit corridor",
    "Police detain 40 suspects in nationwide fraud raids",
    "New frog species found in Andean cloud forest",
    "Arsenal sign Brazilian midfielder on five-year deal",
    "Azerbaijan, Estonia eye cooperation in digital services",
]
EXAMPLE_OVERLAP = 0.6  # Jaccard similarity of word sets from which a written line is too close

#: How each source's labels were used, for the model card.
SOURCES = [
    {
        "name": "BBC News RSS 2022-2024 (G. Preda, Kaggle)",
        "license": "compilation said to be CC0 (not verified); "
        "headlines BBC copyright under the BBC RSS terms",
        "use": "world, UK, science-environment and business sections annotated; sport/*, technology, "
        "health, entertainment-arts, education and uk-politics mapped; Sep-Dec 2022 held out for testing",
    },
    {
        "name": "AG News train subsets (Zhang, Zhao & LeCun 2015)",
        "license": "research / non-commercial use",
        "use": "World, Sci/Tech and Business annotated, Sports mapped; the chimera_validation subset "
        "held out for testing; the AG News test split is used for evaluation only",
    },
    {
        "name": "UCI News Aggregator (Gasparetti 2017), NLP-100 split and first 5,000 rows",
        "license": "CC BY 4.0",
        "use": "t and a sample of b annotated; e -> culture, m -> health; NLP-100 test rows not used",
    },
    {
        "name": "Reuters-21578 Distribution 1.0 titles",
        "license": "Reuters Ltd.; free distribution for research purposes only",
        "use": "stories whose topics are all energy ones -> energy, all economy ones -> economy",
    },
    {
        "name": "BBC News 2004-2005 (Greene & Cunningham, ICML 2006)",
        "license": "content copyright BBC; research use",
        "use": "business annotated; entertainment -> culture, politics, sport, tech -> technology",
    },
    {
        "name": "newsclf team-written headlines (training/annotations/written.csv)",
        "license": "same as newsclf",
        "use": "wire-style headlines written by the team to fill gaps; never more than half of a topic",
    },
]


@dataclass
class Corpus:
    """The training rows and the held-out test rows (``text, label, source, key, origin``)."""

    train: pd.DataFrame
    test: pd.DataFrame

    def counts(self) -> pd.DataFrame:
        """Training rows per topic: real, team-written, total; and test rows per topic."""
        real = self.train.origin != "written"
        table = pd.DataFrame(
            {
                "real": self.train[real].label.value_counts(),
                "written": self.train[~real].label.value_counts(),
            }
        ).reindex(TOPICS, fill_value=0)
        table = table.fillna(0).astype(int)
        table["total"] = table.real + table.written
        table["test"] = self.test.label.value_counts().reindex(TOPICS, fill_value=0)
        return table

    def problems(self) -> list[str]:
        """Where the corpus falls short of the rules it must meet."""
        out = []
        for topic, row in self.counts().iterrows():
            if row.total < MIN_PER_TOPIC:
                out.append(f"{topic}: {row.total} training rows, fewer than {MIN_PER_TOPIC}")
            if row.written > row.real:
                out.append(f"{topic}: more team-written ({row.written}) than real ({row.real}) rows")
        return out


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def near_examples(texts: pd.Series) -> pd.Series:
    """Whether each text shares most of its words with one of the example headlines."""
    lines = (ROOT / "examples" / "headlines.txt").read_text("utf-8").splitlines()
    examples = [_words(line) for line in [*EXAMPLES, *lines] if line.strip()]

    def close(text: str) -> bool:
        words = _words(text)
        return any(len(words & ex) / len(words | ex) >= EXAMPLE_OVERLAP for ex in examples if words | ex)

    return texts.map(close)


def test_judgments(labels: pd.DataFrame) -> pd.Series:
    """The two annotators' topics of each test item, as a list per (source, key)."""
    test = labels[labels.set.isin(TEST_SETS) & (labels.annotator != "adjudicator")]
    return test.groupby(["source", "key"]).topic.agg(list)


def gold_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """One topic per test item: the annotators' when they agree, else the adjudicator's."""
    pairs = test_judgments(labels)
    test = labels[labels.set.isin(TEST_SETS)]
    adjudicated = test[test.annotator == "adjudicator"].set_index(["source", "key"]).topic
    missing = [k for k, v in pairs.items() if len(v) != 2 or (v[0] != v[1] and k not in adjudicated.index)]
    if missing:
        raise ValueError(
            f"{len(missing)} test items lack two annotations or an adjudication, e.g. {missing[0]}"
        )
    gold = pairs.map(lambda v: v[0]).where(
        pairs.map(lambda v: v[0] == v[1]), adjudicated.reindex(pairs.index)
    )
    return gold.rename("label").reset_index()


def clean_labels(rows: pd.DataFrame) -> pd.Series:
    """Topic of each row whose source label maps cleanly onto one, else missing."""
    label = pd.Series(pd.NA, index=rows.index, dtype=object)
    for source, rules in CLEAN.items():
        of_source = rows.source == source
        for pattern, topic in rules:
            label[of_source & rows.signal.str.fullmatch(pattern)] = topic
    topics = rows.signal.str.split(";").map(lambda ts: {t for t in ts if t})
    reuters = rows.source == "reuters"
    label[reuters & topics.map(lambda ts: bool(ts) and ts <= ENERGY)] = "energy"
    label[reuters & topics.map(lambda ts: bool(ts) and ts <= ECONOMY)] = "economy"
    return label


def build(data_dir: Path = DEFAULT_DATA) -> Corpus:
    """Assemble the corpus; raises :class:`SourceError` if a source is missing or changed."""
    rows = load_sources(data_dir)
    labels = pd.read_csv(ANNOTATIONS / "labels.csv", dtype=str, keep_default_na=False)
    # Only rows that are judged or mappable can enter the corpus: skip normalising the rest.
    judged_refs = set(labels.source + "\t" + labels.key)
    usable = rows.source.isin(CLEAN.keys() | {"reuters"}) | (rows.source + "\t" + rows.key).isin(judged_refs)
    rows = rows[usable & (rows.text != "")].copy()
    rows["norm"] = rows.text.map(normalize)

    test = rows.merge(gold_labels(labels), on=["source", "key"])
    test = test[test.label != "skip"].assign(origin="annotated")
    test_norms = set(test.norm)

    judged = labels[~labels.set.isin(TEST_SETS)][["source", "key", "topic"]].rename(
        columns={"topic": "label"}
    )
    annotated = rows.merge(judged, on=["source", "key"]).assign(origin="annotated")
    annotated = annotated[annotated.label != "skip"]
    pool = rows[rows.period == "train"].assign(label=clean_labels(rows[rows.period == "train"]))
    pool = pool.dropna(subset=["label"]).assign(origin="mapped")
    judged_keys = set(zip(judged.source, judged.key))
    pool = pool[[k not in judged_keys for k in zip(pool.source, pool.key)]]

    train = pd.concat([annotated, pool], ignore_index=True)
    train = train[(train.period == "train") & ~train.norm.isin(test_norms)]
    train = train.drop_duplicates(subset="norm", keep="first")  # annotated rows come first
    shuffled = train.sample(frac=1, random_state=SEED)
    story = shuffled.group != ""
    capped = shuffled[story].groupby("group", sort=False).head(STORY_CAP)
    train = pd.concat([shuffled[~story], capped]).groupby(["label", "source"], sort=False).head(SOURCE_CAP)

    written = pd.read_csv(ANNOTATIONS / "written.csv", dtype=str, keep_default_na=False)
    written = written.rename(columns={"topic": "label"}).assign(source="written", origin="written")
    written["key"] = written.text.map(normalize)
    written = written[~written.key.isin(set(train.norm) | test_norms) & ~near_examples(written.text)]
    real_counts = train.label.value_counts()
    rank = written.groupby("label", sort=False).cumcount()
    written = written[rank < written.label.map(real_counts).fillna(0)]
    columns = ["text", "label", "source", "key", "origin"]
    train = pd.concat([train[columns], written[columns]], ignore_index=True)
    train = train.sort_values(["label", "source", "key"], kind="stable").reset_index(drop=True)
    test = test[columns].sort_values(["source", "key"], kind="stable").reset_index(drop=True)
    return Corpus(train=train, test=test)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--out", type=Path, help="also write train.csv and test.csv here (outside the project)"
    )
    args = parser.parse_args(argv)
    try:
        corpus = build(args.data_dir)
    except SourceError as exc:
        print(f"build_corpus: {exc}", file=sys.stderr)
        return 1
    print(corpus.counts().to_string())
    print(pd.crosstab(corpus.train.source, corpus.train.origin).to_string())
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        corpus.train.to_csv(args.out / "train.csv", index=False)
        corpus.test.to_csv(args.out / "test.csv", index=False)
        print(f"wrote {args.out / 'train.csv'} and {args.out / 'test.csv'}")
    for problem in corpus.problems():
        print(f"build_corpus: {problem}", file=sys.stderr)
    return 1 if corpus.problems() else 0


if __name__ == "__main__":
    raise SystemExit(main())
