"""The benchmark data: UCI NLP-100 and AG News splits, a 100k training set, a 1M-line dump.

The dump (:func:`reuters_dump`) is distinct real headlines of ``reuters_2007_2016``: a dump of a
few thousand headlines repeated would keep every word in the prediction cache after the first
pass, and so hide what real dumps, whose vocabulary keeps growing, cost.

Everything is read from the shared data directory and written under the work directory,
never into the repository (the licenses do not allow redistributing the texts).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .textprep import fasttext_line

__all__ = [
    "AG_SUBSETS",
    "DatasetFiles",
    "Example",
    "ag_class_names",
    "ag_test_label",
    "ag_train_label",
    "build_dump",
    "prepare_datasets",
    "read_labeled_csv",
    "reuters_dump",
    "stratified_split",
    "topic_of",
    "training_set",
    "write_labeled_csv",
]

#: A labeled text: ``(text, label)``.
Example = tuple[str, str]

AG_SUBSETS = ("lst11111_train", "lst11111_dev", "chimera_train", "chimera_validation")
UCI_DIR = "uci_news_aggregator"
UCI_TITLE, UCI_CATEGORY = 1, 4  # columns of the headerless NLP-100 TSVs
TUNE_SHARE = 0.1  # share of a training set carved out to tune fastText when no split exists
SEED = 0


@dataclass(frozen=True)
class DatasetFiles:
    """The prepared files of one dataset: ``text,label`` CSVs plus fastText training files.

    ``tune_fit``/``tune_valid`` are what fastText's grid search fits and scores on, both
    from the training data; the tuned settings are then fitted on all of ``train``.
    """

    name: str
    title: str
    train: Path
    test: Path
    train_ft: Path
    tune_fit_ft: Path
    tune_valid_ft: Path
    train_rows: int
    test_rows: int
    tuning: str


# -- reading ----------------------------------------------------------------------------------
def read_uci(path: Path) -> list[Example]:
    """Headline and category of each row of a headerless NLP-100 TSV (quotes are plain text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row[UCI_TITLE], row[UCI_CATEGORY])
            for row in csv.reader(handle, "excel-tab", quoting=csv.QUOTE_NONE)
        ]


def ag_class_names(path: Path) -> dict[int, str]:
    """Map AG News' 1-based class numbers to names, from ``classes.txt`` (``1 World`` ...)."""
    names = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            number, name = line.split(maxsplit=1)
            names[int(number)] = name.strip()
    return names


def ag_train_label(label: str, label_text: str | None, names: dict[int, str]) -> str:
    """Name of a train-subset label: subsets number classes from 0, ``classes.txt`` from 1.

    Raises
    ------
    ValueError
        The subset's own ``label_text`` disagrees with ``classes.txt``.
    """
    name = names[int(label) + 1]
    if label_text is not None and label_text != name:
        raise ValueError(f"AG label {label} is {label_text!r} in the subsets but {name!r} in classes.txt")
    return name


def ag_test_label(label: str, names: dict[int, str]) -> str:
    """Name of a test-split label (numbered from 1, as in ``classes.txt``)."""
    return names[int(label)]


def read_ag_train(ag_dir: Path, names: dict[int, str]) -> list[Example]:
    """Read the union of the AG News train subsets, de-duplicated by text (the first row wins)."""
    seen: set[str] = set()
    out: list[Example] = []
    for subset in AG_SUBSETS:
        with (ag_dir / "train_subsets" / f"{subset}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["text"] not in seen:
                    seen.add(row["text"])
                    out.append((row["text"], ag_train_label(row["label"], row.get("label_text"), names)))
    return out


def read_ag_test(ag_dir: Path, names: dict[int, str]) -> list[Example]:
    """Read the AG News test split, text = title + " " + description as in the train subsets."""
    with (ag_dir / "test.csv").open(encoding="utf-8", newline="") as handle:
        return [
            (f"{row['title']} {row['description']}", ag_test_label(row["label"], names))
            for row in csv.DictReader(handle)
        ]


def read_labeled_csv(path: Path) -> list[Example]:
    """Rows of a ``text,label`` CSV written by :func:`write_labeled_csv`."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["label"]) for row in csv.DictReader(handle)]


# -- writing ----------------------------------------------------------------------------------
def _replace_atomically(path: Path, lines: Iterable[str]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(lines)
    tmp.replace(path)


def write_labeled_csv(rows: Iterable[Example], path: Path) -> Path:
    """Write ``rows`` as a ``text,label`` CSV (RFC 4180 quoting); return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    tmp.replace(path)
    return path


def write_fasttext(rows: Iterable[Example], path: Path) -> Path:
    """Write ``rows`` as a fastText supervised training file; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_atomically(path, (fasttext_line(text, label) + "\n" for text, label in rows))
    return path


# -- splits -----------------------------------------------------------------------------------
def stratified_split(
    rows: Sequence[Example], share: float, seed: int = SEED
) -> tuple[list[Example], list[Example]]:
    """Split ``rows`` into ``(rest, held)``: ``share`` of each label, seeded, held out.

    Every label keeps at least one row on the ``rest`` side; order within each side is the
    input order.
    """
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, (_, label) in enumerate(rows):
        by_label[label].append(i)
    rng = random.Random(seed)
    held: set[int] = set()
    for label in sorted(by_label):
        indices = by_label[label]
        n_held = min(round(share * len(indices)), len(indices) - 1)
        held.update(rng.sample(indices, n_held))
    rest = [row for i, row in enumerate(rows) if i not in held]
    return rest, [row for i, row in enumerate(rows) if i in held]


def _write_dataset(
    out: Path,
    name: str,
    title: str,
    train: list[Example],
    test: list[Example],
    tune: tuple[list, list],
    tuning: str,
) -> DatasetFiles:
    return DatasetFiles(
        name=name,
        title=title,
        train=write_labeled_csv(train, out / name / "train.csv"),
        test=write_labeled_csv(test, out / name / "test.csv"),
        train_ft=write_fasttext(train, out / name / "train.ft.txt"),
        tune_fit_ft=write_fasttext(tune[0], out / name / "tune_fit.ft.txt"),
        tune_valid_ft=write_fasttext(tune[1], out / name / "tune_valid.ft.txt"),
        train_rows=len(train),
        test_rows=len(test),
        tuning=tuning,
    )


def prepare_datasets(data_dir: Path, out: Path) -> list[DatasetFiles]:
    """Write the UCI NLP-100 and AG News benchmark files under ``out``; return their paths."""
    uci = data_dir / UCI_DIR
    uci_train = read_uci(uci / "nlp100_5publishers_train.tsv")
    uci_valid = read_uci(uci / "nlp100_5publishers_valid.tsv")
    uci_test = read_uci(uci / "nlp100_5publishers_test.tsv")
    names = ag_class_names(data_dir / "ag_news" / "classes.txt")
    ag_train = read_ag_train(data_dir / "ag_news", names)
    ag_test = read_ag_test(data_dir / "ag_news", names)
    ag_tune = stratified_split(ag_train, TUNE_SHARE)
    return [
        _write_dataset(
            out,
            "uci",
            "UCI NLP-100",
            uci_train,
            uci_test,
            (uci_train, uci_valid),
            "fitted on the train file, scored on the valid file",
        ),
        _write_dataset(
            out,
            "ag",
            "AG News",
            ag_train,
            ag_test,
            ag_tune,
            f"fitted and scored on a seeded stratified {1 - TUNE_SHARE:.0%}/{TUNE_SHARE:.0%} split "
            "of the training rows",
        ),
    ]


# -- a large training set -----------------------------------------------------------------------
#: Source labels (``source:label``) folded into one topic set, as a production corpus would have.
TOPICS = {
    "uci:b": "economy", "uci:e": "culture", "uci:m": "health", "uci:t": "technology",
    "ag:World": "world", "ag:Sports": "sport", "ag:Business": "economy", "ag:Sci/Tech": "technology",
    "bbc:business": "economy", "bbc:entertainment": "culture", "bbc:politics": "politics",
    "bbc:sport": "sport", "bbc:tech": "technology",
    "rss:sport": "sport", "rss:business": "economy", "rss:world": "world", "rss:uk": "uk",
    "rss:health": "health", "rss:science": "science", "rss:technology": "technology",
    "rss:entertainment": "culture", "rss:education": "culture",
}  # fmt: skip
_REUTERS = {
    "economy": {"earn", "acq", "money-fx", "trade", "interest", "gnp", "money-supply", "cpi", "bop", "jobs",
                "reserves", "ipi", "dlr", "yen", "retail", "housing", "income", "wpi", "lei"},
    "energy": {"crude", "nat-gas", "gas", "fuel", "heat", "pet-chem", "jet", "naphtha", "propane"},
    "commodities": {"grain", "wheat", "corn", "sugar", "coffee", "cocoa", "veg-oil", "oilseed", "gold",
                    "silver", "copper", "ship", "livestock", "cotton", "rubber", "tin", "alum"},
}  # fmt: skip


def topic_of(label: str) -> str:
    """Fold a ``source:label`` into the shared topic set; ``other`` when it has no topic there."""
    source, _, own = label.partition(":")
    if source == "reuters":
        return next((topic for topic, names in _REUTERS.items() if own in names), "other")
    return TOPICS.get(label, "other")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _labeled_sources(data_dir: Path) -> tuple[list[Example], list[Example]]:
    """Labeled headlines, and other real news texts (summaries, article sentences); no test split.

    Labels are ``source:label``.
    """
    uci = data_dir / UCI_DIR
    test_titles = {text for text, _ in read_uci(uci / "nlp100_5publishers_test.tsv")}
    rows = [
        (t, f"uci:{c}")
        for name in ("train", "valid")
        for t, c in read_uci(uci / f"nlp100_5publishers_{name}.tsv")
    ]
    rows += [
        (r["TITLE"], f"uci:{r['CATEGORY']}")
        for r in _csv_rows(uci / "uci-news-aggregator_first5000.csv")
        if r["TITLE"] not in test_titles
    ]
    names = ag_class_names(data_dir / "ag_news" / "classes.txt")
    rows += [(t, f"ag:{label}") for t, label in read_ag_train(data_dir / "ag_news", names)]
    bbc = _csv_rows(data_dir / "bbc_news" / "bbc_news.csv.gz")
    rows += [(r["title"], f"bbc:{r['category']}") for r in bbc]
    rows += [
        (r["title"], f"reuters:{(r['topics'].split(';')[0] or 'none')}")
        for r in _csv_rows(data_dir / "reuters21578" / "reuters21578_titles.csv")
    ]
    rss = [
        (r, f"rss:{re.split(r'[-/]', r['section'])[0]}")
        for r in _csv_rows(data_dir / "bbc_rss" / "bbc_rss_headlines.csv")
    ]
    rows += [(r["title"], label) for r, label in rss]
    more = [(r["description"], label) for r, label in rss]
    more += [
        (s, f"bbc:{r['category']}")
        for r in bbc
        for s in _SENTENCE_END.split(r["text"])
        if len(s.strip()) >= 20
    ]
    return rows, more


def _distinct(rows: Iterable[Example], seen: set[str]) -> list[Example]:
    out = []
    for text, label in rows:
        text = text.strip()
        if text and text not in seen:
            seen.add(text)
            out.append((text, label))
    return out


def training_set(data_dir: Path, n: int, seed: int = SEED) -> tuple[list[Example], str]:
    """Up to ``n`` distinct real labeled texts from every source, and a sentence describing them.

    Every labeled headline (UCI without its NLP-100 test rows, AG News train subsets as title +
    description, BBC 2005, Reuters-21578, BBC RSS), topped up with BBC RSS summaries and
    sentences of BBC 2005 articles, since fewer than 100k labeled headlines exist. Labels are
    the sources' own folded into one topic set (:func:`topic_of`). Never the AG News test split.
    """
    headlines, more = _labeled_sources(data_dir)
    seen: set[str] = set()
    headlines = _distinct(headlines, seen)
    more = _distinct(more, seen)
    random.Random(seed).shuffle(more)
    rows = [(text, topic_of(label)) for text, label in headlines[:n] + more[: max(0, n - len(headlines))]]
    random.Random(seed).shuffle(rows)
    labels = len({label for _, label in rows})
    used = min(len(headlines), n)
    about = (
        f"{len(rows):,} distinct real labeled texts in {labels} topics (the sources' labels folded): "
        f"{used:,} headlines (UCI without its NLP-100 test rows, AG News train subsets as title + "
        f"description, BBC 2005, Reuters-21578, BBC RSS) and {len(rows) - used:,} BBC RSS summaries "
        "and BBC 2005 article sentences (the data directory holds fewer than 100k labeled headlines)"
    )
    return rows, about


# -- the tagging dump -------------------------------------------------------------------------
def _sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def build_dump(source: Path, n: int, cache_dir: Path, seed: int = SEED) -> Path:
    """Return a file of ``n`` headlines: shuffled copies of ``source``'s lines, cached by content.

    Raises
    ------
    ValueError
        ``source`` holds no non-blank line.
    """
    path = cache_dir / f"dump-{n}-{_sha12(source)}-{seed}.txt"
    if path.is_file():
        return path
    lines = [line for line in source.read_text("utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{source} holds no headline")
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        copy = lines[:]
        rng.shuffle(copy)
        out.extend(copy)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _replace_atomically(path, (line + "\n" for line in out[:n]))
    return path


#: The real wire dump: Reuters headlines 2007-2016 (``title,section,date``).
REUTERS_DUMP = Path("reuters_2007_2016") / "headlines.csv.gz"


def reuters_dump(data_dir: Path, n: int, cache_dir: Path) -> tuple[Path, int]:
    """Return a file of the first ``n`` distinct Reuters headlines, one a line, and how many it holds.

    Headlines are taken in the file's (date) order, stripped; blank ones and ones holding a line
    break of any kind (``str.splitlines``) are skipped, and each distinct text is kept once.
    Cached by ``n``.
    """
    source = data_dir / REUTERS_DUMP
    path = cache_dir / f"reuters-{n}.txt"
    if not path.is_file():
        seen: dict[str, None] = {}
        with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                title = row["title"].strip()
                if title and len(title.splitlines()) == 1:  # no line break of any kind
                    seen.setdefault(title)
                    if len(seen) >= n:
                        break
        cache_dir.mkdir(parents=True, exist_ok=True)
        _replace_atomically(path, (line + "\n" for line in seen))
    with path.open("rb") as handle:
        return path, sum(1 for _ in handle)
