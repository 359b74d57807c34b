"""TF-IDF features of headlines: a word n-gram block and a character n-gram block.

The learned state is plain data (an ordered vocabulary and an idf vector per block) so it
can be stored without pickle and rebuilt under any scikit-learn version. Fitting uses
scikit-learn's ``TfidfVectorizer``; transforming counts n-grams with the fast analyzers of
``ngrams.py`` (which give exactly scikit-learn's counts, ten times faster) plus the tf-idf
arithmetic below, so the fitted and the reloaded featurizer run exactly the same code.
Prediction goes through :meth:`TextFeatures.scores`, which never builds the stacked matrix.

Fitting and transforming see every text alike: cut to :data:`MAX_TEXT_CHARS`, stripped of
wire slugs and outlet names by :func:`~newsclf._model.furniture.strip_furniture` when the
``strip_furniture`` setting is on, then lower-cased.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from types import MappingProxyType
from typing import Final

import numpy as np
import scipy.sparse as sp

from .furniture import strip_furniture as _strip_furniture
from .ngrams import NgramCounter, char_document_frequencies

__all__ = [
    "BLOCKS",
    "FEATURE_PARAMS",
    "LEGACY_SETTINGS",
    "MAX_TEXT_CHARS",
    "TextFeatures",
    "min_document_count",
]

#: Word tokens of one or more word characters: keeps "a", "3", "5G", "F1".
WORD_TOKEN_PATTERN = r"(?u)\b\w+\b"

#: Texts are cut to this many characters before featurizing: headlines are far shorter, and
#: the cap keeps one pathological multi-megabyte "line" from taking seconds and gigabytes.
MAX_TEXT_CHARS = 10_000

#: The featurizer's settings; the estimator holds them (and their defaults) as its own params.
FEATURE_PARAMS = (
    "word_ngram_range",
    "char_ngram_range",
    "min_df",
    "sublinear_tf",
    "char_weight",
    "strip_furniture",
)

#: Feature settings added after models were first saved, with the value that gives the
#: behaviour of the models saved (or pickled) before: a model file or pickle that lacks one
#: of them was made without it, so it must read as this value, not as today's default.
LEGACY_SETTINGS: Final[Mapping[str, object]] = MappingProxyType({"strip_furniture": False})

#: Feature blocks in the order they are stacked.
BLOCKS = ("word", "char")


def _pair(ngram_range: Sequence[int]) -> tuple[int, int]:
    """Return an n-gram range as two Python ints (numpy integers would not go into JSON)."""
    low, high = ngram_range
    return int(low), int(high)


def _min_df_value(min_df: float) -> int | float:
    """Return ``min_df`` as a Python int (a count of texts) or float (a share of them)."""
    return int(min_df) if isinstance(min_df, Integral) else float(min_df)


def _min_df_tries(min_df: int | float) -> tuple[int | float, ...]:
    """``min_df`` and then 1, the fallback when no term reaches ``min_df`` (1 only once).

    An int and a float are different settings (1 is one text, 1.0 is every text), so they are
    told apart by type, not compared by value.
    """
    return (min_df,) if isinstance(min_df, int) and min_df == 1 else (min_df, 1)


def min_document_count(min_df: int | float, n_texts: int) -> int | float:
    """Return the fewest texts a term must occur in to be kept, as ``CountVectorizer`` does.

    An int ``min_df`` is that count; a float is a share of the ``n_texts`` training texts
    (compared as ``df >= min_df * n_texts``, unrounded, exactly as scikit-learn does).
    """
    return min_df if isinstance(min_df, Integral) else min_df * n_texts


def _normalize_rows(matrix: sp.csr_matrix) -> None:
    """Scale each row of a CSR matrix to unit L2 norm, in place (empty rows stay empty)."""
    lengths = np.diff(matrix.indptr)
    squares: np.ndarray | list[float] = (
        np.add.reduceat(matrix.data**2, matrix.indptr[:-1][lengths > 0]) if matrix.nnz else []
    )
    norms = np.ones(matrix.shape[0])
    norms[lengths > 0] = np.sqrt(squares)
    matrix.data /= np.repeat(norms, lengths)


@dataclass(frozen=True)
class _BlockSpec:
    analyzer: str
    ngram_range: tuple[int, int]

    def vectorizer_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {
            "analyzer": self.analyzer,
            "ngram_range": tuple(self.ngram_range),
            "lowercase": True,
            "dtype": np.float64,
        }
        if self.analyzer == "word":
            kwargs["token_pattern"] = WORD_TOKEN_PATTERN
        return kwargs


class TextFeatures:
    """Word and character n-gram TF-IDF, each block L2-normalised, stacked side by side.

    All settings are required: their defaults live in one place, :class:`NewsClassifier`.

    Parameters
    ----------
    word_ngram_range, char_ngram_range : tuple of int
        N-gram ranges of the word block and of the character block (``char_wb``: n-grams
        inside word boundaries, padded with a space).
    min_df : int or float
        Keep only terms seen in at least this many training texts (an int) or in at least
        this share of them (a float in (0, 1]), in both blocks, as scikit-learn's
        ``CountVectorizer`` reads ``min_df``. A block where no term is kept falls back to 1.
    sublinear_tf : bool
        Use ``1 + log(tf)`` instead of raw term counts.
    char_weight : float
        Scale of the character block relative to the word block.
    strip_furniture : bool
        Remove wire slugs ("UPDATE 2-") and outlet names (" - Reuters") from every text, in
        ``fit`` and ``transform`` alike, before lower-casing
        (:func:`~newsclf._model.furniture.strip_furniture`).
    """

    def __init__(
        self,
        *,
        word_ngram_range: tuple[int, int],
        char_ngram_range: tuple[int, int],
        min_df: float,
        sublinear_tf: bool,
        char_weight: float,
        strip_furniture: bool,
    ) -> None:
        # Plain Python values: the settings go into JSON and decide int-versus-float meanings.
        self.word_ngram_range = _pair(word_ngram_range)
        self.char_ngram_range = _pair(char_ngram_range)
        self.min_df = _min_df_value(min_df)
        self.sublinear_tf = bool(sublinear_tf)
        self.char_weight = float(char_weight)
        self.strip_furniture = bool(strip_furniture)

    # -- settings -------------------------------------------------------------------------
    def settings(self) -> dict[str, object]:
        """Return the constructor arguments as JSON-ready data."""
        return {
            "word_ngram_range": list(self.word_ngram_range),
            "char_ngram_range": list(self.char_ngram_range),
            "min_df": self.min_df,  # an int stays an int, a float (a share) a float
            "sublinear_tf": bool(self.sublinear_tf),
            "char_weight": float(self.char_weight),
            "strip_furniture": bool(self.strip_furniture),
        }

    def _specs(self) -> dict[str, _BlockSpec]:
        return {
            "word": _BlockSpec("word", self.word_ngram_range),
            "char": _BlockSpec("char_wb", self.char_ngram_range),
        }

    def _prepare(self, texts: Iterable[str]) -> list[str]:
        """Return ``texts`` as both blocks see them, before lower-casing (see the module docstring).

        Furniture is stripped before lower-casing: its rules are case-sensitive.
        """
        if self.strip_furniture:
            return [_strip_furniture(text[:MAX_TEXT_CHARS]) for text in texts]
        return [text[:MAX_TEXT_CHARS] for text in texts]

    # -- learning -------------------------------------------------------------------------
    def fit(self, texts: Sequence[str]) -> TextFeatures:
        """Learn each block's vocabulary and idf from ``texts``; return self."""
        texts = self._prepare(texts)
        # Only fitting needs scikit-learn: loading and predicting stay on numpy and scipy.sparse.
        from sklearn.feature_extraction.text import TfidfVectorizer

        vocabularies: dict[str, list[str]] = {}
        idfs: dict[str, np.ndarray] = {}
        vocabularies["char"], idfs["char"] = self._fit_char_block(texts)
        for name, spec in self._specs().items():
            if name == "char":
                continue
            # A small training set may leave no term at min_df; fall back to min_df=1 so
            # the block still exists rather than failing deep inside scikit-learn.
            for min_df in _min_df_tries(self.min_df):
                vectorizer = TfidfVectorizer(
                    min_df=min_df, sublinear_tf=self.sublinear_tf, **spec.vectorizer_kwargs()
                )
                try:
                    vectorizer.fit(texts)
                except ValueError:  # "empty vocabulary"
                    continue
                break
            else:
                vocabularies[name], idfs[name] = [], np.zeros(0)
                continue
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            vocabularies[name] = terms
            idfs[name] = np.asarray(vectorizer.idf_, dtype=np.float64)
        if not any(vocabularies.values()):
            raise ValueError("no features could be learned: every training text is empty")
        self._set_state(vocabularies, idfs)
        return self

    def _fit_char_block(self, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """Learn the character block's vocabulary and idf, exactly as ``TfidfVectorizer`` does.

        scikit-learn analyses every text n-gram by n-gram, the slowest part of training;
        :func:`char_document_frequencies` cuts each distinct word once instead. ``min_df``
        keeps terms by scikit-learn's rule (:func:`min_document_count`), as in the word block.
        """
        terms, df = char_document_frequencies([text.lower() for text in texts], self.char_ngram_range)
        for min_df in _min_df_tries(self.min_df):  # as for the word block, below
            low = min_document_count(min_df, len(texts))
            kept = sorted((term, count) for term, count in zip(terms, df.tolist()) if count >= low)
            if kept:
                break
        kept_df = np.array([count for _, count in kept], dtype=np.float64)
        # Smoothed idf, as TfidfVectorizer(smooth_idf=True): ln((1 + n) / (1 + df)) + 1.
        idf = np.log((1.0 + len(texts)) / (1.0 + kept_df)) + 1.0
        return [term for term, _ in kept], idf

    def _set_state(self, vocabularies: dict[str, list[str]], idfs: dict[str, np.ndarray]) -> None:
        for name in BLOCKS:
            if len(vocabularies[name]) != len(idfs[name]):
                raise ValueError(f"{name} block: vocabulary and idf lengths differ")
        self.vocabularies_ = vocabularies
        self.idfs_ = idfs
        self._build_counter()

    def _build_counter(self) -> None:
        self._counter = NgramCounter(
            self.vocabularies_["word"],
            self.word_ngram_range,
            WORD_TOKEN_PATTERN,
            self.vocabularies_["char"],
            self.char_ngram_range,
        )

    # -- pickling -------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, object]:
        # The counter is derived from the vocabularies, and its word cache is per process:
        # shipping it to a worker (or into a joblib file) would copy up to CACHE_BYTES of it.
        state = self.__dict__.copy()
        state.pop("_counter", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update({**LEGACY_SETTINGS, **state})  # pickled before a setting existed
        if "_counter" not in state and "vocabularies_" in state:
            self._build_counter()

    @classmethod
    def from_state(
        cls,
        settings: dict[str, object],
        vocabularies: dict[str, list[str]],
        idfs: dict[str, np.ndarray],
    ) -> TextFeatures:
        """Rebuild a fitted featurizer from :meth:`settings` and its learned state."""
        features = cls(**settings)  # type: ignore[arg-type]
        features._set_state(vocabularies, {k: np.asarray(v, np.float64) for k, v in idfs.items()})
        return features

    # -- transforming ---------------------------------------------------------------------
    @property
    def n_features(self) -> int:
        """Total number of features over all blocks."""
        return sum(len(v) for v in self.vocabularies_.values())

    def feature_names(self) -> list[tuple[str, str]]:
        """Return ``(block, term)`` for every feature column, in column order."""
        return [(name, term) for name in BLOCKS for term in self.vocabularies_[name]]

    def _weigh(self, name: str, block: sp.csr_matrix) -> None:
        """Turn a block's counts into tf x idf, in place (not normalised)."""
        if self.sublinear_tf:
            np.log(block.data, out=block.data)
            block.data += 1.0
        block.data *= self.idfs_[name][block.indices]  # tf x idf, entry by entry

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """Map texts to a CSR matrix of shape ``(n_texts, n_features)``."""
        # Lower-cased once for both blocks (the whole batch at once), as scikit-learn's default
        # preprocessor does.
        blocks = []
        for name, block in zip(BLOCKS, self._counter.count_texts(self._prepare(texts))):
            if not self.vocabularies_[name]:
                continue
            block.sort_indices()
            self._weigh(name, block)
            _normalize_rows(block)
            if name == "char" and self.char_weight != 1.0:
                block.data *= self.char_weight
            blocks.append(block)
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    def scores(self, texts: Iterable[str], coef_t: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """Return ``transform(texts) @ coef_t + intercept`` without building ``transform(texts)``.

        The prediction path: each block's tf x idf counts are multiplied by the block's rows
        of ``coef_t`` (shape ``(n_features, n_outputs)``, C-contiguous), then divided by the
        block's row norms, so nothing is sorted or stacked. The result equals the product up
        to rounding (the sums run in another order), and each row is computed from its own
        text alone, so a text scores the same in any batch.
        """
        prepared = self._prepare(texts)
        out = np.zeros((len(prepared), coef_t.shape[1]))
        start = 0
        for name, block in zip(BLOCKS, self._counter.count_texts(prepared)):
            size = len(self.vocabularies_[name])
            if not size:
                continue
            self._weigh(name, block)
            rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
            norms = np.sqrt(np.bincount(rows, weights=block.data * block.data, minlength=block.shape[0]))
            norms[norms == 0.0] = 1.0  # an empty row stays empty
            part = np.asarray(block @ coef_t[start : start + size])
            if name == "char" and self.char_weight != 1.0:
                part *= self.char_weight
            part /= norms[:, None]
            out += part
            start += size
        out += intercept
        return out
