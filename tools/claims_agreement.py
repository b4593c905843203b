"""Inter-annotator agreement on the doubly annotated articles.

    python tools/claims_agreement.py

The second annotator's required claims are scored as predictions against the first annotation
(``dev.jsonl`` + ``lockbox.jsonl``) with the same rules as ``geobrief eval-claims``, and the other
way round; the pair F1 and the modality accuracy on agreed pairs are the ceiling to read every
score against.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# run from a checkout without installing: the package beside this folder
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from geobrief.evaluate_claims import load_gold, score_claims

HERE = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims_real"


def _as_prediction(rec: dict) -> dict:
    places = []
    for p in rec["places"]:
        claims = [
            {"event": c["event"], "modality": c["modality"]}
            for c in p.get("claims", [])
            if not c.get("optional")
        ]
        places.append({"name": p["name"], "lat": p["lat"], "lon": p["lon"], "claims": claims})
    return {"id": rec["id"], "places": places}


def _score(gold: list[dict], other: list[dict]) -> dict:
    return score_claims("", [_as_prediction(r) for r in other], gold=gold)


def main() -> int:
    second = load_gold(HERE / "second_annotator.jsonl")
    ids = {r["id"] for r in second}
    first = [r for part in ("dev", "lockbox") for r in load_gold(HERE / f"{part}.jsonl") if r["id"] in ids]
    first.sort(key=lambda r: r["id"])
    second.sort(key=lambda r: r["id"])
    a = _score(first, second)
    b = _score(second, first)
    report = {
        "articles": len(first),
        "pair_f1_second_vs_first": round(a["f1"], 3),
        "pair_f1_first_vs_second": round(b["f1"], 3),
        "pair_f1": round((a["f1"] + b["f1"]) / 2, 3),
        "modality_agreement": round((a["modality_accuracy"] + b["modality_accuracy"]) / 2, 3),
        "modality_exact": round((a["modality_exact"] + b["modality_exact"]) / 2, 3),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
