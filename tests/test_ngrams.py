import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from newsclf._model import ngrams as _ngrams
from newsclf._model.features import WORD_TOKEN_PATTERN
from newsclf._model.ngrams import NgramCounter

TRAIN = [
    "Brent crude climbs as OPEC+ extends output cuts",
    "Foreign ministers of Georgia and Kazakhstan discuss transit corridor",
    "Arsenal sign Brazilian midfielder",
    "crude oil output cuts extended",
    "İstanbul hosts talks; ǅemal's café wins award",
]


def reference(texts, vocabulary, analyzer, ngram_range):
    if not vocabulary:  # CountVectorizer refuses an empty vocabulary
        return sp.csr_matrix((len(texts), 0))
    kwargs = {"token_pattern": WORD_TOKEN_PATTERN} if analyzer == "word" else {}
    vectorizer = CountVectorizer(
        vocabulary={t: i for i, t in enumerate(vocabulary)},
        analyzer=analyzer,
        ngram_range=ngram_range,
        dtype=np.float64,
        **kwargs,
    )
    return vectorizer.transform(texts).tocsr()


def vocabulary(texts, analyzer, ngram_range):
    kwargs = {"token_pattern": WORD_TOKEN_PATTERN} if analyzer == "word" else {}
    try:
        fitted = CountVectorizer(analyzer=analyzer, ngram_range=ngram_range, **kwargs).fit(texts)
    except ValueError:  # empty vocabulary
        return []
    return sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__)


def assert_identical(ours, theirs):
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)
    np.testing.assert_array_equal(ours.data, theirs.data)


def check(texts, fit_texts, word_range=(1, 2), char_range=(3, 5)):
    word_vocab = vocabulary(fit_texts, "word", word_range)
    char_vocab = vocabulary(fit_texts, "char_wb", char_range)
    counter = NgramCounter(word_vocab, word_range, WORD_TOKEN_PATTERN, char_vocab, char_range)
    for _ in range(2):  # cold cache, then warm
        words, chars = counter.count([t.lower() for t in texts])
        assert_identical(words, reference(texts, word_vocab, "word", word_range))
        assert_identical(chars, reference(texts, char_vocab, "char_wb", char_range))


@pytest.mark.parametrize(
    ("word_range", "char_range"), [((1, 2), (3, 5)), ((1, 3), (1, 2)), ((2, 2), (2, 5)), ((1, 1), (4, 6))]
)
def test_counts_equal_count_vectorizer(word_range, char_range):
    texts = [*TRAIN, "", "  ", "a", "crude  crude\tcrude", "x" * 40, "OPEC+ cuts: crude, crude oil"]
    check(texts, TRAIN, word_range, char_range)


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
PIECES = ["crude", "oil", "Crude", "a", "ab", "ǅ", "İ", " ", "\t", "\u00a0", "-", "'"]
worded = st.lists(st.sampled_from(PIECES))


@given(
    st.lists(st.one_of(text, worded.map("".join), worded.map(" ".join)), max_size=8),
    st.lists(st.one_of(text, worded.map(" ".join)), min_size=1, max_size=8),
)
def test_counts_equal_count_vectorizer_for_any_text(texts, fit_texts):
    check(texts, fit_texts, (1, 3), (2, 4))


def test_cache_starts_afresh_when_full(monkeypatch):
    monkeypatch.setattr(_ngrams, "CACHE_WORDS", 5)
    word_vocab = vocabulary(TRAIN, "word", (1, 2))
    char_vocab = vocabulary(TRAIN, "char_wb", (3, 5))
    counter = NgramCounter(word_vocab, (1, 2), WORD_TOKEN_PATTERN, char_vocab, (3, 5))
    for texts in (TRAIN[:2], TRAIN[2:], TRAIN):
        words, chars = counter.count([t.lower() for t in texts])
        assert_identical(chars, reference(texts, char_vocab, "char_wb", (3, 5)))
        assert_identical(words, reference(texts, word_vocab, "word", (1, 2)))
    assert len(counter._ids) <= max(5, len({w for t in TRAIN for w in t.lower().split()}))


def test_empty_vocabularies_give_empty_counts():
    counter = NgramCounter([], (1, 2), WORD_TOKEN_PATTERN, [], (3, 5))
    words, chars = counter.count(["anything at all", ""])
    assert words.shape == (2, 0) and chars.shape == (2, 0)


@pytest.mark.parametrize("cache_words", [_ngrams.CACHE_WORDS, 300])
def test_threads_sharing_one_counter_get_the_same_counts(monkeypatch, cache_words):
    # One model serves every thread of a process (Dask's threaded scheduler): the shared word
    # cache must never be read half-grown, nor emptied under a thread still using it.
    monkeypatch.setattr(_ngrams, "CACHE_WORDS", cache_words)
    word_vocab = vocabulary(TRAIN, "word", (1, 2))
    char_vocab = vocabulary(TRAIN, "char_wb", (3, 5))
    counter = NgramCounter(word_vocab, (1, 2), WORD_TOKEN_PATTERN, char_vocab, (3, 5))
    # Every batch brings words no other batch has: each call grows the cache.
    batches = [[f"{t} crude{b}x{i} oil{i}{b}" for i, t in enumerate(TRAIN * 40)] for b in range(16)]
    expected = [
        (reference(b, word_vocab, "word", (1, 2)), reference(b, char_vocab, "char_wb", (3, 5)))
        for b in batches
    ]
    start = threading.Barrier(4)

    def count(index: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        if index < 4:
            start.wait()
        return counter.count([t.lower() for t in batches[index]])

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(count, range(len(batches))))
    for (words, chars), (want_words, want_chars) in zip(results, expected):
        assert_identical(words, want_words)
        assert_identical(chars, want_chars)


def test_texts_holding_the_sentinel_are_split_one_by_one():
    # The batch is joined with SENTINEL between texts; a text that holds it must not be cut.
    s = _ngrams.SENTINEL
    texts = [f"crude {s} oil", s, "", f"Arsenal{s}sign", "crude oil output"]
    check(texts, [*TRAIN, f"crude {s} oil"])
    _words, lengths = NgramCounter.split(texts, lower=True)
    assert lengths is not None and list(lengths) == [3, 1, 0, 1, 3]


def test_joined_batch_lowercases_as_text_by_text():
    # Final sigma depends on its neighbours: joining must not change how a text lower-cases.
    texts = ["ΟΔΟΣ", "Σ", "ΣΑΣ'", "'Σ", "İSTANBUL", "ǅEMAL"]
    words, lengths = NgramCounter.split(texts, lower=True)
    assert lengths is None
    expected = [w for i, t in enumerate(texts) for w in ([_ngrams.SENTINEL] if i else []) + t.lower().split()]
    assert words == expected


def test_cache_is_bounded_by_memory(monkeypatch):
    monkeypatch.setattr(_ngrams, "CACHE_BYTES", 200_000)
    word_vocab = vocabulary(TRAIN, "word", (1, 2))
    char_vocab = vocabulary(TRAIN, "char_wb", (3, 5))
    counter = NgramCounter(word_vocab, (1, 2), WORD_TOKEN_PATTERN, char_vocab, (3, 5))
    for b in range(30):
        texts = [f"crude{b}x{i} oil{i}{b} {t}" for i, t in enumerate(TRAIN * 20)]
        words, chars = counter.count([t.lower() for t in texts])
        assert_identical(chars, reference(texts, char_vocab, "char_wb", (3, 5)))
        assert_identical(words, reference(texts, word_vocab, "word", (1, 2)))
        # At most the bound plus one batch's own words (and the buffers' doubling).
        assert counter.cache_bytes() < 2 * 200_000 + 200 * 250


def test_count_texts_lowercases_and_counts_like_count():
    word_vocab = vocabulary(TRAIN, "word", (1, 2))
    char_vocab = vocabulary(TRAIN, "char_wb", (3, 5))
    counter = NgramCounter(word_vocab, (1, 2), WORD_TOKEN_PATTERN, char_vocab, (3, 5))
    texts = [*TRAIN, "", "CRUDE Oil"]
    words, chars = counter.count_texts(texts)
    chars.sort_indices()
    assert_identical(words, reference(texts, word_vocab, "word", (1, 2)))
    assert_identical(chars, reference(texts, char_vocab, "char_wb", (3, 5)))
