"""Tag a one-headline-per-line file with a fastText model, as a whole process.

``python -m harness.fasttext_tag MODEL INPUT OUTPUT``: reads INPUT, predicts in batches, writes
one ``label<TAB>probability`` line per input line to OUTPUT. The counterpart of
``newsclf tag INPUT -o OUTPUT`` in the throughput benchmark.
"""

from __future__ import annotations

import sys
from itertools import islice

from .textprep import LABEL_PREFIX, fasttext_text

BATCH = 4096


def main(argv: list[str]) -> int:
    import fasttext

    model_path, source, output = argv
    model = fasttext.load_model(model_path)
    with open(source, encoding="utf-8") as lines, open(output, "w", encoding="utf-8") as out:
        while batch := list(islice(lines, BATCH)):
            labels, probs = model.predict([fasttext_text(line) for line in batch], k=1)
            out.writelines(
                f"{found[0].removeprefix(LABEL_PREFIX) if found else ''}\t{p[0] if len(p) else 0.0:.4f}\n"
                for found, p in zip(labels, probs)
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
