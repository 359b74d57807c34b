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
    "reuters_2007_2016/headlines.csv.gz": "c344d51b779f9df3471e8d66ae7951fa1a14da8ee6583e6c0206e0a3f0ca7b4d",
    "newsapi_2023/headlines.csv.gz": "9cc7a03f59e2f14e97d40ee9b83d2831ddaa6c6588094e8806b9fd4f83e1e56f",
    "bbc_homepage_2024_2026/headlines.csv.gz": "6b8d7d4a95d074a173dda35c8fd89d0a70970255b734aefd52d1040208178cae",  # noqa: E501
    "inshorts/headlines.csv.gz": "9fd682dce16c3d3867e3c9933efb23105c5d9e503712c829d4fbcb1b0b696b46",
    "reddit_news_2022/headlines.csv.gz": "4064b98ccbee1a041ab488d0cb1b3b40c7cfe86e0b86a8fb0c71c5c0c0a6dd54",
}

#: The AG News test split: evaluation only, so only :func:`ag_news_test` reads (and checks) it.
AG_TEST = ("ag_news/test.csv", "72b844642f92fb74fe397f0d1dd8a46d4cfd6fff60bc5c1a214fe40c44708fd7")

#: Headline sources added for model v3, each de-duplicated by title within itself (so a row's
#: key is the sha1 of its title): name -> (file, signal column, first held-out date or None).
#: Held out for evaluation, never trained on: Reuters 2016 (a year no training row comes from),
#: newsapi November 2023, BBC home page July-August 2026, reddit July 2022, and a tenth of
#: Inshorts (undated; chosen by key).
HEADLINE_SOURCES: dict[str, tuple[str, str, str | None]] = {
    "reuters_wire": ("reuters_2007_2016/headlines.csv.gz", "section", "2016-01-01"),
    "newsapi": ("newsapi_2023/headlines.csv.gz", "outlet", "2023-11-01"),
    "bbc_home": ("bbc_homepage_2024_2026/headlines.csv.gz", "outlet", "2026-07-01"),
    "reddit": ("reddit_news_2022/headlines.csv.gz", "subreddit", "2022-07-01"),
    "inshorts": ("inshorts/headlines.csv.gz", "category", None),
}
SOURCE_NAMES = ("bbc2005", "uci", "reuters", "bbc_rss", "ag_train", *HEADLINE_SOURCES)
HELDOUT_FROM, HELDOUT_TO = "2022-09-01", "2023-01-01"  # BBC RSS period kept for evaluation
UCI_COLUMNS = ["id", "title", "url", "publisher", "category", "story", "host", "ts"]
COLUMNS = ["source", "key", "text", "signal", "period", "group", "date"]


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


def _frame(source: str, key, text, signal, period, group="", date="") -> pd.DataFrame:
    frame = pd.DataFrame(
        {"source": source, "key": key, "text": text, "signal": signal, "period": period, "group": group,
         "date": date}
    )  # fmt: skip
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
    parts.append(_frame("bbc_rss", rss.link, rss.title, rss.section, period, date=rss.pub_date.str[:10]))

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

    parts += [_headlines(data_dir, name) for name in HEADLINE_SOURCES]

    out = pd.concat(parts, ignore_index=True)
    out["text"] = out.text.str.strip()
    return out


def _headlines(data_dir: Path, name: str) -> pd.DataFrame:
    """One of the v3 headline sources, keyed by the sha1 of its title."""
    path, signal, heldout_from = HEADLINE_SOURCES[name]
    rows = pd.read_csv(data_dir / path, dtype=str, keep_default_na=False)
    # A comprehension, not .map(ag_key): 3M titles, a third of the time.
    keys = pd.Series([hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] for t in rows.title], index=rows.index)
    date = rows.date if "date" in rows else pd.Series("", index=rows.index)
    # Undated sources hold out every tenth key.
    held = keys.map(lambda key: int(key, 16) % 10 == 0) if heldout_from is None else date >= heldout_from
    period = held.map({True: "heldout", False: "train"})
    return _frame(name, keys, rows.title, rows[signal], period, date=date)


def ag_news_test(data_dir: Path = DEFAULT_DATA) -> pd.DataFrame:
    """Return the AG News test split (label 1-4, title, description), for evaluation only."""
    check_sources(data_dir, dict([AG_TEST]))
    return pd.read_csv(data_dir / AG_TEST[0], dtype={"label": int, "title": str, "description": str})
