import csv
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclf import DataError, Status, TagSummary, classify, tag_file
from newsclf._tasks.tag import OUTPUT_COLUMNS


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_txt_to_csv_one_row_per_line(tiny_model, write, tmp_path):
    src = write("h.txt", "Crude oil climbs\n\nCoach signs striker\n")
    out = tmp_path / "out.csv"
    summary = tag_file(src, out, model=tiny_model)
    rows = _read_csv(out)
    assert list(rows[0]) == ["text", *OUTPUT_COLUMNS]
    assert [r["text"] for r in rows] == ["Crude oil climbs", "", "Coach signs striker"]
    assert [r["topic"] for r in rows] == ["energy", "", "sport"]
    assert [r["status"] for r in rows] == ["ok", "empty", "ok"]
    assert rows[1]["score"] == ""
    assert (summary.rows, summary.tagged, summary.empty, summary.unreadable) == (3, 2, 1, 0)


def test_csv_keeps_columns_and_top_k(tiny_model, write, tmp_path):
    src = write("h.csv", 'id,title\n7,"Vaccine study, approved"\n8,bad,row\n')
    out = tmp_path / "out.csv"
    summary = tag_file(src, out, model=tiny_model, top_k=2)
    rows = _read_csv(out)
    assert list(rows[0]) == ["id", "title", *OUTPUT_COLUMNS, "alternatives"]
    assert rows[0]["id"] == "7" and rows[0]["topic"] == "health"
    assert rows[0]["alternatives"].startswith("health:")
    assert rows[1]["status"] == Status.RAGGED and rows[1]["line"] == "3"
    assert rows[1]["topic"] == "" and rows[1]["score"] == ""
    assert summary.unreadable == 1


def test_jsonl_output(tiny_model, write, tmp_path):
    src = write("h.txt", "Crude oil climbs\n")
    out = tmp_path / "out.jsonl"
    tag_file(src, out, model=tiny_model)
    obj = json.loads(out.read_text())
    assert obj["text"] == "Crude oil climbs" and obj["topic"] == "energy" and obj["status"] == "ok"


def test_stdout_when_no_output(tiny_model, write, capsys):
    tag_file(write("h.txt", "Crude oil climbs\n"), model=tiny_model)
    assert "energy" in capsys.readouterr().out


def test_strict_stops_at_first_unreadable_record_and_writes_nothing(tiny_model, write, tmp_path):
    src = write("h.csv", 'title\nfine\n"bad"x\n')
    out = tmp_path / "out.csv"
    with pytest.raises(DataError, match=r"h\.csv, line 3: malformed CSV"):
        tag_file(src, out, model=tiny_model, strict=True)
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_failure_midway_keeps_previous_output(tiny_model, tmp_path):
    import gzip

    data = gzip.compress(("\n".join(f"oil deal {i}" for i in range(20000)) + "\n").encode())
    src = tmp_path / "cut.txt.gz"
    src.write_bytes(data[: len(data) - 20])
    out = tmp_path / "out.csv"
    out.write_text("previous run\n")
    with pytest.raises(DataError, match="truncated or corrupt gzip"):
        tag_file(src, out, model=tiny_model, batch_size=1000)
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.txt.gz", "out.csv"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), max_size=15))
def test_any_strings_round_trip_through_a_csv_file(tiny_model, tmp_path, texts):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)
    out = tmp_path / "out.csv"
    summary = tag_file(src, out, model=tiny_model, batch_size=4)
    rows = _read_csv(out)
    assert summary.rows == len(rows) == len(texts)
    # csv.reader turns "\r\n" and "\r" inside fields back as written, so the text survives.
    for text, row in zip(texts, rows):
        expected = classify(text.strip(), model=tiny_model).label if text.strip() else ""
        assert row["topic"] == expected


def test_unknown_output_format(tiny_model, write):
    with pytest.raises(DataError, match="unknown output format"):
        tag_file(write("h.txt", "x\n"), model=tiny_model, output_format="xml")


def test_summary_text(tiny_model, write, tmp_path):
    summary = tag_file(write("h.txt", "Crude oil climbs\n"), tmp_path / "o.csv", model=tiny_model)
    assert "1 rows: 1 tagged" in str(summary)
    big = TagSummary(rows=2_000_000, tagged=1_999_000, empty=1_000, seconds=50.0, output="o.csv")
    assert str(big).startswith("2,000,000 rows: 1,999,000 tagged, 0 repaired, 1,000 empty, ")


@pytest.mark.parametrize("text", ["0\r", "a\rb", "x\r\ny", '"quoted"', "semi;colon"])
def test_awkward_fields_survive_the_output_csv(tiny_model, tmp_path, text):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "text"], ["1", text], ["2", "oil deal"]])
    out = tmp_path / "out.csv"
    tag_file(src, out, model=tiny_model)
    rows = _read_csv(out)
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["text"] == text


def test_existing_output_columns_get_a_prefix(tiny_model, write, tmp_path):
    src = write("labeled.csv", "text,topic,line\nCrude oil climbs,MY_LABEL,orig-7\n")
    tag_file(src, tmp_path / "out.csv", model=tiny_model)
    row = _read_csv(tmp_path / "out.csv")[0]
    assert row["topic"] == "MY_LABEL" and row["line"] == "orig-7"
    assert row["newsclf_topic"] == "energy" and row["newsclf_line"] == "2"
    tag_file(src, tmp_path / "out.jsonl", model=tiny_model)
    obj = json.loads((tmp_path / "out.jsonl").read_text())
    assert obj["topic"] == "MY_LABEL" and obj["newsclf_topic"] == "energy"


def test_jsonl_to_jsonl_keeps_every_key(tiny_model, write, tmp_path):
    src = write("in.jsonl", '{"id": 7, "title": "Crude oil climbs", "meta": {"a": 1}}\nnot json\n')
    tag_file(src, tmp_path / "out.jsonl", model=tiny_model)
    first, second = (json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines())
    assert first == {"id": 7, "title": "Crude oil climbs", "meta": {"a": 1}, "topic": "energy",
                     "score": first["score"], "status": "ok", "line": 1}  # fmt: skip
    assert second["status"] == "bad_json" and second["topic"] is None and second["line"] == 2


def test_output_path_problems_fail_before_any_work(tiny_model, write, tmp_path):
    from newsclf import OutputError

    src = write("h.txt", "oil\n")
    with pytest.raises(OutputError, match="does not exist"):
        tag_file(src, tmp_path / "nodir" / "out.csv", model=tiny_model)
    with pytest.raises(OutputError, match="is a directory"):
        tag_file(src, tmp_path, model=tiny_model)
    with pytest.raises(OutputError, match="is also the input"):
        tag_file(src, src, model=tiny_model)
    assert src.read_text() == "oil\n"


def test_unterminated_quote_loses_one_row_only(tiny_model, write, tmp_path):
    lines = ["id,headline", '1,"Oil up 5%'] + [f"{i},Crude oil {i}" for i in range(2, 50)]
    summary = tag_file(write("q.csv", "\n".join(lines) + "\n"), tmp_path / "o.csv", model=tiny_model)
    rows = _read_csv(tmp_path / "o.csv")
    assert summary.rows == len(rows) == 49 and summary.unreadable == 1
    assert rows[0]["status"] == "bad_csv" and rows[0]["id"] == ""
    assert [r["id"] for r in rows[1:]] == [str(i) for i in range(2, 50)]


def test_output_through_a_symlink_goes_to_its_target(tiny_model, write, tmp_path):
    target = write("target.csv", "old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    tag_file(write("h.txt", "Crude oil climbs\n"), link, model=tiny_model)
    assert link.is_symlink() and "energy" in target.read_text()


def test_output_to_a_fifo_is_written_not_replaced(tiny_model, write, tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    tag_file(write("h.txt", "Crude oil climbs\n"), fifo, model=tiny_model)
    reader.join(timeout=30)
    assert "energy" in received[0]
    assert fifo.is_fifo()


def test_stdout_without_a_binary_buffer(tiny_model, write):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tag_file(write("h.txt", "Crude oil climbs\n"), model=tiny_model)
    assert "energy" in out.getvalue()


def test_clashing_names_are_prefixed_until_free(tiny_model, write, tmp_path):
    src = write("c.csv", "text,topic,newsclf_topic\nCrude oil climbs,a,b\n")
    tag_file(src, tmp_path / "o.csv", model=tiny_model)
    row = _read_csv(tmp_path / "o.csv")[0]
    assert (row["topic"], row["newsclf_topic"], row["newsclf_newsclf_topic"]) == ("a", "b", "energy")


def test_bad_top_k_fails_before_any_output(tiny_model, write, tmp_path):
    with pytest.raises(ValueError, match="top_k"):
        tag_file(write("h.txt", "oil\n"), tmp_path / "o.csv", model=tiny_model, top_k=0)
    assert not (tmp_path / "o.csv").exists()


def test_stream_paths_are_written_directly(tiny_model, write):
    import os
    import threading

    read_fd, write_fd = os.pipe()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(os.fdopen(read_fd).read()))
    reader.start()
    try:
        tag_file(write("h.txt", "Crude oil climbs\n"), f"/proc/self/fd/{write_fd}", model=tiny_model)
    finally:
        os.close(write_fd)
    reader.join(timeout=30)
    assert "energy" in chunks[0]


def test_symlink_loop_is_refused(tiny_model, write, tmp_path):
    from newsclf import OutputError

    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    with pytest.raises(OutputError, match="cannot write there"):
        tag_file(write("h.txt", "oil\n"), loop, model=tiny_model)
    assert loop.is_symlink()


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


def _write_inputs(tmp_path, texts):
    """The texts as a properly quoted CSV file and as a JSON lines file."""
    as_csv = tmp_path / "in.csv"
    with open(as_csv, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text"], *([t] for t in texts)])
    as_jsonl = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
    as_jsonl.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return as_csv, as_jsonl


def _check_same_as_classify(tiny_model, tmp_path, texts, jobs):
    expected = [p.label for p in classify(texts, model=tiny_model)]
    for src in _write_inputs(tmp_path, texts):
        out = tmp_path / "out.csv"
        summary = tag_file(src, out, model=tiny_model, batch_size=3, n_jobs=jobs)
        rows = _read_csv(out)
        assert summary.rows == len(rows) == len(texts)
        # (a CSV line of spaces alone is a blank line, as the reader documents)
        kept = texts if src.suffix == ".jsonl" else [t if t.strip(" ") else "" for t in texts]
        assert [r["text"] for r in rows] == kept
        assert [r["topic"] for r in rows] == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ANY_TEXT, max_size=12))
def test_any_strings_in_csv_or_jsonl_tag_like_classify(tiny_model, tmp_path, texts):
    _check_same_as_classify(tiny_model, tmp_path, texts, jobs=1)


# Few examples: each starts a pool of worker processes.
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ANY_TEXT, min_size=4, max_size=12))
def test_any_strings_tag_like_classify_with_worker_processes(tiny_model, tmp_path, texts):
    _check_same_as_classify(tiny_model, tmp_path, texts, jobs=2)


def test_jobs_give_the_same_output_as_in_process(tiny_model, write, tmp_path):
    lines = ["id,text"] + [f'{i},"Crude oil {i}, coach"' if i % 7 else f"{i},x,ragged" for i in range(200)]
    src = write("d.csv", "\n".join(lines) + "\n\n" + '9,"open\n')
    one = tag_file(src, tmp_path / "one.csv", model=tiny_model, n_jobs=1, batch_size=16, top_k=2)
    two = tag_file(src, tmp_path / "two.csv", model=tiny_model, n_jobs=2, batch_size=16, top_k=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (one.rows, one.tagged, one.unreadable, one.empty) == (
        two.rows,
        two.tagged,
        two.unreadable,
        two.empty,
    )
    assert one.rows == 202 and one.unreadable == 29 + 1 and one.empty == 1


def test_min_score_abstains_keeping_the_score(tiny_model, write, tmp_path):
    src = write("h.txt", "Crude oil climbs\n\nthe new week report\n")
    scores = [p.score for p in classify(["Crude oil climbs", "the new week report"], model=tiny_model)]
    threshold = (scores[0] + scores[1]) / 2
    summary = tag_file(src, tmp_path / "o.csv", model=tiny_model, min_score=threshold, top_k=1)
    rows = _read_csv(tmp_path / "o.csv")
    assert [r["status"] for r in rows] == ["ok", "empty", "low_score"]
    assert rows[2]["topic"] == "" and rows[2]["score"] == f"{scores[1]:.4f}" and rows[2]["alternatives"]
    assert (summary.tagged, summary.empty, summary.abstained) == (1, 1, 1)
    assert "1 abstained" in str(summary)
    with pytest.raises(ValueError, match="min_score"):
        tag_file(src, tmp_path / "x.csv", model=tiny_model, min_score=2)


def test_dirty_csv_keeps_one_row_per_record(tiny_model, write, tmp_path):
    content = (
        b'id,text\n1,Crude oil climbs\n2,too,many,fields\n\n3,"unterminated\n4,caf\xe9 coach wins\n'
        b'5,"a ""quoted"" oil deal"\n6\n'
    )
    summary = tag_file(
        write("dirty.csv", content), tmp_path / "o.csv", model=tiny_model, n_jobs=2, batch_size=2
    )
    rows = _read_csv(tmp_path / "o.csv")
    assert [r["status"] for r in rows] == [
        "ok",
        "ragged_row",
        "empty",
        "bad_csv",
        "bad_utf8",
        "ok",
        "ragged_row",
    ]
    assert [r["line"] for r in rows] == ["2", "3", "4", "5", "6", "7", "8"]
    assert rows[4]["text"] == "caf\ufffd coach wins" and rows[4]["topic"] == "sport"
    assert rows[5]["text"] == 'a "quoted" oil deal'
    assert (summary.rows, summary.repaired, summary.unreadable) == (7, 1, 3)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("cols.csv", b"id,title\n1,oil\n", r"no text column 'body'; the columns are: 'id', 'title'"),
        ("nokey.csv", b"id,body\n1,oil\n", r"no text column given and none named text, title, headline"),
        ("bad.txt", b"oil\ncaf\xe9\n", r"bad\.txt, line 2, column 4: not UTF-8"),
    ],
)
def test_input_errors_write_nothing(tiny_model, write, tmp_path, name, content, message):
    out = tmp_path / "out.csv"
    text_col = "body" if name == "cols.csv" else None
    with pytest.raises(DataError, match=message):
        tag_file(write(name, content), out, model=tiny_model, text_col=text_col, strict=True, n_jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_empty_and_header_only_inputs_give_header_only_outputs(tiny_model, write, tmp_path):
    assert tag_file(write("e.txt", ""), tmp_path / "e.csv", model=tiny_model).rows == 0
    assert (tmp_path / "e.csv").read_bytes() == b"text,topic,score,status,line\r\n"
    assert tag_file(write("h.csv", "id,title\n"), tmp_path / "h.tagged.csv", model=tiny_model).rows == 0
    assert (tmp_path / "h.tagged.csv").read_bytes() == b"id,title,topic,score,status,line\r\n"


def test_truncated_gzip_with_workers_leaves_nothing(tiny_model, tmp_path):
    import gzip

    data = gzip.compress(("\n".join(f"oil deal {i}" for i in range(20000)) + "\n").encode())
    src = tmp_path / "cut.txt.gz"
    src.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.txt\.gz, line \d+: truncated or corrupt gzip"):
        tag_file(src, tmp_path / "out.csv", model=tiny_model, batch_size=1000, n_jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.txt.gz"]


def test_a_failing_worker_leaves_no_output(tiny_model, write, tmp_path, monkeypatch):
    import multiprocessing
    import os

    from newsclf._tasks import parallel as _parallel
    from newsclf._tasks.classify import score_texts

    main = os.getpid()

    def fail_in_workers(clf, texts, top_k):
        if os.getpid() != main:
            raise MemoryError("no room")
        return score_texts(clf, texts, top_k)

    monkeypatch.setattr(_parallel, "score_texts", fail_in_workers)
    if _parallel._context().get_start_method() != "fork":
        pytest.skip("patches reach workers only when forked")
    with pytest.raises(MemoryError):
        tag_file(write("h.txt", "oil\n" * 50), tmp_path / "o.csv", model=tiny_model, n_jobs=2, batch_size=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.txt"]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv.gz", "out.html"])
def test_unknown_output_extension_is_refused_naming_the_formats(tiny_model, write, tmp_path, name):
    with pytest.raises(
        DataError, match=r"cannot write a \.\w+ file.*csv \(\.csv\), jsonl \(\.jsonl, \.ndjson\)"
    ):
        tag_file(write("h.txt", "x\n"), tmp_path / name, model=tiny_model)
    assert not (tmp_path / name).exists()
    tag_file(write("h.txt", "x\n"), tmp_path / name, model=tiny_model, output_format="csv")  # said so
    assert (tmp_path / name).read_text().startswith("text,topic")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_jsonl_to_csv_or_parquet_keeps_every_scalar_key(tiny_model, write, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    src = write(
        "in.jsonl",
        '{"id": 7, "title": "Crude oil climbs", "ok": true, "meta": {"a": 1}, "n": null}\n'
        "not json at all\n"
        '{"id": 8, "title": 42, "extra": "x"}\n'
        '{"title": "Striker wins cup", "id": "nine", "ok": [1, 2]}\n',
    )
    out = tmp_path / f"out.{fmt}"
    tag_file(src, out, model=tiny_model)
    if fmt == "csv":
        rows = _read_csv(out)
    else:
        import pandas as pd

        rows = pd.read_parquet(out).astype({"line": str, "score": str}).fillna("").to_dict("records")
    assert list(rows[0])[:4] == ["id", "title", "ok", "n"]  # "meta" is not a scalar
    assert [(r["id"], r["title"], r["ok"], r["status"]) for r in rows] == [
        ("7", "Crude oil climbs", "true", "ok"),
        ("", "not json at all", "", "bad_json"),  # the line itself is kept, in the text column
        ("8", "42", "", "no_text"),
        ("nine", "Striker wins cup", "[1, 2]", "ok"),
    ]


def test_unreadable_csv_records_keep_their_raw_content(tiny_model, write, tmp_path):
    content = (
        b'id,text,n\n1,Crude oil climbs,2\n2,too,many,fields,"here"\n3,"oops"x,4\n4,Striker wins cup,5\n'
    )
    tag_file(write("dirty.csv", content), tmp_path / "o.csv", model=tiny_model)
    rows = _read_csv(tmp_path / "o.csv")
    assert [r["status"] for r in rows] == ["ok", "ragged_row", "bad_csv", "ok"]
    assert rows[1]["text"] == '2,too,many,fields,"here"' and rows[1]["id"] == "2"
    assert rows[2]["text"] == '3,"oops"x,4' and rows[2]["id"] == ""
    assert rows[3]["text"] == "Striker wins cup"


def test_csv_output_keeps_the_input_separator_unless_told(tiny_model, write, tmp_path):
    src = write("in.csv", "id;title\n1;Crude oil; climbs\n2;Striker wins cup\n")  # a ragged row too
    tag_file(src, tmp_path / "a.csv", model=tiny_model)
    first = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
    assert (
        first[0] == "id;title;topic;score;status;line"
        and first[1] == '1;"1;Crude oil; climbs";;;ragged_row;2'
    )
    tag_file(src, tmp_path / "b.csv", model=tiny_model, output_sep="\t", excel=True)
    data = (tmp_path / "b.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid\ttitle\ttopic\t")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines(), delimiter="\t"))
    assert rows[1]["title"] == "Striker wins cup" and rows[1]["topic"] == "sport"
    with pytest.raises(DataError, match="apply to CSV output"):
        tag_file(src, tmp_path / "c.jsonl", model=tiny_model, excel=True)
    txt = write("h.txt", "Striker wins cup; again\n")  # text lines: comma output, as before
    tag_file(txt, tmp_path / "d.csv", model=tiny_model, output_sep=";")
    assert (tmp_path / "d.csv").read_text().splitlines()[1].startswith('"Striker wins cup; again";sport;')


def test_output_separator_and_excel_through_the_command_line(cli, write, tiny_model_path):
    src = write("in.csv", "id,title\n1,Crude oil climbs\n")
    out = cli("tag", src, "--model", tiny_model_path, "--output-sep", "tab", "--excel", "-q").stdout
    assert out.startswith("\ufeffid\ttitle\ttopic\tscore\tstatus\tline\n1\tCrude oil climbs\tenergy\t")
    bad = cli("tag", src, "--model", tiny_model_path, "--output-sep", ",,", check=False)
    assert bad.returncode == 1 and "output separator must be one character" in bad.stderr
