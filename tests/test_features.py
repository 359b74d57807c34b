import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from newsclf import NewsClassifier
from newsclf._model.features import FEATURE_PARAMS, TextFeatures


def make_features(**overrides):
    """A featurizer with the estimator's defaults, except ``overrides``."""
    defaults = {k: v for k, v in NewsClassifier().get_params().items() if k in FEATURE_PARAMS}
    return TextFeatures(**{**defaults, **overrides})


TEXTS = ["Brent crude climbs", "Oil prices fall", "Arsenal sign midfielder", "crude oil output", ""]


def test_fit_transform_shape_and_block_norms():
    features = make_features(min_df=1).fit(TEXTS)
    X = features.transform(TEXTS)
    assert sp.isspmatrix_csr(X)
    assert X.shape == (5, features.n_features)
    n_word = len(features.vocabularies_["word"])
    for i in range(4):
        assert np.linalg.norm(X[i, :n_word].toarray()) == pytest.approx(1.0)
        assert np.linalg.norm(X[i, n_word:].toarray()) == pytest.approx(1.0)
    assert X[4].nnz == 0  # empty text: no features, no error


@pytest.mark.parametrize("sublinear", [True, False])
def test_word_block_equals_scikit_learn_tfidf(sublinear):
    texts = [*TEXTS[:4], "crude crude crude oil"]
    features = make_features(min_df=1, sublinear_tf=sublinear).fit(texts)
    ours = features.transform(texts)[:, : len(features.vocabularies_["word"])].toarray()
    reference = TfidfVectorizer(
        ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=sublinear
    ).fit_transform(texts)
    np.testing.assert_allclose(ours, reference.toarray(), rtol=1e-12, atol=1e-12)


def test_char_weight_scales_char_block():
    plain = make_features(min_df=1).fit(TEXTS)
    half = make_features(min_df=1, char_weight=0.5).fit(TEXTS)
    n_word = len(plain.vocabularies_["word"])
    np.testing.assert_allclose(
        half.transform(TEXTS)[:, n_word:].toarray(),
        0.5 * plain.transform(TEXTS)[:, n_word:].toarray(),
    )


def test_from_state_rebuilds_identical_transform():
    features = make_features(min_df=1).fit(TEXTS)
    rebuilt = TextFeatures.from_state(features.settings(), features.vocabularies_, features.idfs_)
    assert (features.transform(TEXTS) != rebuilt.transform(TEXTS)).nnz == 0


def test_min_df_falls_back_when_nothing_survives():
    features = make_features(min_df=5).fit(["alpha beta", "gamma delta"])
    assert features.n_features > 0


def test_all_empty_texts_cannot_be_fitted():
    with pytest.raises(ValueError, match="every training text is empty"):
        make_features().fit(["", "   "])


def test_feature_names_follow_column_order():
    features = make_features(min_df=1).fit(TEXTS)
    names = features.feature_names()
    assert len(names) == features.n_features
    assert names[0][0] == "word" and names[-1][0] == "char"
    assert ("word", "brent crude") in names


def test_pickling_drops_the_word_cache_and_rebuilds_it(tiny_model, corpus):
    import pickle

    texts = list(corpus.text)
    expected = tiny_model.predict_proba(texts)  # warms the per-process word cache
    assert tiny_model.features_._counter._ids
    copy = pickle.loads(pickle.dumps(tiny_model))
    assert not copy.features_._counter._ids
    assert b"_ids" not in pickle.dumps(tiny_model)
    np.testing.assert_array_equal(copy.predict_proba(texts), expected)


def char_reference(texts, min_df):
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True).fit(
        texts
    )


@pytest.mark.parametrize("min_df", [1, 2])
def test_char_block_vocabulary_and_idf_equal_scikit_learn(min_df):
    texts = [*TEXTS, "crude  crude\tcrude", "İstanbul ǅemal's café", "x" * 30, "ab", "a b c"]
    features = make_features(min_df=min_df).fit(texts)
    reference = char_reference(texts, min_df)
    assert features.vocabularies_["char"] == sorted(reference.vocabulary_, key=reference.vocabulary_.get)
    np.testing.assert_allclose(features.idfs_["char"], reference.idf_, rtol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
                min_size=1, max_size=10))  # fmt: skip
def test_char_block_fit_equals_scikit_learn_for_any_texts(texts):
    features = make_features(min_df=1).fit([*texts, "anchor text"])  # one text with n-grams
    reference = char_reference([*texts, "anchor text"], 1)
    assert features.vocabularies_["char"] == sorted(reference.vocabulary_, key=reference.vocabulary_.get)
    np.testing.assert_allclose(features.idfs_["char"], reference.idf_, rtol=1e-15)
