"""Turn the annotators' batch outputs into the committed, text-free annotation files.

Reads ``items.csv`` (batch item id -> source, stable row key) and ``out/<batch>.<annotator>.tsv``
from the annotation work directory (see ``annotation_batches.py``) and the team-written
headlines in ``written/<topic>.txt``, and writes

- ``training/annotations/labels.csv``: ``set,source,key,topic,annotator`` — every judgment,
  by reference only (``test``/``test2`` items twice, plus ``adjudicator`` where the two
  disagreed);
- ``training/annotations/written.csv``: ``topic,text`` — headlines the team wrote itself.

The v3 round (``--round v3``) reads ``../annotation-v3``: ``items.csv`` maps each batch line
to its row, outputs are ``out/<batch>.<annotator>.tsv`` of ``n<TAB>label`` lines (checked: every
line of the batch once, in order, valid labels), and ``out/adjudicated-test3.tsv`` settles the
test items the two annotators disagreed on (``source<TAB>key<TAB>label``; also
``adjudicated-test4.tsv`` for the second held-out draw). It writes
``training/annotations/labels-v3.csv`` in the same columns as ``labels.csv``.

Usage::

    python training/collect_annotations.py [--work ../annotation-work]
    python training/collect_annotations.py --round v3 [--work ../annotation-v3]
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


def collect_v3(work: Path) -> pd.DataFrame:
    """Every v3 judgment (and adjudication) by reference: ``set, source, key, topic, annotator``."""
    items = pd.concat([pd.read_csv(path, dtype=str) for path in sorted(work.glob("items*.csv"))])
    parts = []
    for path in sorted((work / "out").glob("*.tsv")):
        if path.name.startswith("adjudicated-test"):
            frame = pd.read_csv(path, sep="\t", dtype=str, names=["source", "key", "topic"], header=None)
            bad = frame[~frame.topic.isin(LABELS)]
            if len(bad):
                sys.exit(f"{path}: unknown label {bad.topic.iloc[0]!r}")
            parts.append(frame.assign(set="test3", annotator="adjudicator"))
            continue
        batch, _, who = path.name.removesuffix(".tsv").rpartition(".")
        lines = (work / f"{batch}.tsv").read_text("utf-8").splitlines()
        frame = read_output(path).rename(columns={"id": "line"})
        if frame.line.tolist() != [str(n) for n in range(1, len(lines) + 1)]:
            sys.exit(f"{path}: expected lines 1..{len(lines)} of {batch}.tsv, once each and in order")
        refs = items[items.batch == batch].set_index("line")
        frame = frame.join(refs[["set", "source", "key"]], on="line")
        parts.append(frame.assign(annotator=who)[["set", "source", "key", "topic", "annotator"]])
    # The work directory does not outlive a machine: keep every judgment committed before and
    # add (or, for the same item and annotator, replace with) those found in it.
    committed = OUT / "labels-v3.csv"
    if committed.exists():
        parts.insert(0, pd.read_csv(committed, dtype=str, keep_default_na=False))
    labels = pd.concat(parts, ignore_index=True)[["source", "key", "topic", "set", "annotator"]]
    labels = labels.drop_duplicates(subset=["set", "source", "key", "annotator"], keep="last")
    return labels.sort_values(["set", "source", "key", "annotator"], kind="stable")


def collect_written(folder: Path) -> pd.DataFrame:
    """Read the v3 team-written headlines, ``<topic>.<writer>.txt`` one per line, as ``topic, text``."""
    rows = []
    for path in sorted(folder.glob("*.txt")):
        topic = path.name.split(".", 1)[0]
        if topic not in TOPICS:
            sys.exit(f"{path}: not a topic")
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        rows += [(topic, line) for line in dict.fromkeys(lines) if line]
    return pd.DataFrame(rows, columns=["topic", "text"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--round", choices=["v2", "v3"], default="v2")
    args = parser.parse_args(argv)
    if args.round == "v3":
        labels = collect_v3(args.work or ROOT.parent / "annotation-v3")
        labels.to_csv(OUT / "labels-v3.csv", index=False, lineterminator="\n")
        print(labels.groupby(["set", "annotator"]).size().to_string())
        print(f"{len(labels)} judgments -> {OUT / 'labels-v3.csv'}")
        folder = (args.work or ROOT.parent / "annotation-v3") / "written-v3"
        if folder.is_dir():  # else the committed written-v3.csv stands
            written = collect_written(folder)
            written.to_csv(OUT / "written-v3.csv", index=False, lineterminator="\n")
            print(f"{len(written)} written headlines -> {OUT / 'written-v3.csv'}")
        return 0
    args.work = args.work or ROOT.parent / "annotation-work"
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
