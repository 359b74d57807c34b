import pytest
from sklearn.metrics import f1_score

from newsclf import EvaluationReport


def test_scores_match_scikit_learn():
    truth = ["a", "a", "b", "b", "c", "c"]
    pred = ["a", "b", "b", "b", "c", "a"]
    report = EvaluationReport.from_predictions(truth, pred)
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.macro_f1 == pytest.approx(f1_score(truth, pred, average="macro"))
    assert report.per_class["b"].recall == 1.0 and report.per_class["b"].precision == pytest.approx(2 / 3)
    assert report.confusion == ((1, 1, 0), (0, 2, 0), (1, 0, 1))


def test_predicted_only_labels_are_shown_but_not_averaged():
    report = EvaluationReport.from_predictions(["a", "b"], ["a", "z"])
    assert report.labels == ("a", "b", "z")
    assert report.per_class["z"].support == 0
    assert report.macro_f1 == pytest.approx(0.5)  # mean over a (1.0) and b (0.0) only


def test_text_and_dict_forms():
    report = EvaluationReport.from_predictions(["x", "y"], ["x", "y"])
    d = report.to_dict()
    assert d["accuracy"] == 1.0 and d["macro_f1"] == 1.0 and d["confusion_matrix"] == [[1, 0], [0, 1]]
    text = str(report)
    assert "accuracy: 1.0000" in text and "confusion matrix" in text


def test_bad_input():
    with pytest.raises(ValueError, match="nothing to evaluate"):
        EvaluationReport.from_predictions([], [])
    with pytest.raises(ValueError, match="2 true labels but 1 predictions"):
        EvaluationReport.from_predictions(["a", "b"], ["a"])
