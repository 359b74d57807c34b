import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsclf
from newsclf import Prediction, bundled_model_path, classify, load_model

HEADLINES = [
    "Brent crude climbs as OPEC+ extends output cuts",
    "Arsenal sign Brazilian midfielder on five-year deal",
    "Apple unveils new iPhone with faster chip",
]


def test_bundled_model_ships_inside_the_package():
    path = bundled_model_path()
    assert path.is_file()
    assert "newsclf" in path.parts and path.parent.name == "models"


def test_bundled_model_is_loaded_once_and_cached():
    assert load_model() is load_model()


def test_single_text_gives_one_prediction():
    pred = classify(HEADLINES[0])
    assert isinstance(pred, Prediction)
    assert pred.label in load_model().classes_
    assert 0.0 <= pred.score <= 1.0
    assert pred.alternatives == ()


def test_bundled_model_gets_obvious_headlines_right():
    labels = [p.label for p in classify(HEADLINES)]
    assert labels == ["energy", "sport", "technology"]


def test_top_k_alternatives_are_ranked_probabilities():
    pred = classify(HEADLINES[1], top_k=3)
    assert len(pred.alternatives) == 3
    assert pred.alternatives[0] == (pred.label, pred.score)
    scores = [s for _, s in pred.alternatives]
    assert scores == sorted(scores, reverse=True)
    every = classify(HEADLINES[1], top_k=100)
    assert len(every.alternatives) == len(load_model().classes_)
    assert sum(s for _, s in every.alternatives) == pytest.approx(1.0)


def test_iterables_of_any_kind_keep_order(tiny_model):
    as_list = classify(HEADLINES, model=tiny_model)
    assert classify(iter(HEADLINES), model=tiny_model) == as_list
    assert classify(tuple(HEADLINES), model=tiny_model) == as_list
    assert classify([], model=tiny_model) == []


def test_model_may_be_given_as_path(tiny_model, tiny_model_path):
    assert classify(HEADLINES, model=tiny_model_path) == classify(HEADLINES, model=tiny_model)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_classify_never_raises_on_any_string(text):
    pred = classify(text)
    if text.strip():
        assert pred.label in load_model().classes_ or (pred.label == "" and pred.status == "no_signal")
        assert 0.0 < pred.score <= 1.0
    else:
        assert pred == Prediction("", 0.0)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t\r", "x" * 100_000, "\x00\x01\x7f", "🦄" * 50, "\ud800", "Ünïcödé — 新闻"],
)
def test_classify_edge_cases(text):
    assert 0.0 <= classify(text).score <= 1.0


def test_empty_text_gets_no_topic():
    assert classify("") == Prediction("", 0.0)
    assert classify(["  \n", "Arsenal sign midfielder"], top_k=2)[0] == Prediction("", 0.0)
    assert classify(["  \n", "Arsenal sign midfielder"])[1].label == "sport"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12))
def test_batch_equals_one_by_one(texts):
    batch = classify(texts, top_k=2)
    assert batch == [classify(t, top_k=2) for t in texts]


def test_large_batches_are_processed_in_chunks(tiny_model, monkeypatch):
    monkeypatch.setattr(newsclf._tasks.classify, "BATCH_SIZE", 7)
    texts = [f"oil deal {i}" for i in range(30)]
    assert classify(texts, model=tiny_model) == [classify(t, model=tiny_model) for t in texts]


def test_bad_arguments_are_reported():
    with pytest.raises(TypeError, match=r"texts\[1\] is NoneType"):
        classify(["fine", None])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="iterable of str, not bytes"):
        classify(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="top_k must be a positive int"):
        classify("x", top_k=0)


def test_prediction_to_dict():
    pred = classify(HEADLINES[0], top_k=2)
    d = pred.to_dict()
    assert d["label"] == pred.label and len(d["alternatives"]) == 2


def test_min_score_withholds_the_label_but_keeps_score_and_alternatives():
    pred = classify(HEADLINES[1], top_k=2)
    assert classify(HEADLINES[1], top_k=2, min_score=pred.score) == pred  # at the threshold: kept
    withheld = classify(HEADLINES[1], top_k=2, min_score=min(1.0, pred.score + 1e-9))
    assert withheld == Prediction("", pred.score, pred.alternatives)
    assert classify(["", HEADLINES[1]], min_score=1.0) == [Prediction("", 0.0), Prediction("", pred.score)]
    assert classify(HEADLINES, min_score=0.0) == classify(HEADLINES)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", True])
def test_bad_min_score_is_reported(bad):
    with pytest.raises(ValueError, match="min_score must be a probability"):
        classify("x", min_score=bad)


def test_a_model_path_is_loaded_once_while_its_file_is_unchanged(tiny_model, tmp_path, monkeypatch):
    from newsclf._model import loading

    path = tiny_model.save(tmp_path / "m.newsclf")
    reads = []
    real = loading._read_predictor
    monkeypatch.setattr(loading, "_read_predictor", lambda p: reads.append(p) or real(p))
    loading.clear_cache()
    first = [classify("Striker wins cup", model=path) for _ in range(5)]
    assert len(reads) == 1 and len({p.label for p in first}) == 1
    classify("Striker wins cup", model=str(path))  # the same file by another spelling
    assert len(reads) == 1
    tiny_model.save(path)  # saved anew: another mtime (and inode): read again
    classify("Striker wins cup", model=path)
    assert len(reads) == 2


def test_the_path_cache_is_bounded(tiny_model, tmp_path):
    from newsclf._model import loading

    loading.clear_cache()
    for i in range(loading.CACHE_SIZE + 3):
        classify("Striker wins cup", model=tiny_model.save(tmp_path / f"m{i}.newsclf"))
    assert len(loading._cache) == loading.CACHE_SIZE


def test_default_names_the_bundled_model():
    assert load_model("default") is load_model()
    assert classify(HEADLINES[0], model="default") == classify(HEADLINES[0])


@pytest.mark.parametrize("bad", [None, 42, b"bytes"])
def test_classify_of_a_non_text_says_so(bad):
    with pytest.raises(TypeError, match=r"classify.*str or an iterable of str"):
        classify(bad)


@pytest.mark.parametrize(
    "text",
    [
        "-",
        "the",
        "lorem ipsum dolor sit amet",
        "Le gouvernement annonce une réforme des retraites",
        "12345",
        "???",
    ],
)
def test_text_the_model_cannot_read_gets_no_topic_but_keeps_its_score(text):
    pred = classify(text, top_k=2)
    assert (pred.label, pred.status) == ("", "no_signal")
    assert 0.0 < pred.score <= 1.0 and pred.alternatives[0][1] == pred.score
    assert pred.to_dict()["status"] == "no_signal"


def test_headlines_have_signal():
    preds = classify(HEADLINES)
    assert all(p.status == "ok" and p.label for p in preds)
    assert classify("").status == "empty"
    assert classify(HEADLINES[0], min_score=1.0).status == "low_score"
