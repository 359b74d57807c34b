import newsclf
from newsclf._version import versions


def test_versions_name_the_libraries_models_depend_on():
    found = versions()
    assert found["newsclf"] == newsclf.__version__
    for name in ("python", "scikit-learn", "numpy", "scipy", "pandas", "joblib"):
        assert found[name] and found[name] != "not installed"


def test_show_versions_prints_them(capsys):
    newsclf.show_versions()
    out = capsys.readouterr().out
    assert "scikit-learn" in out and "platform" in out
