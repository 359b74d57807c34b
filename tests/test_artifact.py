import hashlib
import io
import json
import re
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclf import ArtifactError, NewsClassifier, load_model
from newsclf._io.atomic import atomic_write
from newsclf._model.fileformat import FORMAT_VERSION

PROBES = ["Crude oil climbs", "Coach signs striker", "Vaccine study", "", "   ", "日本 ⚽ \x00"]


def _rewrite(src, dst, change):
    """Copy the archive src to dst with change(name, data) -> data applied to each member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info.filename)))
    return dst


def test_roundtrip_gives_identical_predictions_and_card(tiny_model, tiny_model_path):
    loaded = load_model(tiny_model_path)
    assert isinstance(loaded, NewsClassifier)
    assert np.array_equal(loaded.predict_proba(PROBES), tiny_model.predict_proba(PROBES))
    assert list(loaded.classes_) == list(tiny_model.classes_)
    assert loaded.get_params() == tiny_model.get_params()
    assert loaded.card_ == json.loads(json.dumps(tiny_model.card_))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6))
def test_save_then_load_predicts_identically(tiny_model, tiny_model_path, texts):
    loaded = load_model(tiny_model_path)
    assert np.array_equal(loaded.predict_proba(texts), tiny_model.predict_proba(texts))


def test_archive_holds_only_json_and_plain_arrays(tiny_model_path):
    with zipfile.ZipFile(tiny_model_path) as archive:
        names = archive.namelist()
        assert names[0] == "format.json"
        assert all(n.endswith((".json", ".npy")) for n in names)
        for name in names:
            if name.endswith(".npy"):
                np.load(archive.open(name), allow_pickle=False)  # raises if an object array
        card = json.loads(archive.read("card.json"))
    for key in ("labels", "training_data", "hyperparameters", "versions", "created"):
        assert key in card
    assert set(card["versions"]) >= {"newsclf", "scikit-learn", "numpy"}
    assert card["training_data"]["sha256"] and card["training_data"]["label_counts"]


def test_same_model_same_bytes(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = NewsClassifier(min_df=1).fit(corpus.text, corpus.label).save(tmp_path / "a.newsclf")
    second = NewsClassifier(min_df=1).fit(corpus.text, corpus.label).save(tmp_path / "b.newsclf")
    assert first.read_bytes() == second.read_bytes()


def test_tampered_member_is_refused_with_checksum_message(tiny_model_path, tmp_path):
    def tamper(name, data):
        if name == "arrays/coef.npy":
            array = np.load(io.BytesIO(data))
            array[0, 0] += 1.0
            buffer = io.BytesIO()
            np.save(buffer, array)
            return buffer.getvalue()
        return data

    bad = _rewrite(tiny_model_path, tmp_path / "tampered.newsclf", tamper)
    with pytest.raises(ArtifactError, match=r"checksum mismatch in 'arrays/coef.npy'.*damaged or changed"):
        load_model(bad)


def test_newer_format_version_is_refused_clearly(tiny_model_path, tmp_path):
    def bump(name, data):
        if name == "format.json":
            return json.dumps({"format": "newsclf-model", "version": FORMAT_VERSION + 1}).encode()
        return data

    newer = _rewrite(tiny_model_path, tmp_path / "newer.newsclf", bump)
    with pytest.raises(ArtifactError, match=rf"newer newsclf \(model format version {FORMAT_VERSION + 1}"):
        load_model(newer)


def test_truncated_file_is_refused(tiny_model_path, tmp_path):
    data = tiny_model_path.read_bytes()
    cut = tmp_path / "cut.newsclf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArtifactError, match="a truncated or corrupt ZIP archive"):
        load_model(cut)


def _craft(src, dst, changes):
    """Rewrite members of src (name -> new bytes, or callable on the old bytes) with valid
    checksums, as a careless writer or an attacker could."""
    with zipfile.ZipFile(src) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    for name, change in changes.items():
        members[name] = change(members[name]) if callable(change) else change
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "checksums.json"}
    members["checksums.json"] = json.dumps(sums).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return dst


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=array.dtype == object)
    return buffer.getvalue()


def _json_edit(**updates):
    def change(data):
        obj = json.loads(data)
        obj.update(updates)
        return json.dumps(obj).encode()

    return change


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"arrays/coef.npy": lambda d: _npy(np.load(io.BytesIO(d))[:, :-1])}, "arrays do not fit together"),
        ({"arrays/coef.npy": lambda d: _npy(np.load(io.BytesIO(d))[:2])}, "arrays do not fit together"),
        ({"arrays/intercept.npy": _npy(np.zeros(7))}, "arrays do not fit together"),
        ({"arrays/idf_word.npy": lambda d: _npy(np.load(io.BytesIO(d))[None, :])}, "must be a 1-d float"),
        ({"arrays/idf_word.npy": lambda d: _npy(np.load(io.BytesIO(d)) * np.nan)}, "NaN or infinite"),
        ({"arrays/coef.npy": _npy(np.array([[1, 2]], dtype=object))}, "not a plain numeric array"),
        ({"arrays/coef.npy": lambda d: _npy(np.load(io.BytesIO(d)).astype(complex))}, "float array"),
        ({"vocab/word.json": lambda d: json.dumps(json.loads(d)[:1] * 2 + json.loads(d)[2:]).encode()},
         "repeats a term"),
        ({"vocab/char.json": b"[" * 100_000}, "not valid JSON"),
        ({"vocab/char.json": b'{"a": 1}'}, "not a list of terms"),
        ({"model.json": _json_edit(classes=["a"])}, "labels must be 2 or more"),
        ({"model.json": _json_edit(classes="abc")}, "labels must be 2 or more"),
        ({"model.json": _json_edit(params=[])}, "hyperparameters"),
        ({"model.json": lambda d: json.dumps({**json.loads(d), "params": {
            **json.loads(d)["params"], "C": "abc"}}).encode()}, "invalid C: 'abc'"),
        ({"model.json": lambda d: json.dumps({**json.loads(d), "params": {
            **json.loads(d)["params"], "min_df": 7}}).encode()}, "gives min_df as 7 and as 1"),
        ({"arrays/coef.npy": lambda d: _npy(np.load(io.BytesIO(d)) * 1e300)}, "beyond +-1e+06"),
        ({"model.json": lambda d: json.dumps({**json.loads(d), "features": {
            **json.loads(d)["features"], "char_ngram_range": [5, 3]}}).encode()}, "invalid feature setting"),
        ({"model.json": lambda d: json.dumps({**json.loads(d), "features": {
            **json.loads(d)["features"], "char_weight": 1e308}}).encode()}, "char_weight: 1e+308"),
        ({"format.json": b'{"format": "newsclf-model", "version": true}'}, "bad format version"),
        ({"card.json": b"[1, 2]"}, "'card.json' is not an object"),
        ({"checksums.json": b"[]"}, "checksums.json"),
    ],
)  # fmt: skip
def test_inconsistent_or_crafted_files_fail_at_load(tiny_model_path, tmp_path, changes, message):
    bad = _craft(tiny_model_path, tmp_path / "crafted.newsclf", changes)
    if "checksums.json" in changes:  # _craft rewrites it; put the bad one back
        with zipfile.ZipFile(bad) as zin:
            members = {n: zin.read(n) for n in zin.namelist()}
        members.update(changes)
        with zipfile.ZipFile(bad, "w") as zout:
            for name, data in members.items():
                zout.writestr(name, data)
    with pytest.raises(ArtifactError, match=re.escape(message)):
        load_model(bad)


def test_integer_labels_survive_save_and_load(corpus, tmp_path):
    codes = corpus.label.map({"energy": 0, "health": 1, "sport": 2}).tolist()
    model = NewsClassifier(min_df=1).fit(corpus.text, codes)
    loaded = load_model(model.save(tmp_path / "int.newsclf"))
    assert loaded.classes_.tolist() == [0, 1, 2]
    assert np.array_equal(loaded.predict(PROBES), model.predict(PROBES))


def test_corrupted_bytes_are_refused(tiny_model_path, tmp_path):
    data = bytearray(tiny_model_path.read_bytes())
    with zipfile.ZipFile(tiny_model_path) as archive:
        info = archive.getinfo("arrays/coef.npy")
    data[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF  # inside compressed coef
    bad = tmp_path / "flipped.newsclf"
    bad.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="corrupt"):
        load_model(bad)


def test_missing_header_member_is_named(tiny_model_path, tmp_path):
    with zipfile.ZipFile(tiny_model_path) as zin, zipfile.ZipFile(tmp_path / "h.newsclf", "w") as zout:
        for info in zin.infolist():
            if info.filename != "format.json":
                zout.writestr(info, zin.read(info.filename))
    with pytest.raises(ArtifactError, match=r"member 'format\.json' is missing"):
        load_model(tmp_path / "h.newsclf")


def test_missing_member_is_refused(tiny_model_path, tmp_path):
    with (
        zipfile.ZipFile(tiny_model_path) as zin,
        zipfile.ZipFile(tmp_path / "m.newsclf", "w") as zout,
    ):
        for info in zin.infolist():
            if info.filename != "vocab/char.json":
                zout.writestr(info, zin.read(info.filename))
    with pytest.raises(ArtifactError, match=r"'vocab/char\.json' is missing"):
        load_model(tmp_path / "m.newsclf")


def test_not_a_model_and_no_file(tmp_path):
    junk = tmp_path / "junk.newsclf"
    junk.write_text("hello")
    with pytest.raises(ArtifactError, match="not a newsclf model file"):
        load_model(junk)
    with pytest.raises(ArtifactError, match="no such model file"):
        load_model(tmp_path / "absent.newsclf")


def test_joblib_needs_explicit_opt_in(tiny_model, tmp_path):
    path = tiny_model.save(tmp_path / "model.joblib", format="joblib")
    with pytest.raises(ArtifactError, match="allow_pickle=True"):
        load_model(path)
    loaded = load_model(path, allow_pickle=True)
    assert np.array_equal(loaded.predict_proba(PROBES), tiny_model.predict_proba(PROBES))


def test_save_rejects_unfitted_and_unknown_format(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="unfitted"):
        NewsClassifier().save(tmp_path / "x.newsclf")
    with pytest.raises(ValueError, match="unknown format"):
        tiny_model.save(tmp_path / "x.bin", format="pickle")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_float32_coefficients_halve_them_and_load_as_the_rounded_values(tiny_model, tmp_path):
    path = tiny_model.save(tmp_path / "small.newsclf", coef_dtype="float32")
    with zipfile.ZipFile(path) as archive:
        stored = np.load(archive.open("arrays/coef.npy"), allow_pickle=False)
        header = json.loads(archive.read("format.json"))
    assert stored.dtype == np.float32 and stored.nbytes * 2 == tiny_model.coef_.nbytes
    assert header["version"] <= FORMAT_VERSION  # every reader takes a float32 array: no new version
    loaded = load_model(path)
    assert loaded.coef_.dtype == np.float64
    assert np.array_equal(loaded.coef_, tiny_model.coef_.astype(np.float32).astype(np.float64))
    assert not np.array_equal(loaded.coef_, tiny_model.coef_)  # really rounded
    assert np.allclose(loaded.predict_proba(PROBES), tiny_model.predict_proba(PROBES), atol=1e-5)


def test_save_rejects_an_unknown_or_misplaced_coef_dtype(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="unknown coef_dtype 'float16'"):
        tiny_model.save(tmp_path / "x.newsclf", coef_dtype="float16")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'newsclf' format only"):
        tiny_model.save(tmp_path / "x.joblib", format="joblib", coef_dtype="float32")
    assert not list(tmp_path.iterdir())


def test_atomic_write_leaves_destination_untouched_on_failure(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half")
        raise RuntimeError("crash midway")
    assert target.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os

    with atomic_write(tmp_path / "out.bin") as handle:
        handle.write(b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out.bin").stat().st_mode & 0o777 == 0o666 & ~mask


def test_golden_model_file_predicts_as_recorded():
    """A model saved by an earlier build (format v1) loads and predicts the recorded figures.

    Guards the format and the arithmetic across scikit-learn / numpy versions; regenerate with
    tests/data/make_golden.py only when the format changes on purpose.
    """
    from pathlib import Path

    data = Path(__file__).parent / "data"
    expected = json.loads((data / "golden.json").read_text("utf-8"))
    model = load_model(data / "golden.newsclf")
    np.testing.assert_allclose(
        model.predict_proba(expected["probes"]), expected["proba"], rtol=1e-12, atol=1e-15
    )


def test_every_hyperparameter_is_validated_at_load():
    from newsclf._model.params import PARAMETER_RULES

    assert set(PARAMETER_RULES) == set(NewsClassifier().get_params())


@pytest.mark.parametrize(
    ("name", "value"),
    [("min_df", 0), ("word_ngram_range", [2, 1]), ("char_weight", -2), ("class_weight", {"sport": 2.0}),
     ("random_state", -1), ("max_iter", 0), ("min_df", 1.5), ("C", 0), ("strip_furniture", "yes")],
)  # fmt: skip
def test_stored_hyperparameters_are_judged_by_the_rules_fit_applies(tiny_model_path, tmp_path, name, value):
    from newsclf._model.params import PARAMETER_RULES

    def edit(data):
        spec = json.loads(data)
        spec["params"][name] = value
        return json.dumps(spec).encode()

    bad = _craft(tiny_model_path, tmp_path / "crafted.newsclf", {"model.json": edit})
    expected = f"corrupt model file: 'model.json' has an invalid {name}: {value!r} "
    expected += f"(must be {PARAMETER_RULES[name].allowed})"
    with pytest.raises(ArtifactError, match=re.escape(expected)):
        load_model(bad)


@pytest.mark.parametrize("min_df", [0.05, 0.5, 1.0])
def test_a_float_min_df_round_trips_as_a_float(corpus, tmp_path, min_df):
    model = NewsClassifier(min_df=min_df).fit(corpus.text, corpus.label)
    with zipfile.ZipFile(model.save(tmp_path / "share.newsclf")) as archive:
        spec = json.loads(archive.read("model.json"))
    assert spec["params"]["min_df"] == spec["features"]["min_df"] == min_df
    assert isinstance(spec["features"]["min_df"], float)  # not int(min_df), which gave 0 for 0.5
    loaded = load_model(tmp_path / "share.newsclf")
    assert type(loaded.min_df) is float and type(loaded.features_.min_df) is float
    assert loaded.get_params() == model.get_params()
    assert loaded.features_.vocabularies_ == model.features_.vocabularies_
    assert np.array_equal(loaded.predict_proba(PROBES), model.predict_proba(PROBES))


def test_min_df_one_and_one_point_zero_are_different_settings(tiny_model_path, tmp_path):
    # 1 keeps terms in one text, 1.0 only terms in every text: stored twice, they must agree in type.
    def edit(data):
        spec = json.loads(data)
        spec["features"]["min_df"] = 1.0
        return json.dumps(spec).encode()

    bad = _craft(tiny_model_path, tmp_path / "crafted.newsclf", {"model.json": edit})
    with pytest.raises(ArtifactError, match=re.escape("gives min_df as 1 and as 1.0")):
        load_model(bad)
