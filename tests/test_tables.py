import pytest

from newsclf import DataError
from newsclf._io.readers import pick_separator
from newsclf._io.tables import TableOptions, read_table


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separator_is_sniffed(write, sep):
    path = write("d.csv", f"text{sep}label\nhello{sep}a\n")
    table = read_table(path)
    assert table.columns == ["text", "label"] and table.rows == [["hello", "a"]]


def test_bom_and_quoted_newlines(write):
    path = write("d.csv", '\ufefftext,label\n"line one\nline two, with comma",a\nplain,b\n')
    table = read_table(path)
    assert table.columns == ["text", "label"]
    assert table.rows == [["line one\nline two, with comma", "a"], ["plain", "b"]]
    assert table.lines == [2, 4]


def test_not_utf8_names_line_and_column(write):
    path = write("latin.csv", "text,label\nok,a\ncaf\xe9 au lait,b\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin.csv, line 3, column 4: not UTF-8 \(byte 0xE9"):
        read_table(path)


def test_empty_and_header_only(write):
    with pytest.raises(DataError, match=r"empty\.csv: the file is empty"):
        read_table(write("empty.csv", ""))
    with pytest.raises(DataError, match="the file is empty"):
        read_table(write("blank.csv", "\n\n  \n"))
    with pytest.raises(DataError, match=r"head\.csv: the file has a header but no data rows"):
        read_table(write("head.csv", "text,label\n"))


def test_ragged_row_is_an_error_with_its_line(write):
    path = write("r.csv", "text,label\na,b\nc,d,e\n")
    with pytest.raises(DataError, match=r"r.csv, line 3: expected 2 fields .* found 3"):
        read_table(path)


def test_malformed_quoting(write):
    with pytest.raises(DataError, match=r"bad.csv, line 2: malformed CSV"):
        read_table(write("bad.csv", 'text,label\n"abc"x,y\n'))


def test_no_header_numbers_columns_and_no_quotes_keeps_quotes(write):
    path = write("h.tsv", '1\t"Quoted" title\tb\n2\tOther\tt\n')
    table = read_table(path, TableOptions(header=False, quoting=False))
    assert table.columns == ["1", "2", "3"]
    assert table.rows[0] == ["1", '"Quoted" title', "b"]


def test_gzip_is_read(write, tmp_path):
    import gzip

    path = tmp_path / "d.csv.gz"
    path.write_bytes(gzip.compress(b"text;label\nx;y\n"))
    assert read_table(path).rows == [["x", "y"]]
    (tmp_path / "bad.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError, match="truncated or corrupt gzip"):
        read_table(tmp_path / "bad.csv.gz")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_table(tmp_path / "absent.csv")


def test_pick_separator_falls_back_on_the_extension():
    assert pick_separator("a b", "x.tsv") == "\t"
    assert pick_separator("a b", "x.csv") == ","
