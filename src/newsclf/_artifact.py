"""Saving and loading models: a pickle-free, versioned, checksummed archive.

A ``.newsclf`` file is a ZIP archive of JSON documents and ``.npy`` arrays:

* ``format.json``     -- format name and version (read first, so newer files are refused clearly)
* ``card.json``       -- the model card
* ``model.json``      -- hyperparameters, feature settings and labels
* ``vocab/<block>.json`` -- each feature block's terms, in column order
* ``arrays/*.npy``    -- idf vectors, coefficients and intercepts (loaded with allow_pickle=False)
* ``checksums.json``  -- sha256 of every other member

Nothing in it is executable: loading parses JSON and raw arrays only, so a file from an
untrusted source cannot run code, and the learned state does not depend on the scikit-learn
version that wrote it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from ._classifier import NewsClassifier, _new_from_state
from ._errors import ArtifactError
from ._features import BLOCKS, TextFeatures

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "atomic_write", "load_model", "save_model"]

FORMAT_NAME = "newsclf-model"
FORMAT_VERSION = 1
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed member timestamps: same model, same bytes


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync and rename it onto ``path``.

    A crash or an exception leaves ``path`` untouched (and removes the temporary file), so a
    half-written file never sits at the destination looking complete.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _json_bytes(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _members(model: NewsClassifier) -> dict[str, bytes]:
    features: TextFeatures = model.features_
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()}
    members = {
        "card.json": _json_bytes(model.card_),
        "model.json": _json_bytes(
            {
                "params": params,
                "features": features.settings(),
                "classes": [str(c) for c in model.classes_],
                "blocks": list(BLOCKS),
            }
        ),
        "arrays/coef.npy": _npy_bytes(model.coef_),
        "arrays/intercept.npy": _npy_bytes(model.intercept_),
    }
    for block in BLOCKS:
        members[f"vocab/{block}.json"] = _json_bytes(features.vocabularies_[block])
        members[f"arrays/idf_{block}.npy"] = _npy_bytes(features.idfs_[block])
    return members


def save_model(model: NewsClassifier, path: str | os.PathLike[str], *, format: str = "newsclf") -> Path:
    """Write ``model`` to exactly ``path`` (atomically) in the given format; return the path."""
    if not hasattr(model, "coef_"):
        raise ValueError("cannot save an unfitted model: call fit() first")
    path = Path(path)
    if format == "joblib":
        import joblib

        with atomic_write(path) as handle:
            joblib.dump(model, handle)
        return path
    if format != "newsclf":
        raise ValueError(f"unknown format {format!r}; use 'newsclf' or 'joblib'")
    members = _members(model)
    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    header = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    with atomic_write(path) as handle, zipfile.ZipFile(handle, "w") as archive:
        ordered = {
            "format.json": _json_bytes(header),
            **members,
            "checksums.json": _json_bytes(checksums),
        }
        for name, data in ordered.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def _read_json(archive: zipfile.ZipFile, name: str, where: Path) -> Any:
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except KeyError:
        raise ArtifactError(f"{where}: corrupt model file: member {name!r} is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{where}: corrupt model file: {name!r} is not valid JSON ({exc})") from None


def _load_archive(archive: zipfile.ZipFile, path: Path) -> NewsClassifier:
    header = _read_json(archive, "format.json", path)
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ArtifactError(f"{path}: not a newsclf model file (format.json names {header!r})")
    version = header.get("version")
    if not isinstance(version, int) or version < 1:
        raise ArtifactError(f"{path}: corrupt model file: bad format version {version!r}")
    if version > FORMAT_VERSION:
        raise ArtifactError(
            f"{path}: written by a newer newsclf (model format version {version}; this "
            f"newsclf reads up to version {FORMAT_VERSION}). Upgrade newsclf to load it."
        )
    checksums = _read_json(archive, "checksums.json", path)
    data: dict[str, bytes] = {}
    for name, expected in checksums.items():
        try:
            blob = archive.read(name)
        except KeyError:
            raise ArtifactError(f"{path}: corrupt model file: member {name!r} is missing") from None
        if hashlib.sha256(blob).hexdigest() != expected:
            raise ArtifactError(
                f"{path}: checksum mismatch in {name!r}: the file was changed after it was "
                "saved (tampered with or corrupted). Refusing to load it."
            )
        data[name] = blob
    spec = json.loads(data["model.json"])

    def array(name: str) -> np.ndarray:
        try:
            return np.load(io.BytesIO(data[f"arrays/{name}.npy"]), allow_pickle=False)
        except KeyError:
            raise ArtifactError(f"{path}: corrupt model file: array {name!r} is missing") from None

    features = TextFeatures.from_state(
        spec["features"],
        {block: json.loads(data[f"vocab/{block}.json"]) for block in BLOCKS},
        {block: array(f"idf_{block}") for block in BLOCKS},
    )
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in spec["params"].items()}
    return _new_from_state(
        params,
        features,
        spec["classes"],
        array("coef"),
        array("intercept"),
        json.loads(data["card.json"]),
    )


def load_model(path: str | os.PathLike[str], *, allow_pickle: bool = False) -> NewsClassifier:
    """Load a model saved by :meth:`NewsClassifier.save`.

    ``allow_pickle=True`` also accepts joblib files: only for files you trust, since
    unpickling can run arbitrary code.
    """
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        if allow_pickle:
            return _load_joblib(path)
        raise ArtifactError(
            f"{path}: not a newsclf model file (not a ZIP archive: truncated, corrupt, or a "
            "joblib/pickle file; load a joblib file you trust with allow_pickle=True, "
            "or --allow-pickle on the command line)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return _load_archive(archive, path)
    except ArtifactError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:
        raise ArtifactError(f"{path}: corrupt or truncated model file ({exc})") from None


def _load_joblib(path: Path) -> NewsClassifier:
    import joblib

    try:
        model = joblib.load(path)
    except Exception as exc:  # unpickling can fail in any way
        raise ArtifactError(f"{path}: could not load as a joblib file ({exc})") from None
    if not isinstance(model, NewsClassifier):
        raise ArtifactError(f"{path}: holds a {type(model).__name__}, not a NewsClassifier")
    return model
