import gzip

import pytest

from newsclf import DataError, Status
from newsclf._io.formats import input_format as detect_format
from newsclf._io.readers import open_reader as open_records


def _records(path, **kwargs):
    with open_records(path, **kwargs) as reader:
        return reader.columns, list(reader)


def test_txt_keeps_blank_lines_and_marks_bad_bytes(write):
    path = write("h.txt", b"Oil climbs\n\n  \nCaf\xe9 opens\r\nlast line without newline")
    columns, records = _records(path)
    assert columns == ["text"]
    assert [r.status for r in records] == [
        Status.OK,
        Status.EMPTY,
        Status.EMPTY,
        Status.BAD_UTF8,
        Status.OK,
    ]
    assert [r.line for r in records] == [1, 2, 3, 4, 5]
    assert records[3].text == "Caf\ufffd opens"


def test_csv_statuses_and_lines(write):
    content = (
        'id,title,extra\n1,Oil climbs,x\n2,"multi\nline",y\n3,,z\n4,too,many,fields\n5,short\n'
        '6,"bad"quote,w\n7,after,v\n'
    )
    columns, records = _records(write("h.csv", content))
    assert columns == ["id", "title", "extra"]
    statuses = [r.status for r in records]
    assert statuses == [
        Status.OK,
        Status.OK,
        Status.EMPTY,
        Status.RAGGED,
        Status.RAGGED,
        Status.BAD_CSV,
        Status.OK,
    ]
    assert [r.line for r in records] == [2, 3, 5, 6, 7, 8, 9]
    assert records[1].text == "multi\nline"
    assert records[4].fields == ["5", "short", ""]
    assert records[-1].fields == ["7", "after", "v"]


def test_csv_text_column_default_and_errors(write):
    with pytest.raises(DataError, match=r"line 1: no text column given .*\(the columns are: 'a', 'b'\)"):
        _records(write("x.csv", "a,b\n1,2\n"))
    with pytest.raises(DataError, match=r"no text column 'body'"):
        _records(write("y.csv", "title,b\n1,2\n"), text_col="body")
    with pytest.raises(DataError, match="the file is empty"):
        _records(write("z.csv", ""))
    columns, records = _records(write("head.csv", "title,b\n"))
    assert columns == ["title", "b"] and records == []


def test_jsonl(write):
    content = '{"title": "Oil climbs", "id": 1}\nnot json\n[1, 2]\n{"id": 3}\n\n{"title": ""}\n'
    columns, records = _records(write("h.jsonl", content))
    assert columns == ["title"]
    assert [r.status for r in records] == [
        Status.OK, Status.BAD_JSON, Status.BAD_JSON, Status.NO_TEXT, Status.EMPTY, Status.EMPTY,
    ]  # fmt: skip
    assert [r.line for r in records] == [1, 2, 3, 4, 5, 6]


def test_gzip_and_truncated_gzip(tmp_path):
    data = gzip.compress(("\n".join(f"headline {i}" for i in range(5000)) + "\n").encode())
    good = tmp_path / "h.txt.gz"
    good.write_bytes(data)
    assert len(_records(good)[1]) == 5000
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated or corrupt gzip"):
        _records(cut)


def test_detect_format():
    assert detect_format("a.TXT") == "txt"
    assert detect_format("a.tsv.gz") == "tsv"
    assert detect_format("dump.ndjson") == "jsonl"
    with pytest.raises(DataError, match="--input-format"):
        detect_format("dump.dat")


def test_unterminated_quote_costs_one_line_not_the_rest(write):
    lines = ["id,headline", '1,"Oil up 5%'] + [f"{i},Stocks fall {i}" for i in range(2, 300)]
    _columns, records = _records(write("swallow.csv", "\n".join(lines) + "\n"))
    assert len(records) == 299
    assert records[0].status == Status.BAD_CSV and records[0].detail == "unterminated quote"
    assert all(r.status == Status.OK for r in records[1:])
    assert [r.line for r in records] == list(range(2, 301))
    assert records[-1].fields == ["299", "Stocks fall 299"]


def test_quoted_newline_in_header_and_case_insensitive_default(write):
    columns, records = _records(write("h.csv", 'id,"Title\nof story"\n1,Oil\n'), text_col="id")
    assert columns == ["id", "Title\nof story"] and records[0].fields == ["1", "Oil"]
    columns, records = _records(write("t.csv", "id,Title\n1,Oil climbs\n"))
    assert records[0].text == "Oil climbs"


def test_long_fields_are_read(write):
    long_text = "oil " * 50_000
    _columns, records = _records(write("long.csv", f'id,text\n1,"{long_text}"\n'))
    assert records[0].status == Status.OK and records[0].text == long_text.strip()


def test_json_oddities(write):
    deep = "[" * 100_000
    content = deep + '\n{"text": "\\ud800 oil"}\n{"text": 5}\n'
    _columns, records = _records(write("odd.jsonl", content), text_col="text")
    assert [r.status for r in records] == [Status.BAD_JSON, Status.BAD_UTF8, Status.NO_TEXT]
    assert records[1].text == "? oil"


def test_strict_mode_names_line_and_reason(write):
    with pytest.raises(DataError, match=r"r\.csv, line 3: expected 2 fields"):
        _records(write("r.csv", "text,label\na,b\nc,d,e\n"), strict=True)
    with pytest.raises(DataError, match=r"b\.csv, line 2, column 4: not UTF-8"):
        _records(write("b.csv", b"text,label\ncaf\xe9,b\n"), strict=True)


def test_bad_separator_option(write):
    with pytest.raises(DataError, match="one character"):
        _records(write("s.csv", "a,b\n"), sep=",,")


def test_quote_inside_an_unquoted_field_is_text(write):
    content = 'text,topic\n12" pizza oven sales soar,economy\n7" tablet launched,tech\nStocks fall,economy\n'
    _, records = _records(write("inch.csv", content), text_col="text")
    assert [r.status for r in records] == [Status.OK] * 3
    assert records[0].text == '12" pizza oven sales soar'


def test_quoted_field_spanning_many_lines(write, tmp_path):
    import csv as csv_module

    path = tmp_path / "span.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_module.writer(handle)
        writer.writerows([["id", "text"], ["1", "para\n" * 250 + "end"], ["2", "after"]])
    _, records = _records(path)
    assert [r.fields[0] for r in records] == ["1", "2"] and [r.line for r in records] == [2, 253]


def test_jsonl_key_is_guessed_from_the_first_object(write):
    columns, records = _records(write("f.jsonl", 'not json\n\n{"title": "oil up", "id": 1}\n'))
    assert columns == ["title"]
    assert [r.status for r in records] == [Status.BAD_JSON, Status.EMPTY, Status.OK]


def test_no_header_keeps_leading_blank_lines_and_names_a_bad_first_row(write):
    _, records = _records(write("nh.csv", "\n\noil up,1\nstocks fall,2\n"), header=False, text_col="1")
    assert [r.status for r in records] == [Status.EMPTY, Status.EMPTY, Status.OK, Status.OK]
    assert [r.line for r in records] == [1, 2, 3, 4]
    with pytest.raises(DataError, match=r"line 1: cannot read the first row.*unterminated quote"):
        _records(write("bad.csv", '"oil,1\n'), header=False, text_col="1")


def test_cr_only_line_ends(write):
    _, records = _records(write("mac.txt", b"oil up\r\rstocks fall\r"))
    assert [(r.line, r.text, r.status) for r in records] == [
        (1, "oil up", Status.OK), (2, "", Status.EMPTY), (3, "stocks fall", Status.OK),
    ]  # fmt: skip
    _, records = _records(write("mac.csv", b"id,text\r1,oil up\r2,stocks\r"))
    assert [r.fields for r in records] == [["1", "oil up"], ["2", "stocks"]]


def test_options_that_do_not_fit(write):
    with pytest.raises(DataError, match="--text-col applies to CSV"):
        _records(write("h.txt", "oil\n"), text_col="title")
    with pytest.raises(DataError, match="other than a quote"):
        _records(write("s.csv", "a,b\n"), sep='"')


def test_dirty_stretch_after_an_unterminated_quote_is_read_in_linear_time(write):
    # Every line closes one quoted field and opens another: the first record never ends.
    path = write("zigzag.csv", "id,text,z\n" + 'a",b,"c\n' * 3000)
    with open_records(path) as reader:
        calls = 0
        next_line = reader._next_line

        def counting():
            nonlocal calls
            calls += 1
            return next_line()

        reader._next_line = counting
        records = list(reader)
    assert len(records) == 3000 and all(r.status == Status.BAD_CSV for r in records)
    assert calls < 3 * 3000 + 10  # each line read at most a few times, not once per later line


def test_spaces_only_line_is_blank(write):
    _, records = _records(write("s.csv", "id,text\n   \n1,oil\n"))
    assert [(r.status, r.line) for r in records] == [(Status.EMPTY, 2), (Status.OK, 3)]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("c.txt", b"\xef\xbb\xbfOil up\n\n  \nCaf\xe9 opens\r\nlast"),
        ("c.csv", b'id,text\n1,"multi\nline"\n\n2,bad,row\n3,"x"y\n4,caf\xe9\n'),
        ("c.jsonl", b'{"text": "oil"}\nnope\n\n{"id": 1}\n{"text": "caf\xe9"}\n'),
        ("mac.txt", b"oil\rup\r\rcaf\xe9\rlast"),
    ],
)
def test_chunks_hold_the_same_records_as_iteration(write, name, content):
    path = write(name, content)
    _, records = _records(path)
    with open_records(path) as reader:
        chunks = list(reader.chunks(2))
    assert [len(c) for c in chunks[:-1]] == [2] * (len(chunks) - 1)
    width = len(reader.columns)
    assert [n for c in chunks for n in c.lines] == [r.line for r in records]
    assert [r.line for r in records] == list(range(1, len(records) + 1)) or name.endswith(".csv")
    assert [t for c in chunks for t in c.texts] == [r.text for r in records]
    assert [s for c in chunks for s in c.statuses] == [r.status for r in records]
    rows = [list(row) for c in chunks for row in zip(*c.columns)]
    assert rows == [(r.fields + [""] * width)[:width] for r in records]
    if name.endswith(".jsonl"):
        assert [o for c in chunks for o in c.records] == [r.obj for r in records]


def test_strict_reports_the_first_problem_even_past_a_later_bad_byte(write):
    path = write("order.csv", b"text,label\na,b\nc,d,e\ncaf\xe9,f\n")
    with pytest.raises(DataError, match=r"line 3: expected 2 fields"):
        _records(path, strict=True)
    with (
        open_records(write("b.txt", b"ok\n" * 5 + b"caf\xe9\n"), strict=True) as reader,
        pytest.raises(
            DataError, match=r"b\.txt, line 6, column 4: not UTF-8 \(byte 0xE9 at byte offset 18\)"
        ),
    ):
        list(reader.chunks(100))


def test_reader_knows_the_input_size_and_position(tmp_path):
    data = gzip.compress(b"oil up\n" * 10_000)
    path = tmp_path / "p.txt.gz"
    path.write_bytes(data)
    with open_records(path) as reader:
        assert reader.size == len(data) and reader.tell() == 0
        next(reader.chunks(100))
        assert 0 < reader.tell() <= len(data)
        list(reader.chunks(100))
        assert reader.tell() == len(data)


@pytest.mark.parametrize(
    "first_line",
    [
        "1,Arsenal sign Brazilian midfielder on a five-year deal,sport",
        "17\t2024-01-31\tOil prices climb as OPEC+ extends its output cuts again",
        "0.93,42,Markets rally as inflation cools",
    ],
)
def test_a_headerless_file_gets_the_no_header_hint(write, first_line):
    sep = "\t" if "\t" in first_line else ","
    data = write(
        "h.csv", first_line + "\n" + sep.join(["2", "Another headline about the weather", "x"]) + "\n"
    )
    with pytest.raises(DataError, match="--no-header"), open_records(data) as reader:
        list(reader.chunks(10))
    with pytest.raises(DataError, match="--no-header"), open_records(data, text_col="headline") as reader:
        list(reader.chunks(10))
    from newsclf._io.tables import read_labeled

    with pytest.raises(DataError, match="--no-header"):
        read_labeled(data, text_col="text", label_col="label")


@pytest.mark.parametrize("header", ["id,title,topic", "a,b,c", "Headline Text,Label,Date", "x1,x2,42"])
def test_a_real_header_gets_no_such_hint(write, header):
    data = write("h.csv", header + "\n1,Some headline,sport\n")
    with pytest.raises(DataError) as caught, open_records(data, text_col="nope") as reader:
        list(reader.chunks(10))
    assert "--no-header" not in str(caught.value)
