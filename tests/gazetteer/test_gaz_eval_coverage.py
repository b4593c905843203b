"""Gazetteer coverage on the shared evaluation corpora (measurement; skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.geo import haversine_km as km
from geobrief.text import name_key

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"

pytestmark = [pytest.mark.eval, pytest.mark.slow]


def keys(span: str) -> list[str]:
    out = [name_key(span)]
    s = span.replace("’", "'")
    if s.endswith("'s"):
        out.append(name_key(s[:-2]))
    out += [k[4:] for k in out if k.startswith("the ")]
    return out


@pytest.mark.parametrize(("corpus", "max_missing"), [("lgl", 0.08), ("tr_news", 0.12), ("geovirus", 0.14)])
def test_gold_toponyms_have_a_candidate_near_the_gold_point(corpus: str, max_missing: float) -> None:
    path = EVAL / f"{corpus}.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    from geobrief.gazetteer import load_gazetteer

    gaz = load_gazetteer(progress=False)
    total = missing = 0
    with open(path, encoding="utf-8") as f:  # not splitlines(): texts contain U+2028
        lines = list(f)
    for line in lines:
        for t in json.loads(line)["toponyms"]:
            if t.get("lat") is None or t.get("lon") is None:
                continue
            total += 1
            cands = [c for k in keys(t["name"]) for c in gaz.candidates(k)]
            if not any(km(c.lat, c.lon, t["lat"], t["lon"]) <= 161 for c in cands):
                missing += 1
    assert total > 500
    assert missing / total <= max_missing
