"""Regenerate ``golden.newsclf`` and ``golden.json`` (run only when the format changes on purpose).

The golden model pins the file format and the prediction arithmetic: ``test_golden`` loads it
under whatever scikit-learn / numpy are installed and expects the recorded probabilities.
The file in the repository is a format-version-1 file, made before ``strip_furniture``
existed: ``test_furniture.py`` relies on it as one (regenerating it now would write a
version-2 model that strips).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import make_corpus  # noqa: E402
from newsclf import NewsClassifier  # noqa: E402

PROBES = ["Crude oil output climbs", "Coach signs striker", "Vaccine trial approved", "", "Ölpreis 🛢️"]

if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    corpus = make_corpus(per_label=12)
    model = NewsClassifier(min_df=1).fit(corpus.text, corpus.label)
    model.save(HERE / "golden.newsclf")
    expected = {"probes": PROBES, "proba": model.predict_proba(PROBES).tolist()}
    (HERE / "golden.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", "utf-8")
