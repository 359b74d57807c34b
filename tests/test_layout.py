"""The package's structure: no import cycles, one stated job per module, a lean ``import newsclf``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import newsclf

PACKAGE = Path(newsclf.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every newsclf module ``path`` imports, wherever the import is (functions included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            modules = [f"{target}.{alias.name}" for alias in node.names] + [target]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found |= {m for m in modules if m.startswith("newsclf")}
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        # "from . import x" names a module or an attribute: keep the names that are modules.
        graph[name] = {m for m in _imports(path) if m in paths and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles() -> None:
    # Package __init__ files re-export; a cycle through them is still a cycle.
    graph = _graph()
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_states_its_job() -> None:
    for path in PACKAGE.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        assert doc and doc.splitlines()[0].strip(), f"{path} has no one-line docstring"


def test_import_is_lean() -> None:
    # `import newsclf`, --help and --version must not pay for scikit-learn or pandas.
    code = (
        "import sys, newsclf, newsclf._cli as cli\n"
        "heavy = ('sklearn', 'pandas', 'scipy.optimize', 'matplotlib')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


PREDICTING_CALLS = [
    "newsclf.classify('Brent crude climbs as OPEC+ extends output cuts')",
    "newsclf.topics()",
    "cli.main(['classify', 'Brent crude climbs'])",
    "cli.main(['tag', sys.argv[1], '-o', sys.argv[2], '--quiet'])",
    "cli.main(['info'])",
]


def test_predicting_imports_neither_scikit_learn_nor_pandas(tmp_path: Path) -> None:
    # Prediction runs on numpy and scipy.sparse: a model loaded for it is a lean Predictor.
    # One process runs the calls in turn, noting after each which heavy modules are loaded
    # (the first call that loads one is named).
    (tmp_path / "in.txt").write_text("Brent crude climbs\nArsenal sign a midfielder\n", "utf-8")
    code = "import sys, contextlib, io, json, newsclf, newsclf._cli as cli\nfound = []\n"
    code += "heavy = ('sklearn', 'pandas', 'scipy.optimize', 'matplotlib')\n"
    for call in PREDICTING_CALLS:
        code += f"with contextlib.redirect_stdout(io.StringIO()):\n    {call}\n"
        code += "found.append([m for m in heavy if m in sys.modules])\n"
    code += "print(json.dumps(found))"
    args = [sys.executable, "-c", code, str(tmp_path / "in.txt"), str(tmp_path / "out.csv")]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert dict(zip(PREDICTING_CALLS, found)) == {call: [] for call in PREDICTING_CALLS}
