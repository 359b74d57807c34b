import math

import numpy as np
import pandas as pd
import pytest

from newsclf import DataError, classify, tag_frame

TITLES = ["Crude oil climbs", None, "", "  ", "Coach signs striker", np.nan, 7, "Vaccine trial approved"]


@pytest.fixture
def frame():
    return pd.DataFrame(
        {"id": range(len(TITLES)), "title": TITLES}, index=[f"r{i}" for i in range(len(TITLES))]
    )


def test_adds_topic_score_status_keeping_index_and_order(tiny_model, frame):
    before = frame.copy()
    out = tag_frame(frame, "title", model=tiny_model)
    pd.testing.assert_frame_equal(frame, before)  # not modified
    assert list(out.columns) == ["id", "title", "topic", "score", "status"]
    assert list(out.index) == list(frame.index) and list(out.id) == list(frame.id)
    assert list(out.status) == ["ok", "no_text", "empty", "empty", "ok", "no_text", "no_text", "ok"]
    expected = [classify(t, model=tiny_model) if isinstance(t, str) else None for t in TITLES]
    assert list(out.topic) == [p.label if p else "" for p in expected]
    for pred, score in zip(expected, out.score):
        assert math.isnan(score) if pred is None or not pred.label else score == pred.score


def test_top_k_min_score_and_jobs(tiny_model, frame):
    out = tag_frame(frame, "title", model=tiny_model, top_k=2, min_score=1.0)
    assert set(out.status) == {"low_score", "no_text", "empty"}
    assert (out.topic == "").all() and out.score.notna().sum() == 3
    assert out.alternatives.iloc[0][0][0] == classify(TITLES[0], model=tiny_model).label
    assert out.alternatives.iloc[1] == ()
    big = pd.concat([frame] * 5, ignore_index=True)
    one = tag_frame(big, "title", model=tiny_model, top_k=2, batch_size=3)
    pd.testing.assert_frame_equal(
        tag_frame(big, "title", model=tiny_model, top_k=2, n_jobs=2, batch_size=3), one
    )


def test_empty_frame_has_the_same_dtypes_for_dask_meta(tiny_model, frame):
    full = tag_frame(frame, "title", model=tiny_model, top_k=1)
    empty = tag_frame(frame.head(0), "title", model=tiny_model, top_k=1)
    assert len(empty) == 0 and (empty.dtypes == full.dtypes).all()


def test_errors_and_name_clashes(tiny_model, frame):
    with pytest.raises(DataError, match=r"no text column 'headline'; the columns are: 'id', 'title'"):
        tag_frame(frame, "headline", model=tiny_model)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        tag_frame(frame.title, "title", model=tiny_model)  # type: ignore[arg-type]
    twice = pd.concat([frame.title, frame.title], axis=1)
    with pytest.raises(DataError, match="appears 2 times"):
        tag_frame(twice, "title", model=tiny_model)
    labeled = frame.assign(topic="mine")
    out = tag_frame(labeled, "title", model=tiny_model)
    assert (out.topic == "mine").all() and out.newsclf_topic.iloc[0] == "energy"
