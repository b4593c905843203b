"""Time expressions: finding, resolving against the publication date, historical claims."""

from __future__ import annotations

import pytest
from claims_helpers import claims_for

from geobrief.claims.timex import find_times, is_historical, latest_year, parse_published


def _one(text: str, published: str | None = "2026-01-28"):  # a Wednesday
    times = find_times(text, published)
    assert len(times) == 1, times
    return times[0]


@pytest.mark.parametrize(
    ("text", "expr", "start", "end"),
    [
        ("since he seized power in late 2024,", "in late 2024", "2024-09-01", "2024-12-31"),
        ("a similar trip in October 2025.", "in October 2025", "2025-10-01", "2025-10-31"),
        ("arrived on Wednesday", "on Wednesday", "2026-01-28", "2026-01-28"),
        ("clashes on Monday", "on Monday", "2026-01-26", "2026-01-26"),
        ("reports surfaced this week", "this week", "2026-01-26", "2026-02-01"),
        ("it happened last year", "last year", "2025-01-01", "2025-12-31"),
        ("bombings on Dec. 10 that killed", "on Dec. 10", "2025-12-10", "2025-12-10"),
        ("on November 13, 2015", "on November 13, 2015", "2015-11-13", "2015-11-13"),
        ("troops left yesterday", "yesterday", "2026-01-27", "2026-01-27"),
        ("two years ago", "two years ago", "2024-01-29", "2024-01-29"),
    ],
)
def test_expressions_resolve_against_publication(text, expr, start, end):
    t = _one(text)
    assert (t.text, t.time_start, t.time_end) == (expr, start, end)


def test_relative_expressions_stay_unresolved_without_a_date():
    t = _one("arrived on Wednesday", None)
    assert t.time_start is None and t.time_end is None
    t = _one("in late 2024", None)  # explicit dates still resolve
    assert (t.time_start, t.time_end) == ("2024-09-01", "2024-12-31")


def test_counts_are_not_years():
    assert find_times("2024 people were displaced", "2026-01-28") == []
    assert find_times("killed 1,500 soldiers", "2026-01-28") == []


def test_future_weekday_for_plans():
    text = "will arrive on Friday"
    start = text.index("on Friday")
    (t,) = find_times(text, "2026-01-28", future_at={start})
    assert t.time_start == "2026-01-30"


def test_historical_with_a_publication_date():
    pub = "2026-01-28"
    assert is_historical(_one("in late 2024"), pub, None)
    assert not is_historical(_one("this week"), pub, None)
    assert not is_historical(_one("in October 2025"), pub, None)  # about three months earlier
    assert is_historical(_one("a year earlier"), pub, None)


def test_historical_without_a_publication_date():
    assert is_historical(_one("two years ago", None), None, None)
    assert not is_historical(_one("two days ago", None), None, None)
    assert is_historical(_one("in 2003", None), None, reference_year=2012)
    assert not is_historical(_one("in 2012", None), None, reference_year=2012)
    assert latest_year("In 2003 an earthquake hit Bam; in 2012 another struck Ahar.") == 2012


def test_parse_published():
    assert str(parse_published("2025-03-01T10:00:00Z")) == "2025-03-01"
    assert parse_published("yesterday") is None
    assert parse_published(None) is None


# -- publication dates in the forms feeds and wires write them ---------------------------------------


@pytest.mark.parametrize(
    ("published", "day"),
    [
        ("14-MAR-1991 09:05:12.31", "1991-03-14"),  # wire timestamp
        ("3-sep-1991", "1991-09-03"),
        ("Thu, 14 Mar 1991 09:05:12 GMT", "1991-03-14"),  # RSS
        ("14 March 1991", "1991-03-14"),
        ("March 14, 1991", "1991-03-14"),
        ("Thursday, Sept. 5, 1991", "1991-09-05"),
        ("1991/03/14", "1991-03-14"),
    ],
)
def test_parse_published_reads_wire_and_feed_dates(published, day):
    assert str(parse_published(published)) == day


@pytest.mark.parametrize("published", ["31-FEB-1991 10:00:00.00", "03/04/1991", "spring 1991", ""])
def test_parse_published_refuses_impossible_and_ambiguous_dates(published):
    assert parse_published(published) is None


def test_a_wire_date_anchors_relative_and_historical_times():
    wire = "14-MAR-1991 09:05:12.31"  # a Thursday
    (t,) = find_times("talks on Tuesday", wire)
    assert t.time_start == "1991-03-12"
    assert is_historical(_one("in 1988", wire), wire, None)
    assert not is_historical(_one("in 1991", wire), wire, None)


# -- historical: past years and dated past events ----------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    ["in 2022", "the 1967 war", "in 1948", "in March 2019", "last year", "in 2025", "during the 1990s"],
)
def test_past_years_are_historical(expr):
    pub = "2026-01-28"
    assert is_historical(find_times(expr, pub)[0], pub, None)


def test_a_whole_year_that_is_over_is_historical_even_when_it_ended_weeks_ago():
    pub = "2026-01-28"
    assert is_historical(_one("last year"), pub, None)
    assert is_historical(_one("in 2025"), pub, None)
    # a part of that year stays measured by its end (about six months)
    assert not is_historical(_one("in December 2025"), pub, None)
    assert not is_historical(_one("in late 2025"), pub, None)
    assert not is_historical(_one("this year"), pub, None)


def test_decades():
    t = _one("during the early 1990s")
    assert (t.kind, t.time_start, t.time_end) == ("decade", "1990-01-01", "1993-12-31")
    assert is_historical(t, "2026-01-28", None)
    assert not is_historical(_one("the 2020s"), "2026-01-28", None)
    assert is_historical(_one("in the 1980s", None), None, reference_year=2003)


def test_since_a_date_is_ongoing_not_historical():
    t = _one("Since 2014, the army has occupied the island.")
    assert t.ongoing and (t.time_start, t.time_end) == ("2014-01-01", "2026-01-28")
    assert not is_historical(t, "2026-01-28", None)
    t = _one("protests have gone on since March 2019", None)
    assert t.ongoing and t.time_start == "2019-03-01" and t.time_end is None
    assert not is_historical(t, None, reference_year=2024)
    # the event of a since-clause keeps its own date
    t = _one("since he seized power in 2019", "2026-01-28")
    assert not t.ongoing and is_historical(t, "2026-01-28", None)


@pytest.mark.parametrize(
    "expr", ["in the past week", "in the past 24 hours", "over the past two years", "in recent years"]
)
def test_spans_up_to_publication_are_not_the_vague_past(expr):
    t = _one(expr)
    assert (t.kind, t.time_end) == ("recent", "2026-01-28")
    assert not is_historical(t, "2026-01-28", None)
    assert not is_historical(_one(expr, None), None, None)
    assert is_historical(_one("troops were there in the past."), "2026-01-28", None)


def test_latest_year_ignores_targets_and_end_dates():
    text = "Troops arrived in 2017 under a lease that runs until 2040; they are to leave by 2031."
    assert latest_year(text) == 2017


# -- historical claims from extraction ---------------------------------------------------------------


def _historical(text: str, published: str | None) -> list[bool]:
    """The historical flag of the first claim on Kelby (the role linker alone: mode "rules")."""
    return [c.historical for c in claims_for(text, ["Kelby"], published) if c.place_id == "test:Kelby"][:1]


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("In 2022, floods in Kelby destroyed hundreds of homes.", "2026-01-28"),
        ("Veterans of the 1967 war in Kelby met on Monday.", "2026-01-28"),
        ("Kelby was captured in 1948.", "2026-01-28"),
        ("Last year's earthquake in Kelby destroyed the old bridge.", "2026-01-28"),
        ("Protesters rallied in Kelby in March 2019.", "2026-01-28"),
        ("Troops were deployed to Kelby in 1988.", "14-MAR-1991 09:05:12.31"),
        ("In 2019 floods in Kelby destroyed hundreds of homes. The river rose again in 2024.", None),
    ],
)
def test_claims_dated_in_the_past_are_historical(text, published):
    assert _historical(text, published) == [True]


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Since 2014, rebels have occupied Kelby.", "2026-01-28"),
        ("Protesters rallied in Kelby on Monday.", "14-MAR-1991 09:05:12.31"),
        ("Heavy clashes broke out in Kelby in the past 24 hours.", "2026-01-28"),
        ("Troops were deployed to Kelby in 1991.", "14-MAR-1991 09:05:12.31"),
        ("In 2022, floods in Kelby destroyed hundreds of homes.", None),  # no later year to compare
    ],
)
def test_current_claims_are_not_historical(text, published):
    assert _historical(text, published) == [False]
