"""The benchmark harness's own logic (benchmarks/harness): no data directory, no fastText needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if not (BENCHMARKS / "harness").is_dir():
    pytest.skip("benchmarks/harness is not in this checkout", allow_module_level=True)
sys.path.insert(0, str(BENCHMARKS))

from harness import datasets, stats, textprep  # noqa: E402


def test_median_and_run_by_run_comparisons() -> None:
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([1.0, 2.0, 3.0, 10.0]) == 2.5
    # Ratios are taken run by run, then their median: not a ratio of medians.
    assert stats.median_ratio([10.0, 2.0, 9.0], [5.0, 1.0, 1.0]) == 2.0
    assert stats.median_difference([0.9, 0.8, 0.95], [0.85, 0.85, 0.9]) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        stats.median([])
    with pytest.raises(ValueError):
        stats.median_ratio([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        stats.median_ratio([1.0], [0.0])


def test_ag_labels_map_zero_based_subsets_and_one_based_test_to_the_same_names(tmp_path: Path) -> None:
    classes = tmp_path / "classes.txt"
    classes.write_text("1 World\n2 Sports\n3 Business\n4 Sci/Tech\n", encoding="utf-8")
    names = datasets.ag_class_names(classes)
    assert names == {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}
    assert [datasets.ag_train_label(str(i), None, names) for i in range(4)] == list(names.values())
    assert [datasets.ag_test_label(str(i), names) for i in range(1, 5)] == list(names.values())
    assert datasets.ag_train_label("3", "Sci/Tech", names) == "Sci/Tech"
    with pytest.raises(ValueError, match=r"classes\.txt"):
        datasets.ag_train_label("3", "World", names)


def test_ag_readers_dedupe_train_text_and_join_test_title_and_description(tmp_path: Path) -> None:
    (tmp_path / "train_subsets").mkdir()
    (tmp_path / "classes.txt").write_text("1 World\n2 Sports\n3 Business\n4 Sci/Tech\n", encoding="utf-8")
    header = "text,label,label_text\n"
    classes = ["World", "Sports", "Business", "Sci/Tech"]
    for i, name in enumerate(datasets.AG_SUBSETS):
        rows = f'"Shared, text",1,Sports\nOnly in {name},{i},{classes[i]}\n'
        (tmp_path / "train_subsets" / f"{name}.csv").write_text(header + rows, encoding="utf-8")
    (tmp_path / "test.csv").write_text('label,title,description\n4,Chip news,"New CPU, fast"\n', "utf-8")
    names = datasets.ag_class_names(tmp_path / "classes.txt")
    train = datasets.read_ag_train(tmp_path, names)
    assert train[0] == ("Shared, text", "Sports")
    assert [text for text, _ in train].count("Shared, text") == 1
    assert len(train) == 1 + len(datasets.AG_SUBSETS)
    assert datasets.read_ag_test(tmp_path, names) == [("Chip news New CPU, fast", "Sci/Tech")]


def test_uci_reader_keeps_quotes_as_text(tmp_path: Path) -> None:
    path = tmp_path / "uci.tsv"
    path.write_text('1\t"Frozen" sequel, "a hit\thttp://x\tPub\te\tid\thost\t0\n', encoding="utf-8")
    assert datasets.read_uci(path) == [('"Frozen" sequel, "a hit', "e")]


def test_stratified_split_is_seeded_and_keeps_every_label_on_the_fitting_side() -> None:
    rows = [(f"a{i}", "a") for i in range(20)] + [(f"b{i}", "b") for i in range(10)] + [("c0", "c")]
    rest, held = datasets.stratified_split(rows, 0.1, seed=1)
    assert (rest, held) == datasets.stratified_split(rows, 0.1, seed=1)
    assert sorted(rest + held) == sorted(rows)
    assert sorted(label for _, label in held) == ["a", "a", "b"]
    assert {label for _, label in rest} == {"a", "b", "c"}


def test_labeled_csv_round_trip(tmp_path: Path) -> None:
    rows = [('Quote " and, comma', "x"), ("Line\nbreak", "y")]
    assert datasets.read_labeled_csv(datasets.write_labeled_csv(rows, tmp_path / "d.csv")) == rows


def test_topics_fold_source_labels() -> None:
    assert datasets.topic_of("uci:b") == "economy"
    assert datasets.topic_of("reuters:crude") == "energy"
    assert datasets.topic_of("reuters:none") == "other"
    assert datasets.topic_of("rss:blogs") == "other"


def test_dump_repeats_shuffled_copies_and_is_cached(tmp_path: Path) -> None:
    source = tmp_path / "h.txt"
    source.write_text("one\n\ntwo\nthree\n", encoding="utf-8")
    dump = datasets.build_dump(source, 7, tmp_path / "cache")
    lines = dump.read_text("utf-8").splitlines()
    assert len(lines) == 7
    assert sorted(lines[:3]) == ["one", "three", "two"]  # whole copies, blank lines left out
    assert datasets.build_dump(source, 7, tmp_path / "cache") == dump


def test_fasttext_lines() -> None:
    assert textprep.fasttext_text("Oil, gas (and\tMORE)!") == "oil , gas ( and more ) !"
    assert textprep.fasttext_line("Hi", "Sci/Tech") == "__label__Sci/Tech hi"
    with pytest.raises(ValueError):
        textprep.fasttext_line("Hi", "two words")


def test_goals_of_an_interrupted_run_show_what_was_not_measured() -> None:
    from harness import report
    from harness.suite import Samples

    files = [
        datasets.DatasetFiles(name, title, *(Path("unused"),) * 5, 10, 10, "")
        for name, title in (("uci", "UCI NLP-100"), ("ag", "AG News"))
    ]
    ctx = report.Context("cmd", 1, files, "about", 10, "source", 3, False, 8.9, False, 2)
    samples = Samples()
    for run_ours, run_fasttext in ((0.92, 0.89), (0.90, 0.89)):
        samples.add("uci/newsclf/accuracy", run_ours)
        samples.add("uci/fasttext_bigram/accuracy", run_fasttext)
        samples.add("uci/fasttext_tuned/accuracy", run_fasttext - 0.01)
    found = {goal.goal: goal for goal in report.goals(samples, ctx)}
    uci = found["accuracy on UCI NLP-100: newsclf >= best fastText + 2 points"]
    assert uci.measured.startswith("+2.00 points") and uci.met  # median of the run-by-run gaps (3, 1)
    assert found["accuracy on AG News: newsclf >= best fastText + 2 points"].met is None
    assert found["artifact <= 25 MB (bundled model)"].met is True
    assert "**Partial: 1 of the 2 runs" in report.render(samples, ctx, [("CPU", "test")])


def test_reuters_dump_keeps_distinct_one_line_headlines_in_order(tmp_path: Path) -> None:
    import gzip

    folder = tmp_path / "reuters_2007_2016"
    folder.mkdir()
    rows = (
        'title,section,date\nOil climbs,a,1\n" Oil climbs ",b,2\n"Two\nlines",c,3\n,d,4\n'
        "Gold falls,e,5\nMore,f,6\n"
    )
    with gzip.open(folder / "headlines.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(rows)
    path, count = datasets.reuters_dump(tmp_path, 2, tmp_path / "cache")
    assert count == 2 and path.read_text("utf-8") == "Oil climbs\nGold falls\n"
    assert datasets.reuters_dump(tmp_path, 2, tmp_path / "cache") == (path, 2)  # cached


def test_throughput_table_shows_cpu_and_the_stage_profile() -> None:
    from harness import report
    from harness.suite import Samples

    ctx = report.Context("cmd", 1, [], "about", 10, "source", 3, True, 8.9, False, 1)
    samples = Samples()
    for key, seconds, cpu in (
        ("newsclf", 10.0, 18.0),
        ("newsclf_jobs1", 16.0, 16.0),
        ("fasttext", 20.0, 30.0),
    ):
        samples.add(f"tag/{key}/seconds", seconds)
        samples.add(f"tag/{key}/rows_per_s", 10 / seconds)
        samples.add(f"tag/{key}/cpu_seconds", cpu)
        samples.add(f"tag/{key}/peak_rss_mb", 100.0)
    samples.add("profile/strip furniture", 1.0)
    samples.add("profile/total", 4.0)
    samples.add("profile/rows", 1000.0)
    text = report.render(samples, ctx, [("CPU", "test")])
    assert "| 2.00x | 0.60x |" in text  # rows/s vs fastText, CPU vs fastText
    assert "| strip furniture | 1.0 | 25% |" in text
    found = {goal.goal: goal for goal in report.goals(samples, ctx)}
    assert found["`newsclf tag` (default jobs) rows/s >= 1.5x fastText's"].met is True
    assert found["`newsclf tag --jobs 1` rows/s >= fastText's"].met is True
