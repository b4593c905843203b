"""Time expressions: finding them and resolving them against a publication date.

A time expression ("in late 2024", "on Wednesday", "last year") is kept as
written; given the article's publication date it is resolved to an ISO date
range.  A claim is *historical* when its range ends more than about six
months (``historical_days`` in ``rules/time.json``) before publication.

A whole calendar year (or decade) that ended before the publication year is
historical however recent its last day: "in 2025" or "last year's earthquake"
in an article of January 2026 dates the event by a year that is over.

A "since ..." expression ("since 2014", "since March") names the start of a
state that holds up to publication ("Since 2014, Russia has occupied X"): it
resolves to the range from that start to the publication date and is never
historical.  The event of a since-*clause* with its own date ("since he seized
power in 2024") is dated by that inner expression and can be historical.
"Over the past two weeks" / "in recent years" reach up to publication too.

Without a publication date nothing relative can be resolved; explicit dates
still are.  Then a claim counts as historical when its expression is
intrinsically past ("two years ago", "last year", "a year earlier"), or when
its explicit date ends in a year earlier than the latest year the article
mentions (the article is then presumably written about that later year).

Publication dates are read in ISO 8601 and in the usual feed and wire forms
(:func:`parse_published`: "26-FEB-1987 18:23:47.08", "Thu, 26 Feb 1987 ...",
"February 26, 1987").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from geobrief.claims import precompiled
from geobrief.claims.gate import Gate
from geobrief.claims.rules import TimePattern, time_rules

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
    "couple of": 2,
    "a couple of": 2,
    "recent": 3,
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
    ongoing: bool = False  # "since 2014": a state from then up to publication, never historical


# Publication dates as feeds and wires write them; "MONTH" is any month name or abbreviation of
# time.json.  Day-first and month-first all-number forms ("02/03/1987") are ambiguous: not read.
_PUBLISHED_FORMATS = (
    r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)",  # 2025-03-01, 2025/03/01
    r"(?P<day>\d{1,2})-(?P<month>MONTH)-(?P<year>\d{4})(?!\d)",  # 26-FEB-1987 18:23:47.08 (Reuters)
    r"(?:[a-z]+\.?,?\s+)?(?P<day>\d{1,2})\s+(?P<month>MONTH)\.?,?\s+(?P<year>\d{4})(?!\d)",  # Thu, 26 Feb 1987
    r"(?:[a-z]+\.?,?\s+)?(?P<month>MONTH)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)",
)


@lru_cache(maxsize=1)
def _published_formats() -> tuple[re.Pattern[str], ...]:
    months = "(?:" + "|".join(sorted(time_rules().months, key=len, reverse=True)) + ")"
    return tuple(re.compile(r"\s*" + f.replace("MONTH", months), re.IGNORECASE) for f in _PUBLISHED_FORMATS)


def parse_published(published: str | None) -> date | None:
    """The date of a publication timestamp, or None.

    Parameters
    ----------
    published : str or None
        ``Article.published`` as the input gave it: ISO 8601 ("2025-03-01",
        "2025-03-01T10:00:00Z"), a wire timestamp ("26-FEB-1987 18:23:47.08"),
        an RFC 2822 feed date ("Thu, 26 Feb 1987 18:23:47 GMT") or a written
        date ("February 26, 1987", "26 February 1987").

    Returns
    -------
    datetime.date or None
        The calendar date; None when empty, unreadable or impossible.
    """
    if not published:
        return None
    months = time_rules().months
    for rx in _published_formats():
        m = rx.match(published)
        if not m:
            continue
        g = m.groupdict()
        month = int(g["mon"]) if g.get("mon") else months.get(g["month"].lower())
        try:
            return date(int(g["year"]), month or 0, int(g["day"]))
        except ValueError:
            return None
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
        if kind == "decade" and g.get("decade"):
            first = int(g["decade"])
            lo, hi = _DECADE_PARTS.get(part or "", (0, 9))
            return date(first + lo, 1, 1), date(first + hi, 12, 31)
        if pub is None:
            return None
        if kind == "recent":
            return pub - timedelta(days=_span_days(g)), pub
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


_DECADE_PARTS = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}

#: Time expressions that ``time.json`` lacks, in its format (``kind``, ``past``, regex with the same
#: placeholders): decades, and spans that reach up to publication ("over the past two weeks"), which
#: must win over the shorter "in the past" (vague past) inside them.  They belong in ``time.json``; they
#: live here while that table is being edited elsewhere.
_EXTRA_PATTERNS: tuple[tuple[str, bool, str], ...] = (
    (
        "decade",
        False,
        r"(?:(?:in|during|throughout|since|by|until|till) )?(?:the )?(?:(?P<part>early|mid|late)[ -])?"
        r"(?P<decade>(?:19|20)\d0)['’]?s",
    ),
    (
        "recent",
        False,
        r"(?:(?:in|over|during|for|within|throughout) the (?:past|last)|the past) "
        r"(?:(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of) )?"
        r"(?P<unit>hours?|days?|weeks?|months?|years?|decades?)",
    ),
    ("recent", False, r"(?:in|over|during) (?P<n>recent) (?P<unit>hours|days|weeks|months|years|decades)"),
)


@lru_cache(maxsize=1)
def _extra_patterns() -> tuple[TimePattern, ...]:
    return tuple(
        TimePattern(kind, past, precompiled.compile(rf"(?<![\w-])(?:{rx})(?![\w])", re.IGNORECASE))
        for kind, past, rx in _EXTRA_PATTERNS
    )


_UNIT_DAYS = {"hour": 1, "day": 1, "week": 7, "month": 30, "year": 365, "decade": 3650}


def _span_days(g: dict[str, str | None]) -> int:
    raw = (g.get("n") or "").lower()
    n = int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw, 1)
    unit = (g.get("unit") or "").lower().rstrip("s")
    if unit == "hour":
        return max(1, -(-n // 24))
    return _UNIT_DAYS.get(unit, 365) * n


_SINCE = re.compile(r"since\b", re.IGNORECASE)


_TIME_GATE: dict[int, tuple[object, tuple[TimePattern, ...], Gate]] = {}


@precompiled.flushing
def _time_gate() -> tuple[tuple[TimePattern, ...], Gate]:
    """The time patterns in order and a keyword gate over them (the same matches, less scanning).

    Made once per loaded time table (tests reload it with ``time_rules.cache_clear()``).
    """
    rules = time_rules()
    hit = _TIME_GATE.get(id(rules))
    if hit is None or hit[0] is not rules:
        patterns = (*rules.patterns, *_extra_patterns())
        _TIME_GATE.clear()
        hit = _TIME_GATE[id(rules)] = (rules, patterns, Gate(tp.pattern for tp in patterns))
    return hit[1], hit[2]


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
    patterns, gate = _time_gate()
    starts = gate.positions(text)  # each pattern tried only where its first words are
    for tp in patterns:
        for m in gate.finditer(tp.pattern, text, starts):
            hits.append((m.start(), -(m.end() - m.start()), tp, m))
    hits.sort(key=lambda h: (h[0], h[1]))
    for start, _neg_len, tp, m in hits:
        end = m.end()
        if any(start < e and end > s for s, e in taken):
            continue
        g = m.groupdict()
        rng = _resolve(tp.kind, g, pub, bool(future_at and start in future_at))
        lo, hi = rng if rng else (None, None)
        ongoing = bool(_SINCE.match(m.group().strip()))
        if ongoing and lo is not None:  # "since 2014": from its start up to publication (open without one)
            hi = max(lo, pub) if pub else None
        taken.append((start, end))
        found.append(
            TimeExpr(
                start=start,
                end=end,
                text=m.group().strip(),
                kind=tp.kind,
                past=tp.past and not ongoing,
                year=int(g["year"]) if g.get("year") else None,
                time_start=lo.isoformat() if lo else None,
                time_end=hi.isoformat() if hi else None,
                age_days=None if ongoing else _age_days(tp.kind, g),
                ongoing=ongoing,
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


# a year after "by" / "until" is a target or an end date ("withdraw by 2030", "a lease until 2040"),
# not the time the article is written in
_TARGET_YEAR = re.compile(
    r"\b(?:by|until|till|through)\s+(?:(?:early|mid|late|the end of)[ -])?$", re.IGNORECASE
)


def latest_year(text: str) -> int | None:
    """The latest plausible year (1900-2099) written in *text*, a stand-in for its date.

    Years written as targets or end dates ("by 2030", "until 2040") do not count.
    """
    years = [
        int(m.group(1))
        for m in re.finditer(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,])", text)
        if not _TARGET_YEAR.search(text[max(0, m.start() - 24) : m.start()])
    ]
    return max(years) if years else None


def _whole_years(t: TimeExpr) -> bool:
    """Whether *t* resolves to whole calendar years ("in 2019", "last year", "the 1990s")."""
    return bool(t.time_start and t.time_end and t.time_start[5:] == "01-01" and t.time_end[5:] == "12-31")


def is_historical(
    t: TimeExpr, published: str | None, reference_year: int | None, days: int | None = None
) -> bool:
    """Whether a claim dated by *t* lies in the past of the article.

    Parameters
    ----------
    t : TimeExpr
        The claim's time expression (from :func:`find_times`).
    published : str or None
        The article's publication date, in any form :func:`parse_published` reads.
    reference_year : int or None
        Without a publication date, the year the article presumably speaks from
        (:func:`latest_year` of its text).
    days : int, optional
        How long before publication a range must end; ``historical_days`` of
        ``time.json`` by default.

    Returns
    -------
    bool
        With a publication date: the resolved range ends more than ``days``
        before it, or it is a whole calendar year (or decade) before the
        publication year.  Without one: an intrinsically past expression, or a
        date ending in a year before *reference_year*.  Never for an ongoing
        "since ..." expression.
    """
    if t.ongoing:
        return False
    days = time_rules().historical_days if days is None else days
    pub = parse_published(published)
    if pub is not None and t.time_end is not None:
        end = date.fromisoformat(t.time_end)
        return end < pub - timedelta(days=days) or (_whole_years(t) and end.year < pub.year)
    if t.age_days is not None and t.time_end is None:
        return t.age_days > days
    if pub is not None or reference_year is None:
        return False
    year = date.fromisoformat(t.time_end).year if t.time_end else t.year
    return year is not None and year < reference_year
