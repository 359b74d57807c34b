"""The command line: in-process through ``main()`` (``cli``), a few through the real console script."""

import csv
import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

VERBS = ["classify", "explain", "tag", "train", "evaluate", "info"]


@pytest.mark.parametrize("verb", VERBS)
def test_help_is_complete_with_an_example(cli, verb):
    out = cli(verb, "--help").stdout
    assert "examples:" in out and f"newsclf {verb}" in out


def test_top_level_help_and_version(cli_process):
    # The real console script: its entry point, exit status and output.
    out = cli_process("--help").stdout
    assert all(verb in out for verb in ["classify", "tag", "train", "evaluate", "info"])
    assert cli_process("--version").stdout.startswith("newsclf ")
    assert cli_process("classify", check=False).returncode == 2
    # This tree's command, in a real process (the console script may be installed from another).
    assert all(verb in _module_command("--help").stdout for verb in VERBS)


def test_classify_text_and_json(cli, tmp_path):
    out = cli(
        "classify", "Arsenal sign Brazilian midfielder", "Apple unveils new iPhone", cwd=tmp_path
    ).stdout
    lines = out.strip().splitlines()
    assert lines[0].startswith("sport\t") and lines[1].startswith("technology\t")
    out = cli(
        "classify", "Arsenal sign Brazilian midfielder", "Apple unveils new iPhone", "--json", "--top-k", "2"
    )
    lines = out.stdout.splitlines()  # JSON lines, as the help says and as `tag --format jsonl` writes
    assert len(lines) == 2
    data = [json.loads(line) for line in lines]
    assert data[0]["label"] == "sport" and len(data[0]["alternatives"]) == 2
    assert data[1]["text"] == "Apple unveils new iPhone"


def test_classify_dash_reads_headlines_from_stdin(cli):
    stdin = "Arsenal sign Brazilian midfielder\n\nApple unveils new iPhone\r\n"
    lines = cli("classify", "-", "--json", stdin=stdin).stdout.splitlines()
    data = [json.loads(line) for line in lines]
    assert [d["text"] for d in data] == ["Arsenal sign Brazilian midfielder", "", "Apple unveils new iPhone"]
    assert [d["label"] for d in data] == ["sport", "", "technology"]
    plain = cli("classify", "-", stdin="Arsenal sign Brazilian midfielder\n").stdout
    assert plain.startswith("sport\t") and "\t-\n" not in plain


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify", "x", "--top-k", "0"], "must be a positive integer"),
        (["classify", "x", "--top-k", "abc"], "invalid positive integer value"),
        (
            ["train", "d.csv", "--text-col", "t", "--label-col", "l", "-o", "m", "--C", "-1"],
            "positive number",
        ),
        (["train", "d.csv", "--text-col", "t", "--label-col", "l", "-o", "m", "--seed", "-1"], "from 0 to"),
    ],
)
def test_usage_errors(cli, args, message):
    result = cli(*args, check=False)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("verb", ["train", "tag"])
def test_unusable_separator(cli, write, tmp_path, verb):
    data = write("d.csv", "text,label\na,b\n")
    extra = (
        ["--text-col", "text", "--label-col", "label", "-o", tmp_path / "m.newsclf"]
        if verb == "train"
        else []
    )
    result = cli(verb, data, *extra, "--sep", ",,", check=False)
    assert result.returncode == 1 and "one character other than a quote" in result.stderr
    assert "Traceback" not in result.stderr


def test_classify_min_score_abstains_and_keeps_the_score(cli):
    text = "Ministers meet to discuss the weather"
    score = json.loads(cli("classify", text, "--json").stdout)["score"]
    above, below = f"{min(score + 1e-3, 1.0):.6f}", f"{score - 1e-3:.6f}"
    assert score < 1.0
    out = cli("classify", text, "--min-score", above).stdout
    assert out.startswith(f"-\t{score:.3f}") and out.rstrip().endswith("(below --min-score: no topic)")
    assert not cli("classify", text, "--min-score", below).stdout.startswith("-")
    result = cli("classify", "x", "--min-score", "1.5", check=False)
    assert result.returncode == 2 and "must be a probability in [0, 1]" in result.stderr


def test_classify_empty_text(cli):
    assert "(empty text: no topic)" in cli("classify", "   ").stdout
    data = json.loads(cli("classify", "", "--json").stdout)
    assert data == {"text": "", "label": "", "score": 0.0, "status": "empty"}


def test_tag_txt_from_stdin_and_file(cli, write, tmp_path):
    out = cli("tag", "-", "--quiet", stdin="Arsenal sign midfielder\n\nOPEC cuts oil output\n").stdout
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["status"] for r in rows] == ["ok", "empty", "ok"]
    src = write("h.csv", "id,title\n1,Arsenal sign midfielder\n2,\n")
    dest = tmp_path / "tagged.csv"
    result = cli("tag", src, "-o", dest)
    assert "2 rows: 1 tagged, 0 repaired, 1 empty, 0 unreadable" in result.stderr
    rows = list(csv.DictReader(dest.read_text().splitlines()))
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["topic"] == "sport"


def test_tag_writes_utf8_whatever_the_locale(cli, write):
    import os
    import subprocess

    src = write("h.txt", "Café owners protest ünïcode tax\n")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    command = [*cli.command, "tag", str(src), "-q"]
    result = subprocess.run(command, capture_output=True, env=env, check=True)
    assert "Café owners protest ünïcode tax" in result.stdout.decode("utf-8")


def test_output_problems_fail_fast_without_traceback(cli, write, corpus, tmp_path):
    data = write("labeled.csv", corpus.to_csv(index=False))
    for args, message in [
        (["train", data, "--text-col", "text", "--label-col", "label", "-o", tmp_path / "no" / "m.newsclf"],
         "does not exist"),
        (["train", data, "--text-col", "text", "--label-col", "label", "-o", tmp_path], "is a directory"),
        (["tag", data, "-o", data], "is also the input"),
    ]:  # fmt: skip
        result = cli(*args, check=False)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_train_is_byte_reproducible(cli, write, corpus, tmp_path):
    import os
    import subprocess

    data = write("labeled.csv", corpus.to_csv(index=False))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for name in ("a.newsclf", "b.newsclf"):
        command = [*cli.command, "train", str(data), "--text-col", "text", "--label-col", "label"]
        subprocess.run([*command, "-o", str(tmp_path / name)], env=env, check=True, capture_output=True)
    assert (tmp_path / "a.newsclf").read_bytes() == (tmp_path / "b.newsclf").read_bytes()


def test_train_evaluate_info_round_trip(cli, write, corpus, tmp_path):
    data = write(
        "labeled.csv",
        corpus.rename(columns={"text": "headline", "label": "desk"}).to_csv(index=False),
    )
    model = tmp_path / "models" / "mine.newsclf"
    model.parent.mkdir()
    out = cli(
        "train", data, "--text-col", "headline", "--label-col", "desk", "-o", model, "--seed", "3"
    ).stdout
    assert "held-out evaluation" in out and "macro-F1" in out and "confusion matrix" in out
    assert sorted(p.name for p in model.parent.iterdir()) == ["mine.newsclf"]  # exactly PATH
    report = json.loads(
        cli("evaluate", model, data, "--text-col", "headline", "--label-col", "desk", "--json").stdout
    )
    assert report["accuracy"] > 0.9 and "macro_f1" in report and "confusion_matrix" in report
    card = json.loads(cli("info", model, "--json").stdout)
    assert card["labels"] == ["energy", "health", "sport"]
    assert card["split"]["seed"] == 3 and card["metrics"]["held_out"]["macro_f1"] > 0.9
    text = cli("info", model).stdout
    assert "labels (3)" in text and "held-out metrics" in text


def test_train_can_store_float32_coefficients(cli, write, corpus, tmp_path):
    data = write("labeled.csv", corpus.to_csv(index=False))
    base = ["train", data, "--text-col", "text", "--label-col", "label"]
    cli(*base, "-o", tmp_path / "wide.newsclf")
    cli(*base, "-o", tmp_path / "half.newsclf", "--coef-dtype", "float32")
    wide, half = (
        zipfile.ZipFile(tmp_path / n).getinfo("arrays/coef.npy") for n in ("wide.newsclf", "half.newsclf")
    )
    assert half.file_size < 0.51 * wide.file_size
    refused = cli(
        *base, "-o", tmp_path / "m.joblib", "--save-format", "joblib", "--coef-dtype", "float32", check=False
    )
    assert refused.returncode == 2 and "applies to --save-format newsclf only" in refused.stderr
    assert not (tmp_path / "m.joblib").exists()


def test_info_on_bundled_model(cli):
    card = json.loads(cli("info", "--json").stdout)
    assert card["path"].endswith("default.newsclf")
    assert card["sources"] and all(s["license"] for s in card["sources"])
    assert "energy" in card["labels"] and card["label_descriptions"]["energy"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"headline,topic\nx,y\n", ["--text-col", "text", "--label-col", "topic"],
         "line 1: no text column 'text'; the columns are: 'headline', 'topic'"),
        (b"text,label\nok,a\ncaf\xe9,b\n", ["--text-col", "text", "--label-col", "label"],
         "line 3, column 4: not UTF-8"),
        (b"", ["--text-col", "text", "--label-col", "label"], "the file is empty"),
        (b"text,label\n", ["--text-col", "text", "--label-col", "label"], "header but no data rows"),
        (b"text,label\na,x\nb,x\n", ["--text-col", "text", "--label-col", "label"], "found only 1 label"),
        (b"text,label\na,x\nb,x\nc,y\nd,y\ne,z\n", ["--text-col", "text", "--label-col", "label"],
         "fewer than 2 examples, too few to learn and evaluate: 'z' (line 6)"),
    ],
)  # fmt: skip
def test_train_errors_are_clear_and_without_traceback(cli, write, tmp_path, content, args, message):
    data = write("bad.csv", content)
    result = cli("train", data, *args, "-o", tmp_path / "m.newsclf", check=False)
    assert result.returncode == 1
    assert message in result.stderr and "bad.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "m.newsclf").exists()


def test_info_survives_a_malformed_card(cli, tiny_model, tmp_path):
    from newsclf import load_model

    model = load_model(tiny_model.save(tmp_path / "m.newsclf"))
    model.card_ = {"labels": 5, "metrics": {"held_out": []}}
    model.save(tmp_path / "odd.newsclf")
    result = cli("info", tmp_path / "odd.newsclf")
    assert "not in the expected form" in result.stdout and "Traceback" not in result.stderr


def test_corrupt_model_error(cli, write):
    bad = write("bad.newsclf", b"PK\x03\x04 not really")
    result = cli("info", bad, check=False)
    assert result.returncode == 1 and "not a newsclf model file" in result.stderr
    assert "Traceback" not in result.stderr


def _run_on_a_terminal(command):
    """Run a command with its stderr on a pseudo-terminal; return (exit status, what it showed)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not data:
            break
        shown += data
    os.close(leader)
    return process.wait(timeout=600), shown.decode("utf-8", "replace")


def test_tag_on_a_terminal_shows_progress_then_the_summary(cli, write, tiny_model_path, tmp_path):
    src = write("many.csv", "id,title\n" + "".join(f"{i},Crude oil deal {i}\n" for i in range(9000)) + "7,\n")
    out = tmp_path / "out.parquet"
    command = [*cli.command, "tag", src, "-o", out, "--model", tiny_model_path, "--jobs", "2",
               "--min-score", "0.99", "--top-k", "2"]  # fmt: skip
    status, shown = _run_on_a_terminal([str(part) for part in command])
    assert status == 0, shown
    assert "tagging" in shown and "rows/s" in shown and "100%" in shown  # rows, rate, estimated total
    assert "9,001 rows: " in shown and "1 empty" in shown and "abstained" in shown
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(out)
    assert table.num_rows == 9001 and table.column("line").to_pylist()[-1] == 9002
    assert set(table.column("status").to_pylist()) <= {"ok", "low_score", "empty"}


def test_a_run_stopped_midway_leaves_no_output(cli, tiny_model_path, tmp_path):
    import signal
    import subprocess
    import time

    # Input arrives through a pipe kept open, so every run is surely midway when stopped.
    lines = "".join(f"Crude oil deal {i}\n" for i in range(10_000)).encode()
    runs = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        where = tmp_path / sig.name
        where.mkdir()
        command = [
            *cli.command,
            "tag",
            "-",
            "-o",
            where / "out.csv",
            "--jobs",
            "2",
            "--model",
            tiny_model_path,
        ]
        process = subprocess.Popen(
            [str(part) for part in command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # A suite run as a background job (`&` in a script) ignores SIGINT, children inherit
            # that, and Python then installs no KeyboardInterrupt handler (rightly: a background
            # newsclf ignores Ctrl-C too). Start the run as a terminal would.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        process.stdin.write(lines)
        process.stdin.flush()
        runs[sig] = (process, where)
    for sig, (process, where) in runs.items():
        deadline = time.monotonic() + 300
        while not any(p.stat().st_size for p in where.glob(".out.csv.*.tmp")):  # output under way
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(sig)
    for sig, (process, where) in runs.items():
        # communicate() returns only once every process holding its pipes has gone:
        # the workers too, even those of the run killed outright.
        _, err = process.communicate(timeout=60)
        process.stdin.close()
        assert not (where / "out.csv").exists(), (sig.name, process.returncode, err.decode()[-2000:])
        if sig == signal.SIGKILL:
            assert process.returncode == -signal.SIGKILL  # only its hidden temporary file is left
        else:
            assert process.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[sig]
            assert list(where.iterdir()) == [] and "Traceback" not in err.decode()


@pytest.mark.parametrize(
    ("verb", "output"),
    [
        ("tag", "/proc/nope/x.csv"),  # under /proc, yet a directory that does not exist
        ("tag", "/sys/x.csv"),  # a directory even root cannot create files in
        ("train", "/sys/x.newsclf"),
        ("train-report", "/sys/report"),
        ("evaluate-report", "/sys/report"),
    ],
)
def test_every_output_path_is_checked_before_the_work(
    cli, write, corpus, tiny_model_path, monkeypatch, verb, output
):
    import newsclf._tasks.tag
    import newsclf._tasks.train

    def never(*args, **kwargs):
        raise AssertionError("the work started")

    monkeypatch.setattr(newsclf._tasks.train, "train", never)
    monkeypatch.setattr(newsclf._tasks.train, "evaluate", never)
    monkeypatch.setattr(newsclf._tasks.tag, "score_batches", never)
    data = write("labeled.csv", corpus.to_csv(index=False))
    table = ["--text-col", "text", "--label-col", "label"]
    args = {
        "tag": ["tag", data, "-o", output, "--model", tiny_model_path],
        "train": ["train", data, *table, "-o", output],
        "train-report": ["train", data, *table, "-o", data.with_suffix(".newsclf"), "--report", output],
        "evaluate-report": ["evaluate", tiny_model_path, data, *table, "--report", output],
    }[verb]
    result = cli(*args, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"newsclf {verb.split('-')[0]}: error: {output}: cannot write")
    assert "Errno" not in result.stderr and "Traceback" not in result.stderr


def test_tag_marks_text_without_signal_and_counts_it(cli, write):
    src = write("h.txt", "Brent crude climbs as OPEC+ extends output cuts\n-\nlorem ipsum dolor sit amet\n")
    result = cli("tag", src, "--jobs", "1")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["status"] for r in rows] == ["ok", "no_signal", "no_signal"]
    assert rows[0]["topic"] == "energy" and rows[1]["topic"] == rows[2]["topic"] == ""
    assert all(float(r["score"]) > 0 for r in rows)  # the score is kept
    assert (
        "3 rows: 1 tagged, 0 repaired, 0 empty, 0 unreadable, 0 abstained, 2 no signal (66.7%)"
        in result.stderr
    )


def test_evaluate_reports_the_no_signal_rate(cli, write):
    data = write(
        "t.csv",
        "text,label\nBrent crude climbs as OPEC+ extends output cuts,energy\n"
        "Arsenal sign Brazilian midfielder on five-year deal,sport\nthe,culture\n-,sport\n",
    )
    out = cli("evaluate", "default", data, "--text-col", "text", "--label-col", "label").stdout
    assert "no signal: 2 of 4 rows (50.0%)" in out
    report = json.loads(
        cli("evaluate", "default", data, "--text-col", "text", "--label-col", "label", "--json").stdout
    )
    assert report["no_signal"] == 2 and report["n"] == 4


def test_classify_says_why_there_is_no_topic(cli):
    out = cli("classify", "lorem ipsum dolor sit amet").stdout
    assert out.startswith("-\t0.") and "(no signal: the model knows too few of its words; no topic)" in out


def test_default_names_the_bundled_model_everywhere(cli, write):
    from newsclf import bundled_model_path

    assert json.loads(cli("info", "default", "--json").stdout)["path"] == str(bundled_model_path())
    assert cli("classify", "Arsenal sign Brazilian midfielder", "--model", "default").stdout.startswith(
        "sport"
    )
    out = cli(
        "tag", "-", "--model", "default", "--jobs", "1", stdin="Arsenal sign Brazilian midfielder\n"
    ).stdout
    assert ",sport," in out


def _module_command(*args: object, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m newsclf ARGS` from this tree in a real process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "newsclf", *map(str, args)],
        input=stdin, capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def test_explain_shows_the_terms_of_the_topic_and_the_runner_up(cli):
    out = cli("explain", "Brent crude climbs as OPEC+ extends output cuts", "--top", "3").stdout
    lines = out.splitlines()
    assert lines[1].startswith("  topic: energy ")
    assert any("'opec'" in line and "word" in line for line in lines[2:5])  # among the top 3 terms
    assert sum(line.startswith("  runner-up: ") for line in lines) == 1
    assert len([line for line in lines if line.startswith("    ")]) == 6
    data = json.loads(cli("explain", "lorem ipsum dolor sit amet", "--json").stdout)
    assert data["label"] == "" and data["status"] == "no_signal" and len(data["topics"]) == 2
    assert data["topics"][0]["score"] == data["score"] and data["topics"][0]["terms"]


def test_explain_through_a_real_process():
    result = _module_command(
        "explain", "-", "--json", "--top", "2", stdin="Arsenal sign Brazilian midfielder\n\n"
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["label"] == "sport" and [len(t["terms"]) for t in first["topics"]] == [2, 2]
    assert second == {"text": "", "label": "", "score": 0.0, "status": "empty", "topics": []}


def test_evaluate_label_map_maps_data_labels_onto_the_model_s(cli, write, corpus, tiny_model_path, tmp_path):
    short = {"sport": "S", "energy": "E", "health": "H"}
    data = write("d.csv", corpus.assign(label=corpus.label.map(short)).to_csv(index=False))
    args = ["evaluate", tiny_model_path, data, "--text-col", "text", "--label-col", "label", "--json"]
    plain = cli(*args)
    assert json.loads(plain.stdout)["accuracy"] == 0.0 and "does not know" in plain.stderr
    inline = json.loads(cli(*args, "--label-map", json.dumps({v: k for k, v in short.items()})).stdout)
    assert inline["accuracy"] == 1.0 and inline["labels"] == ["energy", "health", "sport"]
    mapping = write("map.csv", "from,to\nS,sport\nE,energy\nH,health\n")
    assert json.loads(cli(*args, "--label-map", mapping).stdout) == inline


def test_evaluate_label_map_folds_the_model_s_labels(cli, write, corpus, tiny_model_path):
    fold = {"sport": "Sports", "energy": "Business", "health": "Business"}
    data = write("d.csv", corpus.assign(label=corpus.label.map(fold)).to_csv(index=False))
    mapping = write("fold.json", json.dumps(fold))
    result = _module_command(
        "evaluate",
        tiny_model_path,
        data,
        "--text-col",
        "text",
        "--label-col",
        "label",
        "--label-map",
        mapping,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rows: 90    accuracy: 1.0000")
    at = lines.index("confusion matrix (rows: true, columns: predicted)")
    assert lines[at + 1].split() == ["Business", "Sports"]
    assert lines[at + 2].split() == ["Business", "60", "0"] and lines[at + 3].split() == ["Sports", "0", "30"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nope.csv", "no such label map file"),
        ("{not json", "not valid JSON"),
        ('{"a": 1}', "JSON object of strings"),
    ],
)
def test_evaluate_bad_label_map(cli, write, corpus, tiny_model_path, value, message):
    data = write("d.csv", corpus.to_csv(index=False))
    result = cli("evaluate", tiny_model_path, data, "--text-col", "text", "--label-col", "label",
                 "--label-map", value, check=False)  # fmt: skip
    assert result.returncode == 1 and message in result.stderr


def test_min_score_per_topic(cli, write):
    headline = "Arsenal sign Brazilian midfielder on five-year deal"
    score = json.loads(cli("classify", headline, "--json").stdout)["score"]
    assert score < 1.0
    above = f"{min(score + 1e-4, 1.0):.6f}"
    for value, withheld in [
        (f"sport={above}", True),
        (f"economy={above}", False),
        (f"{above},economy=0.1", True),  # a plain number: every other topic
        (f"0.1,sport={above}", True),
    ]:
        data = json.loads(cli("classify", headline, "--json", "--min-score", value).stdout)
        assert (data["label"] == "") is withheld and data["score"] == score, value
    src = write("h.txt", headline + "\n")
    rows = list(
        csv.DictReader(cli("tag", src, "--jobs", "1", "--min-score", f"sport={above}").stdout.splitlines())
    )
    assert rows[0]["status"] == "low_score"
    unknown = cli("tag", src, "--min-score", "sports=0.5", check=False)
    assert (
        unknown.returncode == 1
        and "min_score names topics the model does not have: 'sports'" in unknown.stderr
    )
    for bad in ("sport=2", "sport=x", "sport=0.5,sport=0.6", "=0.5"):
        result = cli("classify", "x", "--min-score", bad, check=False)
        assert result.returncode == 2 and "--min-score" in result.stderr, bad


def test_tag_summary_html_with_topics_over_time(cli, write, tmp_path):
    pytest.importorskip("matplotlib")
    rows = [
        ("2024-01-05T10:00:00Z", "Arsenal sign Brazilian midfielder on five-year deal"),
        ("2024-01-05", "Brent crude climbs as OPEC+ extends output cuts"),
        ("2024-02-11", "Measles cases rise as doctors urge vaccination"),
        ("2024-05-30", "Storm floods coastal towns as thousands flee their homes"),
        ("2024-06-01", "lorem ipsum dolor sit amet"),
        ("", "Apple unveils new iPhone with faster chip"),
    ]
    src = write("news.csv", "date,title\n" + "".join(f"{d},{t}\n" for d, t in rows))
    out = tmp_path / "tagged.csv"
    result = cli(
        "tag", src, "-o", out, "--summary", tmp_path / "sum.html", "--date-col", "date", "--jobs", "1"
    )
    assert "summary written to" in result.stderr
    page = (tmp_path / "sum.html").read_text(encoding="utf-8")
    assert "Tagging summary of" in page and "no signal (no_signal)" in page
    assert page.count("data:image/png;base64,") == 3  # topics, scores, shares over time
    assert "by month" in page and "2024-05" in page and "2024-06" not in page  # no topic that month
    assert "1 tagged rows have no YYYY-MM-DD date" in page
    assert out.read_text().count("\n") == 7  # the output itself as without --summary
    md = cli("tag", src, "-o", out, "--summary", tmp_path / "s.md", "--jobs", "1")
    assert (
        md.returncode == 0 and (tmp_path / "s_topics.png").is_file() and (tmp_path / "s_scores.png").is_file()
    )
    assert "![Rows per topic](s_topics.png)" in (tmp_path / "s.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--summary", "s.txt"], 1, "a tagging summary is a .md or .html file"),
        (["--date-col", "date"], 2, "--date-col needs --summary"),
        (["--summary", "s.md", "--date-col", "when"], 1, "no date column 'when'"),
        (["--summary", "/sys/s.md"], 1, "cannot write there"),
    ],
)
def test_tag_summary_problems_stop_before_any_output(cli, write, tmp_path, args, code, message):
    src = write("news.csv", "date,title\n2024-01-05,Arsenal sign midfielder\n")
    args = [a if not a.startswith("s.") else str(tmp_path / a) for a in args]
    result = cli("tag", src, "-o", tmp_path / "o.csv", *args, check=False)
    assert result.returncode == code and message in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_tag_summary_through_a_real_process(tmp_path):
    pytest.importorskip("matplotlib")
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "Arsenal sign Brazilian midfielder", "day": "2024-03-01"}\n', encoding="utf-8")
    result = _module_command(
        "tag",
        src,
        "-o",
        tmp_path / "o.jsonl",
        "--summary",
        tmp_path / "s.md",
        "--date-col",
        "day",
        "--jobs",
        "1",
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "| sport | 1 | 100.0% |" in text and "| 2024-03-01 | 1 |" in text
