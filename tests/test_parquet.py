import csv
import sys

import pytest

from newsclf import DataError, MissingDependencyError, classify, tag_file
from newsclf._io import parquet as _parquet
from newsclf._io.parquet import require_pyarrow

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TITLES = ["Crude oil climbs", None, "", "  ", "Coach signs striker", "Vaccine trial ünïcode 🦠"]


@pytest.fixture
def table_path(tmp_path):
    table = pa.table(
        {
            "id": pa.array(range(len(TITLES)), pa.int64()),
            "title": pa.array(TITLES, pa.string()),
            "when": pa.array([1_700_000_000_000] * len(TITLES), pa.timestamp("ms")),
        }
    )
    path = tmp_path / "in.parquet"
    pq.write_table(table, path, row_group_size=4)
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_parquet_round_trip_keeps_every_column_and_its_type(tiny_model, table_path, tmp_path, jobs):
    out = tmp_path / "out.parquet"
    summary = tag_file(table_path, out, model=tiny_model, top_k=2, n_jobs=jobs, batch_size=2)
    table = pq.read_table(out)
    assert table.column_names == ["id", "title", "when", "topic", "score", "status", "line", "alternatives"]
    assert table.schema.field("id").type == pa.int64() and table.schema.field("when").type == pa.timestamp(
        "ms"
    )
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == list(range(len(TITLES))) and [r["line"] for r in rows] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert [r["status"] for r in rows] == ["ok", "no_text", "empty", "empty", "ok", "ok"]
    expected = [classify(t, model=tiny_model).label if t and t.strip() else "" for t in TITLES]
    assert [r["topic"] for r in rows] == expected
    assert rows[1]["score"] is None and rows[1]["alternatives"] == []
    assert rows[0]["alternatives"][0]["label"] == expected[0]
    assert (summary.rows, summary.tagged, summary.empty, summary.unreadable) == (6, 3, 2, 1)


def test_parquet_to_csv_and_text_to_parquet(tiny_model, table_path, write, tmp_path, monkeypatch):
    tag_file(table_path, tmp_path / "out.csv", model=tiny_model)
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        rows[0]["id"] == "0"
        and rows[0]["title"] == "Crude oil climbs"
        and rows[0]["when"].startswith("2023-")
    )
    assert rows[1]["title"] == "" and rows[1]["status"] == "no_text"

    monkeypatch.setattr(_parquet, "ROW_GROUP_ROWS", 3)
    src = write("h.txt", "Crude oil climbs\n\nCoach signs striker\n" * 3)
    tag_file(src, tmp_path / "out.parquet", model=tiny_model, batch_size=2, n_jobs=1)
    handle = pq.ParquetFile(tmp_path / "out.parquet")
    assert handle.schema_arrow.names == ["text", "topic", "score", "status", "line"]
    assert handle.metadata.num_rows == 9 and handle.metadata.num_row_groups == 3
    assert pq.read_table(tmp_path / "out.parquet").column("topic").to_pylist()[:3] == ["energy", "", "sport"]


def test_parquet_input_errors_are_clear(tiny_model, table_path, write, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(
        DataError, match=r"in\.parquet: no text column 'body'; the columns are: 'id', 'title', 'when'"
    ):
        tag_file(table_path, out, model=tiny_model, text_col="body")
    with pytest.raises(DataError, match="text column 'id' holds int64 values, not strings"):
        tag_file(table_path, out, model=tiny_model, text_col="id")
    with pytest.raises(DataError, match=r"in\.parquet, row 2: no value in text column 'title'"):
        tag_file(table_path, out, model=tiny_model, strict=True)
    with pytest.raises(DataError, match="not a readable Parquet file"):
        tag_file(write("fake.parquet", "not parquet"), out, model=tiny_model)
    with pytest.raises(DataError, match="not standard input"):
        tag_file("-", out, model=tiny_model, input_format="parquet")
    assert not out.exists()


def test_missing_pyarrow_says_how_to_install(tiny_model, write, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependencyError, match=r"needs pyarrow: pip install 'newsclf\[parquet\]'"):
        require_pyarrow("x")
    with pytest.raises(MissingDependencyError, match="writing Parquet needs pyarrow"):
        tag_file(write("h.txt", "oil\n"), tmp_path / "o.parquet", model=tiny_model)
    assert not (tmp_path / "o.parquet").exists()
