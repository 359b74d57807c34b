import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclf import DataError
from newsclf._io.formats import output_format as pick_output_format
from newsclf._io.records import Chunk, Tagged, output_names
from newsclf._io.writers import CsvWriter, JsonlWriter


def test_pick_output_format():
    assert pick_output_format("o.csv", None) == "csv"
    assert pick_output_format("o.JSONL", None) == "jsonl"
    assert pick_output_format("o.parquet", None) == "parquet"
    assert pick_output_format("o.txt", None) == "csv"
    assert (
        pick_output_format(None, "jsonl") == "jsonl" and pick_output_format("o.csv", "parquet") == "parquet"
    )
    with pytest.raises(DataError, match="unknown output format 'xml'; use one of csv, jsonl, parquet"):
        pick_output_format("o.csv", "xml")


def test_output_names_avoid_clashes():
    assert output_names(["text"], None) == ["topic", "score", "status", "line"]
    assert output_names(["status"], 2, base=("topic", "score", "status"))[0] == "newsclf_topic"


CHUNK = Chunk(
    [2, 3, 5], ["Oil up", "", "Meh"], ["ok", "empty", "ok"], [["1", "", "3"], ["Oil up", "", "Meh"]]
)
TAGGED = Tagged(
    ["energy", "", ""],
    [0.91234, None, 0.2],
    ["ok", "empty", "low_score"],
    [[("energy", 0.91234)], [], [("sport", 0.2)]],
)


def test_csv_writer_formats_a_chunk():
    out = io.StringIO()
    writer = CsvWriter(out, ["id", "text"], output_names(["id", "text"], 1))
    writer.write(CHUNK, TAGGED)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["id", "text", "topic", "score", "status", "line", "alternatives"],
        ["1", "Oil up", "energy", "0.9123", "ok", "2", "energy:0.9123"],
        ["", "", "", "", "empty", "3", ""],
        ["3", "Meh", "", "0.2000", "low_score", "5", "sport:0.2000"],
    ]
    assert out.getvalue().count("\r\n") == 4


def test_jsonl_writer_nulls_what_was_not_predicted():
    out = io.StringIO()
    JsonlWriter(out, ["id", "text"], output_names(["id", "text"], None)).write(CHUNK, TAGGED)
    first, second, third = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "id": "1",
        "text": "Oil up",
        "topic": "energy",
        "score": 0.91234,
        "status": "ok",
        "line": 2,
    }
    assert second["topic"] is None and second["score"] is None
    assert third["topic"] == "" and third["score"] == 0.2 and third["status"] == "low_score"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text()), max_size=8))
def test_csv_rows_are_byte_identical_to_the_csv_module(rows):
    columns = [list(column) for column in zip(*rows)] if rows else [[], []]
    chunk = Chunk(list(range(len(rows))), [""] * len(rows), ["empty"] * len(rows), columns)
    tagged = Tagged([""] * len(rows), [None] * len(rows), ["empty"] * len(rows))
    ours = io.StringIO()
    CsvWriter(ours, ["a", "b"], ["topic", "score", "status", "line"]).write(chunk, tagged)
    theirs = io.StringIO()
    csv.writer(theirs, lineterminator="\r\n").writerows(
        [a, b, "", "", "empty", i] for i, (a, b) in enumerate(rows)
    )
    assert ours.getvalue().split("\r\n", 1)[1] == theirs.getvalue()
