"""Record what the bundled model predicted before ``strip_furniture`` existed (``bundled_legacy.json``).

Model files written before ``strip_furniture`` hold no such setting and must load with it off,
predicting exactly as they did. This script was run once with the newsclf *before* the change
(commit ae9fb26, ``PYTHONPATH=<that checkout>/src python tests/data/make_bundled_legacy.py``),
and the 0.2 bundled model was checked against these figures until model v3 replaced it. Since
then ``test_furniture.py`` uses only the texts (the bundled model must score each wrapped text as
its bare one); the legacy-loading check is made on ``golden.newsclf``.

The headlines are written for the purpose (no dataset text): topical sentences, plain and
wrapped in wire and website furniture, so that a model that stripped would give other figures.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

BODIES = [
    "Rebels shell the outskirts of the capital as ceasefire talks stall",
    "Army says it retook two border towns after a week of fighting",
    "Drone strike kills three militia commanders near the frontier",
    "Troops and insurgents clash overnight in the northern province",
    "Police arrest four men over a string of jewellery shop robberies",
    "Former mayor jailed for seven years for taking bribes",
    "Detectives charge teenager with murder after a stabbing in the park",
    "Court convicts gang leader of drug trafficking and money laundering",
    "Film festival opens with a sold-out premiere of a silent comedy",
    "Veteran rock band announces a farewell stadium tour",
    "Museum returns looted bronze statues to their home country",
    "Novelist wins the prize for fiction with a debut family saga",
    "Foreign ministers meet in Geneva to revive the nuclear deal",
    "Ambassador summoned after a row over the embassy expulsions",
    "Leaders sign a trade and security pact at the regional summit",
    "Envoy arrives for talks on the disputed islands",
    "Earthquake of magnitude 6.8 leaves hundreds homeless",
    "Floods sweep away bridges and cut off villages in the valley",
    "Wildfire forces thousands to evacuate as winds pick up",
    "Cyclone makes landfall with torrential rain and storm surge",
    "Central bank raises interest rates for the fourth time this year",
    "Inflation slows to 3.1 percent as food prices ease",
    "Retail sales fall unexpectedly in the holiday quarter",
    "Carmaker to cut 2,000 jobs as profits slide",
    "Brent crude climbs above $90 after OPEC extends output cuts",
    "Gas prices jump as a pipeline outage squeezes supply",
    "Utility approves a new solar farm and battery storage project",
    "Refinery restarts after a fire shut its main crude unit",
    "Coral reefs bleach across the gulf as sea temperatures soar",
    "Government bans single-use plastics from next year",
    "Rare frogs rediscovered in a cloud forest thought cleared",
    "Air pollution in the capital hits its worst level in a decade",
    "Hospitals report a surge in flu cases as winter begins",
    "Regulator approves a new vaccine against the respiratory virus",
    "Trial shows the cancer drug extends survival by months",
    "Doctors warn of a measles outbreak in unvaccinated children",
    "Parliament passes the budget after an all-night debate",
    "Prime minister reshuffles the cabinet ahead of the election",
    "Opposition leader calls for a vote of no confidence",
    "Senate confirms the nominee for attorney general",
    "Astronomers spot water vapour on a distant exoplanet",
    "Scientists sequence the genome of an extinct giant bird",
    "Physicists report a new measurement of the proton radius",
    "Space agency launches a probe to study the sun's corona",
    "Striker scores twice as the champions win the derby",
    "Tennis star withdraws from the open with a wrist injury",
    "Coach sacked after a run of eight defeats",
    "Sprinter breaks the world record in the 200 metres",
    "Chipmaker unveils a faster processor for laptops",
    "Social network fined over data privacy breaches",
    "Startup raises $50 million to build delivery robots",
    "Hackers steal customer records from the telecom operator",
    "Oil - the new gold",
    "UPDATE on Brexit talks as negotiators return",
    "Live music returns to Kyiv after the blackout",
    "Watchdog publishes its damning report",
    "FOREX-Dollar slips as traders await the jobs data",
    "SOCCER-Late goal sends the hosts into the final",
    "Ukraine war: Grain ships leave the port under escort",
    "METALS-Copper hits a two-year high on supply fears",
]

PREFIXES = [
    "UPDATE 2-",
    "RPT-UPDATE 1-",
    "BREAKING: ",
    "EXCLUSIVE-",
    "Watch: ",
    "REFILE-",
    "CORRECTED (OFFICIAL)-",
    "In pictures: ",
]
SUFFIXES = [" - Reuters", " | AP News", " -sources", " - BBC News", " – live", " - report", " | CNN"]


def headlines() -> list[str]:
    """Every body plain, with a prefix, with a suffix and with both (furniture rotating)."""
    texts = []
    for i, body in enumerate(BODIES):
        prefix, suffix = PREFIXES[i % len(PREFIXES)], SUFFIXES[i % len(SUFFIXES)]
        texts += [body, prefix + body, body + suffix, prefix + body + suffix]
    return texts


if __name__ == "__main__":
    from newsclf import load_model

    model = load_model()
    texts = headlines()
    record = {
        "texts": texts,
        "labels": model.predict(texts).tolist(),
        "proba": model.predict_proba(texts).tolist(),
    }
    (HERE / "bundled_legacy.json").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
