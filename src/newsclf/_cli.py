"""The ``newsclf`` command line: classify, tag, train, evaluate, info."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import textwrap
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import NewsclfError

if TYPE_CHECKING:
    from ._model.predictor import LinearTopics
    from ._tasks.evaluate import EvaluationReport

__all__ = ["main"]

_EXAMPLES = {
    "classify": """
        examples:
          newsclf classify "Brent crude climbs as OPEC+ extends output cuts"
          newsclf classify "Arsenal sign Brazilian midfielder" "New frog species found" --top-k 3
          newsclf classify "Police detain 40 suspects" --json --model my.newsclf
          newsclf classify "Markets mixed as storm nears" --min-score 0.6
          newsclf classify "Markets mixed as storm nears" --min-score 0.5,culture=0.8,sport=0.7
          head -5 headlines.txt | newsclf classify - --json
        """,
    "explain": """
        For each headline: its topic and the runner-up, each with the terms (word or character
        n-grams) that pushed hardest towards it. A term's weight is its TF-IDF value in the
        headline times the topic's coefficient, as model.explain(text, n) gives in Python.

        examples:
          newsclf explain "Brent crude climbs as OPEC+ extends output cuts"
          newsclf explain "Arsenal sign Brazilian midfielder" --top 5 --json
          newsclf explain "Police detain 40 suspects" --model my.newsclf
          head -3 headlines.txt | newsclf explain -
        """,
    "tag": """
        INPUT is a .txt file (one headline per line), a .csv/.tsv file (all columns are kept;
        the text column is --text-col, or the first of text/title/headline), a .jsonl file
        (--text-col is the key), any of these gzip-compressed (.gz), a .parquet file (all
        columns kept; needs pip install 'newsclf[parquet]'), or - for stdin (read as .txt
        unless --input-format says otherwise).

        The output (CSV; JSON lines or Parquet when OUTPUT ends in .jsonl or .parquet, or by
        --format) has one row per input record, in input order: the input's columns, then
        topic, score, status and line. status is ok, empty (blank text: no topic), bad_utf8
        (undecodable bytes replaced, then tagged), low_score (below --min-score: no topic,
        score kept), no_signal (the model knows too few of its words: no topic, score kept),
        ragged_row, bad_csv, bad_json or no_text (unreadable: no topic). CSV output is
        separated as the input is (--output-sep to choose; --excel adds a UTF-8 BOM). A file
        OUTPUT is written to a temporary file and renamed when the run succeeds: a failed,
        interrupted or killed run leaves nothing at OUTPUT.

        --summary REPORT.html (or .md) also writes a summary a person can look at: rows per
        outcome, topic counts and shares, the score histogram, abstentions and no-signal
        rows and, with --date-col, topic shares over time (by day, or by month over more than
        92 days). It is rendered as `newsclf evaluate --report` is (needs matplotlib).

        Batches are predicted by --jobs worker processes (default: every core) while the
        input is read and the output written, in order. Progress shows on stderr when it is
        a terminal; a summary follows (both silenced by --quiet).

        examples:
          newsclf tag headlines.txt -o tagged.csv
          newsclf tag articles.csv --text-col title -o tagged.csv --top-k 3
          newsclf tag dump.txt.gz -o tagged.parquet --min-score 0.5 --jobs 4
          newsclf tag dump.txt.gz -o tagged.csv --min-score culture=0.8,environment=0.7
          newsclf tag items.parquet --text-col headline -o tagged.jsonl
          zcat dump.txt.gz | newsclf tag - --format jsonl > tagged.jsonl
          newsclf tag export.csv --text-col title -o for-excel.csv --output-sep ";" --excel
          newsclf tag news.csv --text-col title -o tagged.csv --summary summary.html --date-col date
        """,
    "train": """
        DATA is a CSV/TSV file (comma, semicolon or tab separated: sniffed from the header
        line, or --sep), UTF-8 with or without BOM. A seeded, stratified --test-size share is
        held out and the model fitted on the rest is scored on it. Rows with empty text or
        label are skipped, exact duplicate rows dropped, conflicting texts counted: all of it
        is reported, and recorded in the model card.

        --refit: after the held-out report, refit on every row (held-out ones included) and
        save that model; the model card says so (split.refit, fitted_on).

        --report DIR writes the held-out evaluation as a report with charts, as in
        `newsclf evaluate --report` (needs matplotlib: pip install 'newsclf[plot]').

        examples:
          newsclf train labeled.csv --text-col headline --label-col topic -o my.newsclf
          newsclf train data.tsv --no-header --no-quotes --text-col 2 --label-col 5 -o m.newsclf
          newsclf train labeled.csv --text-col headline --label-col topic -o my.newsclf --report held-out
          newsclf train labeled.csv --text-col headline --label-col topic -o my.newsclf --refit
        """,
    "evaluate": """
        Scores MODEL on every usable row of DATA (read as in `newsclf train`): accuracy,
        macro-F1, per-label precision/recall/F1, the confusion matrix and the calibration of
        the model's scores: the expected calibration error (ECE), the gap between confidence
        and accuracy over 15 equal-width bins of the predicted label's probability, weighted
        by the share of predictions in each bin (0: perfectly calibrated).

        --label-map maps labels before scoring, applied to the data's labels and to the
        model's alike: map a data set's labels onto the model's ({"b": "economy"}), or fold
        the model's onto the data's (diplomacy, politics, conflict -> World). The report
        (confusion matrix included) is then over the mapped labels.

        --report DIR also writes DIR/report.md (or report.html with --report-format html,
        one self-contained file) with the metrics, tables and charts, and the charts as
        confusion_matrix.png, per_class_f1.png and reliability.png. DIR is created if
        missing; files in it are replaced. Needs matplotlib: pip install 'newsclf[plot]'.

        examples:
          newsclf evaluate my.newsclf test.csv --text-col headline --label-col topic
          newsclf evaluate default test.csv --text-col headline --label-col topic
          newsclf evaluate my.newsclf test.csv --text-col headline --label-col topic --json
          newsclf evaluate default uci.tsv --no-header --no-quotes --text-col 2 --label-col 5 \\
              --label-map '{"b": "economy", "t": "technology", "e": "culture", "m": "health"}'
          newsclf evaluate default ag_test.csv --text-col title --label-col class --label-map ag-map.csv
          newsclf evaluate my.newsclf test.csv --text-col headline --label-col topic --report out
          newsclf evaluate my.newsclf test.csv --text-col headline --label-col topic \\
              --report out --report-format html
        """,
    "info": """
        Shows a model's card: labels, training data, hyperparameters, held-out metrics and the
        versions it was made with. Without MODEL, the bundled default model.

        examples:
          newsclf info
          newsclf info default --json
          newsclf info my.newsclf --json
        """,
}


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", metavar="PATH", help="model file; default (also the default) names the bundled model"
    )
    _add_allow_pickle(parser)


def _add_allow_pickle(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also accept joblib model files; ONLY for files you trust (unpickling runs code)",
    )


def _add_min_score(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-score",
        type=_min_score,
        metavar="S|TOPIC=S,...",
        help="abstain below this probability: no topic, the score is still shown; per topic as "
        "sport=0.8,culture=0.7 (a plain S among them: every other topic)",
    )


def _add_table_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-col", required=True, metavar="COL", help="column holding the text")
    parser.add_argument("--label-col", required=True, metavar="COL", help="column holding the label")
    _add_csv_options(parser)


def _add_csv_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sep", type=_separator, metavar="CHAR", help="field separator (default: sniffed); \\t for tab"
    )
    parser.add_argument(
        "--no-header",
        action="store_true",
        help="the file has no header line; name columns by number, from 1",
    )
    parser.add_argument(
        "--no-quotes", action="store_true", help='treat " as ordinary text, not as CSV quoting'
    )


def _add_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        metavar="DIR",
        help="also write a report with charts to DIR (needs matplotlib: pip install 'newsclf[plot]')",
    )
    parser.add_argument(
        "--report-format",
        choices=("md", "html"),
        help="report.md beside the PNG charts (default), or one self-contained report.html",
    )


def _separator(value: str) -> str:
    # Spell tab as \t or "tab"; the reader itself checks that a separator is usable.
    return "\t" if value in ("\\t", "tab", "TAB") else value


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def _seed(value: str) -> int:
    number = int(value)
    if not 0 <= number < 2**32:
        raise argparse.ArgumentTypeError("must be an integer from 0 to 2**32 - 1")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number")
    return number


def _probability(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("must be a probability in [0, 1]")
    return number


def _min_score(value: str) -> float | dict[str, float]:
    """Parse ``0.6``, ``sport=0.8,culture=0.7`` or ``0.5,sport=0.8`` (0.5 for the other topics)."""
    if "=" not in value:
        return _probability(value)
    out: dict[str, float] = {}
    for item in value.split(","):
        topic, sep, number = item.partition("=")
        topic = topic.strip() if sep else "*"
        if not topic or topic in out:
            raise argparse.ArgumentTypeError(f"{item!r}: give each topic once, as TOPIC=S")
        try:
            out[topic] = _probability((number if sep else item).strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r}: the score must be a probability in [0, 1]") from None
    return out


def _fraction(value: str) -> float:
    number = float(value)
    if not 0.0 <= number < 1.0:
        raise argparse.ArgumentTypeError("must be in [0, 1)")
    return number


# argparse names the type function in its "invalid ... value" messages.
_positive_int.__name__ = "positive integer"
_seed.__name__ = "seed"
_positive_float.__name__ = "positive number"
_fraction.__name__ = "fraction"
_probability.__name__ = "probability"
_min_score.__name__ = "min-score"


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``newsclf`` command."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="newsclf",
        description="Tag news headlines with topics.",
        epilog="Run `newsclf COMMAND --help` for a command's options and examples.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"newsclf {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str, help_text: str, run: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=textwrap.dedent(_EXAMPLES[name]),
            formatter_class=_formatter,
        )
        sub.set_defaults(run=run, subparser=sub)
        return sub

    p = command("classify", "Tag headlines given on the command line.", _run_classify)
    p.add_argument(
        "texts", nargs="+", metavar="TEXT", help="headline(s) to tag; - reads them from stdin, one per line"
    )
    p.add_argument("--top-k", type=_positive_int, metavar="K", help="also show the K most probable topics")
    _add_min_score(p)
    p.add_argument("--json", action="store_true", help="print JSON lines: one JSON object per headline")
    _add_model(p)

    p = command("explain", "Show the terms behind a headline's topic and its runner-up.", _run_explain)
    p.add_argument(
        "texts",
        nargs="+",
        metavar="TEXT",
        help="headline(s) to explain; - reads them from stdin, one per line",
    )
    p.add_argument(
        "--top", type=_positive_int, default=10, metavar="N", help="terms shown per topic (default: 10)"
    )
    p.add_argument("--json", action="store_true", help="print JSON lines: one JSON object per headline")
    _add_model(p)

    p = command("tag", "Tag every headline of a file and write a CSV (or JSONL, Parquet).", _run_tag)
    p.add_argument("input", metavar="INPUT", help="input file, or - for stdin")
    p.add_argument("-o", "--output", metavar="OUTPUT", help="output file (default: stdout)")
    p.add_argument("--text-col", metavar="COL", help="text column (CSV/TSV/Parquet) or key (JSONL)")
    p.add_argument(
        "--input-format",
        choices=("txt", "csv", "tsv", "jsonl", "parquet"),
        help="override the input format",
    )
    p.add_argument(
        "--format",
        choices=("csv", "jsonl", "parquet"),
        dest="output_format",
        help="output format (default: by OUTPUT's extension, else csv)",
    )
    _add_csv_options(p)
    p.add_argument(
        "--output-sep",
        type=_separator,
        metavar="CHAR",
        help="separator of CSV output (default: the input's, a comma for other inputs); \\t for tab",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="start CSV output with a UTF-8 byte order mark, so that Excel reads it as UTF-8",
    )
    p.add_argument("--top-k", type=_positive_int, metavar="K", help="add the K most probable topics")
    _add_min_score(p)
    p.add_argument(
        "-j", "--jobs", type=_positive_int, metavar="N", help="worker processes (default: every core)"
    )
    p.add_argument(
        "--summary",
        metavar="REPORT",
        help="also write a summary to look at: REPORT.md (beside its PNG charts) or REPORT.html "
        "(one file); needs matplotlib",
    )
    p.add_argument(
        "--date-col",
        metavar="COL",
        help="with --summary: the column (or JSON key) of each row's date, for topic shares over time",
    )
    p.add_argument("--strict", action="store_true", help="stop at the first unreadable record")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    _add_model(p)

    p = command("train", "Train a model on a labeled CSV/TSV file.", _run_train)
    p.add_argument("data", metavar="DATA", help="labeled CSV/TSV file (.gz accepted)")
    _add_table_options(p)
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="where to write the model")
    p.add_argument(
        "--test-size",
        type=_fraction,
        default=0.2,
        metavar="F",
        help="held-out share (default: 0.2; 0: none)",
    )
    p.add_argument("--seed", type=_seed, default=0, metavar="N", help="random seed (default: 0)")
    p.add_argument(
        "--refit",
        action="store_true",
        help="after the held-out report, refit on every row and save that model (the card says so)",
    )
    p.add_argument(
        "--C",
        type=_positive_float,
        dest="C",
        metavar="C",
        help="inverse regularisation strength of the SVM (default: 0.5)",
    )
    p.add_argument(
        "--class-weight", choices=("balanced", "none"), help="re-weight rare labels (default: balanced)"
    )
    p.add_argument(
        "--label-descriptions",
        metavar="FILE",
        help="CSV/TSV with label and description columns: one-line descriptions of the labels, "
        "kept in the model card",
    )
    p.add_argument(
        "--tune",
        type=_positive_int,
        nargs="?",
        const=12,
        metavar="N",
        help="first pick the settings by 3-fold cross-validated macro-F1 over N candidates "
        "(default N: 12, the defaults included) on the training rows",
    )
    p.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="with --tune: candidates scored in parallel (default: every core)",
    )
    p.add_argument(
        "--save-format",
        choices=("newsclf", "joblib"),
        default="newsclf",
        help="newsclf (default: safe, never unpickles) or joblib (whole scikit-learn object; "
        "trusted use only)",
    )
    p.add_argument(
        "--coef-dtype",
        choices=("float64", "float32"),
        default="float64",
        help="how the newsclf format stores the coefficients (default: float64); float32 halves "
        "the file and the labels barely move (see docs/benchmarks.md)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_report(p)

    p = command("evaluate", "Score a model on a labeled CSV/TSV file.", _run_evaluate)
    p.add_argument("model", metavar="MODEL", help="model file, or default for the bundled model")
    p.add_argument("data", metavar="DATA", help="labeled CSV/TSV file (.gz accepted)")
    _add_table_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--label-map",
        metavar="FILE|JSON",
        help="map labels before scoring, the data's and the model's alike: a JSON object "
        '(\'{"b": "economy"}\'), a .json file, or a CSV/TSV with from and to columns',
    )
    _add_report(p)
    _add_allow_pickle(p)

    p = command("info", "Show a model's card: labels, data, metrics, versions.", _run_info)
    p.add_argument(
        "model",
        nargs="?",
        metavar="MODEL",
        help="model file (default: the bundled model, also named default)",
    )
    p.add_argument("--json", action="store_true", help="print the card as JSON")
    _add_allow_pickle(p)
    return parser


# -- commands -------------------------------------------------------------------------------
def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _prediction_model(args: argparse.Namespace) -> LinearTopics:
    """Load ``--model`` for predicting: lean, unless ``--allow-pickle`` asks for a joblib file."""
    from ._model.loading import load_model, load_predictor

    if args.allow_pickle:
        return load_model(args.model, allow_pickle=True)
    return load_predictor(args.model)  # no scikit-learn, no pandas: a faster start


def _run_classify(args: argparse.Namespace) -> int:
    from ._tasks.classify import classify

    texts = _texts_or_stdin(args.texts)
    model = _prediction_model(args)
    predictions = classify(texts, top_k=args.top_k, min_score=args.min_score, model=model)
    if args.json:  # JSON lines: one object per headline, as `tag --format jsonl` writes
        for text, pred in zip(texts, predictions):
            print(json.dumps({"text": text, **pred.to_dict()}, ensure_ascii=False))
        return 0
    for text, pred in zip(texts, predictions):
        why = {
            "empty": "  (empty text: no topic)",
            "low_score": "  (below --min-score: no topic)",
            "no_signal": "  (no signal: the model knows too few of its words; no topic)",
        }.get(pred.status, "")
        if args.top_k:
            ranked = ", ".join(f"{label} {score:.3f}" for label, score in pred.alternatives)
            print(f"{text}\n  " + (f"{ranked}{why}" if ranked else why.strip()))
        elif not pred.label:
            print(f"-\t{pred.score:.3f}\t{text}{why}" if pred.score else f"-\t-\t{text}{why}")
        else:
            print(f"{pred.label}\t{pred.score:.3f}\t{text}")
    return 0


def _run_explain(args: argparse.Namespace) -> int:
    from ._model.loading import load_model
    from ._tasks.explain import explain

    texts = _texts_or_stdin(args.texts)
    model = load_model(args.model, allow_pickle=args.allow_pickle)
    for i, text in enumerate(texts):
        found = explain(text, model, args.top)
        if args.json:
            print(json.dumps(found.to_dict(), ensure_ascii=False))
        else:
            print(("\n" if i else "") + str(found))
    return 0


def _texts_or_stdin(texts: list[str]) -> list[str]:
    """Return ``texts`` with a ``-`` replaced by the lines of standard input, one headline each."""
    if texts.count("-") > 1:
        raise NewsclfError("- (standard input) may be given once")
    if "-" not in texts:
        return texts
    at = texts.index("-")
    # splitlines would also split on form feeds and U+2028 inside a line: split on ends only.
    data = sys.stdin.read()
    lines = data.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the last line's end, not an empty headline
    return [*texts[:at], *lines, *texts[at + 1 :]]


def _run_tag(args: argparse.Namespace) -> int:
    from ._tasks.tag import tag_file

    model = _prediction_model(args)
    summary = tag_file(
        args.input,
        args.output,
        text_col=args.text_col,
        model=model,
        input_format=args.input_format,
        output_format=args.output_format,
        sep=args.sep,
        header=not args.no_header,
        quoting=not args.no_quotes,
        top_k=args.top_k,
        min_score=args.min_score,
        strict=args.strict,
        n_jobs=args.jobs,
        quiet=args.quiet,
        output_sep=args.output_sep,
        excel=args.excel,
        summary=args.summary,
        date_col=args.date_col,
    )
    if not args.quiet:
        print(f"newsclf tag: {summary}", file=sys.stderr)
        if args.summary is not None:
            print(f"newsclf tag: summary written to {args.summary}", file=sys.stderr)
    return 0


def _table_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "text_col": args.text_col,
        "label_col": args.label_col,
        "sep": args.sep,
        "header": not args.no_header,
        "quoting": not args.no_quotes,
    }


def _check_report(args: argparse.Namespace) -> None:
    """Fail before any long work if ``--report`` cannot be written: no matplotlib, bad DIR."""
    if args.report is None:
        return
    from ._io.documents import check_report_dir
    from ._tasks.charts import require_matplotlib

    require_matplotlib(f"newsclf {args.command} --report")
    check_report_dir(args.report)


def _write_report(args: argparse.Namespace, report: EvaluationReport, title: str) -> str:
    return str(report.write_report(args.report, format=args.report_format or "md", title=title))


def _run_train(args: argparse.Namespace) -> int:
    import time

    from ._io.atomic import check_output_path
    from ._tasks.train import train

    check_output_path(args.output, inputs=(args.data,))  # fail before training, not after
    _check_report(args)
    params: dict[str, Any] = {}
    if args.C is not None:
        params["C"] = args.C
    if args.class_weight is not None:
        params["class_weight"] = None if args.class_weight == "none" else args.class_weight
    started = time.perf_counter()
    if args.tune:
        params.update(tune_candidates=args.tune, n_jobs=args.jobs or -1)
    if args.label_descriptions:
        from ._tasks.topics import read_descriptions

        params["label_descriptions"] = read_descriptions(args.label_descriptions)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = train(
            args.data,
            test_size=args.test_size,
            random_state=args.seed,
            refit=args.refit,
            **_table_kwargs(args),
            **params,
        )
    for warning in caught:
        print(f"newsclf train: warning: {warning.message}", file=sys.stderr)
    seconds = time.perf_counter() - started
    path = result.model.save(args.output, format=args.save_format, coef_dtype=args.coef_dtype)
    report_path = None
    if args.report is not None and result.report is not None:
        title = f"Held-out evaluation of {args.output}: {args.test_size:g} of {args.data}, seed {args.seed}"
        report_path = _write_report(args, result.report, title)
    if args.json:
        _print_json(
            {
                "model": str(path),
                "data": result.data.summary(),
                "held_out": result.report.to_dict() if result.report else None,
                "refit": bool(args.refit),
                "training_seconds": round(seconds, 2),
                "tuning": result.tuning.to_dict() if result.tuning else None,
                "report": report_path,
            }
        )
        return 0
    d = result.data.summary()
    print(
        f"read {d['rows_read']:,} rows from {d['source']}: used {d['rows_used']:,}, skipped "
        f"{d['skipped_empty_text']:,} with empty text and {d['skipped_empty_label']:,} with empty "
        f"label, dropped {d['duplicates_dropped']:,} exact duplicates; "
        f"{d['conflicting_texts']:,} texts carry more than one label"
    )
    print("labels: " + ", ".join(f"{k} ({v:,})" for k, v in d["label_counts"].items()))
    if result.tuning is not None:
        print(f"\nsettings search on the training rows:\n{result.tuning}")
        print("chosen: " + ", ".join(f"{k}={v}" for k, v in result.tuning.best_params.items()))
    if result.report is not None:
        print(f"\nheld-out evaluation ({args.test_size:g} of the rows, seed {args.seed}):")
        print(result.report)
    if args.refit:
        print(f"\nrefitted on all {d['rows_used']:,} rows: the saved model saw the held-out rows too")
    print(f"\ntrained in {seconds:.1f} s; model written to {path}")
    if report_path is not None:
        print(f"report written to {report_path}")
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    from ._model.loading import load_model
    from ._tasks.train import evaluate

    _check_report(args)
    label_map = None
    if args.label_map is not None:
        from ._tasks.labelmap import read_label_map

        label_map = read_label_map(args.label_map)
    model = load_model(args.model, allow_pickle=args.allow_pickle)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = evaluate(model, args.data, label_map=label_map, **_table_kwargs(args))
    for warning in caught:
        print(f"newsclf evaluate: warning: {warning.message}", file=sys.stderr)
    if args.report is not None:  # before printing: `| head` must not cost the report
        path = _write_report(args, report, f"Evaluation of {args.model} on {args.data}")
        print(f"newsclf evaluate: report written to {path}", file=sys.stderr)
    if args.json:
        _print_json(report.to_dict())
    else:
        print(report)
    return 0


def _run_info(args: argparse.Namespace) -> int:
    from ._model.loading import DEFAULT_MODEL_NAME, bundled_model_path

    model = _prediction_model(args)
    card = dict(model.card_)
    bundled = args.model is None or (args.model == DEFAULT_MODEL_NAME and not os.path.exists(args.model))
    card["path"] = str(bundled_model_path() if bundled else args.model)
    if args.json:
        _print_json(card)
        return 0
    try:
        print(_describe_card(card))
    except (KeyError, TypeError, AttributeError, ValueError):
        # The card only describes the model (predictions never read it); show it as stored.
        print(f"model: {card['path']}\n(the model card is not in the expected form; as stored:)")
        _print_json(card)
    return 0


def _describe_card(card: dict[str, Any]) -> str:
    labels = card.get("labels") or []
    lines = [
        f"model: {card['path']}",
        f"name: {card.get('name', '?')}",
        f"created: {card.get('created', '?')}",
    ]
    descriptions = card.get("label_descriptions") or {}
    lines.append(f"labels ({len(labels)}):")
    for label in labels:
        extra = f": {descriptions[label]}" if label in descriptions else ""
        lines.append(f"  {label}{extra}")
    fitted = card.get("training_data") or {}
    if fitted:
        counts = ", ".join(f"{k} {v}" for k, v in (fitted.get("label_counts") or {}).items())
        lines.append(f"fitted on: {fitted.get('rows')} rows ({counts})")
    data = card.get("data") or {}
    if data:
        held = (card.get("split") or {}).get("test_size") or 0
        lines.append(
            f"training data: {data.get('source')}: {data.get('rows_read')} rows read, "
            f"{data.get('rows_used')} used"
            + (f", of which {held:g} held out for evaluation" if held else "")
            + (
                "; this model was then refitted on all of them"
                if (card.get("split") or {}).get("refit")
                else ""
            )
        )
    for source in card.get("sources") or []:
        lines.append(f"  source: {source.get('name')} ({source.get('license')})")
    agreement = (card.get("annotation") or {}).get("agreement")
    if isinstance(agreement, dict) and "cohen_kappa" in agreement:
        lines.append(
            f"annotation: two annotators per test headline, agreement {agreement['observed_agreement']:.3f}, "
            f"Cohen's kappa {agreement['cohen_kappa']:.3f} on {agreement['items']} items"
        )
    for name, value in (card.get("metrics") or {}).items():
        if not isinstance(value, dict) or "accuracy" not in value:
            continue
        label = "held-out metrics" if name == "held_out" else name.replace("_", " ")
        rows = value.get("n", value.get("rows"))
        text = f"{label}: accuracy {value['accuracy']:.4f}"
        if value.get("macro_f1") is not None:
            text += f", macro-F1 {value['macro_f1']:.4f}"
        if value.get("ece") is not None:
            text += f", ECE {value['ece']:.4f}"
        lines.append(text + (f" on {rows} rows" if rows is not None else ""))
    hyper = card.get("hyperparameters") or {}
    lines.append("hyperparameters: " + ", ".join(f"{k}={v}" for k, v in hyper.items()))
    lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in (card.get("versions") or {}).items()))
    return "\n".join(lines)


def _check_combinations(args: argparse.Namespace) -> None:
    """Refuse option combinations argparse cannot express (exit status 2, as usage errors)."""
    parser: argparse.ArgumentParser = args.subparser
    if getattr(args, "report_format", None) is not None and args.report is None:
        parser.error("--report-format needs --report DIR")
    if args.command == "train" and args.report is not None and args.test_size == 0:
        parser.error("--report needs a held-out split, and --test-size 0 holds out nothing")
    if args.command == "tag" and args.date_col is not None and args.summary is None:
        parser.error("--date-col needs --summary REPORT")
    if args.command == "train" and args.refit and args.test_size == 0:
        parser.error("--refit needs a held-out split to report on; --test-size 0 already fits on every row")
    if args.command == "train" and args.save_format == "joblib" and args.coef_dtype != "float64":
        parser.error("--coef-dtype float32 applies to --save-format newsclf only")


def _terminate(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C, so the temporary output file is removed and the workers are stopped.
    raise _Terminated(signum)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, unwinding the stack."""


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    _check_combinations(args)
    try:
        with _sigterm_unwinds():
            return int(args.run(args))
    except NewsclfError as exc:
        print(f"newsclf {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except _Terminated:
        print(f"newsclf {args.command}: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print(f"newsclf {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error; silence the flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # disk full, permission denied, ...: a message, not a traceback
        print(f"newsclf {args.command}: error: {exc}", file=sys.stderr)
        return 1
