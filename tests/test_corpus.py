"""The default model's corpus (training/build_corpus.py) keeps the rules the project set for it."""

import shutil
import sys
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parents[1] / "training"
sys.path.insert(0, str(TRAINING))

build_corpus = pytest.importorskip("build_corpus")
sources = pytest.importorskip("sources")


@pytest.fixture(scope="module")
def rows(shared_data):
    return sources.load_sources(shared_data)  # ~3M rows: read once for the module


def _build_from(rows, data_dir):
    """Build the corpus of ``data_dir`` with its sources' rows given (read once, above)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            build_corpus, "load_sources", lambda where: rows if where == data_dir else pytest.fail(str(where))
        )
        return build_corpus.build(data_dir)


@pytest.fixture(scope="module")
def corpus(shared_data, rows):
    return _build_from(rows, shared_data)


def test_the_corpus_keeps_the_v3_rules(corpus):
    # 80,000+ judged real headlines, 3,000+ per topic, wire copy in every topic, a quarter from
    # 2022 on, written never more than real, a test set of 5,000+ headlines.
    assert corpus.problems() == []
    counts = corpus.counts()
    assert list(counts.index) == build_corpus.TOPICS
    assert (counts.real >= 3000).all() and (counts.real >= counts.written).all() and (counts.wire > 0).all()
    assert len(corpus.test) >= 5000 and (counts.test >= 50).all()


def test_no_test_text_is_trained_on_and_every_text_is_a_headline(corpus):
    norm = build_corpus.normalize
    assert not set(corpus.train.text.map(norm)) & set(corpus.test.text.map(norm))
    assert not corpus.train.text.map(norm).duplicated().any()
    assert "ag_train" not in set(corpus.train.source) | set(corpus.test.source)  # title + description
    assert len(set(corpus.test.source)) >= 5
    written = corpus.train[corpus.train.origin == "written"]
    references = [*build_corpus.EXAMPLES, *corpus.test.text]
    assert not build_corpus.near_duplicates(written.text.tolist(), references, among=True).any()


def test_near_duplicates_are_found_by_shared_words():
    close = build_corpus.near_duplicates(
        ["Oil prices rise as OPEC cuts output", "Oil prices climb as OPEC cuts output", "New frog found"],
        ["OPEC cuts output as oil prices rise sharply"],
        among=True,
    )
    assert close.tolist() == [True, True, False]
    assert build_corpus.near_duplicates(["a b c d", "a b c e"], [], among=True).tolist() == [False, True]


def test_the_same_data_without_the_ag_news_test_split_gives_the_same_corpus(
    corpus, rows, shared_data, tmp_path
):
    # A copy lacking the AG News test split: every training source is there (checked, as
    # load_sources checks them), and the same rows build the same corpus, so the corpus is
    # deterministic and never needs the evaluation-only split.
    data = tmp_path / "data"
    shutil.copytree(shared_data, data, ignore=shutil.ignore_patterns("test.csv", "bbc_news.csv.gz"))
    sources.check_sources(data)
    again = _build_from(rows, data)
    assert again.train.equals(corpus.train) and again.test.equals(corpus.test)
    with pytest.raises(sources.SourceError, match=r"missing source .*ag_news/test\.csv"):
        sources.ag_news_test(data)  # only the evaluation reads it


def test_a_missing_or_changed_source_is_named(shared_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(shared_data, data, ignore=shutil.ignore_patterns("bbc_news.csv.gz"))
    (data / "reuters21578" / "reuters21578_titles.csv").unlink()
    with pytest.raises(sources.SourceError, match=r"missing source .*reuters21578_titles\.csv"):
        build_corpus.build(data)
    shutil.copy(shared_data / "reuters21578" / "reuters21578_titles.csv", data / "reuters21578")
    with (data / "bbc_rss" / "bbc_rss_headlines.csv").open("a", encoding="utf-8") as handle:
        handle.write("An extra headline,2022-01-01T00:00:00Z,https://example.org/x,world,\n")
    with pytest.raises(sources.SourceError, match=r"bbc_rss_headlines\.csv has changed"):
        build_corpus.build(data)
