"""Turn the annotators' batch outputs into the committed, text-free annotation files.

Reads ``items.csv`` (batch item id -> source, stable row key) and ``out/<batch>.<annotator>.tsv``
from the annotation work directory (see ``annotation_batches.py``) and the team-written
headlines in ``written/<topic>.txt``, and writes

- ``training/annotations/labels.csv``: ``set,source,key,topic,annotator`` — every judgment,
  by reference only (``test``/``test2`` items twice, plus ``adjudicator`` where the two
  disagreed);
- ``training/annotations/written.csv``: ``topic,text`` — headlines the team wrote itself.

Usage::

    python training/collect_annotations.py [--work ../annotation-work]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import pandas as pd

from build_corpus import TOPICS
from sources import ROOT

LABELS = [*TOPICS, "skip"]
OUT = ROOT / "training" / "annotations"
# out/<batch>.<annotator>.tsv, e.g. train-07.ann3.tsv, test-A-01.ann1.tsv; adjudicated-test2.tsv
_OUTPUT_NAME = re.compile(r"(?P<batch>[a-z0-9]+(?:-[AB])?-\d+|adjudicated-test2?)(?:\.(?P<who>\w+))?\.tsv")


def read_output(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep="\t", header=None, names=["id", "topic"], dtype=str, quoting=csv.QUOTE_NONE)
    frame["topic"] = frame.topic.str.strip()
    bad = frame[~frame.topic.isin(LABELS)]
    if len(bad):
        sys.exit(f"{path}: unknown label {bad.topic.iloc[0]!r} for {bad.id.iloc[0]}")
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT.parent / "annotation-work")
    args = parser.parse_args(argv)
    items = pd.read_csv(args.work / "items.csv", dtype=str).set_index("id")
    parts = []
    for path in sorted((args.work / "out").glob("*.tsv")):
        match = _OUTPUT_NAME.fullmatch(path.name)
        if match is None:
            sys.exit(f"{path}: unexpected file name")
        frame = read_output(path)
        batch = args.work / f"{match['batch']}.tsv"
        if batch.exists():
            expected = [line.split("\t", 1)[0] for line in batch.read_text("utf-8").splitlines()]
            if frame.id.tolist() != expected:
                sys.exit(f"{path}: ids differ from those of {batch.name}")
        who = "adjudicator" if match["batch"].startswith("adjudicated-") else match["who"]
        parts.append(frame.assign(annotator=who))
    labels = pd.concat(parts).join(items, on="id")
    labels = labels[["set", "source", "key", "topic", "annotator"]].sort_values(
        ["set", "source", "key", "annotator"], kind="stable"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    labels.to_csv(OUT / "labels.csv", index=False, lineterminator="\n")

    written = []
    for path in sorted(args.work.glob("written*/*.txt")):  # written/, then later rounds
        topic = path.stem
        if topic not in LABELS:
            sys.exit(f"{path}: not a topic")
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        written += [(topic, line) for line in dict.fromkeys(lines) if line]
    pd.DataFrame(written, columns=["topic", "text"]).to_csv(
        OUT / "written.csv", index=False, lineterminator="\n"
    )
    print(labels.groupby(["set", "annotator"]).size().to_string())
    print(f"{len(written)} written headlines -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
