"""Denials across clauses and sentences: the claim they deny comes out conflicting, both sides kept.

All sentences are invented; places are given by name (``claims_helpers``) and the role linker alone
links them (mode "rules"), so nothing here depends on the learned scorer's weights.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from claims_helpers import claims_for, resolve_names

from geobrief.claims import extract_claims, merge_claims, rules
from geobrief.claims.conflicts import attach_denials, conflict_rules, find_denials
from geobrief.errors import GeobriefError
from geobrief.model import Article, Claim, Evidence


@pytest.fixture
def table_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of the rule tables, used instead of the shipped ones."""
    target = tmp_path / "rules"
    shutil.copytree(rules.RULES_DIR, target)
    monkeypatch.setattr(rules, "RULES_DIR", target)
    conflict_rules.cache_clear()
    yield target / "conflicts.json"
    conflict_rules.cache_clear()


def _table() -> dict:
    return conflict_rules().raw


def _one(text: str, names: list[str], published: str | None = None) -> Claim:
    claims = claims_for(text, names, published)
    assert len(claims) == 1, claims
    return claims[0]


def _sides(claim: Claim) -> set[tuple[str, str | None]]:
    return {(e.modality, e.attribution) for e in claim.evidence}


# -- the table: every pattern with an example and a counter-example ---------------------------------


@pytest.mark.parametrize(
    "pattern", [p["id"] for p in json.loads((rules.RULES_DIR / "conflicts.json").read_text())["patterns"]]
)
def test_every_pattern_finds_its_example_and_not_its_counter_example(pattern):
    row = next(p for p in _table()["patterns"] if p["id"] == pattern)
    assert row["example"] and row["counter"] and row["example"] != row["counter"]
    assert pattern in [d.pattern for d in find_denials(row["example"])]
    assert find_denials(row["counter"]) == []


@pytest.mark.parametrize("section", ["cancel_before", "cancel_clause"])
def test_cancelling_cues_cancel_their_example_and_not_their_counter_example(section):
    row = _table()[section]
    assert find_denials(row["example"]) == []
    assert find_denials(row["counter"]) != []


def test_responsibility_cues_find_their_example_and_not_their_counter_example():
    row = _table()["responsibility"]
    assert conflict_rules().responsibility.search(row["example"])
    assert not conflict_rules().responsibility.search(row["counter"])


@pytest.mark.parametrize(
    ("sentence", "party"),
    [
        ("Mirea denied it.", "Mirea"),
        ("But the army denied it on Tuesday.", "army"),
        ("The interior ministry on Monday flatly denied the reports.", "interior ministry"),
        ("Officials in Dorn rejected the claims as propaganda.", "Officials in Dorn"),
        ("The port authority dismissed the report as fake news.", "port authority"),
        ("The claim was rejected by the coast guard.", "coast guard"),
        ("The claim was rejected.", None),
        ("They denied it.", None),
    ],
)
def test_the_denying_party_is_the_phrase_before_the_verb_or_after_by(sentence, party):
    (d,) = find_denials(sentence)
    assert d.party == party


@pytest.mark.parametrize(
    "sentence",
    [
        "The group denied involvement.",
        "The militia denied any role in the attack.",
        "Journalists were denied entry.",
        "The suspect was denied bail.",
        "The army did not deny it.",
        "The army didn't deny it.",
        "The ministry declined to confirm or deny the reports.",
        "The army denied that its units had crossed the river.",
        "The army denied the reports of looting.",
        "The union rejected the offer.",
        "The government rejected it.",
        "If the claim is denied, the league will appeal.",
    ],
)
def test_sentences_that_deny_no_earlier_claim(sentence):
    assert find_denials(sentence) == []


def test_a_new_pattern_in_the_table_is_used(table_copy: Path):
    sentence = "The navy poured cold water on the report."
    assert find_denials(sentence) == []
    data = json.loads(table_copy.read_text(encoding="utf-8"))
    data["patterns"].append(
        {
            "id": "cold_water",
            "scope": "back",
            "regex": "(?P<verb>poured cold water on)\\s+(?P<object>PRONOUN|CLAIMS)END",
            "example": sentence,
            "counter": "The navy poured cold water on the deck.",
        }
    )
    table_copy.write_text(json.dumps(data), encoding="utf-8")
    conflict_rules.cache_clear()
    assert [(d.pattern, d.party) for d in find_denials(sentence)] == [("cold_water", "navy")]


def test_a_broken_table_raises_a_geobrief_error(table_copy: Path):
    table_copy.write_text("{not json", encoding="utf-8")
    conflict_rules.cache_clear()
    with pytest.raises(GeobriefError, match="conflicts.json"):
        find_denials("Mirea denied it.")


def test_a_pattern_without_a_verb_group_is_refused(table_copy: Path):
    data = json.loads(table_copy.read_text(encoding="utf-8"))
    data["patterns"][0]["regex"] = "denied (?P<object>PRONOUN)END"
    table_copy.write_text(json.dumps(data), encoding="utf-8")
    conflict_rules.cache_clear()
    with pytest.raises(GeobriefError, match="verb"):
        find_denials("Mirea denied it.")


# -- within one article ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "place", "claimant", "denier"),
    [
        (
            "Vantor said its forces captured Gull Island. Mirea denied it.",
            ["Gull Island", "Vantor", "Mirea"],
            "Gull Island",
            ("claimed", "Vantor"),
            ("denied", "Mirea"),
        ),
        (
            "Separatists said their fighters captured Kelby on Sunday, a claim Orlandian officials denied.",
            ["Kelby"],
            "Kelby",
            ("claimed", "Separatists"),
            ("denied", "Orlandian officials"),
        ),
        (
            "Rebels said they had seized Kelby, but the army rejected the report.",
            ["Kelby"],
            "Kelby",
            ("claimed", "Rebels"),
            ("denied", "army"),
        ),
        (
            "Rebels seized Kelby on Monday, according to local reports. Sarnau dismissed the claim as lies.",
            ["Kelby", "Sarnau"],
            "Kelby",
            ("reported", "reports"),
            ("denied", "Sarnau"),
        ),
        (
            "Rebels captured Kelby on Monday. The interior ministry denied the reports.",
            ["Kelby"],
            "Kelby",
            ("asserted", None),
            ("denied", "interior ministry"),
        ),
        (
            "Rebels said they captured Kelby, an account disputed by the army.",
            ["Kelby"],
            "Kelby",
            ("claimed", "Rebels"),
            ("denied", "army"),
        ),
        (
            "Rebels said they captured Kelby. The account was rejected by the governor's office.",
            ["Kelby"],
            "Kelby",
            ("claimed", "Rebels"),
            ("denied", "governor's office"),
        ),
        (
            "Rebels said they captured Kelby, which the army denied.",
            ["Kelby"],
            "Kelby",
            ("claimed", "Rebels"),
            ("denied", "army"),
        ),
        (
            "Rebels captured Kelby on Monday. A spokeswoman for the army called the reports completely false.",
            ["Kelby"],
            "Kelby",
            ("asserted", None),
            ("denied", "spokeswoman for the army"),
        ),
    ],
)
def test_a_denial_in_a_later_clause_or_sentence_makes_the_claim_conflicting(
    text, names, place, claimant, denier
):
    claim = _one(text, names)
    assert claim.place_id == f"test:{place}"
    assert claim.conflicting
    assert _sides(claim) == {claimant, denier}
    # one against one: the tie goes to the more cautious modality, and its party
    assert claim.modality == "denied"
    assert claim.attribution == denier[1]


def test_the_denial_evidence_quotes_both_sides_and_keeps_the_place_and_time():
    text = "Rebels captured Kelby on Monday. Mirea denied it."
    article = Article("a", text, published="2026-01-28")
    claim = extract_claims(article, resolve_names(article, ["Kelby", "Mirea"]), mode="rules")[0]
    denial = next(e for e in claim.evidence if e.modality == "denied")
    assert denial.text == text == text[denial.start : denial.end]
    assert text[denial.mention_start : denial.mention_end] == "Kelby"
    assert (denial.time, denial.time_start) == ("on Monday", "2026-01-26")
    assert claim.event == "control_change"


@pytest.mark.parametrize(
    "text",
    [
        "A bomb exploded in Kelby on Monday. The group denied involvement.",
        "Soldiers stormed Kelby on Monday. Journalists were denied entry.",
        "Rebels captured Kelby on Monday. Their commander was denied bail.",
        "Rebels captured Kelby on Monday. The army did not deny it.",
        "Rebels captured Kelby on Monday. The army would neither confirm nor deny it.",
        # a new topic with its own place
        "Rebels captured Kelby on Monday. In Dorn, the mayor denied the reports.",
        # the denial answers a speech act of its own sentence, not the sentence before
        "Rebels captured Kelby on Monday. Officials said the roads were open, and the army denied the reports.",
        # a denied accusation is a denial of responsibility (spec convention 5)
        "Officials accused the militia of shelling Kelby. The militia denied it.",
        # only the sentence right before
        "Rebels captured Kelby on Monday. The weather was cold. The army denied it.",
        # a plan is no claim that the event happened
        "The army will withdraw from Kelby next week. The rebels denied it.",
        # an apposition denies its own sentence, not the one before
        "Rebels captured Kelby on Monday. The talks went well, a claim the opposition denied.",
    ],
)
def test_no_conflict_where_nothing_denies_the_earlier_claim(text):
    claims = claims_for(text, ["Kelby", "Dorn"])
    assert claims, "the first sentence links its place"
    for c in claims:
        assert not c.conflicting
        assert all(e.modality != "denied" for e in c.evidence)


def test_every_claim_of_the_sentence_before_gets_the_denial():
    text = "Rebels said they captured Kelby and shelled Dorn. The army denied it."
    claims = claims_for(text, ["Kelby", "Dorn"])
    assert {c.place_id for c in claims} == {"test:Kelby", "test:Dorn"}
    for c in claims:
        assert c.conflicting and ("denied", "army") in _sides(c)


def test_a_claim_in_the_denial_sentence_itself_is_its_own():
    text = "Rebels said they captured Kelby. The army denied it and said its troops held Dorn."
    claims = claims_for(text, ["Kelby", "Dorn"])
    kelby = [c for c in claims if c.place_id == "test:Kelby"]
    assert kelby and all(c.conflicting for c in kelby)
    assert all(not c.conflicting for c in claims if c.place_id == "test:Dorn")


# -- on hand-built claims: majority and merging --------------------------------------------------------


_TEXT = "Rebels captured Kelby on Monday. The army denied it. Rebels held Kelby by nightfall."


def _ev(sentence: int, modality: str = "asserted", attribution: str | None = None) -> Evidence:
    starts = [0, 33, 53]
    ends = [32, 52, len(_TEXT)]
    s, e = starts[sentence], ends[sentence]
    m = _TEXT.index("Kelby", s)
    return Evidence("a", s, e, _TEXT[s:e], m, m + 5, modality=modality, attribution=attribution)


def test_the_article_claim_takes_the_majority_of_its_evidence_and_is_conflicting():
    article = Article("a", _TEXT)
    claims = [Claim("p:kelby", "control_change", "asserted", None, (_ev(0), _ev(2)))]
    (claim,) = attach_denials(article, claims)
    assert [e.modality for e in claim.evidence] == ["asserted", "asserted", "denied"]
    assert claim.modality == "asserted"  # two against one
    assert claim.conflicting
    denial = claim.evidence[-1]
    assert (denial.start, denial.end, denial.attribution) == (0, 52, "army")


def test_claims_of_one_place_and_event_become_one_when_a_denial_joins_them():
    article = Article("a", _TEXT)
    claims = [
        Claim("p:kelby", "control_change", "claimed", "rebels", (_ev(0, "claimed", "rebels"),)),
        Claim("p:kelby", "control_change", "asserted", None, (_ev(2),)),
        Claim("p:kelby", "attack", "asserted", None, (_ev(2),)),
    ]
    out = attach_denials(article, claims)
    assert [(c.event, c.modality) for c in out] == [("control_change", "denied"), ("attack", "asserted")]
    assert out[0].conflicting and not out[1].conflicting
    assert [e.modality for e in out[0].evidence] == ["claimed", "denied", "asserted"]


def test_attaching_twice_changes_nothing_more():
    article = Article("a", _TEXT)
    once = attach_denials(article, [Claim("p:kelby", "control_change", "asserted", None, (_ev(0),))])
    assert attach_denials(article, once) == once


def test_negative_claims_get_no_denial():
    article = Article("a", _TEXT)
    claims = [Claim("p:kelby", "control_change", "negated", None, (_ev(0, "negated"),))]
    assert attach_denials(article, claims) == claims


# -- across articles -------------------------------------------------------------------------------


def test_merged_across_two_articles_the_claim_is_conflicting_with_both_sides():
    a1 = Article("a1", "Rebels captured Kelby on Monday, witnesses said.")
    a2 = Article("a2", "Rebels said they captured Kelby. The army denied it.")
    claims = []
    for a in (a1, a2):
        claims += extract_claims(a, resolve_names(a, ["Kelby"]), mode="rules")
    (merged,) = merge_claims(claims)
    assert merged.sources == 2 and merged.conflicting
    assert {(e.article_id, e.modality, e.attribution) for e in merged.evidence} == {
        ("a1", "claimed", "witnesses"),
        ("a2", "claimed", "Rebels"),
        ("a2", "denied", "army"),
    }
    assert merged.modality == "claimed"  # two claims against one denial


def test_a_denial_in_one_article_contests_a_report_in_another():
    a1 = Article("a1", "Rebels reportedly captured Kelby on Monday.")
    a2 = Article("a2", "The army denied the reports that rebels had captured Kelby.")
    claims = []
    for a in (a1, a2):
        claims += extract_claims(a, resolve_names(a, ["Kelby"]), mode="rules")
    (merged,) = merge_claims(claims)
    assert merged.conflicting
    assert {e.modality for e in merged.evidence} == {"reported", "denied"}


@pytest.mark.parametrize(
    ("modalities", "conflicting"),
    [
        (("claimed", "denied"), True),  # a party's claim against another's denial is a dispute
        (("claimed", "negated"), True),
        (("asserted", "denied"), True),
        (("claimed", "planned"), False),
        (("requested", "denied"), False),
        (("claimed", "claimed"), False),
    ],
)
def test_merge_marks_a_party_claim_against_a_denial_conflicting(modalities, conflicting):
    claims = [
        Claim("p:1", "attack", m, None, (Evidence(f"a{k}", 0, 10, "some text.", 0, 4, modality=m),))
        for k, m in enumerate(modalities)
    ]
    assert merge_claims(claims)[0].conflicting is conflicting
