"""Every Python example of the README and the guide runs, so the documentation cannot drift.

Each ```python block runs in a fresh directory holding the files the examples name
(``labeled.csv``, ``test.csv``, ``my.newsclf``, ``dump.txt.gz``, ``headlines/``), with ``df``
defined as a DataFrame of headlines. A block with ``if __name__ == "__main__":`` runs as a
script in a process of its own, as a user would run it. A block right after a
``<!-- docs-test: skip (why) -->`` line is skipped: it needs what a test cannot have (a cluster).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, make_corpus
from newsclf import NewsClassifier

DOCS = [ROOT / "README.md", ROOT / "docs" / "guide.md"]
_BLOCK = re.compile(r"(?:<!-- docs-test: skip \((?P<skip>[^)]*)\) -->\n)?```python\n(?P<code>.*?)```", re.S)


def _blocks() -> list[pytest.ParameterSet]:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("code"))
            marks = [pytest.mark.skip(reason=match["skip"])] if match["skip"] else []
            out.append(pytest.param(match["code"], id=f"{doc.name}:{line}", marks=marks))
    return out


def test_the_docs_have_python_examples():
    assert len(_blocks()) >= 6


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the files the examples read."""
    here = tmp_path_factory.mktemp("docs")
    columns = {"text": "headline", "label": "topic"}
    make_corpus(40, seed=1).rename(columns=columns).to_csv(here / "labeled.csv", index=False)
    test = make_corpus(10, seed=2).rename(columns=columns)
    test.to_csv(here / "test.csv", index=False)
    corpus = make_corpus(40, seed=1)
    NewsClassifier(min_df=1).fit(corpus.text, corpus.label).save(here / "my.newsclf")
    with gzip.open(here / "dump.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(test.headline) + "\n")
    (here / "headlines").mkdir()
    pd.DataFrame({"title": test.headline}).to_parquet(here / "headlines" / "part.0.parquet")
    return here


@pytest.mark.parametrize("code", _blocks())
def test_python_example_runs(code: str, workspace: Path, tmp_path: Path) -> None:
    for item in workspace.iterdir():  # a fresh copy: an example's output must not feed another's
        (tmp_path / item.name).symlink_to(item)
    if 'if __name__ == "__main__":' in code:
        if "distributed" in code:
            pytest.importorskip("distributed")
        script = tmp_path / "example.py"
        script.write_text(code, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        result = subprocess.run(
            [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return
    for module in ("dask", "distributed", "pyarrow", "matplotlib"):
        if re.search(rf"\b{module}\b", code) or (module == "pyarrow" and ".parquet" in code):
            pytest.importorskip(module)
    namespace = {
        "__name__": "docs_example",
        "df": pd.DataFrame({"title": ["Crude oil climbs", "Striker wins"]}),
    }
    with contextlib.chdir(tmp_path):
        exec(compile(code, "<docs example>", "exec"), namespace)
