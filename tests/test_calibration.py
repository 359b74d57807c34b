import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsclf import CalibrationBin
from newsclf._tasks.calibration import expected_calibration_error, reliability_bins

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def reference_ece(confidences, correct, n_bins=15):
    """ECE written out loop by loop, straight from the definition."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    n = len(confidences)
    total = 0.0
    for m in range(n_bins):
        lower, upper = edges[m], edges[m + 1]
        members = [i for i, c in enumerate(confidences) if lower < c <= upper or (m == 0 and c == 0.0)]
        if members:
            accuracy = sum(bool(correct[i]) for i in members) / len(members)
            confidence = sum(confidences[i] for i in members) / len(members)
            total += len(members) / n * abs(accuracy - confidence)
    return total


def test_ece_by_hand():
    confidences = [0.1, 0.35, 0.9, 0.95, 0.97]
    correct = [False, True, True, False, True]
    # Bins of width 1/15: 0.1 in (1/15, 2/15], 0.35 in (5/15, 6/15], 0.9 in (13/15, 14/15],
    # 0.95 and 0.97 in (14/15, 1]: accuracy 1/2 against mean confidence 0.96 there.
    by_hand = 1 / 5 * abs(0 - 0.1) + 1 / 5 * abs(1 - 0.35) + 1 / 5 * abs(1 - 0.9) + 2 / 5 * abs(0.5 - 0.96)
    assert by_hand == pytest.approx(0.354)
    assert expected_calibration_error(confidences, correct) == pytest.approx(by_hand)

    bins = reliability_bins(confidences, correct)
    assert len(bins) == 15 and all(isinstance(b, CalibrationBin) for b in bins)
    assert [b.count for b in bins] == [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2]
    assert bins[14] == CalibrationBin(
        lower=pytest.approx(14 / 15), upper=1.0, count=2, mean_confidence=pytest.approx(0.96), accuracy=0.5
    )
    assert bins[0].mean_confidence is None and bins[0].accuracy is None
    assert bins[0].lower == 0.0 and bins[0].upper == pytest.approx(1 / 15)


def test_bins_are_closed_on_the_right_and_zero_goes_in_the_first():
    edges = np.linspace(0.0, 1.0, 16)
    bins = reliability_bins([0.0, edges[5], 1.0], [True, True, True])
    assert bins[0].count == 1 and bins[4].count == 1 and bins[5].count == 0 and bins[14].count == 1


def test_other_bin_counts():
    assert len(reliability_bins([0.5], [True], n_bins=10)) == 10
    assert expected_calibration_error([0.2, 0.8], [False, True], n_bins=1) == pytest.approx(0.0)
    assert reliability_bins([0.3], [True], n_bins=1)[0].to_dict() == {
        "lower": 0.0,
        "upper": 1.0,
        "count": 1,
        "mean_confidence": 0.3,
        "accuracy": 1.0,
    }


@pytest.mark.parametrize(
    ("confidences", "correct", "kwargs", "message"),
    [
        ([0.5], [True, False], {}, "1 confidences but 2 correctness values"),
        ([], [], {}, "no predictions"),
        ([0.5, float("nan")], [True, True], {}, r"1 are not \(the first: nan at position 1\)"),
        ([1.5], [True], {}, "probabilities in \\[0, 1\\]"),
        ([-0.1], [True], {}, "probabilities in \\[0, 1\\]"),
        ([[0.5, 0.5]], [True], {}, "one number per prediction"),
        ([0.5], [True], {"n_bins": 0}, "n_bins must be a positive integer"),
        ([0.5], [True], {"n_bins": 2.5}, "n_bins must be a positive integer"),
    ],
)
def test_bad_input(confidences, correct, kwargs, message):
    with pytest.raises(ValueError, match=message):
        expected_calibration_error(confidences, correct, **kwargs)


def test_rounding_error_outside_the_unit_interval_is_tolerated():
    assert expected_calibration_error([1.0 + 1e-12], [True]) == pytest.approx(0.0)


@given(st.lists(st.tuples(probabilities, st.booleans()), min_size=1, max_size=200))
def test_ece_is_in_the_unit_interval_and_matches_the_definition(pairs):
    confidences = [c for c, _ in pairs]
    correct = [r for _, r in pairs]
    ece = expected_calibration_error(confidences, correct)
    assert 0.0 <= ece <= 1.0
    assert ece == pytest.approx(reference_ece(confidences, correct), abs=1e-12)
    bins = reliability_bins(confidences, correct)
    assert sum(b.count for b in bins) == len(pairs)
    for b in bins:
        assert (b.count == 0) == (b.accuracy is None) == (b.mean_confidence is None)
        if b.count:
            # A mean of equal floats may round one ulp past the bin's edge (3 x 0.2 / 3).
            assert b.lower - 1e-12 <= b.mean_confidence <= b.upper + 1e-12 and 0.0 <= b.accuracy <= 1.0


@given(st.lists(st.tuples(probabilities, st.booleans()), min_size=1, max_size=100), st.randoms())
def test_ece_ignores_the_order(pairs, rng):
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    ece = expected_calibration_error([c for c, _ in pairs], [r for _, r in pairs])
    assert expected_calibration_error([c for c, _ in shuffled], [r for _, r in shuffled]) == pytest.approx(
        ece
    )


@given(
    st.lists(
        st.integers(min_value=1, max_value=20).flatmap(
            lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=n))
        ),
        min_size=1,
        max_size=20,
    )
)
def test_perfectly_calibrated_predictions_have_zero_ece(groups):
    # Each group: n predictions made with confidence k / n, of which exactly k are right.
    # Whatever bins the groups share, accuracy equals mean confidence in every bin.
    confidences, correct = [], []
    for n, k in groups:
        confidences += [k / n] * n
        correct += [True] * k + [False] * (n - k)
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0, abs=1e-9)


@given(st.lists(st.floats(min_value=0.99, max_value=1.0), min_size=1, max_size=100))
def test_confidently_wrong_predictions_have_ece_near_one(confidences):
    ece = expected_calibration_error(confidences, [False] * len(confidences))
    assert ece == pytest.approx(np.mean(confidences)) and ece >= 0.99 - 1e-12


@given(st.lists(probabilities, min_size=1, max_size=100))
def test_always_right_ece_is_the_missing_confidence(confidences):
    ece = expected_calibration_error(confidences, [True] * len(confidences))
    assert ece == pytest.approx(1.0 - np.mean(confidences), abs=1e-12)
