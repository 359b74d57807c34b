from newsclf._model.card import data_fingerprint, fit_card


def test_fingerprint_counts_and_hashes_in_order():
    a = data_fingerprint(["x", "y", "z"], ["b", "a", "b"])
    assert a["rows"] == 3 and a["label_counts"] == {"a": 1, "b": 2}
    assert a == data_fingerprint(["x", "y", "z"], ["b", "a", "b"])
    assert a["sha256"] != data_fingerprint(["y", "x", "z"], ["a", "b", "b"])["sha256"]
    assert a["sha256"] != data_fingerprint(["x", "y", "z"], ["b", "a", "a"])["sha256"]


def test_fit_card_records_model_and_time(tiny_model, corpus, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    card = fit_card(
        tiny_model.get_params(),
        tiny_model.classes_,
        tiny_model.features_.n_features,
        list(corpus.text),
        list(corpus.label),
    )
    assert card["created"] == "1970-01-01T00:00:00+00:00"
    assert card["labels"] == ["energy", "health", "sport"]
    assert card["hyperparameters"]["word_ngram_range"] == [1, 2]
    assert card["n_features"] == tiny_model.features_.n_features
    assert card["versions"]["scikit-learn"]
