r"""Fast n-gram counting over fixed vocabularies, identical to scikit-learn's ``CountVectorizer``.

``CountVectorizer`` analyses every text in Python, n-gram by n-gram; that is nearly the whole
cost of tagging. Headlines reuse a small vocabulary, so :class:`NgramCounter` analyses each
distinct whitespace-separated word once and caches

- its ``char_wb`` n-gram counts, as a sparse row: a batch's character counts are then one
  sparse product (texts x words) @ (words x n-grams), in C;
- its word tokens, as integer ids: word n-grams are then looked up with numpy over the whole
  batch. A word token (``\b\w+\b``) never spans whitespace, so a text's tokens are its
  words' tokens in order.

The cache lives in growable numpy buffers (:class:`_Growable`): a batch reads views of them,
never a per-batch conversion. It is bounded by memory, :data:`CACHE_BYTES` per process
(about 220 bytes a word: 287,000 distinct words of a million Reuters headlines take about
60 MB), and starts afresh when full. New words are analysed a batch at a time: one regular
expression ``findall`` per n-gram length over the joined new words, one dictionary lookup
per n-gram (``map``), and ``np.unique`` for the counts.

A batch of texts is joined, lower-cased and split once (:meth:`NgramCounter.count_texts`),
with a private-use character, :data:`SENTINEL`, standing alone between texts to mark where
each ends; a batch whose texts hold that character is split text by text instead. The
counts are, entry for entry, the ones ``CountVectorizer(vocabulary=..., lowercase=True)``
gives; ``tests/test_ngrams.py`` checks it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

__all__ = [
    "CACHE_BYTES",
    "CACHE_WORDS",
    "SENTINEL",
    "NgramCounter",
    "char_document_frequencies",
    "char_wb_ngrams",
]

#: Memory the word cache of one process may hold (its numpy buffers, plus an estimate of its
#: word dictionary); past it the cache starts afresh. 128 MiB hold about 600,000 words, twice
#: the distinct words of a million Reuters headlines. A batch may overshoot it by its own words.
CACHE_BYTES = 128 * 2**20

#: A second bound, in distinct words, far above what :data:`CACHE_BYTES` lets in; it keeps
#: the cache's word ids within int32.
CACHE_WORDS = 50_000_000

#: Bytes a cached word costs beyond its numpy rows: the str, its dict slot and its int id.
_WORD_OVERHEAD = 120

#: A private-use character marking the end of each text in a joined batch: no case mapping
#: produces it, and it is neither whitespace nor cased, so a batch joined with it between
#: spaces lower-cases and splits exactly as its texts one by one.
SENTINEL = "\ue000"
_JOIN = f" {SENTINEL} "


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


class _Growable:
    """A 1-d numpy buffer that grows by doubling.

    Entries below :attr:`size` are never written again, so a view of them (:meth:`view`)
    stays valid however the buffer grows next: growing copies into a new array.
    """

    __slots__ = ("data", "size")

    def __init__(self, dtype: type, first: int | None = None) -> None:
        self.data: np.ndarray = np.zeros(1024, dtype=dtype)
        self.size = 0
        if first is not None:
            self.data[0] = first
            self.size = 1

    def extend(self, values: np.ndarray) -> None:
        """Append ``values``."""
        end = self.size + len(values)
        if end > len(self.data):
            grown = np.empty(max(end, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        """Return the filled part (a view: no copy)."""
        return self.data[: self.size]


class _Snapshot:
    """Read-only views of the cache taken under the lock: valid after the cache grows on."""

    __slots__ = ("char_matrix", "token_ptr", "tokens")

    def __init__(self, char_matrix: sp.csr_matrix, token_ptr: np.ndarray, tokens: np.ndarray) -> None:
        self.char_matrix = char_matrix
        self.token_ptr = token_ptr
        self.tokens = tokens


class NgramCounter:
    """Word and ``char_wb`` n-gram counts of texts over fixed vocabularies.

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
        # Every n-gram of length n inside a padded word of the "\n"-joined new words.
        self._grams_of_length = {
            n: re.compile(f"(?=([^\\n]{{{n}}}))").findall for n in range(self._char_low, self._char_high + 1)
        }
        self._tokenize = re.compile(token_pattern).findall
        # One model serves every thread of a process (Dask's threaded scheduler, a web server):
        # the cache is grown, and read into each call's own snapshot, under this lock.
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._char_ptr = _Growable(np.int32, first=0)
        self._char_cols = _Growable(np.int32)
        self._char_counts = _Growable(np.float64)
        self._token_ptr = _Growable(np.int64, first=0)
        self._tokens = _Growable(np.int64)
        self._word_bytes = 0

    # -- the cache ------------------------------------------------------------------------
    def cache_bytes(self) -> int:
        """Return the memory the word cache holds: its buffers and an estimate of its words."""
        buffers = (self._char_ptr, self._char_cols, self._char_counts, self._token_ptr, self._tokens)
        return sum(buffer.data.nbytes for buffer in buffers) + self._word_bytes

    def _char_rows(self, words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the ``char_wb`` counts of ``words`` over the vocabulary, as CSR arrays.

        That is, the number of stored entries of each word, their columns (sorted within a
        word) and their counts.
        """
        padded = [f" {word} " for word in words]
        widths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        joined = "\n".join(padded)  # words hold no whitespace: no n-gram spans two words
        get = self._char_index.get
        owners, columns = [], []
        for n, findall in self._grams_of_length.items():
            grams = findall(joined)
            per_word = np.maximum(widths - n + 1, 0)
            owners.append(np.repeat(np.arange(len(words), dtype=np.int64), per_word))
            columns.append(np.fromiter(map(get, grams, repeat(-1)), dtype=np.int64, count=len(grams)))
        short = np.flatnonzero(widths < self._char_low)
        if len(short):  # scikit-learn keeps a padded word shorter than every n as one n-gram
            owners.append(short)
            columns.append(np.fromiter((get(padded[i], -1) for i in short.tolist()), np.int64, len(short)))
        owner, column = np.concatenate(owners), np.concatenate(columns)
        found = column >= 0
        keys, counts = np.unique(owner[found] * max(self._n_chars, 1) + column[found], return_counts=True)
        owner, column = np.divmod(keys, max(self._n_chars, 1))
        per_word = np.bincount(owner, minlength=len(words))
        return per_word, column.astype(np.int32), counts.astype(np.float64)

    def _add(self, words: list[str]) -> None:
        """Analyse ``words`` (new to the cache, in a fixed order) and append them to it."""
        per_word, columns, counts = self._char_rows(words)
        self._char_cols.extend(columns)
        self._char_counts.extend(counts)
        self._char_ptr.extend(self._char_ptr.data[self._char_ptr.size - 1] + np.cumsum(per_word))
        token_ids, unknown = self._word_table.token_ids, self._word_table.unknown
        tokens = list(map(self._tokenize, words))
        flat = list(chain.from_iterable(tokens))
        self._tokens.extend(np.fromiter(map(token_ids.get, flat, repeat(unknown)), np.int64, len(flat)))
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        self._token_ptr.extend(self._token_ptr.data[self._token_ptr.size - 1] + np.cumsum(lengths))
        first = len(self._ids)
        self._ids.update(zip(words, range(first, first + len(words))))
        self._word_bytes += _WORD_OVERHEAD * len(words) + sum(map(len, words))

    def _snapshot(self) -> _Snapshot:
        char_matrix = sp.csr_matrix(
            (self._char_counts.view(), self._char_cols.view(), self._char_ptr.view()),
            shape=(len(self._ids), self._n_chars),
            copy=False,
        )
        return _Snapshot(char_matrix, self._token_ptr.view(), self._tokens.view())

    def _lookup(self, words: list[str], ends: str | None) -> tuple[np.ndarray, _Snapshot]:
        """Cache ids of ``words``, adding the new ones, and a snapshot of the cache.

        ``ends`` is the word that marks the end of a text (:data:`SENTINEL`), id -1, or None.
        """
        with self._lock:
            get = self._ids.get
            ids = np.fromiter(map(get, words, repeat(-1)), dtype=np.int64, count=len(words))
            missing = np.flatnonzero(ids < 0)
            if len(missing):
                missing_words = [words[i] for i in missing.tolist()]
                new = set(missing_words)
                new.discard(ends)
                if new:
                    if len(self._ids) + len(new) > CACHE_WORDS or self.cache_bytes() > CACHE_BYTES:
                        self._clear()
                        new = set(words)
                        new.discard(ends)
                        missing_words, missing = words, np.arange(len(words))
                    # Sorted: the cache's layout does not depend on hash seeds.
                    self._add(sorted(new))
                    get = self._ids.get
                    ids[missing] = np.fromiter(
                        map(get, missing_words, repeat(-1)), dtype=np.int64, count=len(missing_words)
                    )
            return ids, self._snapshot()

    # -- counting -------------------------------------------------------------------------
    @staticmethod
    def split(texts: Sequence[str], *, lower: bool) -> tuple[list[str], np.ndarray | None]:
        """Return the words of all ``texts`` and, unless they are marked, each text's count.

        The texts are joined with :data:`SENTINEL` (between spaces), lower-cased (with
        ``lower``) and split in one go, the sentinel standing alone between one text's words
        and the next's (the counts are then None); if a text holds the sentinel, they are
        split text by text instead.
        """
        joined = _JOIN.join(texts)
        if joined.count(SENTINEL) == max(len(texts) - 1, 0):
            return (joined.lower() if lower else joined).split(), None
        per_text = [(text.lower() if lower else text).split() for text in texts]
        lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
        return list(chain.from_iterable(per_text)), lengths

    def count(self, lowered: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Return the word and the character count matrices of ``lowered`` (sorted indices)."""
        words, chars = self.count_words(*self.split(lowered, lower=False), len(lowered))
        chars.sort_indices()
        return words, chars

    def count_texts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Return the word and the character count matrices of ``texts``, lower-casing them.

        The character block's indices are not sorted within a row (their order depends on
        that row's text alone); the word block's are.
        """
        return self.count_words(*self.split(texts, lower=True), len(texts))

    def count_words(
        self, words: list[str], lengths: np.ndarray | None, n_texts: int
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Count the words and lengths of :meth:`split` of ``n_texts`` texts, in two blocks."""
        ids, snapshot = self._lookup(words, SENTINEL if lengths is None else None)
        if lengths is None:
            ends = ids < 0  # the sentinels
            text_of_word = np.cumsum(ends)[~ends]
            word_ids = ids[~ends]
            per_text = np.bincount(text_of_word, minlength=n_texts)
        else:
            word_ids, per_text = ids, lengths
            text_of_word = np.repeat(np.arange(n_texts, dtype=np.int64), per_text)
        texts_by_words = sp.csr_matrix(
            (
                np.ones(len(word_ids)),
                word_ids.astype(np.int32),
                np.concatenate(([0], np.cumsum(per_text))).astype(np.int32),
            ),
            shape=(n_texts, snapshot.char_matrix.shape[0]),
            copy=False,
        )
        chars = texts_by_words @ snapshot.char_matrix
        return self._word_counts(word_ids, text_of_word, n_texts, snapshot), chars

    def _word_counts(
        self, word_ids: np.ndarray, text_of_word: np.ndarray, n_texts: int, snapshot: _Snapshot
    ) -> sp.csr_matrix:
        ptr, tokens = snapshot.token_ptr, snapshot.tokens
        per_word = ptr[word_ids + 1] - ptr[word_ids]
        batch_tokens = tokens[_gather_ranges(ptr[word_ids], per_word)]
        text_of_token = np.repeat(text_of_word, per_word)
        rows, cols = self._word_table.columns(batch_tokens, text_of_token)
        counts = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n_texts, self._n_words), dtype=np.float64
        )
        counts.sum_duplicates()
        return counts
