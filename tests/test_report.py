"""Written evaluation reports: Markdown or HTML with charts, from Python and the command line."""

import base64
import json
import os
import re
import subprocess
import sys

import pytest
from sklearn.metrics import accuracy_score

from newsclf import EvaluationReport, MissingDependencyError, NewsclfError, OutputError
from newsclf._cli import main
from newsclf._io import documents as report_module

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = ["confusion_matrix.png", "per_class_f1.png", "reliability.png"]

TRUTH = ["sport"] * 5 + ["energy"] * 4 + ["health"] * 3
PRED = [
    "sport",
    "sport",
    "sport",
    "energy",
    "sport",
    "energy",
    "energy",
    "health",
    "energy",
    "health",
    "health",
    "sport",
]
CONFIDENCES = [0.95, 0.9, 0.85, 0.6, 0.99, 0.8, 0.7, 0.55, 0.9, 0.75, 0.65, 0.5]


@pytest.fixture
def report():
    return EvaluationReport.from_predictions(TRUTH, PRED, CONFIDENCES)


@pytest.fixture
def matplotlib():
    return pytest.importorskip("matplotlib")


@pytest.fixture
def no_matplotlib(monkeypatch):
    """Make every `import matplotlib...` fail, as if it were not installed."""
    for name in [n for n in sys.modules if n == "matplotlib" or n.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def assert_png(path):
    data = path.read_bytes()
    assert len(data) > len(PNG_MAGIC) and data.startswith(PNG_MAGIC)


def test_markdown_report(matplotlib, report, tmp_path):
    target = tmp_path / "new" / "nested"  # created, with its parents
    path = report.write_report(target)
    assert path == target / "report.md"
    assert sorted(p.name for p in target.iterdir()) == sorted([*CHARTS, "report.md"])
    for name in CHARTS:
        assert_png(target / name)
    text = path.read_text(encoding="utf-8")
    for name in CHARTS:
        assert f"]({name})" in text
    accuracy = accuracy_score(TRUTH, PRED)
    assert accuracy == 9 / 12 and f"| accuracy | {accuracy:.4f} |" in text
    assert f"{report.ece:.4f}" in text and "expected calibration error" in text.lower()
    assert "| sport | 0.800 | 0.800 | 0.800 | 5 |" in text  # per-class row
    assert "| sport | 1 | 0 | 4 |" in text  # confusion row: energy, health, sport columns
    assert not list(target.glob("*.tmp")) and not list(target.glob(".*"))


def test_html_report_is_one_self_contained_file(matplotlib, report, tmp_path):
    path = report.write_report(tmp_path, format="html", title="Held-out <test>")
    assert path == tmp_path / "report.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Held-out &lt;test&gt;</title>" in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    for source in sources:
        assert base64.b64decode(source.split(",", 1)[1]).startswith(PNG_MAGIC)
    assert "href=" not in page and "<link" not in page and "url(" not in page and "<script" not in page
    assert f"{accuracy_score(TRUTH, PRED):.4f}" in page and f"{report.ece:.4f}" in page
    for name in CHARTS:  # the charts are also written beside it
        assert_png(tmp_path / name)


def test_labels_are_escaped(matplotlib, tmp_path):
    labels = ["a|b", "<script>x</script>", "$US$", "ünïcode 日本"]
    report = EvaluationReport.from_predictions(labels * 2, labels[::-1] * 2, [0.5] * 8)
    markdown = report.write_report(tmp_path).read_text(encoding="utf-8")
    assert "a\\|b" in markdown and "\\<script\\>" in markdown and "<script>" not in markdown
    page = report.write_report(tmp_path, format="html").read_text(encoding="utf-8")
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page and "a|b" in page


def test_a_report_without_confidences_has_no_reliability_chart(matplotlib, tmp_path):
    report = EvaluationReport.from_predictions(TRUTH, PRED)
    text = report.write_report(tmp_path).read_text(encoding="utf-8")
    assert not (tmp_path / "reliability.png").exists() and "reliability.png" not in text
    assert "Not available" in text


def test_many_labels(matplotlib, tmp_path):
    labels = [f"label {i}" for i in range(40)]
    report = EvaluationReport.from_predictions(labels, labels[1:] + labels[:1], [0.3] * 40)
    report.write_report(tmp_path)
    for name in CHARTS:
        assert_png(tmp_path / name)


def test_every_file_is_written_atomically(matplotlib, report, tmp_path, monkeypatch):
    written = []
    real = report_module.atomic_write

    def recording(path, *args, **kwargs):
        written.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(report_module, "atomic_write", recording)
    report.write_report(tmp_path)
    assert written == [*CHARTS, "report.md"]  # the report last: it never points at missing charts


def test_bad_directory_and_format(matplotlib, report, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(OutputError, match="afile: is not a directory"):
        report.write_report(afile)
    with pytest.raises(OutputError, match="cannot create the report directory"):
        report.write_report(afile / "below")
    with pytest.raises(ValueError, match="format must be 'md' or 'html'"):
        report.write_report(tmp_path, format="pdf")


def test_missing_matplotlib_is_a_clear_error(no_matplotlib, report, tmp_path):
    target = tmp_path / "out"
    with pytest.raises(
        MissingDependencyError, match=r"needs matplotlib: pip install 'newsclf\[plot\]'"
    ) as info:
        report.write_report(target)
    assert isinstance(info.value, NewsclfError) and isinstance(info.value, ImportError)
    assert not target.exists()  # nothing written


def test_missing_matplotlib_in_the_cli(no_matplotlib, tiny_model_path, corpus, tmp_path, capsys):
    data = tmp_path / "eval.csv"
    corpus.head(20).to_csv(data, index=False)
    args = ["evaluate", str(tiny_model_path), str(data), "--text-col", "text", "--label-col", "label"]
    assert main([*args, "--report", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "newsclf evaluate --report needs matplotlib: pip install 'newsclf[plot]'" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


# -- the command line, end to end ------------------------------------------------------------
@pytest.fixture
def labeled(write, corpus):
    return write("labeled.csv", corpus.to_csv(index=False))


def test_cli_evaluate_report(matplotlib, cli, tiny_model_path, labeled, corpus, tmp_path):
    base = ["evaluate", tiny_model_path, labeled, "--text-col", "text", "--label-col", "label"]
    result = cli(*base, "--report", tmp_path / "md", "--json")
    data = json.loads(result.stdout)  # stdout stays pure JSON
    assert 0.0 <= data["ece"] <= 1.0 and len(data["reliability"]) == 15
    assert f"report written to {tmp_path / 'md' / 'report.md'}" in result.stderr
    text = (tmp_path / "md" / "report.md").read_text(encoding="utf-8")
    assert f"| accuracy | {data['accuracy']:.4f} |" in text and f"{data['ece']:.4f}" in text
    for name in CHARTS:
        assert_png(tmp_path / "md" / name)

    cli(*base, "--report", tmp_path / "html", "--report-format", "html")
    page = (tmp_path / "html" / "report.html").read_text(encoding="utf-8")
    assert all(s.startswith("data:") for s in re.findall(r'src="([^"]*)"', page))


def test_cli_train_report(matplotlib, cli, labeled, tmp_path):
    model = tmp_path / "m.newsclf"
    out = cli(
        "train",
        labeled,
        "--text-col",
        "text",
        "--label-col",
        "label",
        "-o",
        model,
        "--report",
        tmp_path / "r",
    ).stdout
    assert f"report written to {tmp_path / 'r' / 'report.md'}" in out and "ECE: " in out
    card = json.loads(cli("info", model, "--json").stdout)
    held_out = card["metrics"]["held_out"]
    text = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert f"| accuracy | {held_out['accuracy']:.4f} |" in text and f"{held_out['ece']:.4f}" in text
    assert f"ECE {held_out['ece']:.4f}" in cli("info", model).stdout


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (["--report-format", "html"], 2, "--report-format needs --report DIR"),
        (["--report", "{tmp}/labeled.csv"], 1, "labeled.csv: is not a directory"),
    ],
)
def test_cli_report_errors(cli, tiny_model_path, labeled, tmp_path, extra, status, message):
    extra = [e.format(tmp=tmp_path) for e in extra]
    result = cli(
        "evaluate",
        tiny_model_path,
        labeled,
        "--text-col",
        "text",
        "--label-col",
        "label",
        *extra,
        check=False,
    )
    assert result.returncode == status and message in result.stderr and "Traceback" not in result.stderr


def test_cli_train_report_needs_a_held_out_split(cli, labeled, tmp_path):
    result = cli(
        "train", labeled, "--text-col", "text", "--label-col", "label", "-o", tmp_path / "m.newsclf",
        "--test-size", "0", "--report", tmp_path / "r", check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "--report needs a held-out split" in result.stderr
    assert not (tmp_path / "m.newsclf").exists()


def test_cli_without_matplotlib_fails_before_any_work(cli, labeled, tmp_path):
    # A `matplotlib` package that cannot be imported, first on the path of the real command.
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("simulated: not installed")\n')
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    model = tmp_path / "m.newsclf"
    command = [*cli.command, "train", str(labeled), "--text-col", "text", "--label-col", "label"]
    result = subprocess.run(
        [*command, "-o", str(model), "--report", str(tmp_path / "r")],
        env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "newsclf train --report needs matplotlib: pip install 'newsclf[plot]'" in result.stderr
    assert "Traceback" not in result.stderr and not model.exists() and not (tmp_path / "r").exists()
