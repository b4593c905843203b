"""Leave-one-source-out figures of the claim scorer on the dev annotations.

    python tools/claims_loco.py

The dev part of tests/data/claims_real plus shared/eval/status_dev.jsonl is split by source:
Reuters wire copy (1987) against the web-news corpora (LGL, TR-News, GeoVirus, status_dev). The
scorer is trained on one (thresholds by grouped CV inside it, as ``geobrief train-claims`` does)
and scored on the other, through the whole pipeline. The lockbox is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# run from a checkout without installing: the package beside this folder
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from geobrief.claims import train as T
from geobrief.claims.scorer import Scorer
from geobrief.evaluate_claims import load_gold


def main() -> int:
    records = [rec for path in T.default_training_files() for rec in load_gold(path)]
    items = T.prepare(records)
    groups = {
        "reuters": [it for it in items if it.article.id.startswith("reuters-")],
        "web news": [it for it in items if not it.article.id.startswith("reuters-")],
    }
    out = {}
    for held, test in groups.items():
        train_items = [it for name, g in groups.items() if name != held for it in g]
        per_item = [T.labelled_candidates(it) for it in train_items]
        threshold, role_threshold = T.choose_thresholds(T.cross_validate(train_items, rows=per_item))
        fitted = T.fit([r for item_rows in per_item for r in item_rows])
        model = Scorer(fitted.weights, fitted.intercept, threshold, role_threshold=role_threshold)
        res = T._score(test, model)
        out[f"train on the others, test on {held}"] = {
            "articles": len(test),
            "precision": round(res["precision"], 3),
            "recall": round(res["recall"], 3),
            "f1": round(res["f1"], 3),
            "modality_accuracy": round(res["modality_accuracy"], 3),
        }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
