"""Time expressions: finding, resolving against the publication date, historical claims."""

from __future__ import annotations

import pytest

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
