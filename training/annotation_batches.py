"""Draw the headlines the team annotates and write them as batch files for annotators.

The batches hold source texts, so they go to a work directory outside the project
(default ``../annotation-work``); only the resulting labels are committed, as references
(``training/annotations/``). Sampling is seeded, so the same data gives the same batches.

- ``test-*``: the held-out test set (BBC RSS September-December 2022 and the AG News
  ``chimera_validation`` subset), stratified by source section; every item is in two batch
  series (``A`` and ``B``, differently ordered) for two independent annotators.
- ``train-*``, then ``extra-*`` and ``more-*`` (later rounds, see ``EXTRA_PATTERN`` and
  ``MORE_PLAN``): rows of the mixed sources (BBC RSS world/UK/science-environment sections,
  AG News World and Sci/Tech, UCI ``t`` and ``b``, BBC 2005 business) in priority order:
  the sources of the rarest topics first.

Model v3 (``--round v3``, work directory ``../annotation-v3``) draws headlines only (no AG
News), from the v3 headline sources (``sources.HEADLINE_SOURCES``) plus nothing already judged:

- ``test3-A-*`` / ``test3-B-*``: new held-out test items from the v3 sources' held-out slices
  (Reuters 2016, newsapi November 2023, BBC home page July-August 2026, reddit July 2022, a
  tenth of Inshorts), each in two series for two independent annotators;
- ``v3-*``: training candidates from the training periods, chosen by ``V3_PLAN``: sections,
  outlets and keywords pick which headlines get annotated (more of the rare topics' desks),
  never the label. Batch files number their lines; annotators write ``n<TAB>label``.

Usage::

    python training/annotation_batches.py [--data-dir ../shared/data] [--out ../annotation-work]
    python training/annotation_batches.py --round v3 [--out ../annotation-v3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sources import DEFAULT_DATA, ROOT, load_sources, normalize

SEED = 0
BATCH = 250

# (source, section pattern, how many to draw; None = all) for the held-out test set.
TEST_PLAN = [
    ("bbc_rss", r"^world", 280),
    ("bbc_rss", r"^uk(?:$|-(?!politics))", 120),
    ("bbc_rss", r"^uk-politics$", 60),
    ("bbc_rss", r"^science-environment$", None),
    ("bbc_rss", r"^health$", None),
    ("bbc_rss", r"^technology$", None),
    ("bbc_rss", r"^entertainment-arts$", 50),
    ("bbc_rss", r"^business$", 100),
    ("bbc_rss", r"^sport", 40),
    ("bbc_rss", r"^(?:education|news|newsbeat|stories|in-pictures)$", 30),
    ("ag_train", r"^World$", 100),
    ("ag_train", r"^Sci/Tech$", 120),
    ("ag_train", r"^Business$", 30),
    ("ag_train", r"^Sports$", 15),
]

# A second draw for the test set, after the first left energy, science, environment and
# disaster under 50 items: the rest of these held-out strata, all of it (no selection).
TEST2_PLAN = [
    ("bbc_rss", r"^business$", None),
    ("bbc_rss", r"^world", None),
    ("bbc_rss", r"^uk(?:$|-(?!politics))", None),
    ("bbc_rss", r"^science-environment$", None),
    ("ag_train", r"^(?:World|Sci/Tech|Business)$", None),
]

# Mixed training sources, rarest topics' sources first.
TRAIN_PLAN = [
    ("ag_train", r"^(?:World|Sci/Tech)$", None),
    (
        "bbc_rss",
        r"^(?:world|science-environment|uk(?:$|-(?!politics))|(?:news|newsbeat|in-pictures|stories)$)",
        None,
    ),
    ("uci", r"^t$", None),
    ("uci", r"^b$", 1500),
    ("bbc2005", r"^business$", None),
]

# A second round, after the first showed disaster and environment short of real headlines:
# candidates for annotation (not labels) chosen by words that disasters and environment
# stories use, from the rows the first round did not draw. Annotators still judge each one.
EXTRA_PATTERN = (
    r"\b(?:crash|crashes|earthquake|quake|floods?|flooding|fires?|blaze|storm|hurricane|tornado|typhoon|"
    r"cyclone|explosion|blast|rescued?|wildfire|landslide|tsunami|volcano|derail|sinks|sank|mh370|mh17|"
    r"avalanche|collapse|killed|dead|death toll|victims|emergency|climate|carbon|emissions|pollution|"
    r"polluted|wildlife|conservation|drought|weather|heatwave|heat wave|rain|snow|forest|deforestation|"
    r"ocean|recycling|plastic|green|epa|environment|environmental|endangered|species|whales?|ozone|smog|"
    r"water|river|coral|glacier|ice)\b"
)


# A third round: business sections, which mix economy with energy (and technology), for
# more real energy headlines and the AG News Business class.
MORE_PLAN = [
    ("ag_train", r"^Business$", None),
    ("bbc_rss", r"^business$", None),
]


V3_BATCH = 200

# Held-out slices of the v3 sources for test set v2: (source, signal pattern, how many).
TEST3_PLAN = [
    ("reuters_wire", r"", 700),
    ("newsapi", r"^(?!YouTube)", 500),
    ("bbc_home", r"", 500),
    ("inshorts", r"", 300),
    ("reddit", r"", 200),
]

_CRISIS = r"^(?:homepage|africa|middleeast|asia|featured|europe|americas)Crisis$"
_ENERGY_DESKS = (
    r"^(?:rbssEnergyNews|OILPRD|GCA-Oil|OILINT|rbssOilGas\w*|rbssIntegratedOilGas|energySector|oilRpt"
    r"|mnaNewsEnergy|innovationNewsEnergy|regulatoryNewsEnergy|GlobalEnergy\d+)$"
)
# Candidates (never labels) for the wire's diplomacy and disaster stories outside the desks.
_DIPLOMACY_WORDS = (
    r"(?i)\b(?:talks|summit|minister|ministers|visit|visits|ambassador|envoy|treaty|sanctions|u\.n\.|"
    r"nato|diplomat\w*|bilateral|foreign)\b"
)
_DISASTER_WORDS = (
    r"(?i)\b(?:crash|earthquake|quake|floods?|fire|blaze|storm|hurricane|typhoon|cyclone|explosion|blast|"
    r"rescue\w*|landslide|tsunami|derail\w*|avalanche|collapse|death toll)\b"
)

# Training candidates for v3: (source, signal pattern, text pattern, how many). Desks of the
# rare topics get more candidates than their share of the wire; annotators judge every one.
V3_PLAN: list[tuple[str, str, str, int]] = [
    ("reuters_wire", r"^worldNews$", r"", 3500),
    ("reuters_wire", r"^politicsNews$", r"", 1500),
    ("reuters_wire", r"^domesticNews$", r"", 800),
    ("reuters_wire", r"^(?:environmentNews|GCA-BusinessofGreen|GCA-GreenBusiness)$", r"", 3000),
    ("reuters_wire", r"^scienceNews$", r"", 2500),
    ("reuters_wire", r"^latestCrisis$", r"", 1500),
    ("reuters_wire", _CRISIS, r"", 1000),
    ("reuters_wire", r"^healthNews$", r"", 1200),
    ("reuters_wire", r"^technologyNews$", r"", 1000),
    ("reuters_wire", r"^(?:entertainmentNews|musicNews)$", r"", 700),
    ("reuters_wire", r"^(?:lifestyleMolt|oddlyEnoughNews)$", r"", 800),
    ("reuters_wire", r"^sportsNews$", r"", 500),
    ("reuters_wire", _ENERGY_DESKS, r"", 2500),
    ("reuters_wire", r"^(?:businessNews|companyNews|economicNews|marketsNews)$", r"", 1500),
    ("reuters_wire", r"^rbssAerospaceDefense$", r"", 300),
    ("reuters_wire", r"^$", r"", 3000),
    ("reuters_wire", r"^$", _DIPLOMACY_WORDS, 2000),
    ("reuters_wire", r"^$", _DISASTER_WORDS, 1200),
    ("newsapi", r"^(?!YouTube)", r"", 12000),
    ("bbc_home", r"", r"", 10000),
    ("reddit", r"", r"^[^|]*$", 3000),  # no submitter's summary after a bar: headlines only
    ("inshorts", r"", r"", 3500),
]


_SCIENCE_TECH_OUTLETS = (
    r"(?i)^(?:Mirage News|ScienceAlert|The Verge|SciTechDaily|Ars Technica|News-Medical|Engadget"
    r"|Space\.?com|MacRumors|TechCrunch|CNET|Gizmodo|Phys\.org|Nature\.com|TechRadar|Android|9to5"
    r"|Neuroscience|Live ?Science|Spaceflight|WIRED|NASA|Medical Xpress|SpaceNews|The Register"
    r"|Theregister|EurekAlert|IFLScience|Earth\.com|Tech |ZDNet|Science|Technology Networks|Macworld"
    r"|AnandTech|CleanTechnica|RenewEconomy|New Scientist)"
)
_SCIENCE_WORDS = (
    r"(?i)\b(?:scientists?|researchers?|study|space|nasa|astronauts?|species|fossils?|genome|telescope|planet|"
    r"asteroid|dinosaurs?|physicists?|archaeolog\w*)\b"
)
_ENVIRONMENT_WORDS = (
    r"(?i)\b(?:climate|emissions|pollution|wildlife|endangered|drought|conservation|deforestation|"
    r"carbon|greenhouse|recycling)\b"
)

# A second v3 round (``--round v3b``), after the first left science, technology and
# environment short of 3,000 judged headlines: their desks, outlets and words, plus more
# recent coverage. Candidates only, as before; drawn from rows no earlier round drew.
V3B_PLAN: list[tuple[str, str, str, int]] = [
    ("newsapi", _SCIENCE_TECH_OUTLETS, r"", 5000),
    ("reuters_wire", r"^scienceNews$", r"", 2000),
    ("reuters_wire", r"^(?:technologyNews|innovationNews)$", r"", 3500),
    ("reuters_wire", r"^(?:environmentNews|GCA-BusinessofGreen|GCA-GreenBusiness\w*)$", r"", 2500),
    ("reuters_wire", r"^healthNews$", r"", 800),
    ("reuters_wire", r"^$", _SCIENCE_WORDS, 1500),
    ("reuters_wire", r"^$", _ENVIRONMENT_WORDS, 1000),
    ("newsapi", r"^(?!YouTube)", r"", 6000),
    ("bbc_home", r"", r"", 6000),
]


# A second held-out draw (``--round v3c``), after the first left test set v2 short of 5,000
# headlines: more of the same slices (reddit without a submitter's summary: headlines only).
TEST4_PLAN = [
    ("reuters_wire", r"", r"", 450),
    ("newsapi", r"^(?!YouTube)", r"", 250),
    ("bbc_home", r"", r"", 250),
    ("inshorts", r"", r"", 150),
    ("reddit", r"", r"^[^|]*$", 100),
]


# A third v3 round (``--round v3d``): more recent coverage (BBC home page, newsapi, reddit) and
# more of the desks of the topics the first model confused most (diplomacy, environment,
# culture, health, disaster). Candidates only, from rows no earlier round drew.
V3D_PLAN: list[tuple[str, str, str, int]] = [
    ("bbc_home", r"", r"", 8000),
    ("newsapi", r"^(?!YouTube)", r"", 8000),
    ("reddit", r"", r"^[^|]*$", 2000),
    ("reuters_wire", r"^worldNews$", r"", 3000),
    ("reuters_wire", r"^(?:environmentNews|GCA-BusinessofGreen|GCA-GreenBusiness\w*)$", r"", 3000),
    ("reuters_wire", r"^(?:entertainmentNews|musicNews|lifestyleMolt|oddlyEnoughNews)$", r"", 2000),
    ("reuters_wire", r"^healthNews$", r"", 2000),
    ("reuters_wire", r"^$", _DIPLOMACY_WORDS, 2000),
    ("reuters_wire", r"^$", _DISASTER_WORDS, 1500),
]


# A fourth v3 round (``--round v3e``), after the learning curve of the first three still rose
# about 4 macro-F1 points per doubling: a broad mix of every source's training period (wire
# with and without a desk, recent outlets), shuffled so that any prefix of the batches is a
# fair sample. Candidates only, from rows no earlier round drew.
V3E_PLAN: list[tuple[str, str, str, int]] = [
    ("reuters_wire", r"^$", r"", 8000),
    ("reuters_wire", r"^(?:worldNews|politicsNews|domesticNews)$", r"", 5000),
    ("reuters_wire", r"^(?:businessNews|companyNews|economicNews|marketsNews)$", r"", 2000),
    ("reuters_wire", r"^(?:latestCrisis|homepageCrisis|africaCrisis|middleeastCrisis)$", r"", 1500),
    ("reuters_wire", r"^(?:scienceNews|technologyNews|healthNews|environmentNews)$", r"", 3000),
    ("reuters_wire", r"^(?:entertainmentNews|lifestyleMolt|oddlyEnoughNews|sportsNews)$", r"", 1500),
    ("newsapi", r"^(?!YouTube)", r"", 8000),
    ("bbc_home", r"", r"", 6000),
    ("reddit", r"", r"^[^|]*$", 2500),
    ("inshorts", r"", r"", 2500),
]


# A fifth v3 round (``--round v3f``): the v3e mix again, larger, once annotators showed they
# could judge far more than v3e held. Candidates only, from rows no earlier round drew;
# shuffled, so any prefix of the batches is a fair sample.
V3F_PLAN: list[tuple[str, str, str, int]] = [
    ("reuters_wire", r"^$", r"", 15000),
    ("reuters_wire", r"^(?:worldNews|politicsNews|domesticNews)$", r"", 8000),
    ("reuters_wire", r"^(?:businessNews|companyNews|economicNews|marketsNews)$", r"", 4000),
    ("reuters_wire", _ENERGY_DESKS, r"", 2000),
    ("reuters_wire", r"^(?:latestCrisis|homepageCrisis|africaCrisis|middleeastCrisis)$", r"", 2000),
    ("reuters_wire", r"^(?:scienceNews|technologyNews|healthNews|environmentNews)$", r"", 5000),
    ("reuters_wire", r"^(?:entertainmentNews|lifestyleMolt|oddlyEnoughNews|sportsNews)$", r"", 3000),
    ("newsapi", r"^(?!YouTube)", r"", 15000),
    ("bbc_home", r"", r"", 10000),
    ("reddit", r"", r"^[^|]*$", 5000),
    ("inshorts", r"", r"", 5000),
]

# A sixth v3 round (``--round v3g``): the topics the baseline v3 model scored worst on held-out
# v2 (diplomacy 0.63, environment 0.69, technology 0.72 F1; then science, energy and politics)
# get their desks, outlets and words as candidates, beside the broad mix. Candidates only,
# from rows no earlier round drew; shuffled.
V3G_PLAN: list[tuple[str, str, str, int]] = [
    ("reuters_wire", r"^(?:worldNews|politicsNews)$", r"", 8000),
    ("reuters_wire", r"^$", _DIPLOMACY_WORDS, 6000),
    ("reuters_wire", r"^(?:environmentNews|GCA-BusinessofGreen|GCA-GreenBusiness\w*)$", r"", 4000),
    ("reuters_wire", r"^$", _ENVIRONMENT_WORDS, 3000),
    ("reuters_wire", r"^(?:technologyNews|innovationNews)$", r"", 5000),
    ("reuters_wire", r"^scienceNews$", r"", 3000),
    ("reuters_wire", r"^$", _SCIENCE_WORDS, 3000),
    ("reuters_wire", _ENERGY_DESKS, r"", 3000),
    ("reuters_wire", r"^$", r"", 15000),
    ("newsapi", _SCIENCE_TECH_OUTLETS, r"", 5000),
    ("newsapi", r"^(?!YouTube)", r"", 15000),
    ("bbc_home", r"", r"", 10000),
    ("reddit", r"", r"^[^|]*$", 5000),
    ("inshorts", r"", r"", 5000),
]

#: The later training rounds: name -> plan (each writes ``<name>-NNN`` batches and ``items-<name>.csv``).
LATER_ROUNDS = {"v3b": V3B_PLAN, "v3d": V3D_PLAN, "v3e": V3E_PLAN, "v3f": V3F_PLAN, "v3g": V3G_PLAN}


def draw_v3(rows: pd.DataFrame, plan: list[tuple[str, str, str, int]], exclude: set[str]) -> pd.DataFrame:
    """Seeded draw of each stratum of ``plan`` from ``rows``, skipping texts in ``exclude``."""
    parts = []
    taken = set(exclude)
    for source, signal, text, n in plan:
        pool = rows[(rows.source == source) & rows.signal.str.contains(signal, regex=True)]
        pool = pool[pool.text.str.contains(text, regex=True) & ~pool.norm.isin(taken)]
        pool = pool.drop_duplicates(subset="norm")
        pick = pool if n >= len(pool) else pool.sample(n=n, random_state=SEED)
        taken |= set(pick.norm)
        parts.append(pick)
    return pd.concat(parts)


def write_numbered(items: pd.DataFrame, out: Path, prefix: str) -> list[tuple[str, pd.DataFrame]]:
    """Write batch files of ``n<TAB>text`` lines; return each batch's name and items."""
    batches = []
    for start in range(0, len(items), V3_BATCH):
        name = f"{prefix}-{start // V3_BATCH + 1:03d}"
        chunk = items.iloc[start : start + V3_BATCH]
        text = chunk.text.str.replace(r"\s+", " ", regex=True)
        lines = "".join(f"{n}\t{t}\n" for n, t in enumerate(text, start=1))
        (out / f"{name}.tsv").write_text(lines, "utf-8")
        batches.append((name, chunk.assign(batch=name, line=range(1, len(chunk) + 1))))
    return batches


def main_v3b(rows: pd.DataFrame, out: Path, plan: list[tuple[str, str, str, int]], prefix: str) -> int:
    """Draw a further v3 training round into ``out`` (``<prefix>-*`` batches, ``items-<prefix>.csv``)."""
    # Everything judged (the committed references) or drawn (this work directory's items) before.
    judged = [ROOT / "training/annotations" / name for name in ("labels.csv", "labels-v3.csv")]
    paths = [*judged, *sorted(out.glob("items*.csv"))]
    drawn = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in paths])
    refs = drawn[["source", "key"]].drop_duplicates()
    seen = set(rows.merge(refs, on=["source", "key"]).norm)
    held = set(rows[rows.period == "heldout"].norm)  # no test-slice text, even as another row's copy
    train = draw_v3(rows[rows.period == "train"], plan, seen | held)
    train = train.sample(frac=1, random_state=SEED)
    batches = write_numbered(train, out, prefix)
    items = pd.concat([frame.assign(set="v3") for _, frame in batches])
    columns = ["batch", "line", "set", "source", "key", "signal"]
    items[columns].to_csv(out / f"items-{prefix}.csv", index=False)
    print(f"{len(train)} {prefix} items; {len(batches)} batches in {out}")
    return 0


def main_v3c(rows: pd.DataFrame, out: Path) -> int:
    """Draw more held-out test items into ``out`` (``test4-A-*``/``test4-B-*``, ``items-v3c.csv``)."""
    # Everything judged (the committed references) or drawn (this work directory's items) before.
    judged = [ROOT / "training/annotations" / name for name in ("labels.csv", "labels-v3.csv")]
    paths = [*judged, *sorted(out.glob("items*.csv"))]
    drawn = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in paths])
    refs = drawn[["source", "key"]].drop_duplicates()
    seen = set(rows.merge(refs, on=["source", "key"]).norm)
    test = draw_v3(rows[rows.period == "heldout"], TEST4_PLAN, seen)
    test = test.sample(frac=1, random_state=SEED)
    batches = write_numbered(test, out, "test4-A")
    batches += write_numbered(test.sample(frac=1, random_state=SEED + 1), out, "test4-B")
    items = pd.concat([frame.assign(set="test3") for _, frame in batches])
    items[["batch", "line", "set", "source", "key", "signal"]].to_csv(out / "items-v3c.csv", index=False)
    print(f"{len(test)} more test items (twice); {len(batches)} batches in {out}")
    return 0


def main_v3(rows: pd.DataFrame, out: Path) -> int:
    """Draw the v3 round into ``out`` (batch files and ``items.csv``)."""
    labels = pd.read_csv(ROOT / "training/annotations/labels.csv", dtype=str, keep_default_na=False)
    judged = rows.merge(labels[["source", "key"]].drop_duplicates(), on=["source", "key"])
    seen = set(judged.norm)
    test = draw_v3(rows[rows.period == "heldout"], [(s, p, "", n) for s, p, n in TEST3_PLAN], seen)
    test = test.sample(frac=1, random_state=SEED)
    train = draw_v3(rows[rows.period == "train"], V3_PLAN, seen | set(test.norm))
    train = train.sample(frac=1, random_state=SEED)
    out.mkdir(parents=True, exist_ok=True)
    batches = write_numbered(test, out, "test3-A")
    batches += write_numbered(test.sample(frac=1, random_state=SEED + 1), out, "test3-B")
    batches += write_numbered(train, out, "v3")
    items = pd.concat(
        [frame.assign(set="test3" if name.startswith("test3") else "v3") for name, frame in batches]
    )
    items[["batch", "line", "set", "source", "key", "signal"]].to_csv(out / "items.csv", index=False)
    print(f"{len(test)} test3 items (twice), {len(train)} v3 items; {len(batches)} batches in {out}")
    return 0


def draw(rows: pd.DataFrame, plan: list[tuple[str, str, int | None]]) -> pd.DataFrame:
    parts = []
    for source, pattern, n in plan:
        pool = rows[(rows.source == source) & rows.signal.str.contains(pattern, regex=True)]
        parts.append(pool if n is None or n >= len(pool) else pool.sample(n=n, random_state=SEED))
    drawn = pd.concat(parts)
    return drawn[~drawn.index.duplicated()]


def write_batches(items: pd.DataFrame, out: Path, prefix: str) -> list[str]:
    names = []
    for start in range(0, len(items), BATCH):
        name = f"{prefix}-{start // BATCH + 1:02d}"
        chunk = items.iloc[start : start + BATCH]
        text = chunk.text.str.replace(r"\s+", " ", regex=True)
        (out / f"{name}.tsv").write_text("".join(f"{i}\t{t}\n" for i, t in zip(chunk.id, text)), "utf-8")
        names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--out", type=Path, help="work directory (default: ../annotation-work; v3: ../annotation-v3)"
    )
    parser.add_argument("--round", choices=["v2", "v3", "v3c", *LATER_ROUNDS], default="v2")
    args = parser.parse_args(argv)
    rows = load_sources(args.data_dir)
    rows = rows[rows.text != ""]
    rows["norm"] = rows.text.map(normalize)
    if args.round == "v3":
        return main_v3(rows, args.out or ROOT.parent / "annotation-v3")
    if args.round in LATER_ROUNDS:
        return main_v3b(rows, args.out or ROOT.parent / "annotation-v3", LATER_ROUNDS[args.round], args.round)
    if args.round == "v3c":
        return main_v3c(rows, args.out or ROOT.parent / "annotation-v3")
    args.out = args.out or ROOT.parent / "annotation-work"

    test = draw(rows[rows.period == "heldout"], TEST_PLAN)
    test = test.sample(frac=1, random_state=SEED).assign(id=[f"x{i:05d}" for i in range(len(test))])
    heldout = rows[(rows.period == "heldout") & ~rows.norm.isin(set(test.norm))]
    test2 = draw(heldout, TEST2_PLAN).drop_duplicates(subset="norm")
    test2 = test2.sample(frac=1, random_state=SEED).assign(id=[f"y{i:05d}" for i in range(len(test2))])
    # Nothing the test set holds may be trained on, even as another source's copy of the text.
    train_pool = rows[(rows.period == "train") & ~rows.norm.isin(set(test.norm) | set(test2.norm))]
    train = draw(train_pool, TRAIN_PLAN).drop_duplicates(subset="norm")
    train = train.assign(id=[f"r{i:05d}" for i in range(len(train))])

    drawn = set(test.norm) | set(train.norm)
    rest = train_pool[~train_pool.norm.isin(drawn)].drop_duplicates(subset="norm")
    extra = rest[rest.norm.str.contains(EXTRA_PATTERN, regex=True)]
    extra = extra.sample(frac=1, random_state=SEED).assign(id=[f"e{i:05d}" for i in range(len(extra))])

    drawn |= set(extra.norm)
    more = draw(train_pool[~train_pool.norm.isin(drawn)], MORE_PLAN).drop_duplicates(subset="norm")
    more = more.assign(id=[f"m{i:05d}" for i in range(len(more))])

    args.out.mkdir(parents=True, exist_ok=True)
    batches = write_batches(test, args.out, "test-A")
    batches += write_batches(test.sample(frac=1, random_state=SEED + 1), args.out, "test-B")
    batches += write_batches(train, args.out, "train")
    batches += write_batches(extra, args.out, "extra")
    batches += write_batches(more, args.out, "more")
    batches += write_batches(test2, args.out, "test2-A")
    batches += write_batches(test2.sample(frac=1, random_state=SEED + 1), args.out, "test2-B")
    sets = {"test": test, "train": train, "extra": extra, "more": more, "test2": test2}
    items = pd.concat([frame.assign(set=name) for name, frame in sets.items()])
    items[["id", "set", "source", "key", "signal"]].to_csv(args.out / "items.csv", index=False)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in sets.items())
    print(f"{counts} items (test twice); {len(batches)} batches in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
