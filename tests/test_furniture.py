"""Wire slugs and outlet furniture do not sway the topic: the rules, the setting, the file format."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import make_corpus
from newsclf import ArtifactError, NewsClassifier, load_model
from newsclf._model.features import FEATURE_PARAMS, LEGACY_SETTINGS, TextFeatures
from newsclf._model.furniture import strip_furniture

DATA = Path(__file__).parent / "data"

# -- the rules ---------------------------------------------------------------------------------
REMOVED = [
    # Leading wire slugs, as Reuters writes them.
    ("UPDATE 2-Oil climbs as OPEC extends cuts", "Oil climbs as OPEC extends cuts"),
    ("UPDATE 1-TSMC plans five new wafer plants", "TSMC plans five new wafer plants"),
    ("UPDATE 12-Brent crude falls for sixth day", "Brent crude falls for sixth day"),
    ("UPDATE1-Retailer files for bankruptcy", "Retailer files for bankruptcy"),
    ("UPDATE-Lehman ups Hanger to overweight", "Lehman ups Hanger to overweight"),
    ("UPDATE 1 - US junk bond default rate falls", "US junk bond default rate falls"),
    ("REFILE-Canada to spend C$3 bln on rescue planes", "Canada to spend C$3 bln on rescue planes"),
    ("RPT-Detroit carmakers brace for strike", "Detroit carmakers brace for strike"),
    ("REPEAT-Detainee letters show life in Guantanamo", "Detainee letters show life in Guantanamo"),
    ("CORRECTED-Court clears former chairwoman", "Court clears former chairwoman"),
    ("CORRECTED (OFFICIAL)-WestJet sees capacity growth", "WestJet sees capacity growth"),
    ("CORRECTED(OFFICIAL)-Miner says no listing planned", "Miner says no listing planned"),
    ("CORRECTED-(OFFICIAL)-Airline to add 8 planes", "Airline to add 8 planes"),
    ("CORRECTED - OFFICIAL-Treasury balances rose", "Treasury balances rose"),
    ("OFFICIAL-CORRECTED UPDATE 1-Plane deliveries up", "Plane deliveries up"),
    ("CORRECTION-Telecom CEO says rules slow venture", "Telecom CEO says rules slow venture"),
    ("EXCLUSIVE-Iraq seeks aides in Syria", "Iraq seeks aides in Syria"),
    ("FACTBOX-Key facts on the EU entrants", "Key facts on the EU entrants"),
    ("FACTBOX: Hague conference on Afghanistan", "Hague conference on Afghanistan"),
    ("ANALYSIS-Zimbabwe strikes fuel political tension", "Zimbabwe strikes fuel political tension"),
    ("INTERVIEW-UN envoy will not impose deals", "UN envoy will not impose deals"),
    ("PREVIEW-Critics say energy policy lacks bite", "Critics say energy policy lacks bite"),
    ("WRAPUP 1-New year, old inflation threat", "New year, old inflation threat"),
    ("WRAPUP-Detroit gets a buzz from electric cars", "Detroit gets a buzz from electric cars"),
    ("TIMELINE-Key events since the election", "Key events since the election"),
    ("SPECIAL REPORT-Behind the pay rules", "Behind the pay rules"),
    ("INSIGHT-Structured notes overcome the taint", "Structured notes overcome the taint"),
    ("BRIEF-Retailer Q3 results", "Retailer Q3 results"),
    ("BRIEF - Distributor says succeeds rival", "Distributor says succeeds rival"),
    ("URGENT-Bill to raise term limits is introduced", "Bill to raise term limits is introduced"),
    ("Q+A-What is at stake in the envoy's trip?", "What is at stake in the envoy's trip?"),
    ("Q+A: What do both sides want?", "What do both sides want?"),
    # Chains of them.
    ("RPT-UPDATE 1-Pharma changes trial design", "Pharma changes trial design"),
    ("REFILE-CORRECTED-UPDATE 2-Storm shuts refinery", "Storm shuts refinery"),
    ("RPT UPDATE 2-Budget proposes cuts", "Budget proposes cuts"),
    ("CORRECTED - CORRECTED-Shares rise as banks gain", "Shares rise as banks gain"),
    ("CORRECTED UPDATE 1-Sales rise by double digits", "Sales rise by double digits"),
    # Web labels with their colon.
    ("BREAKING: Earthquake hits the coast", "Earthquake hits the coast"),
    ("Breaking: Ministers visit Kyiv", "Ministers visit Kyiv"),
    ("BREAKING NEWS: Star quits after row", "Star quits after row"),
    ("LIVE: Markets surge as inflation falls", "Markets surge as inflation falls"),
    ("Live: Prime minister makes last push", "Prime minister makes last push"),
    ("LIVE UPDATES: Polls close in the state", "Polls close in the state"),
    ("Live updates: Search for the missing sub continues", "Search for the missing sub continues"),
    ("Watch: Moment rescuers find the trapped boys", "Moment rescuers find the trapped boys"),
    ("WATCH: Senator challenges union boss", "Senator challenges union boss"),
    ("Watch live: Speaker holds a news conference", "Speaker holds a news conference"),
    ("VIDEO: Girl fights off robber", "Girl fights off robber"),
    ("Video: Rival gangs clash at a match", "Rival gangs clash at a match"),
    ("In pictures: Crowds enjoy the fireworks", "Crowds enjoy the fireworks"),
    ("Xinhua Headlines: China opens its space station", "China opens its space station"),
    ("Xinhua Headlines-China opens its space station", "China opens its space station"),
    ("Exclusive: Spy chiefs meet in secret", "Spy chiefs meet in secret"),
    ("Factbox: The biggest lithium producers", "The biggest lithium producers"),
    # Trailing outlets, with a dash or a bar.
    ("China, Philippines boats clash at sea - Reuters", "China, Philippines boats clash at sea"),
    ("Spy chiefs meet in Singapore - Reuters.com", "Spy chiefs meet in Singapore"),
    ("Army equipment arrives in Poland | Reuters", "Army equipment arrives in Poland"),
    ("Gunman kills four in bank shooting - BBC News", "Gunman kills four in bank shooting"),
    ("Court upholds the magazine ban | AP News", "Court upholds the magazine ban"),
    ("Strike ends at the port - The Associated Press", "Strike ends at the port"),
    ("Senate passes the bill - The New York Times", "Senate passes the bill"),
    ("Cyclist withdraws after breaking neck | CNN", "Cyclist withdraws after breaking neck"),
    ("Santos charged in federal probe - CNN", "Santos charged in federal probe"),
    ("Migrants flown to California - The Guardian", "Migrants flown to California"),
    ("Whales hit by shipping | The Guardian", "Whales hit by shipping"),
    ("Quake kills dozens — Al Jazeera English", "Quake kills dozens"),
    # Wire attributions, spaced on either side of the dash.
    ("Ford to buy off-road automaker - source", "Ford to buy off-road automaker"),
    ("Ford to buy off-road automaker -source", "Ford to buy off-road automaker"),
    ("Ford to buy off-road automaker- source", "Ford to buy off-road automaker"),
    ("Power Corp to buy Putnam - sources", "Power Corp to buy Putnam"),
    ("Power Corp to buy Putnam -sources", "Power Corp to buy Putnam"),
    ("TSMC plans five new wafer plants - paper", "TSMC plans five new wafer plants"),
    ("TSMC plans five new wafer plants -paper", "TSMC plans five new wafer plants"),
    ("Opera house signs Bollywood director - report", "Opera house signs Bollywood director"),
    ("Opera house signs Bollywood director -report", "Opera house signs Bollywood director"),
    ("Rice, Olmert, Abbas to hold summit -reports", "Rice, Olmert, Abbas to hold summit"),
    ("Train crash injures 33 -media", "Train crash injures 33"),
    # Live-page tails, and chains of tails.
    ("Missing sub search continues - live updates", "Missing sub search continues"),
    ("England v Chile: Rugby World Cup – live", "England v Chile: Rugby World Cup"),
    ("Ashes, day four – as it happened", "Ashes, day four"),
    ("Economy stalls — latest updates", "Economy stalls"),
    ("Wimbledon day five - follow live", "Wimbledon day five"),
    ("Trump charged – live - The Independent", "Trump charged"),
    ("Ghana's batmen hunt for clues – BBC News - BBC News", "Ghana's batmen hunt for clues"),
    # Both ends; surrounding whitespace.
    ("UPDATE 3-Kazakh leader names new PM - sources", "Kazakh leader names new PM"),
    ("RPT-UPDATE 1-Oil climbs as OPEC cuts output - Reuters", "Oil climbs as OPEC cuts output"),
    ("  BREAKING:   Floods cut off villages | CNN  ", "Floods cut off villages"),
    # The slug's dash is the slug's: "Reuters" is what is left.
    ("REFILE - Reuters", "Reuters"),
]

UNCHANGED = [
    "Oil - the new gold",
    "UPDATE on Brexit talks",
    "Live music returns to Kyiv",
    "Watch-makers gather in Basel",
    "Breaking the silence on pay",
    "Video games sales soar",
    "Watchdog publishes its damning report",
    "Climate panel issues a report",
    "Market falls - CEO",
    "Oil - Reuters says prices will rise",  # a tail only counts at the very end
    "Reuters reports record profit",
    "Deal near for unit-sources",  # no space by the dash: could be a compound
    "Microsoft embraces open-source",
    "Ministers - a report card",
    "Update your phone now",
    "ANALYSTS SEE WEAKER DOLLAR",
    "BRIEFS-Pirlo could miss a month",  # not a slug of the list
    # Topical desk slugs stay: they carry topic words.
    "FOREX-Dollar slips as traders await jobs data",
    "GLOBAL MARKETS-Stocks rally on Fed hopes",
    "US STOCKS-Wall St ends higher",
    "METALS-Copper hits two-year high",
    "SOCCER-Late goal sends hosts into the final",
    "Ukraine war: Grain ships leave port",
    "Premier League: City win the title",
    "Results - ESPN",  # specialist outlets are topical
    "",
    "   ",
    "plain headline with no furniture",
]


@pytest.mark.parametrize(("text", "expected"), REMOVED, ids=[t for t, _ in REMOVED])
def test_furniture_is_removed(text, expected):
    assert strip_furniture(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_topical_text_is_left_alone(text):
    assert strip_furniture(text) is text  # the very same object: nothing was done


@pytest.mark.parametrize(
    "text", ["UPDATE 1-", "BREAKING:", "  Live:  ", " - Reuters", "RPT-UPDATE 2- - sources", "Watch:- BBC"]
)
def test_nothing_but_furniture_gives_the_text_back_stripped(text):
    assert strip_furniture(text) == text.strip()


def test_case_is_as_the_services_write_it():
    assert strip_furniture("update 2-Oil climbs") == "update 2-Oil climbs"
    assert strip_furniture("breaking: Oil climbs") == "breaking: Oil climbs"
    assert strip_furniture("Oil climbs - reuters") == "Oil climbs - reuters"


PREFIXES = [
    "UPDATE 2-",
    "UPDATE 1 - ",
    "RPT-UPDATE 1-",
    "REFILE-",
    "CORRECTED (OFFICIAL)-",
    "EXCLUSIVE-",
    "FACTBOX: ",
    "BREAKING: ",
    "Live: ",
    "Watch: ",
    "In pictures: ",
    "Xinhua Headlines-",
    "Q+A-",
]
SUFFIXES = [
    " - Reuters",
    " | Reuters",
    " - Reuters.com",
    " | AP News",
    " - BBC News",
    " - The New York Times",
    " | CNN",
    " - The Guardian",
    " -sources",
    " - source",
    " -paper",
    " - report",
    " – live",
    " - live updates",
    " - live updates - BBC News",
]

#: Headlines with some text of their own: a first word that is no slug (capitalised or lower
#: case), a lower-case last word, and anything between, furniture-like tokens included. Text
#: that is all furniture has no topic to keep ("RPT - Reuters" reads either way); a headline
#: that holds furniture itself is left out by ``_plain``.
FIRST = st.from_regex(r"[A-Za-z][a-z]{0,6}", fullmatch=True)
LAST = st.from_regex(r"[a-z]{1,7}", fullmatch=True)
MIDDLE = st.lists(
    st.sampled_from(["UPDATE 1-", "RPT", "-", "–", "|", ":", "Reuters", "sources", "Live:", "The", "2"])
    | st.text(alphabet=st.sampled_from("abcxyzOilREUTPDAB0123é日-:|'.,&+– "), min_size=1, max_size=8),
    max_size=5,
)
HEADLINES = st.builds(lambda first, middle, last: " ".join([first, *middle, last]), FIRST, MIDDLE, LAST)


def _plain(text: str) -> bool:
    """A headline that holds no furniture."""
    return strip_furniture(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.builds(lambda p, t, s: p + t + s, st.sampled_from(["", *PREFIXES]),
                                        st.text(max_size=30), st.sampled_from(["", *SUFFIXES])))  # fmt: skip
def test_stripping_is_idempotent(text):
    once = strip_furniture(text)
    assert strip_furniture(once) == once


@settings(max_examples=200, deadline=None)
@given(HEADLINES, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_a_plain_headline_comes_back_from_any_furniture(text, prefix, suffix):
    assume(_plain(text))
    assert strip_furniture(prefix + text) == text
    assert strip_furniture(text + suffix) == text
    assert strip_furniture(prefix + text + suffix) == text


# -- the featurizer and the estimator ---------------------------------------------------------
CORPUS = make_corpus(per_label=20)


def _features(strip: bool) -> TextFeatures:
    defaults = {k: v for k, v in NewsClassifier().get_params().items() if k in FEATURE_PARAMS}
    return TextFeatures(**{**defaults, "min_df": 1, "strip_furniture": strip})


@pytest.fixture(scope="module")
def stripping_features():
    return _features(True).fit(list(CORPUS.text))


@pytest.fixture(scope="module")
def stripping_model():
    return NewsClassifier(min_df=1).fit(CORPUS.text, CORPUS.label)


def test_new_models_strip_by_default():
    assert NewsClassifier().get_params()["strip_furniture"] is True


def _same(a, b):
    return a.shape == b.shape and (a != b).nnz == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HEADLINES, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_furniture_does_not_change_features_or_predictions(stripping_features, stripping_model, text, prefix,
                                                           suffix):  # fmt: skip
    assume(_plain(text))
    plain = stripping_features.transform([text])
    for wrapped in (prefix + text, text + suffix, prefix + text + suffix):
        assert _same(stripping_features.transform([wrapped]), plain)
    texts = [text, prefix + text, text + suffix, prefix + text + suffix]
    proba = stripping_model.predict_proba(texts)
    np.testing.assert_array_equal(proba, np.repeat(proba[:1], len(texts), axis=0))
    assert len(set(stripping_model.predict(texts))) == 1


def test_training_and_prediction_see_the_same_text():
    wrapped = [f"UPDATE 1-{text} - Reuters" for text in CORPUS.text]
    stripping = _features(True).fit(wrapped)
    assert stripping.vocabularies_ == _features(True).fit(list(CORPUS.text)).vocabularies_
    assert not {"update", "reuters", "update 1"} & set(stripping.vocabularies_["word"])
    assert _same(stripping.transform(wrapped), stripping.transform(list(CORPUS.text)))


def test_without_stripping_texts_are_left_alone():
    wrapped = [f"UPDATE 1-{text} - Reuters" for text in CORPUS.text]
    keeping = _features(False).fit(wrapped)
    assert {"update", "reuters", "update 1"} <= set(keeping.vocabularies_["word"])
    assert not _same(keeping.transform(wrapped[:3]), keeping.transform(list(CORPUS.text[:3])))
    # Exactly the featurizer before the setting existed: scikit-learn's word block on the raw text.
    from sklearn.feature_extraction.text import TfidfVectorizer

    reference = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True).fit(
        wrapped
    )
    assert keeping.vocabularies_["word"] == sorted(reference.vocabulary_, key=reference.vocabulary_.get)


def test_explain_and_feature_names_work_on_stripped_text():
    wrapped_corpus = [f"RPT-UPDATE 2-{text} - Reuters" for text in CORPUS.text]
    model = NewsClassifier(min_df=1).fit(wrapped_corpus, CORPUS.label)
    names = model.features_.feature_names()
    assert len(names) == model.coef_.shape[1]
    assert not {"rpt", "update", "reuters"} & {term for kind, term in names if kind == "word"}
    text = "Brent crude climbs after opec deal"
    wrapped = f"RPT-UPDATE 2-{text} - Reuters"
    assert model.explain(wrapped) == model.explain(text)
    assert model.explain(wrapped, label="sport") == model.explain(text, label="sport")
    assert {c.term for c in model.explain(text, n=100)} <= {term for _, term in names}


# -- the model file -------------------------------------------------------------------------------
def _spec(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("format.json")), json.loads(archive.read("model.json"))


@pytest.mark.parametrize("strip", [True, False])
def test_the_setting_survives_save_and_load(tmp_path, strip):
    model = NewsClassifier(min_df=1, strip_furniture=strip).fit(CORPUS.text, CORPUS.label)
    loaded = load_model(model.save(tmp_path / "m.newsclf"))
    assert loaded.strip_furniture is strip and loaded.features_.strip_furniture is strip
    assert loaded.get_params() == model.get_params()
    probes = ["UPDATE 2-Crude oil climbs - Reuters", "BREAKING: Coach signs striker", "Vaccine trial | CNN"]
    np.testing.assert_array_equal(loaded.predict_proba(probes), model.predict_proba(probes))
    header, spec = _spec(tmp_path / "m.newsclf")
    if strip:  # version 2: the setting in both places
        assert header["version"] == 2
        assert spec["params"]["strip_furniture"] is True and spec["features"]["strip_furniture"] is True
    else:  # the original layout, which every newsclf reads
        assert header["version"] == 1
        assert "strip_furniture" not in spec["params"] and "strip_furniture" not in spec["features"]


def _rewrite(src, dst, change_spec, version=None):
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    spec = json.loads(members["model.json"])
    change_spec(spec)
    members["model.json"] = json.dumps(spec).encode()
    if version is not None:
        members["format.json"] = json.dumps({"format": "newsclf-model", "version": version}).encode()
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "checksums.json"}
    members["checksums.json"] = json.dumps(sums).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return dst


def _drop_setting(spec):
    del spec["params"]["strip_furniture"], spec["features"]["strip_furniture"]


def test_a_file_without_the_setting_loads_as_false(tiny_model_path, tmp_path):
    for version in (1, 2):
        path = _rewrite(tiny_model_path, tmp_path / f"v{version}.newsclf", _drop_setting, version)
        loaded = load_model(path)
        assert loaded.strip_furniture is False and loaded.features_.strip_furniture is False
        # "report" is a word of the corpus: a model that does not strip sees it.
        wrapped, plain = loaded.features_.transform(["Oil climbs - report", "Oil climbs"])
        assert not _same(wrapped, plain)


def test_a_file_made_before_the_setting_loads_without_stripping():
    header, spec = _spec(DATA / "golden.newsclf")
    assert header["version"] == 1 and "strip_furniture" not in spec["params"]
    model = load_model(DATA / "golden.newsclf")
    assert model.get_params()["strip_furniture"] is False
    assert model.features_.settings()["strip_furniture"] is False


def test_the_bundled_model_is_not_swayed_by_furniture():
    """The bundled model (v3) strips furniture: a wrapped headline scores as its bare text.

    The 240 headlines of ``bundled_legacy.json`` are written for the purpose: topical sentences,
    plain and wrapped in wire and website furniture (its recorded figures are those of the
    retired 0.2 model, which did not strip; they are not used here).
    """
    model = load_model()
    assert model.get_params()["strip_furniture"] is True
    texts = json.loads((DATA / "bundled_legacy.json").read_text("utf-8"))["texts"]
    bare = [strip_furniture(text) for text in texts]
    assert sum(a != b for a, b in zip(texts, bare)) >= 100  # the check has teeth
    np.testing.assert_array_equal(model.predict_proba(texts), model.predict_proba(bare))


def test_resaving_a_version_1_model_writes_the_original_layout(tmp_path):
    model = load_model(DATA / "golden.newsclf")
    model.save(tmp_path / "again.newsclf")
    with zipfile.ZipFile(DATA / "golden.newsclf") as old, zipfile.ZipFile(tmp_path / "again.newsclf") as new:
        for member in ("format.json", "model.json"):
            assert new.read(member) == old.read(member)


def _keep(spec):
    pass


def _features_without(spec):
    del spec["features"]["strip_furniture"]


def _params_without(spec):
    del spec["params"]["strip_furniture"]


def _params_yes(spec):
    spec["params"]["strip_furniture"] = "yes"


def _features_one(spec):
    spec["features"]["strip_furniture"] = 1


@pytest.mark.parametrize(
    ("change", "version", "message"),
    [
        (_keep, 1, "'model.json' has strip_furniture, which format version 1 does not have"),
        (_features_without, 2, "gives strip_furniture as True and as False"),
        (_params_without, 2, "gives strip_furniture as False and as True"),
        (_params_yes, 2, "invalid strip_furniture: 'yes' (must be a bool)"),
        (_features_one, 2, "invalid feature setting strip_furniture: 1 (must be a bool)"),
    ],
)
def test_inconsistent_settings_are_refused(tiny_model_path, tmp_path, change, version, message):
    bad = _rewrite(tiny_model_path, tmp_path / "bad.newsclf", change, version)
    with pytest.raises(ArtifactError, match=re.escape(message)):
        load_model(bad)


def test_pickles_made_before_the_setting_load_without_stripping():
    assert LEGACY_SETTINGS == {"strip_furniture": False}
    model = NewsClassifier(min_df=1, strip_furniture=False).fit(CORPUS.text, CORPUS.label)
    probes = ["UPDATE 2-Crude oil climbs - report", "Crude oil climbs"]
    expected = model.predict_proba(probes)
    del model.strip_furniture, model.features_.strip_furniture  # as an estimator pickled before
    copy = pickle.loads(pickle.dumps(model))
    assert copy.get_params()["strip_furniture"] is False and copy.features_.strip_furniture is False
    np.testing.assert_array_equal(copy.predict_proba(probes), expected)
