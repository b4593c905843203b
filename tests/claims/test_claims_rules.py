"""The cue tables are data: editing them changes what is extracted; broken tables fail clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from claims_helpers import claims_for

from geobrief.claims import rules
from geobrief.errors import GeobriefError
from geobrief.model import EVENTS, MODALITIES


def _clear_caches() -> None:
    rules.event_rules.cache_clear()
    rules.modality_rules.cache_clear()
    rules.time_rules.cache_clear()


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of the rule tables, used instead of the shipped ones."""
    target = tmp_path / "rules"
    shutil.copytree(rules.RULES_DIR, target)
    monkeypatch.setattr(rules, "RULES_DIR", target)
    _clear_caches()
    yield target
    _clear_caches()


def test_tables_cover_the_vocabulary():
    events = json.loads((rules.RULES_DIR / "events.json").read_text(encoding="utf-8"))
    modality = json.loads((rules.RULES_DIR / "modality.json").read_text(encoding="utf-8"))
    assert set(EVENTS) <= {g["event"] for g in events["groups"]}
    table_modalities = {f["modality"] for f in modality["frames"]} | {
        c["modality"] for c in modality["local"]
    }
    assert table_modalities | {"asserted"} == set(MODALITIES)


def test_a_new_cue_in_the_table_is_used(rules_copy: Path):
    text = "Fishermen staged a flotilla off Lesbos."
    assert claims_for(text, ["Lesbos"]) == []
    path = rules_copy / "events.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["groups"].append({"event": "protest", "cues": ["flotilla"], "after": ["off"], "window": 1})
    path.write_text(json.dumps(data), encoding="utf-8")
    _clear_caches()
    assert [(c.event, c.modality) for c in claims_for(text, ["Lesbos"])] == [("protest", "asserted")]


def test_a_broken_table_raises_a_geobrief_error(rules_copy: Path):
    (rules_copy / "modality.json").write_text("{not json", encoding="utf-8")
    _clear_caches()
    with pytest.raises(GeobriefError, match="modality.json"):
        claims_for("Protesters rallied in Belgrade.", ["Belgrade"])


def test_a_bad_cue_pattern_is_reported(rules_copy: Path):
    path = rules_copy / "events.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["groups"][0]["cues"].append("(unclosed")
    path.write_text(json.dumps(data), encoding="utf-8")
    _clear_caches()
    with pytest.raises(rules.RulesError):
        rules.event_rules()
