import pandas as pd
import pytest

from newsclf import DataError
from newsclf._io.tables import read_labeled


def test_counts_every_row(write):
    path = write(
        "d.csv",
        "headline,topic\nOil up,energy\n,energy\nGoal!,\nOil up,energy\nOil up,economy\nCup final,sport\n",
    )
    data = read_labeled(path, "headline", "topic")
    assert data.texts == ["Oil up", "Oil up", "Cup final"]
    assert data.labels == ["energy", "economy", "sport"]
    assert data.lines == [2, 6, 7]
    s = data.summary()
    assert (s["rows_read"], s["skipped_empty_text"], s["skipped_empty_label"]) == (6, 1, 1)
    assert (s["duplicates_dropped"], s["conflicting_texts"]) == (1, 1)
    assert s["rows_read"] == s["rows_used"] + 1 + 1 + 1
    assert len(s["file_sha256"]) == 64


def test_missing_column_lists_the_columns(write):
    path = write("d.csv", "headline,topic\nx,y\n")
    with pytest.raises(
        DataError,
        match=r"d.csv, line 1: no text column 'text'; the columns are: 'headline', 'topic'",
    ):
        read_labeled(path, "text", "topic")
    with pytest.raises(DataError, match=r"no label column 'label'"):
        read_labeled(path, "headline", "label")


def test_column_names_match_case_insensitively(write):
    path = write("d.csv", "Headline , Topic\nx,y\n")
    assert read_labeled(path, "headline", "topic").texts == ["x"]


def test_dataframe_source_and_nan():
    frame = pd.DataFrame({"t": ["a", None, "c"], "y": [1, 2, float("nan")]})
    data = read_labeled(frame, "t", "y")
    assert data.texts == ["a"] and data.labels == ["1"]
    assert data.skipped_empty_text == 1 and data.skipped_empty_label == 1


def test_no_usable_rows(write):
    with pytest.raises(DataError, match="no usable rows"):
        read_labeled(write("d.csv", "text,label\n,a\n"), "text", "label")
