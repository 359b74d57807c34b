import io

from newsclf._tasks.progress import Progress


def test_estimate_from_rows_or_bytes():
    assert Progress("x", enabled=True, total_rows=500).estimate(100, None) == 500
    bytes_based = Progress("x", enabled=True, size=1000)
    assert bytes_based.estimate(100, 250) == 400  # a quarter of the bytes gave 100 rows
    assert bytes_based.estimate(100, 0) is None and bytes_based.estimate(100, None) is None
    assert Progress("x", enabled=True).estimate(100, 250) is None  # a pipe: no size


def test_bar_shows_rows_rate_and_total_when_enabled():
    out = io.StringIO()
    with Progress("in.txt", enabled=True, total_rows=300, file=out) as progress:
        progress.update(100)
        progress.update(200)
    text = out.getvalue()
    assert "tagging in.txt" in text and "100%" in text and "300/300" in text and "rows/s" in text


def test_nothing_when_disabled_or_quiet(capsys):
    progress = Progress.for_stderr("x", quiet=True, total_rows=10)
    progress.update(10)
    progress.close()
    assert capsys.readouterr().err == ""
    progress = Progress.for_stderr("x", quiet=False)  # stderr is captured: not a terminal
    progress.update(10)
    progress.close()
    assert capsys.readouterr().err == ""
