r"""Fast n-gram counting over fixed vocabularies, identical to scikit-learn's ``CountVectorizer``.

``CountVectorizer`` analyses every text in Python, n-gram by n-gram; that is nearly the whole
cost of tagging. Headlines reuse a small vocabulary, so :class:`NgramCounter` analyses each
distinct whitespace-separated word once and caches

- its ``char_wb`` n-gram counts, as a sparse row: a batch's character counts are then one
  sparse product (texts x words) @ (words x n-grams), in C;
- its word tokens, as integer ids: word n-grams are then looked up with numpy over the whole
  batch. A word token (``\b\w+\b``) never spans whitespace, so a text's tokens are its
  words' tokens in order.

The only per-text Python work left is ``str.split``. Texts come in already lower-cased (the
featurizer does it once for both blocks), and the counts are CSR matrices with sorted
indices, entry for entry the ones ``CountVectorizer(vocabulary=..., lowercase=True)`` gives;
``tests/test_ngrams.py`` checks it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

__all__ = ["CACHE_WORDS", "NgramCounter", "char_document_frequencies", "char_wb_ngrams"]

#: Distinct words kept in the cache; past it the cache starts afresh, bounding memory.
CACHE_WORDS = 100_000


def _gather_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + n)`` for every (s, n), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def char_wb_ngrams(word: str, low: int, high: int) -> Iterator[str]:
    """Yield the ``char_wb`` n-grams of one word, as scikit-learn cuts them (with repeats)."""
    padded = f" {word} "
    width = len(padded)
    for n in range(low, high + 1):
        for start in range(max(width - n, 0) + 1):
            yield padded[start : start + n]
        if width <= n:  # the whole padded word was the n-gram: longer n add nothing
            break


def char_document_frequencies(
    lowered: Sequence[str], ngram_range: tuple[int, int], chunk: int = 20_000
) -> tuple[list[str], np.ndarray]:
    """Every ``char_wb`` n-gram of ``lowered`` with the number of texts it occurs in.

    What ``CountVectorizer(analyzer="char_wb").fit`` learns before pruning, but each distinct
    word is cut once: a text holds an n-gram exactly when one of its words does, so the
    document frequencies are the nonzeros of (texts x words) @ (words x n-grams), counted a
    chunk of texts at a time to bound memory.
    """
    low, high = ngram_range
    terms: dict[str, int] = {}
    words: dict[str, int] = {}
    ptr, cols = [0], []
    words_per_text = [text.split() for text in lowered]
    for word in dict.fromkeys(chain.from_iterable(words_per_text)):
        ids = {terms.setdefault(gram, len(terms)) for gram in char_wb_ngrams(word, low, high)}
        cols.extend(sorted(ids))
        ptr.append(len(cols))
        words[word] = len(words)
    word_terms = sp.csr_matrix(
        (np.ones(len(cols)), np.asarray(cols, dtype=np.int64), np.asarray(ptr, dtype=np.int64)),
        shape=(len(words), len(terms)),
    )
    df = np.zeros(len(terms), dtype=np.int64)
    for start in range(0, len(words_per_text), chunk):
        part = words_per_text[start : start + chunk]
        word_ids = np.fromiter(map(words.__getitem__, chain.from_iterable(part)), dtype=np.int64)
        lengths = np.fromiter(map(len, part), dtype=np.int64, count=len(part))
        texts_words = sp.csr_matrix(
            (np.ones(len(word_ids)), word_ids, np.concatenate(([0], np.cumsum(lengths)))),
            shape=(len(part), len(words)),
        )
        present = texts_words @ word_terms  # one nonzero per (text, n-gram) pair
        df += np.bincount(present.indices, minlength=len(terms))
    return list(terms), df


class _WordNgramTable:
    """The word n-grams of a vocabulary as a trie of integer codes, walked with numpy.

    Every token that occurs in some vocabulary n-gram is a level-1 node; any other token can
    be in no vocabulary n-gram, so they all share one id, ``unknown``. A level-n node is an
    n-gram that is a vocabulary term or the start of a longer one, coded as
    ``parent node * base + last token``; codes stay far below 2**63 for any n.
    """

    def __init__(self, vocabulary: Sequence[str], ngram_range: tuple[int, int]) -> None:
        self.low, self.high = ngram_range
        split = [tuple(term.split(" ")) for term in vocabulary]
        self.token_ids = {tok: i for i, tok in enumerate(dict.fromkeys(chain.from_iterable(split)))}
        self.unknown = len(self.token_ids)
        self.base = self.unknown + 1
        longest = max(map(len, split), default=0)
        nodes: list[dict[tuple[str, ...], int]] = [{} for _ in range(max(longest, 1) + 1)]
        nodes[1] = {(tok,): i for tok, i in self.token_ids.items()}
        for tokens in split:  # every prefix of a term is a node of its level
            for n in range(2, len(tokens) + 1):
                nodes[n].setdefault(tokens[:n], len(nodes[n]))
        # Per level n >= 2: sorted codes and the node each is; per level: node -> column.
        self.levels: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, np.int64),) * 2] * 2
        for n in range(2, longest + 1):
            level = nodes[n]
            codes = np.fromiter(
                (nodes[n - 1][t[:-1]] * self.base + self.token_ids[t[-1]] for t in level),
                dtype=np.int64,
                count=len(level),
            )
            order = np.argsort(codes, kind="stable")
            self.levels.append((codes[order], np.fromiter(level.values(), np.int64, len(level))[order]))
        self.term_columns = [np.full(len(level), -1, dtype=np.int64) for level in nodes]
        for column, tokens in enumerate(split):
            self.term_columns[len(tokens)][nodes[len(tokens)][tokens]] = column

    def columns(self, tokens: np.ndarray, text_of_token: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(text, column) of every vocabulary n-gram among a batch's token ids."""
        rows, cols = [], []
        node = np.where(tokens == self.unknown, -1, tokens)  # level-1 nodes
        for n in range(1, min(self.high, len(self.term_columns) - 1) + 1):
            count = len(tokens) - n + 1
            if count <= 0 or not len(self.term_columns[n]):
                break  # a level without nodes has no longer n-grams either
            if n > 1:  # extend each (n-1)-gram node by the next token
                known, ids = self.levels[n]
                code = node[:count] * self.base + tokens[n - 1 :]
                at = np.minimum(np.searchsorted(known, code), len(known) - 1)
                same_text = text_of_token[:count] == text_of_token[n - 1 :]
                node = np.where((node[:count] >= 0) & same_text & (known[at] == code), ids[at], -1)
            if n >= self.low:
                column = np.where(node >= 0, self.term_columns[n][np.maximum(node, 0)], -1)
                found = column >= 0
                rows.append(text_of_token[:count][found])
                cols.append(column[found])
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(rows), np.concatenate(cols)


class NgramCounter:
    """Word and ``char_wb`` n-gram counts of lower-cased texts over fixed vocabularies.

    Parameters
    ----------
    word_vocabulary, char_vocabulary : sequence of str
        Terms in column order, as ``CountVectorizer.vocabulary_`` would number them.
    word_ngram_range, char_ngram_range : tuple of int
        N-gram ranges, as in ``CountVectorizer``.
    token_pattern : str
        The word tokenizer's regular expression; a token must never span whitespace.
    """

    def __init__(
        self,
        word_vocabulary: Sequence[str],
        word_ngram_range: tuple[int, int],
        token_pattern: str,
        char_vocabulary: Sequence[str],
        char_ngram_range: tuple[int, int],
    ) -> None:
        self._word_table = _WordNgramTable(word_vocabulary, word_ngram_range)
        self._n_words = len(word_vocabulary)
        self._char_index = {term: i for i, term in enumerate(char_vocabulary)}
        self._n_chars = len(char_vocabulary)
        self._char_low, self._char_high = char_ngram_range
        self._tokenize = re.compile(token_pattern).findall
        # One model serves every thread of a process (Dask's threaded scheduler, a web server):
        # the cache is grown, and read into each call's own snapshot, under this lock.
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._char_ptr: list[int] = [0]
        self._char_cols: list[int] = []
        self._char_counts: list[int] = []
        self._token_ptr: list[int] = [0]
        self._tokens: list[int] = []
        self._char_matrix: sp.csr_matrix | None = None
        self._token_arrays: tuple[np.ndarray, np.ndarray] | None = None

    # -- the cache ------------------------------------------------------------------------
    def _char_ngrams(self, word: str) -> Counter[int]:
        """Columns of the ``char_wb`` n-grams of one word that are in the vocabulary."""
        get = self._char_index.get
        found: Counter[int] = Counter()
        for gram in char_wb_ngrams(word, self._char_low, self._char_high):
            column = get(gram)
            if column is not None:
                found[column] += 1
        return found

    def _add(self, words: set[str]) -> None:
        token_ids, unknown = self._word_table.token_ids, self._word_table.unknown
        for word in sorted(words):  # sorted: the cache's layout does not depend on hash seeds
            found = self._char_ngrams(word)
            columns = sorted(found)
            self._char_cols.extend(columns)
            self._char_counts.extend(found[c] for c in columns)
            self._char_ptr.append(len(self._char_cols))
            self._tokens.extend(token_ids.get(tok, unknown) for tok in self._tokenize(word))
            self._token_ptr.append(len(self._tokens))
            self._ids[word] = len(self._ids)
        self._char_matrix = self._token_arrays = None

    def _chars(self) -> sp.csr_matrix:
        if self._char_matrix is None:
            self._char_matrix = sp.csr_matrix(
                (
                    np.asarray(self._char_counts, dtype=np.float64),
                    np.asarray(self._char_cols, dtype=np.int32),
                    np.asarray(self._char_ptr, dtype=np.int64),
                ),
                shape=(len(self._ids), self._n_chars),
            )
        return self._char_matrix

    def _token_table(self) -> tuple[np.ndarray, np.ndarray]:
        if self._token_arrays is None:
            self._token_arrays = (
                np.asarray(self._token_ptr, dtype=np.int64),
                np.asarray(self._tokens, dtype=np.int64),
            )
        return self._token_arrays

    # -- counting -------------------------------------------------------------------------
    def count(self, lowered: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Return the word and the character count matrices of ``lowered``."""
        words_per_text = [text.split() for text in lowered]
        flat = list(chain.from_iterable(words_per_text))
        with self._lock:
            new = set(flat).difference(self._ids)
            if len(self._ids) + len(new) > CACHE_WORDS:
                self._clear()
                new = set(flat)
            if new:
                self._add(new)
            word_ids = np.fromiter(map(self._ids.__getitem__, flat), dtype=np.int64, count=len(flat))
            # Arrays built from the lists, never changed after: valid however the cache grows next.
            char_matrix, token_table = self._chars(), self._token_table()
        n_texts = len(lowered)
        per_text = np.fromiter(map(len, words_per_text), dtype=np.int64, count=n_texts)
        texts_by_words = sp.csr_matrix(
            (np.ones(len(word_ids)), word_ids, np.concatenate(([0], np.cumsum(per_text)))),
            shape=(n_texts, char_matrix.shape[0]),
        )
        chars = (texts_by_words @ char_matrix).tocsr()
        chars.sort_indices()
        return self._word_counts(word_ids, per_text, token_table), chars

    def _word_counts(
        self, word_ids: np.ndarray, per_text: np.ndarray, token_table: tuple[np.ndarray, np.ndarray]
    ) -> sp.csr_matrix:
        ptr, tokens = token_table
        per_word = ptr[word_ids + 1] - ptr[word_ids]
        batch_tokens = tokens[_gather_ranges(ptr[word_ids], per_word)]
        text_of_word = np.repeat(np.arange(len(per_text), dtype=np.int64), per_text)
        text_of_token = np.repeat(text_of_word, per_word)
        rows, cols = self._word_table.columns(batch_tokens, text_of_token)
        counts = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(per_text), self._n_words), dtype=np.float64
        )
        counts.sum_duplicates()
        return counts
