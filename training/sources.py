"""Read every source in the shared data directory as rows with a stable key.

Each row is ``(source, key, text, signal, period, group)``:

- ``source``: one of ``SOURCE_NAMES``;
- ``key``: a stable row key within that source (UCI ``ID``, BBC 2005 ``file``, Reuters ``newid``,
  BBC RSS ``link``, AG News: sha1 of the text, since the train subsets have no row id);
- ``signal``: the source's own label (category, section, topics), a hint and not a topic;
- ``period``: ``"heldout"`` for the rows kept apart for evaluation (BBC RSS items published
  from September to December 2022, and the AG News ``chimera_validation`` subset),
  ``"uci_test"`` for the UCI NLP-100 test split (a benchmark test set), else ``"train"``;
- ``group``: rows about one story (UCI ``STORY``), else empty: near-duplicates to cap.

The corpus is committed as references into these rows (``training/annotations/``), never as
texts: the licenses do not allow redistribution. A missing or changed file fails loudly.
The AG News *test* split is read only by :func:`ag_news_test`, for evaluation.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"

# Every file read, with its sha256: a changed or missing source fails loudly.
CHECKSUMS = {
    "bbc_news/bbc_news_titles.csv": "251dfa0cfa39f590f9cc7e129aaf8ee52e3bbcbe25e4cbe9591c279d97e0890a",
    "uci_news_aggregator/nlp100_5publishers_train.tsv": "ccdefe8f510b9726ae755fb1bd9c16ffa249b2baa1394b58b373c03c7a6c783b",  # noqa: E501
    "uci_news_aggregator/nlp100_5publishers_valid.tsv": "7e047657d733ff5291113f4ff9e3900b3313fb3c9d141601d1e4507fde43f2a7",  # noqa: E501
    "uci_news_aggregator/nlp100_5publishers_test.tsv": "194d6b27245e12e0c4b7e215e16befe42d5ba832b4e263ab455ba69fe1ccddee",  # noqa: E501
    "uci_news_aggregator/uci-news-aggregator_first5000.csv": "eb36cfabfba675cc6ad90616f49862b15b9f9ea2432af48c08494841c6476a3d",  # noqa: E501
    "reuters21578/reuters21578_titles.csv": "40315d455c050d06fdb23761dee5681fbcae481f566b93abeb6d3c1d18054de3",  # noqa: E501
    "bbc_rss/bbc_rss_headlines.csv": "275eb342205b653f8b80e48f9c26a69f6291c0615bb5db206da3c206a2ba7b77",
    "ag_news/train_subsets/lst11111_train.csv": "0b4e3ac98759c22b578acbab82c326eb8a4e743459688e0701bd214dd3074806",  # noqa: E501
    "ag_news/train_subsets/lst11111_dev.csv": "1f50a08f0af4d0ecdbbb6f306529791857c5e9438d1a940891204799e54d7889",  # noqa: E501
    "ag_news/train_subsets/chimera_train.csv": "79b90b096a11e4b3148a3384f142fb85878b4d9e626556aaf6aeb3d1efc810c4",  # noqa: E501
    "ag_news/train_subsets/chimera_validation.csv": "3018472fe488dd02190ef146d598283c6923470b524c07690912cf3fe11100b0",  # noqa: E501
}

#: The AG News test split: evaluation only, so only :func:`ag_news_test` reads (and checks) it.
AG_TEST = ("ag_news/test.csv", "72b844642f92fb74fe397f0d1dd8a46d4cfd6fff60bc5c1a214fe40c44708fd7")

SOURCE_NAMES = ("bbc2005", "uci", "reuters", "bbc_rss", "ag_train")
HELDOUT_FROM, HELDOUT_TO = "2022-09-01", "2023-01-01"  # BBC RSS period kept for evaluation
UCI_COLUMNS = ["id", "title", "url", "publisher", "category", "story", "host", "ts"]
COLUMNS = ["source", "key", "text", "signal", "period", "group"]


class SourceError(Exception):
    """A source file is missing or differs from the one the annotations were made on."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sources(data_dir: Path, checksums: dict[str, str] = CHECKSUMS) -> None:
    """Raise :class:`SourceError` naming the first missing or changed source file."""
    for rel, expected in checksums.items():
        path = data_dir / rel
        if not path.is_file():
            raise SourceError(f"missing source {path} (see {data_dir / 'README.md'})")
        if sha256(path) != expected:
            raise SourceError(f"{path} has changed: its sha256 differs from the one recorded in {__file__}")


def normalize(text: str) -> str:
    """Return ``text`` lower-cased with its whitespace runs as single spaces: the key of "same text"."""
    return re.sub(r"\s+", " ", text).strip().lower()


def ag_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _frame(source: str, key, text, signal, period, group="") -> pd.DataFrame:
    frame = pd.DataFrame(
        {"source": source, "key": key, "text": text, "signal": signal, "period": period, "group": group}
    )
    return frame[COLUMNS]


def load_sources(data_dir: Path = DEFAULT_DATA) -> pd.DataFrame:
    """All rows of every training source (never the AG News test split), keyed and checked."""
    check_sources(data_dir)
    parts = []
    bbc = pd.read_csv(data_dir / "bbc_news/bbc_news_titles.csv", dtype=str, keep_default_na=False)
    parts.append(_frame("bbc2005", bbc.file, bbc.title, bbc.category, "train"))

    def uci(name: str) -> pd.DataFrame:
        return pd.read_csv(data_dir / "uci_news_aggregator" / name, sep="\t", header=None,
                           names=UCI_COLUMNS, quoting=csv.QUOTE_NONE, dtype=str,
                           keep_default_na=False)  # fmt: skip

    first = pd.read_csv(data_dir / "uci_news_aggregator/uci-news-aggregator_first5000.csv", dtype=str,
                        keep_default_na=False).rename(columns=str.lower)  # fmt: skip
    test_ids = set(uci("nlp100_5publishers_test.tsv").id)
    frames = [uci(f"nlp100_5publishers_{s}.tsv") for s in ("train", "valid", "test")] + [first]
    rows = pd.concat(frames, ignore_index=True).drop_duplicates(subset="id", keep="first")
    period = rows.id.isin(test_ids).map({True: "uci_test", False: "train"})
    parts.append(_frame("uci", rows.id, rows.title, rows.category, period, rows.story))

    reuters = pd.read_csv(data_dir / "reuters21578/reuters21578_titles.csv", dtype=str, keep_default_na=False)
    parts.append(_frame("reuters", reuters.newid, reuters.title, reuters.topics, "train"))

    rss = pd.read_csv(data_dir / "bbc_rss/bbc_rss_headlines.csv", dtype=str, keep_default_na=False)
    held = (rss.pub_date >= HELDOUT_FROM) & (rss.pub_date < HELDOUT_TO)
    period = held.map({True: "heldout", False: "train"})
    parts.append(_frame("bbc_rss", rss.link, rss.title, rss.section, period))

    subsets = ["lst11111_train", "lst11111_dev", "chimera_train", "chimera_validation"]
    ag = pd.concat(
        [pd.read_csv(data_dir / f"ag_news/train_subsets/{name}.csv", dtype=str, keep_default_na=False)
         .assign(subset=name) for name in subsets],
        ignore_index=True,
    )  # fmt: skip
    heldout_texts = set(ag.text[ag.subset == "chimera_validation"])
    ag = ag.drop_duplicates(subset="text", keep="first")
    period = ag.text.isin(heldout_texts).map({True: "heldout", False: "train"})
    parts.append(_frame("ag_train", ag.text.map(ag_key), ag.text, ag.label_text, period))

    out = pd.concat(parts, ignore_index=True)
    out["text"] = out.text.str.strip()
    return out


def ag_news_test(data_dir: Path = DEFAULT_DATA) -> pd.DataFrame:
    """Return the AG News test split (label 1-4, title, description), for evaluation only."""
    check_sources(data_dir, dict([AG_TEST]))
    return pd.read_csv(data_dir / AG_TEST[0], dtype={"label": int, "title": str, "description": str})
