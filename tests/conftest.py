"""Shared fixtures: a small synthetic labeled corpus, a model fitted on it, file helpers."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from newsclf import NewsClassifier

# CI runs a fixed set of examples (a red CI must mean a reproducible failure); locally the
# examples are random, so every run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEWSCLF_DATA", ROOT.parent / "shared" / "data"))

_VOCAB = {
    "sport": (["striker", "coach", "league", "cup", "goal", "match", "tennis", "club"],
              ["wins", "signs", "beats", "loses", "draws"]),
    "energy": (["oil", "crude", "gas", "pipeline", "opec", "solar", "refinery", "brent"],
               ["climbs", "falls", "output", "deal", "prices"]),
    "health": (["vaccine", "hospital", "virus", "doctors", "cancer", "drug", "flu", "clinic"],
               ["trial", "outbreak", "study", "approved", "warning"]),
}  # fmt: skip


def make_corpus(per_label: int = 30, seed: int = 0) -> pd.DataFrame:
    """Synthetic headlines: each label draws from its own nouns and verbs plus shared filler."""
    rng = random.Random(seed)
    filler = ["the", "new", "after", "in", "report", "week", "says", "big"]
    rows = []
    for label, (nouns, verbs) in _VOCAB.items():
        for _ in range(per_label):
            words = [rng.choice(nouns), rng.choice(verbs), rng.choice(filler), rng.choice(nouns)]
            rng.shuffle(words)
            rows.append((" ".join(words).capitalize(), label))
    rng.shuffle(rows)
    return pd.DataFrame(rows, columns=["text", "label"]).drop_duplicates("text")


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture(scope="session")
def tiny_model(corpus: pd.DataFrame) -> NewsClassifier:
    return NewsClassifier(min_df=1).fit(corpus.text, corpus.label)


@pytest.fixture(scope="session")
def tiny_model_path(tiny_model: NewsClassifier, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model.save(tmp_path_factory.mktemp("model") / "tiny.newsclf")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text (str, UTF-8) or bytes to a file in tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return _write


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"shared data directory not found at {SHARED_DATA}")
    return SHARED_DATA


def _console_command() -> list[str]:
    """The installed `newsclf` console script, beside this interpreter if possible."""
    beside = Path(sys.executable).with_name("newsclf")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("newsclf")
    if found is None:
        pytest.fail("the `newsclf` console command is not installed")
    return [found]


def _in_process(argv: list[str], stdin: str | None) -> tuple[int, str, str]:
    """Run ``main(argv)`` with this process's standard streams swapped for buffers."""
    from newsclf._cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = (sys.stdin, sys.stdout, sys.stderr)
    swapped = (
        io.TextIOWrapper(io.BytesIO((stdin or "").encode()), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    )
    sys.stdin, sys.stdout, sys.stderr = swapped
    try:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors, --help, --version
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
        values = out.getvalue(), err.getvalue()
        for stream in swapped:
            stream.detach()  # so that collecting the wrapper does not close the buffer

    def text(data: bytes) -> str:  # as subprocess.run(text=True) decodes: universal newlines
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

    return code, text(values[0]), text(values[1])


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `newsclf ARGS` in this process, through the CLI's ``main()``: what the console script runs.

    Far cheaper than a process per call; ``cli_process`` runs the real console script for the
    few tests about exit codes, signals, locales and the script itself.
    """

    def _run(*args: str | os.PathLike[str], stdin: str | None = None, cwd: Path | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:  # fmt: skip
        argv = [str(a) for a in args]
        here = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            code, out, err = _in_process(argv, stdin)
        finally:
            os.chdir(here)
        if check and code != 0:
            raise AssertionError(f"newsclf {argv} failed ({code}):\n{err}")
        return subprocess.CompletedProcess(["newsclf", *argv], code, out, err)

    _run.command = _console_command()  # type: ignore[attr-defined]
    return _run


@pytest.fixture(scope="session")
def cli_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `newsclf` console command in a subprocess."""
    command = _console_command()

    def _run(*args: str | os.PathLike[str], stdin: str | None = None, cwd: Path | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:  # fmt: skip
        result = subprocess.run(
            [*command, *map(str, args)], input=stdin, capture_output=True, text=True,
            cwd=cwd, timeout=600, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"newsclf {args} failed ({result.returncode}):\n{result.stderr}")
        return result

    _run.command = command  # type: ignore[attr-defined]
    return _run
