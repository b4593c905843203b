"""Merging claims across articles (shared/spec/status.md) and the place's main claim."""

from __future__ import annotations

from geobrief.claims import merge_claims
from geobrief.model import Claim, Evidence, main_claim


def _claim(
    article: str, event: str = "withdrawal", modality: str = "asserted", place: str = "p:1", **kw
) -> Claim:
    historical = kw.pop("historical", False)
    ev = Evidence(article, 0, 10, "some text.", 0, 4, modality=modality, historical=historical, **kw)
    return Claim(
        place, event, modality, kw.get("attribution"), (ev,), historical=historical, time=kw.get("time")
    )


def test_one_claim_per_place_and_event_with_distinct_article_sources():
    merged = merge_claims(
        [_claim("a1"), _claim("a2"), _claim("a2"), _claim("a1", event="attack"), _claim("a3", place="p:2")]
    )
    by_key = {(c.place_id, c.event): c for c in merged}
    assert set(by_key) == {("p:1", "withdrawal"), ("p:1", "attack"), ("p:2", "withdrawal")}
    assert by_key[("p:1", "withdrawal")].sources == 2
    assert len(by_key[("p:1", "withdrawal")].evidence) == 2  # the duplicate span of a2 is kept once


def test_modality_is_the_majority_with_ties_to_the_more_cautious():
    assert (
        merge_claims([_claim("a", modality="claimed"), _claim("b", modality="claimed"), _claim("c")])[
            0
        ].modality
        == "claimed"
    )
    assert (
        merge_claims([_claim("a", modality="asserted"), _claim("b", modality="reported")])[0].modality
        == "reported"
    )
    assert (
        merge_claims([_claim("a", modality="planned"), _claim("b", modality="confirmed")])[0].modality
        == "planned"
    )
    assert (
        merge_claims([_claim("a", modality="negated"), _claim("b", modality="denied")])[0].modality
        == "denied"
    )


def test_each_evidence_keeps_its_own_modality_and_attribution():
    merged = merge_claims(
        [
            _claim("a", modality="reported", attribution="reports"),
            _claim("b", modality="denied", attribution="Kremlin"),
        ]
    )[0]
    assert {(e.article_id, e.modality, e.attribution) for e in merged.evidence} == {
        ("a", "reported", "reports"),
        ("b", "denied", "Kremlin"),
    }
    assert merged.attribution == "Kremlin"  # the attribution of the winning (more cautious) modality


def test_conflicting_when_evidence_holds_it_both_true_and_false():
    assert merge_claims([_claim("a", modality="reported"), _claim("b", modality="denied")])[0].conflicting
    assert merge_claims([_claim("a", modality="confirmed"), _claim("b", modality="negated")])[0].conflicting
    assert not merge_claims([_claim("a", modality="planned"), _claim("b", modality="negated")])[0].conflicting
    assert not merge_claims([_claim("a"), _claim("b", modality="reported")])[0].conflicting


def test_historical_only_when_all_evidence_is_historical():
    assert merge_claims([_claim("a", historical=True), _claim("b", historical=True)])[0].historical
    mixed = merge_claims([_claim("a", historical=True, time="in 2019"), _claim("b", time="this week")])[0]
    assert not mixed.historical
    assert mixed.time == "this week"  # the time of current evidence


def test_main_claim_prefers_current_then_corroborated_claims():
    old = merge_claims([_claim("a", event="control_change", historical=True)])[0]
    current = merge_claims([_claim("a", event="visit")])[0]
    corroborated = merge_claims([_claim("a", event="attack"), _claim("b", event="attack")])[0]
    negated = merge_claims(
        [
            _claim("a", event="military_presence", modality="negated"),
            _claim("b", event="military_presence", modality="negated"),
        ]
    )[0]
    assert main_claim([old, current]) is current
    assert main_claim([current, corroborated, negated]) is corroborated


def test_main_claim_ties_go_to_news_of_a_change_over_a_standing_presence():
    presence = merge_claims([_claim("a", event="military_presence"), _claim("b", event="military_presence")])[
        0
    ]
    withdrawal = merge_claims([_claim("a", event="withdrawal"), _claim("b", event="withdrawal")])[0]
    visit = merge_claims([_claim("a", event="visit"), _claim("b", event="visit")])[0]
    attack = merge_claims([_claim("a", event="attack"), _claim("b", event="attack")])[0]
    assert main_claim([presence, withdrawal]) is withdrawal
    assert main_claim([presence, visit]) is visit
    assert main_claim([visit, withdrawal, attack]) is attack
    # the tie-break never beats corroboration
    single = merge_claims([_claim("a", event="attack")])[0]
    assert main_claim([single, presence]) is presence


def test_merging_nothing_gives_nothing():
    assert merge_claims([]) == []
