import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

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


def word_reference(texts, min_df):
    return TfidfVectorizer(
        ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", min_df=min_df, sublinear_tf=True
    ).fit(texts)


def vocabulary(reference):
    return sorted(reference.vocabulary_, key=reference.vocabulary_.get)


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


# -- min_df: one meaning in both blocks (scikit-learn's) ---------------------------------------
SHARE_TEXTS = [
    "oil prices climb",
    "oil output falls",
    "oil deal signed",
    "crude oil climbs",
    "gas prices climb",
    "coach signs striker",
    "striker scores twice",
    "vaccine trial approved",
    "flu vaccine warning",
    "new flu outbreak",
]


@pytest.mark.parametrize("min_df", [0.1, 0.25, 0.3, 0.35, 2, 3])
def test_both_blocks_keep_terms_by_the_same_min_df_rule(min_df):
    features = make_features(min_df=min_df).fit(SHARE_TEXTS)
    # Each block is what scikit-learn's TfidfVectorizer learns with this min_df ...
    for block, reference in (("word", word_reference(SHARE_TEXTS, min_df)),
                             ("char", char_reference(SHARE_TEXTS, min_df))):  # fmt: skip
        assert features.vocabularies_[block] == vocabulary(reference), block
        np.testing.assert_allclose(features.idfs_[block], reference.idf_, rtol=1e-15)
    # ... and the rule is the same in both: an int counts texts, a float is a share of them.
    low = min_df if isinstance(min_df, int) else min_df * len(SHARE_TEXTS)
    for block, options in (("word", {"token_pattern": r"(?u)\b\w+\b"}), ("char", {"analyzer": "char_wb"})):
        ngram_range = features._specs()[block].ngram_range
        counts = CountVectorizer(ngram_range=ngram_range, binary=True, **options).fit(SHARE_TEXTS)
        df = np.asarray(counts.transform(SHARE_TEXTS).sum(axis=0)).ravel()
        expected = sorted(term for term, column in counts.vocabulary_.items() if df[column] >= low)
        assert sorted(features.vocabularies_[block]) == expected, block


def test_a_float_min_df_is_a_share_not_a_count():
    # 0.35 of 10 texts is 3.5: a term needs 4 texts. Read as a count it would keep everything.
    features = make_features(min_df=0.35).fit(SHARE_TEXTS)
    assert features.vocabularies_["word"] == ["oil"]
    assert "oil" in features.vocabularies_["char"] and " oi" in features.vocabularies_["char"]
    assert "flu" not in features.vocabularies_["char"]  # in 2 texts of 10


def test_min_df_one_point_zero_falls_back_to_one_when_no_term_is_in_every_text():
    # Regression: dict.fromkeys((1.0, 1)) held only 1.0, so there was no fallback.
    features = make_features(min_df=1.0).fit(["alpha beta", "xyz quod"])
    assert features.vocabularies_["word"] and features.vocabularies_["char"]
    assert features.vocabularies_ == make_features(min_df=1).fit(["alpha beta", "xyz quod"]).vocabularies_
    every = make_features(min_df=1.0).fit(["oil up", "oil down"])
    assert every.vocabularies_["word"] == ["oil"]


def test_settings_keep_a_float_min_df_and_rebuild_the_same_featurizer():
    import json

    features = make_features(min_df=0.25).fit(SHARE_TEXTS)
    settings_ = json.loads(json.dumps(features.settings()))
    assert settings_["min_df"] == 0.25 and isinstance(settings_["min_df"], float)
    rebuilt = TextFeatures.from_state(settings_, features.vocabularies_, features.idfs_)
    assert rebuilt.settings() == features.settings()
    assert (features.transform(SHARE_TEXTS) != rebuilt.transform(SHARE_TEXTS)).nnz == 0


def test_numpy_settings_become_plain_python():
    import json

    features = make_features(
        min_df=np.int64(2),
        word_ngram_range=(np.int64(1), np.int64(2)),
        char_weight=np.float32(2),
        strip_furniture=np.bool_(False),
    )
    assert json.loads(json.dumps(features.settings())) == features.settings()
    assert type(features.min_df) is int and features.word_ngram_range == (1, 2)
    assert features.strip_furniture is False


def test_settings_are_the_feature_params():
    settings_ = make_features().settings()
    assert list(settings_) == list(FEATURE_PARAMS)
    assert settings_["strip_furniture"] is True  # the estimator's default


@pytest.mark.parametrize("strip", [True, False])
def test_from_state_keeps_strip_furniture(strip):
    texts = [f"UPDATE 1-{text} - Reuters" for text in TEXTS[:4]]
    features = make_features(min_df=1, strip_furniture=strip).fit(texts)
    rebuilt = TextFeatures.from_state(features.settings(), features.vocabularies_, features.idfs_)
    assert rebuilt.strip_furniture is strip
    assert (features.transform(texts) != rebuilt.transform(texts)).nnz == 0
    assert (("word", "reuters") in features.feature_names()) is not strip


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(alphabet="abc de", max_size=12), min_size=1, max_size=12),
       min_df=st.floats(0.0, 1.0, exclude_min=True))  # fmt: skip
def test_char_block_float_min_df_equals_scikit_learn_for_any_texts(texts, min_df):
    texts = [*texts, "anchor text"]
    features = make_features(min_df=min_df).fit(texts)
    try:
        reference = char_reference(texts, min_df)
    except ValueError:  # "After pruning, no terms remain": the block falls back to min_df=1
        reference = char_reference(texts, 1)
    assert features.vocabularies_["char"] == vocabulary(reference)
    np.testing.assert_allclose(features.idfs_["char"], reference.idf_, rtol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=10), st.integers(0, 9))
def test_scores_equal_the_product_and_do_not_depend_on_the_batch(texts, pick):
    features = make_features(min_df=1, char_weight=0.7).fit([*TEXTS, "UPDATE 1-Crude oil falls - Reuters"])
    rng = np.random.default_rng(0)
    coef_t = np.ascontiguousarray(rng.normal(size=(features.n_features, 3)))
    intercept = rng.normal(size=3)
    scores = features.scores(texts, coef_t, intercept)
    np.testing.assert_allclose(scores, features.transform(texts) @ coef_t + intercept, rtol=1e-12, atol=1e-12)
    if texts:
        one = texts[pick % len(texts)]
        np.testing.assert_array_equal(features.scores([one], coef_t, intercept)[0], scores[pick % len(texts)])
