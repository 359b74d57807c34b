import numpy as np
import pytest

from conftest import make_corpus
from newsclf import DataError, EvaluationReport, evaluate, train
from newsclf._tasks.calibration import expected_calibration_error


@pytest.fixture
def corpus_csv(write, corpus):
    return write("corpus.csv", corpus.to_csv(index=False))


def test_train_from_csv_reports_held_out_metrics(corpus_csv, corpus):
    result = train(corpus_csv, min_df=1)
    assert isinstance(result.report, EvaluationReport)
    assert result.report.n == int(np.ceil(0.2 * len(corpus)))
    assert result.report.accuracy >= 0.9
    card = result.model.card_
    assert card["metrics"]["held_out"]["accuracy"] == result.report.accuracy
    assert card["data"]["rows_used"] == len(corpus)
    assert card["split"] == {"test_size": 0.2, "seed": 0, "stratified": True}
    assert card["training_data"]["rows"] == len(corpus) - result.report.n


def test_train_from_dataframe_with_any_column_names(corpus):
    frame = corpus.rename(columns={"text": "Headline", "label": "Desk"})
    result = train(frame, text_col="Headline", label_col="Desk", test_size=0.25, min_df=1)
    assert set(result.model.classes_) == {"energy", "health", "sport"}


def test_semicolon_file_with_bom(write, corpus):
    path = write("semi.csv", "\ufeff" + corpus.to_csv(index=False, sep=";"))
    assert train(path, min_df=1).report.accuracy >= 0.9


def test_test_size_zero_trains_on_everything(corpus):
    result = train(corpus, test_size=0, min_df=1)
    assert result.report is None and result.model.card_["metrics"] is None
    assert result.model.card_["training_data"]["rows"] == len(corpus)


def test_same_seed_same_model_and_predictions(corpus):
    a = train(corpus, random_state=7, min_df=1)
    b = train(corpus, random_state=7, min_df=1)
    assert np.array_equal(a.model.coef_, b.model.coef_)
    assert a.report == b.report
    c = train(corpus, random_state=8, min_df=1)
    assert c.model.card_["training_data"]["sha256"] != a.model.card_["training_data"]["sha256"]


def test_fewer_than_two_labels(write):
    path = write("one.csv", "text,label\nOil up,energy\nGas down,energy\n")
    with pytest.raises(DataError, match=r"one.csv, column 'label': found only 1 label \('energy'\)"):
        train(path)


def test_label_with_a_single_example_is_named(write):
    corpus = make_corpus(10)
    text = corpus.to_csv(index=False) + "Lonely headline,rare\n"
    path = write("rare.csv", text)
    with pytest.raises(DataError, match=rf"'rare' \(line {len(corpus) + 2}\)"):
        train(path)


def test_split_too_small_for_labels(write):
    path = write("small.csv", "text,label\na,x\nb,x\nc,y\nd,y\ne,z\nf,z\n")
    with pytest.raises(DataError, match="cannot hold all 3 labels"):
        train(path, test_size=0.2)


def test_bad_test_size(corpus):
    with pytest.raises(ValueError, match="test_size"):
        train(corpus, test_size=1.0)


def test_evaluate_scores_every_row(tiny_model, write):
    path = write(
        "eval.tsv",
        "text\tlabel\nCrude oil climbs\tenergy\nCoach signs striker\tsport\nCoach signs striker\tsport\n",
    )
    report = evaluate(tiny_model, path)
    assert report.n == 3 and report.accuracy == 1.0


def test_evaluate_with_labels_the_model_does_not_know(tiny_model, corpus):
    frame = corpus.head(10).assign(label="politics")
    with pytest.warns(UserWarning, match="1 label\\(s\\) the model does not know.*'politics'"):
        report = evaluate(tiny_model, frame)
    assert report.accuracy == 0.0 and "politics" in report.labels


def test_reports_carry_the_calibration_of_the_top_label_probabilities(tiny_model, corpus):
    texts, labels = list(corpus.text[:40]), list(corpus.label[:40])
    report = evaluate(tiny_model, corpus.head(40))
    proba = tiny_model.predict_proba(texts)
    predicted = tiny_model.predict(texts)
    correct = predicted == np.asarray(labels)
    assert report.accuracy == pytest.approx(correct.mean())
    assert report.ece == pytest.approx(expected_calibration_error(proba.max(axis=1), correct))
    held_out = train(corpus, min_df=1)
    assert held_out.report.ece is not None and 0.0 <= held_out.report.ece <= 1.0
    assert held_out.model.card_["metrics"]["held_out"]["ece"] == held_out.report.ece
    assert len(held_out.model.card_["metrics"]["held_out"]["reliability"]) == 15


def test_uci_nlp100_train_then_validation(shared_data):
    """Real headlines: the default settings on the UCI NLP-100 split (train -> valid)."""
    folder = shared_data / "uci_news_aggregator"
    options = {"text_col": "2", "label_col": "5", "header": False, "quoting": False}
    result = train(folder / "nlp100_5publishers_train.tsv", test_size=0.1, **options)
    assert result.data.rows_read == 8878
    assert result.report.accuracy > 0.88
    report = evaluate(result.model, folder / "nlp100_5publishers_valid.tsv", **options)
    assert report.n == 1109
    assert report.accuracy > 0.89 and report.macro_f1 > 0.84


def test_refit_reports_on_the_held_out_share_then_fits_on_every_row(corpus):
    plain = train(corpus, min_df=1)
    refitted = train(corpus, min_df=1, refit=True)
    assert refitted.report.to_dict() == plain.report.to_dict()  # the same held-out report
    card = refitted.model.card_
    assert card["training_data"]["rows"] == len(corpus)  # ... but every row fitted
    assert plain.model.card_["training_data"]["rows"] == len(corpus) - plain.report.n
    assert card["split"]["refit"] is True and card["fitted_on"].startswith("all rows")
    assert "refit" not in plain.model.card_["split"] and "fitted_on" not in plain.model.card_
    with pytest.raises(ValueError, match="refit=True needs a held-out split"):
        train(corpus, test_size=0, refit=True)


def test_refit_through_the_command_line(cli, corpus_csv, corpus, tmp_path):
    model = tmp_path / "m.newsclf"
    out = cli(
        "train", corpus_csv, "--text-col", "text", "--label-col", "label", "-o", model, "--refit"
    ).stdout
    assert f"refitted on all {len(corpus)} rows" in out
    info = cli("info", model).stdout
    assert "this model was then refitted on all of them" in info and f"fitted on: {len(corpus)} rows" in info
    usage = cli("train", corpus_csv, "--text-col", "text", "--label-col", "label", "-o", model,
                "--refit", "--test-size", "0", check=False)  # fmt: skip
    assert usage.returncode == 2 and "--refit needs a held-out split" in usage.stderr


@pytest.mark.parametrize("column", ["id", "word"])
def test_training_on_numbers_or_single_words_warns(cli, write, corpus, column):
    frame = corpus.assign(id=range(len(corpus)), word=corpus.text.str.split().str[0])
    with pytest.warns(UserWarning, match=f"column '{column}'.*are numbers or single words"):
        train(frame, text_col=column, min_df=1)
    data = write("c.csv", frame.to_csv(index=False))
    result = cli(
        "train", data, "--text-col", column, "--label-col", "label", "-o", data.with_suffix(".newsclf")
    )
    assert "newsclf train: warning:" in result.stderr and "is this the column of headlines?" in result.stderr


def test_training_on_headlines_does_not_warn(corpus):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(corpus, min_df=1)
