import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from newsclf import EvaluationReport
from newsclf._tasks.calibration import expected_calibration_error, reliability_bins


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


def test_confidences_give_calibration():
    truth = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    confidences = [0.9, 0.6, 0.8, 0.99, 0.55]
    report = EvaluationReport.from_predictions(truth, pred, confidences)
    correct = [t == p for t, p in zip(truth, pred)]
    assert report.ece == pytest.approx(expected_calibration_error(confidences, correct))
    assert report.reliability == reliability_bins(confidences, correct)
    assert len(report.reliability) == 15 and sum(b.count for b in report.reliability) == 5
    d = report.to_dict()
    assert d["ece"] == report.ece and len(d["reliability"]) == 15
    assert d["reliability"][14] == {
        "lower": pytest.approx(14 / 15),
        "upper": 1.0,
        "count": 1,
        "mean_confidence": 0.99,
        "accuracy": 1.0,
    }
    json.dumps(d, allow_nan=False)  # empty bins are null, not NaN
    assert f"ECE: {report.ece:.4f}" in str(report)
    assert len(EvaluationReport.from_predictions(truth, pred, confidences, n_bins=5).reliability) == 5


def test_without_confidences_there_is_no_calibration():
    report = EvaluationReport.from_predictions(["x", "y"], ["x", "x"])
    assert report.ece is None and report.reliability == ()
    assert report.to_dict()["ece"] is None and report.to_dict()["reliability"] == []
    assert "ECE" not in str(report)


def test_confidences_must_match_the_predictions():
    with pytest.raises(ValueError, match="2 predictions but 1 confidences"):
        EvaluationReport.from_predictions(["a", "b"], ["a", "b"], [0.5])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        EvaluationReport.from_predictions(["a", "b"], ["a", "b"], [0.5, 2.0])


labels = st.sampled_from(["a", "b", "c"])


@pytest.mark.filterwarnings("ignore:A single label was found")  # scikit-learn, on a 1 x 1 matrix
@given(
    st.lists(
        st.tuples(labels, labels, st.floats(min_value=0.0, max_value=1.0, allow_nan=False)),
        min_size=1,
        max_size=100,
    )
)
def test_report_calibration_properties(rows):
    truth, pred, confidences = zip(*rows)
    report = EvaluationReport.from_predictions(truth, pred, confidences)
    assert 0.0 <= report.ece <= 1.0
    assert sum(b.count for b in report.reliability) == report.n == len(rows)
    right = sum(b.accuracy * b.count for b in report.reliability if b.count)
    assert right == pytest.approx(report.accuracy * report.n)
    json.dumps(report.to_dict(), allow_nan=False)
