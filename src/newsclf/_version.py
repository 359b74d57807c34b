"""The version of newsclf and of the libraries it runs on (for model cards and bug reports)."""

from __future__ import annotations

import platform
import sys

__all__ = ["__version__", "show_versions", "versions"]

__version__ = "0.2.0"

_DEPENDENCIES = ("scikit-learn", "numpy", "scipy", "pandas", "joblib", "tqdm")


def versions() -> dict[str, str]:
    """Return ``{package: version}`` for Python, newsclf and its runtime dependencies."""
    from importlib import metadata  # here, not at import: `newsclf --version` needs none of it

    found = {"python": platform.python_version(), "newsclf": __version__}
    for name in _DEPENDENCIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def show_versions() -> None:
    """Print versions and platform, for bug reports."""
    lines = [f"{name:>13}: {version}" for name, version in versions().items()]
    lines.append(f"{'platform':>13}: {platform.platform()}")
    lines.append(f"{'executable':>13}: {sys.executable}")
    print("\n".join(lines))
