"""Time expressions: finding them and resolving them against a publication date.

A time expression ("in late 2024", "on Wednesday", "last year") is kept as
written; given the article's publication date it is resolved to an ISO date
range.  A claim is *historical* when its range ends more than about six
months (``historical_days`` in ``rules/time.json``) before publication.

Without a publication date nothing relative can be resolved; explicit dates
still are.  Then a claim counts as historical when its expression is
intrinsically past ("two years ago", "last year", "a year earlier"), or when
its explicit year is earlier than the latest year the article mentions (the
article is then presumably written about that later year).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from geobrief.claims.rules import time_rules

_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "few": 3,
    "a few": 3,
    "several": 3,
}
_PARTS = {  # month ranges of a part of a year
    "early": (1, 4),
    "the beginning of": (1, 3),
    "the start of": (1, 3),
    "mid": (5, 8),
    "late": (9, 12),
    "the end of": (10, 12),
    "the spring of": (3, 5),
    "the summer of": (6, 8),
    "the autumn of": (9, 11),
    "the fall of": (9, 11),
    "the winter of": (12, 12),
}


@dataclass(frozen=True)
class TimeExpr:
    """A time expression in a text, resolved where possible."""

    start: int
    end: int
    text: str
    kind: str
    past: bool  # intrinsically past ("last year"), even without a publication date
    year: int | None = None  # explicit year, if written
    time_start: str | None = None
    time_end: str | None = None
    age_days: int | None = None  # rough age at publication of relative past expressions


def parse_published(published: str | None) -> date | None:
    """The date part of an ISO 8601 date or datetime, or None."""
    if not published:
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month_range(year: int, m1: int, m2: int) -> tuple[date, date]:
    return date(year, m1, 1), date(year, m2, calendar.monthrange(year, m2)[1])


def _week(d: date) -> tuple[date, date]:
    start = d - timedelta(days=d.weekday())
    return start, start + timedelta(days=6)


def _resolve(kind: str, g: dict[str, str | None], pub: date | None, future: bool) -> tuple[date, date] | None:
    rules = time_rules()
    month = rules.months.get((g.get("month") or "").lower().rstrip("."))
    year = int(g["year"]) if g.get("year") else None
    day = int(g["day"]) if g.get("day") else None
    part = (g.get("part") or "").lower() or None
    try:
        if kind in ("month_day_year", "day_month_year") and year and month and day:
            d = date(year, month, day)
            return d, d
        if kind == "month_year" and year and month:
            lo, hi = _month_range(year, month, month)
            if part == "early":
                hi = lo + timedelta(days=9)
            elif part == "late":
                lo = hi - timedelta(days=9)
            return lo, hi
        if kind == "year" and year:
            m1, m2 = _PARTS.get(part or "", (1, 12))
            return _month_range(year, m1, m2)
        if pub is None:
            return None
        if kind in ("month_day", "day_month") and month and day:
            d = date(pub.year, month, day)
            if d > pub + timedelta(days=31) and not future:
                d = date(pub.year - 1, month, day)
            return d, d
        if kind == "in_month" and month:
            y = pub.year if (month <= pub.month or future) else pub.year - 1
            return _month_range(y, month, month)
        if kind == "weekday":
            wd = rules.weekdays.index((g.get("weekday") or "").lower())
            delta = (pub.weekday() - wd) % 7
            d = pub + timedelta(days=(7 - delta) % 7) if future else pub - timedelta(days=delta)
            return d, d
        if kind == "today":
            return pub, pub
        if kind == "yesterday":
            return pub - timedelta(days=1), pub - timedelta(days=1)
        if kind == "tomorrow":
            return pub + timedelta(days=1), pub + timedelta(days=1)
        if kind in ("this_week", "last_week", "next_week"):
            shift = {"this_week": 0, "last_week": -7, "next_week": 7}[kind]
            return _week(pub + timedelta(days=shift))
        if kind == "this_month":
            return _month_range(pub.year, pub.month, pub.month)
        if kind == "last_month":
            y, m = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
            return _month_range(y, m, m)
        if kind == "next_month":
            y, m = (pub.year, pub.month + 1) if pub.month < 12 else (pub.year + 1, 1)
            return _month_range(y, m, m)
        if kind == "this_year":
            return _month_range(pub.year, 1, 12)
        if kind == "last_year":
            return _month_range(pub.year - 1, 1, 12)
        if kind == "next_year":
            return _month_range(pub.year + 1, 1, 12)
        if kind == "ago":
            d = pub - timedelta(days=_age_days(kind, g) or 0)
            return d, d
    except ValueError:  # impossible dates ("February 30")
        return None
    return None


def find_times(text: str, published: str | None = None, future_at: set[int] | None = None) -> list[TimeExpr]:
    """All time expressions in *text*, longest first at each position, resolved.

    Parameters
    ----------
    text : str
        A sentence or article text.
    published : str or None
        Publication date (ISO), the anchor of relative expressions.
    future_at : set of int, optional
        Start offsets of expressions to resolve forwards (planned events:
        "on Wednesday" after "will").
    """
    pub = parse_published(published)
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    hits = []
    for tp in time_rules().patterns:
        for m in tp.pattern.finditer(text):
            hits.append((m.start(), -(m.end() - m.start()), tp, m))
    hits.sort(key=lambda h: (h[0], h[1]))
    for start, _neg_len, tp, m in hits:
        end = m.end()
        if any(start < e and end > s for s, e in taken):
            continue
        g = m.groupdict()
        rng = _resolve(tp.kind, g, pub, bool(future_at and start in future_at))
        taken.append((start, end))
        found.append(
            TimeExpr(
                start=start,
                end=end,
                text=m.group().strip(),
                kind=tp.kind,
                past=tp.past,
                year=int(g["year"]) if g.get("year") else None,
                time_start=rng[0].isoformat() if rng else None,
                time_end=rng[1].isoformat() if rng else None,
                age_days=_age_days(tp.kind, g),
            )
        )
    found.sort(key=lambda t: t.start)
    return found


_AGES = {"yesterday": 1, "last_week": 7, "last_month": 30, "last_year": 365, "vague_past": 3650}


def _age_days(kind: str, g: dict[str, str | None]) -> int | None:
    if kind == "ago":
        raw = (g.get("n") or "").lower()
        n = int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw, 1)
        unit = (g.get("unit") or "").lower().rstrip("s")
        return {"day": 1, "week": 7, "month": 30, "year": 365, "decade": 3650}.get(unit, 365) * n
    return _AGES.get(kind)


def latest_year(text: str) -> int | None:
    """The latest plausible year (1900-2099) written in *text*, a stand-in for its date."""
    years = [int(y) for y in re.findall(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,])", text)]
    return max(years) if years else None


def is_historical(
    t: TimeExpr, published: str | None, reference_year: int | None, days: int | None = None
) -> bool:
    """Whether a claim dated by *t* lies in the past of the article.

    With a publication date: the resolved range ends more than ``days``
    (default ``historical_days`` of the table) before it.  Without one: an
    intrinsically past expression, or an explicit year before *reference_year*.
    """
    days = time_rules().historical_days if days is None else days
    pub = parse_published(published)
    if pub is not None and t.time_end is not None:
        return date.fromisoformat(t.time_end) < pub - timedelta(days=days)
    if t.age_days is not None and t.time_end is None:
        return t.age_days > days
    return pub is None and t.year is not None and reference_year is not None and t.year < reference_year
