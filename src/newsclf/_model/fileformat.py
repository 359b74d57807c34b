"""The model file format: writing and reading a pickle-free, versioned, validated archive.

A ``.newsclf`` file is a ZIP archive of JSON documents and ``.npy`` arrays:

* ``format.json``     -- ``{"format": "newsclf-model", "version": 1 or 2}`` (read first, so newer
  files are refused clearly)
* ``card.json``       -- the model card
* ``model.json``      -- ``params`` (the hyperparameters, ``get_params()``), ``features`` (the
  feature settings, :data:`~newsclf._model.features.FEATURE_PARAMS`, which repeat those
  hyperparameters and must agree with them), ``classes`` (the labels) and ``blocks``
* ``vocab/<block>.json`` -- each feature block's terms, in column order
* ``arrays/*.npy``    -- idf vectors, coefficients and intercepts (loaded with allow_pickle=False);
  float64, or float32 coefficients when saved with ``coef_dtype="float32"`` (read as float64:
  every version reads either, so this needs no new format version)
* ``checksums.json``  -- sha256 of every member but itself (catches accidental damage, not edits)

Versions. Version 1 is the original layout. Version 2 adds one setting, ``strip_furniture``
(:mod:`newsclf._model.furniture`), in both ``params`` and ``features``; nothing else changed.
A file without ``strip_furniture`` was made before it existed, when no text was stripped, so a
missing ``strip_furniture`` means False (:data:`~newsclf._model.features.LEGACY_SETTINGS`),
never today's default (True): every version-1 file, the bundled model and
``tests/data/golden.newsclf`` included, loads and predicts exactly as before.

The writer writes the lowest version that holds the model. With ``strip_furniture=False`` that
is a version-1 file without the key, exactly the original layout: re-saving a loaded version-1
model gives the same ``model.json`` as before, and older newsclf releases read the file and
predict as this one does. With ``strip_furniture=True`` it is a version-2 file with the key in
both places: older releases, which would not strip, refuse it as "written by a newer newsclf"
rather than predict differently or call it corrupt (they refuse unknown hyperparameters). So
False is never written explicitly; a reader takes an explicit False in a version-2 file too. A
version-1 file that holds ``strip_furniture`` is refused as corrupt: no writer makes one.

Nothing in it is executable: loading parses JSON and raw numeric arrays only, so a file from an
untrusted source cannot run code, and the learned state does not depend on the scikit-learn
version that wrote it. Every piece is validated (types, shapes, finiteness, consistency) before
a model is built from it, so a damaged or crafted file fails at load with a clear message
rather than later, at prediction time. The hyperparameters are checked by the rules ``fit``
applies (:mod:`newsclf._model.params`), and ``save_model`` checks them too, so a model that
``fit`` accepted is never written to a file that then fails to load.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .._errors import ArtifactError
from .._io.atomic import atomic_write
from .features import BLOCKS, FEATURE_PARAMS, LEGACY_SETTINGS, TextFeatures
from .params import PARAMETER_RULES, check_params, is_valid, params_to_json, stored_value

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "FittedModel", "StoredModel", "read_model", "save_model"]

FORMAT_NAME = "newsclf-model"
FORMAT_VERSION = 2  # the newest version written and read; see the module docstring

#: The format version that added each feature setting of ``LEGACY_SETTINGS``. The writer
#: leaves a setting out (and needs no newer version for it) when it has its legacy value.
_SETTING_VERSIONS = {"strip_furniture": 2}
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed member timestamps: same model, same bytes
_MAX_MEMBER_BYTES = 1 << 30  # refuse members that would inflate past 1 GiB (zip bombs)
_MAX_WEIGHT = 1e6  # far beyond any fitted weight or idf; bounds scores so they cannot overflow


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _json_bytes(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


class FittedModel(Protocol):
    """What the format stores of a fitted estimator (``NewsClassifier`` is one)."""

    features_: TextFeatures
    classes_: np.ndarray
    coef_: np.ndarray
    intercept_: np.ndarray
    card_: dict[str, Any]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyperparameters."""
        ...


@dataclass(frozen=True)
class StoredModel:
    """The validated contents of a ``.newsclf`` file: what a fitted estimator is built from."""

    params: dict[str, Any]
    features: TextFeatures
    classes: list[Any]
    coef: np.ndarray
    intercept: np.ndarray
    card: dict[str, Any]


def _versioned(params: dict[str, Any], settings: dict[str, Any]) -> int:
    """Leave out of ``params`` and ``settings`` what has its legacy value; return the version needed."""
    version = 1
    for name, added in _SETTING_VERSIONS.items():
        if settings[name] == LEGACY_SETTINGS[name]:
            del settings[name]
            params.pop(name, None)
        else:
            version = max(version, added)
    return version


def _members(model: FittedModel, coef_dtype: str = "float64") -> dict[str, bytes]:
    features: TextFeatures = model.features_
    params = params_to_json(model.get_params())
    settings = features.settings()
    version = _versioned(params, settings)
    members = {
        "format.json": _json_bytes({"format": FORMAT_NAME, "version": version}),
        "card.json": _json_bytes(model.card_),
        "model.json": _json_bytes(
            {
                "params": params,
                "features": settings,
                "classes": model.classes_.tolist(),
                "blocks": list(BLOCKS),
            }
        ),
        "arrays/coef.npy": _npy_bytes(model.coef_.astype(coef_dtype, copy=False)),
        "arrays/intercept.npy": _npy_bytes(model.intercept_),
    }
    for block in BLOCKS:
        members[f"vocab/{block}.json"] = _json_bytes(features.vocabularies_[block])
        members[f"arrays/idf_{block}.npy"] = _npy_bytes(features.idfs_[block])
    return members


def _same_setting(name: str, first: object, second: object) -> bool:
    """Whether two values of a feature setting mean the same (``min_df`` 1 and 1.0 do not)."""
    if name == "min_df" and isinstance(first, int) != isinstance(second, int):
        return False
    return first == second


def _check_saveable(model: FittedModel) -> None:
    """Raise if the ``.newsclf`` format cannot hold ``model``'s hyperparameters faithfully.

    ``fit`` has checked them, but ``set_params`` may have changed them since.
    """
    params = model.get_params()
    check_params(params, type(model).__name__)
    fitted = model.features_.settings()
    for name, value in params_to_json({k: params[k] for k in FEATURE_PARAMS}).items():
        if not _same_setting(name, value, fitted[name]):
            raise ValueError(
                f"cannot save: {name} is {params[name]!r} but the model was fitted with "
                f"{fitted[name]!r}; fit it again (or set {name} back) before saving"
            )


def save_model(
    model: FittedModel, path: str | os.PathLike[str], *, format: str = "newsclf", coef_dtype: str = "float64"
) -> Path:
    """Write ``model`` to exactly ``path`` (atomically) in the given format; return the path.

    ``coef_dtype="float32"`` stores the coefficients (most of the file) at half the size. They
    are read back as float64, so a loaded model predicts from the rounded values; the
    benchmark ``benchmarks/float32.py`` measures how often that changes a label.

    Raises
    ------
    ValueError
        The model is not fitted, the format or ``coef_dtype`` is unknown, or (``"newsclf"``) a
        hyperparameter is not allowed or was changed after ``fit``: nothing is written.
    """
    if not hasattr(model, "coef_"):
        raise ValueError("cannot save an unfitted model: call fit() first")
    if format not in ("newsclf", "joblib"):
        raise ValueError(f"unknown format {format!r}; use 'newsclf' or 'joblib'")
    if coef_dtype not in ("float64", "float32"):
        raise ValueError(f"unknown coef_dtype {coef_dtype!r}; use 'float64' or 'float32'")
    if format == "joblib" and coef_dtype != "float64":
        raise ValueError("coef_dtype='float32' applies to the 'newsclf' format only")
    if format == "newsclf":
        _check_saveable(model)
    path = Path(path)
    if format == "joblib":
        import joblib

        with atomic_write(path) as handle:
            joblib.dump(model, handle)
        return path
    members = _members(model, coef_dtype)
    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    with atomic_write(path) as handle, zipfile.ZipFile(handle, "w") as archive:
        for name, data in {**members, "checksums.json": _json_bytes(checksums)}.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


# -- loading ---------------------------------------------------------------------------------
class _Reader:
    """Reads and validates the members of one archive, naming the file in every error."""

    def __init__(self, archive: zipfile.ZipFile, path: Path) -> None:
        self.archive = archive
        self.path = path

    def fail(self, what: str) -> ArtifactError:
        return ArtifactError(f"{self.path}: corrupt model file: {what}")

    def raw(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise self.fail(f"member {name!r} is missing") from None
        if info.file_size > _MAX_MEMBER_BYTES:
            raise self.fail(f"member {name!r} claims {info.file_size} bytes, more than allowed")
        return self.archive.read(info)

    def json(self, name: str, data: bytes | None = None) -> Any:
        data = self.raw(name) if data is None else data
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.fail(f"{name!r} is not valid JSON ({type(exc).__name__})") from None

    def array(self, name: str, data: bytes, ndim: int) -> np.ndarray:
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:  # object arrays need pickle: refused here
            raise self.fail(f"{name!r} is not a plain numeric array ({exc})") from None
        if array.dtype.kind != "f" or array.ndim != ndim:
            raise self.fail(f"{name!r} must be a {ndim}-d float array, not {array.ndim}-d {array.dtype}")
        if not np.all(np.isfinite(array)):
            raise self.fail(f"{name!r} holds NaN or infinite values")
        if array.size and np.max(np.abs(array)) > _MAX_WEIGHT:
            raise self.fail(f"{name!r} holds values beyond +-{_MAX_WEIGHT:g}: no trained model does")
        return array.astype(np.float64, copy=False)


def _check_header(reader: _Reader) -> int:
    """Check ``format.json``; return the file's format version."""
    header = reader.json("format.json")
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ArtifactError(f"{reader.path}: not a newsclf model file (format.json names {header!r})")
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise reader.fail(f"bad format version {version!r}")
    if version > FORMAT_VERSION:
        raise ArtifactError(
            f"{reader.path}: written by a newer newsclf (model format version {version}; this "
            f"newsclf reads up to version {FORMAT_VERSION}). Upgrade newsclf to load it."
        )
    return version


def _verified_members(reader: _Reader) -> dict[str, bytes]:
    checksums = reader.json("checksums.json")
    if not isinstance(checksums, dict) or not all(isinstance(v, str) for v in checksums.values()):
        raise reader.fail("'checksums.json' is not a mapping of member names to sha256 digests")
    data: dict[str, bytes] = {}
    for name, expected in checksums.items():
        blob = reader.raw(name)
        if hashlib.sha256(blob).hexdigest() != expected:
            raise ArtifactError(
                f"{reader.path}: checksum mismatch in {name!r}: the file was damaged or changed after "
                "it was saved. Refusing to load it."
            )
        data[name] = blob
    required = {"card.json", "model.json", "arrays/coef.npy", "arrays/intercept.npy"}
    required |= {f"vocab/{b}.json" for b in BLOCKS} | {f"arrays/idf_{b}.npy" for b in BLOCKS}
    missing = sorted(required - data.keys())
    if missing:
        raise reader.fail(f"member {missing[0]!r} is missing")
    return data


def _invalid(name: str, value: object) -> str | None:
    """Describe what is wrong with a stored hyperparameter (a JSON value); None if allowed.

    The rules are the ones ``fit`` applies (:data:`~newsclf._model.params.PARAMETER_RULES`).
    """
    if is_valid(name, stored_value(name, value)):
        return None
    return f"{name}: {value!r} (must be {PARAMETER_RULES[name].allowed})"


def _check_params(reader: _Reader, params: dict[str, Any]) -> None:
    for name, value in params.items():
        problem = _invalid(name, value)
        if problem is not None:
            raise reader.fail(f"'model.json' has an invalid {problem}")


def _with_legacy_settings(reader: _Reader, version: int, stored: dict[str, Any]) -> dict[str, Any]:
    """Return ``params`` or ``features`` of ``model.json`` with the legacy settings it lacks.

    A setting a file leaves out means its legacy value (see the module docstring); a setting
    newer than the file's format version is refused.
    """
    for name, added in _SETTING_VERSIONS.items():
        if version < added and name in stored:
            raise reader.fail(f"'model.json' has {name}, which format version {version} does not have")
    return {**LEGACY_SETTINGS, **stored}


def _check_spec(reader: _Reader, spec: Any, version: int) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    if not isinstance(spec, dict):
        raise reader.fail("'model.json' is not an object")
    params, settings, classes = spec.get("params"), spec.get("features"), spec.get("classes")
    if not isinstance(params, dict) or set(params) - set(PARAMETER_RULES):
        raise reader.fail("'model.json' has unknown or malformed hyperparameters")
    params = _with_legacy_settings(reader, version, params)
    _check_params(reader, params)
    if not isinstance(settings, dict):
        raise reader.fail("'model.json' has malformed feature settings")
    settings = _with_legacy_settings(reader, version, settings)
    if set(settings) != set(FEATURE_PARAMS):
        raise reader.fail("'model.json' has malformed feature settings")
    for name in FEATURE_PARAMS:  # the same rules as the hyperparameters they come from
        problem = _invalid(name, settings[name])
        if problem is not None:
            raise reader.fail(f"'model.json' has an invalid feature setting {problem}")
        if name in params and not _same_setting(name, params[name], settings[name]):  # stored twice
            raise reader.fail(f"'model.json' gives {name} as {params[name]!r} and as {settings[name]!r}")
    if not isinstance(classes, list):
        raise reader.fail("'model.json' labels must be 2 or more distinct strings (or integers)")
    kinds = {type(c) for c in classes}
    if kinds not in ({str}, {int}) or len(set(classes)) != len(classes) or len(classes) < 2:
        raise reader.fail("'model.json' labels must be 2 or more distinct strings (or integers)")
    return params, settings, classes


def _check_vocabulary(reader: _Reader, name: str, vocabulary: Any) -> list[str]:
    if not isinstance(vocabulary, list) or not all(isinstance(t, str) for t in vocabulary):
        raise reader.fail(f"{name!r} is not a list of terms")
    if len(set(vocabulary)) != len(vocabulary):
        raise reader.fail(f"{name!r} repeats a term")
    return vocabulary


def _load_archive(reader: _Reader) -> StoredModel:
    version = _check_header(reader)
    data = _verified_members(reader)
    params, settings, classes = _check_spec(reader, reader.json("model.json", data["model.json"]), version)
    vocabularies, idfs = {}, {}
    for block in BLOCKS:
        name = f"vocab/{block}.json"
        vocabularies[block] = _check_vocabulary(reader, name, reader.json(name, data[name]))
        idf_name = f"arrays/idf_{block}.npy"
        idfs[block] = reader.array(idf_name, data[idf_name], ndim=1)
        if len(idfs[block]) != len(vocabularies[block]):
            raise reader.fail(
                f"{idf_name!r} has {len(idfs[block])} values for {len(vocabularies[block])} terms"
            )
    coef = reader.array("arrays/coef.npy", data["arrays/coef.npy"], ndim=2)
    intercept = reader.array("arrays/intercept.npy", data["arrays/intercept.npy"], ndim=1)
    n_features = sum(len(v) for v in vocabularies.values())
    rows = 1 if len(classes) == 2 else len(classes)
    if coef.shape != (rows, n_features) or intercept.shape != (rows,):
        raise reader.fail(
            f"arrays do not fit together: coef {coef.shape} and intercept {intercept.shape} for "
            f"{len(classes)} labels and {n_features} features"
        )
    card = reader.json("card.json", data["card.json"])
    if not isinstance(card, dict):
        raise reader.fail("'card.json' is not an object")
    features = TextFeatures.from_state(settings, vocabularies, idfs)
    params = {name: stored_value(name, value) for name, value in params.items()}
    return StoredModel(params, features, classes, coef, intercept, card)


def _sniff(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        return "a truncated or corrupt ZIP archive (cut short in a copy or download?)"
    if head[:1] == b"\x80" or head[:2] in (b"\x78\x9c", b"\x78\x01", b"\x78\xda"):
        return (
            "a pickle/joblib file; load one you trust with allow_pickle=True "
            "(--allow-pickle on the command line)"
        )
    return "not a ZIP archive"


def read_model(path: str | os.PathLike[str], *, allow_pickle: bool = False) -> StoredModel | object:
    """Read and validate a model file: a :class:`StoredModel`, or (joblib) the unpickled object.

    ``allow_pickle=True`` also accepts joblib files: only for files you trust, since
    unpickling can run arbitrary code.
    """
    path = Path(path)
    if path.is_dir():
        raise ArtifactError(f"{path}: is a directory, not a model file")
    if not path.is_file():
        raise ArtifactError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        if allow_pickle:
            return _load_joblib(path)
        raise ArtifactError(f"{path}: not a newsclf model file: {_sniff(path)}")
    try:
        with zipfile.ZipFile(path) as archive:
            return _load_archive(_Reader(archive, path))
    except ArtifactError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RecursionError) as exc:
        raise ArtifactError(f"{path}: corrupt or truncated model file ({exc})") from None


def _load_joblib(path: Path) -> object:
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can fail in any way
        raise ArtifactError(f"{path}: could not load as a joblib file ({exc})") from None
