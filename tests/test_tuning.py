import pytest

from newsclf import DataError, NewsClassifier, train
from newsclf._tasks.tune import SEARCH_SPACE, tune


def test_tune_scores_the_defaults_and_a_seeded_sample(corpus):
    result = tune(corpus.text, corpus.label, candidates=3, random_state=1)
    assert len(result.candidates) == 3
    defaults = {k: v for k, v in NewsClassifier().get_params().items() if k in SEARCH_SPACE}
    assert defaults in [c["params"] for c in result.candidates]
    means = [c["mean"] for c in result.candidates]
    assert means == sorted(means, reverse=True)
    assert result.best_params == result.candidates[0]["params"] and result.best_score == means[0]
    assert 0.0 <= means[-1] <= means[0] <= 1.0
    again = tune(corpus.text, corpus.label, candidates=3, random_state=1)
    assert again.candidates == result.candidates  # seeded: the same search and scores


def test_tune_searches_only_the_settings_it_is_given(corpus):
    result = tune(corpus.text, corpus.label, candidates=4, search_space={"C": [0.1, 0.5, 2.0]})
    assert sorted(c["params"]["C"] for c in result.candidates) == [0.1, 0.5, 2.0]  # 3 distinct exist
    assert "tuning" not in str(result.to_dict()["candidates"][0]["params"])


def test_train_with_tuning_fits_the_chosen_settings_and_records_the_search(corpus):
    result = train(corpus, test_size=0.2, tune_candidates=2, C=0.3)
    assert result.tuning is not None and len(result.tuning.candidates) == 2
    assert all(c["params"].get("C") is None for c in result.tuning.candidates)  # C was fixed
    params = result.model.get_params()
    assert params["C"] == 0.3
    for name, value in result.tuning.best_params.items():
        assert params[name] == value
    card = result.model.card_["tuning"]
    assert card["scoring"].startswith("macro-F1, 3-fold") and len(card["candidates"]) == 2


def test_tuning_needs_three_rows_per_label(corpus):
    small = corpus.groupby("label").head(2)
    with pytest.raises(DataError, match="at least 3 training rows per label"):
        train(small, test_size=0, tune_candidates=2)


def test_cli_train_tune_prints_the_search(cli, write, corpus, tmp_path):
    corpus_csv = write("corpus.csv", corpus.to_csv(index=False))
    model = tmp_path / "m.newsclf"
    done = cli("train", corpus_csv, "--text-col", "text", "--label-col", "label", "-o", model, "--tune", "2",
               "--jobs", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "settings search on the training rows" in done.stdout and "chosen: " in done.stdout
