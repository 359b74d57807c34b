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

Usage::

    python training/annotation_batches.py [--data-dir ../shared/data] [--out ../annotation-work]
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
    parser.add_argument("--out", type=Path, default=ROOT.parent / "annotation-work")
    args = parser.parse_args(argv)
    rows = load_sources(args.data_dir)
    rows = rows[rows.text != ""]
    rows["norm"] = rows.text.map(normalize)

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
