import pandas as pd
import pytest

import newsclf
from newsclf import DataError, topics, train
from newsclf._tasks.topics import read_descriptions

DESCRIPTIONS = {"energy": "oil, gas and power", "health": "medicine and disease", "sport": "all sport"}


def test_bundled_model_topics_have_descriptions():
    found = topics()
    assert list(found) == [str(c) for c in newsclf.load_model().classes_]
    assert len(found) >= 2 and all(found.values())


def test_a_retrained_model_carries_its_own_labels_and_descriptions(corpus, tmp_path):
    model = train(corpus, test_size=0, label_descriptions={"energy": "oil, gas and power"}).model
    assert topics(model) == {"energy": "oil, gas and power", "health": "", "sport": ""}
    reloaded = newsclf.load_model(model.save(tmp_path / "m.newsclf"))
    assert topics(reloaded) == topics(model)


def test_descriptions_of_labels_the_data_lacks_are_an_error(corpus):
    with pytest.raises(DataError, match=r"'politics'.*its labels: energy, health, sport"):
        train(corpus, test_size=0, label_descriptions={"politics": "government"})


def test_read_descriptions_file(write):
    path = write("topics.csv", 'label,description\nenergy,"oil, gas"\nsport,all sport\n')
    assert read_descriptions(path) == {"energy": "oil, gas", "sport": "all sport"}
    twice = write("twice.csv", "label,description\nsport,a\nsport,b\n")
    with pytest.raises(DataError, match=r"twice\.csv, line 3: label 'sport' is described twice"):
        read_descriptions(twice)
    missing = write("missing.csv", "label,meaning\nsport,a\n")
    with pytest.raises(DataError, match="description"):
        read_descriptions(missing)


def test_cli_train_with_descriptions_then_info_shows_them(cli, write, corpus, tmp_path):
    data = write("corpus.csv", corpus.to_csv(index=False))
    table = pd.DataFrame({"label": list(DESCRIPTIONS), "description": list(DESCRIPTIONS.values())})
    described = write("topics.csv", table.to_csv(index=False))
    model = tmp_path / "m.newsclf"
    done = cli("train", data, "--text-col", "text", "--label-col", "label", "-o", model,
               "--label-descriptions", described)  # fmt: skip
    assert done.returncode == 0, done.stderr
    info = cli("info", model)
    assert "  energy: oil" in info.stdout and "  sport: all sport" in info.stdout
