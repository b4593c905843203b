"""Loading the claim pattern tables of ``geobrief/rules/`` (data, not code).

The tables are JSON files shipped as package data:

``events.json``
    Event cue groups: an event type, cue regexes and the roles by which a place
    mention links to a cue (see the ``_doc`` field of the file).
``modality.json``
    Outer frames (reported, claimed, confirmed, denied) and local cues
    (negated, requested, planned), attribution nouns.
``time.json``
    Time expressions and how to resolve them.

Everything is compiled once and cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geobrief.claims import precompiled
from geobrief.claims.gate import Gate
from geobrief.errors import GeobriefError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

#: Roles by which a place links to a cue.
ROLES = ("after", "object", "passive", "subject", "modifier", "locative", "self")


class RulesError(GeobriefError, ValueError):
    """A claim rule table is missing or malformed."""


def _load(name: str) -> dict[str, Any]:
    path = RULES_DIR / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RulesError(f"cannot load rule table {path}: {exc}") from exc


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    # longest alternatives first so "air base" wins over "base" at the same position
    ordered = sorted(patterns, key=len, reverse=True)
    body = "|".join(f"(?:{p})" for p in ordered)
    try:
        return precompiled.compile(rf"(?<!\w)(?:{body})(?![\w])", re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"bad cue pattern in {patterns!r}: {exc}") from exc


def _whole(pattern: str) -> re.Pattern[str]:
    try:
        return precompiled.compile(pattern, re.IGNORECASE | re.DOTALL)
    except re.error as exc:
        raise RulesError(f"bad sentence pattern {pattern!r}: {exc}") from exc


@dataclass(frozen=True)
class CueGroup:
    """One row group of ``events.json``."""

    event: str  # an event type or "by_context"
    patterns: dict[str, re.Pattern[str]]  # role -> compiled cue alternation
    after: tuple[tuple[str, ...], ...]  # linking prepositions, as word tuples
    window: int
    where: bool
    force_event: str | None
    force_cues: re.Pattern[str] | None  # cues that become force_event after a force noun; others are dropped
    needs_force: bool = False  # the cues count only after a force noun ("the army ... moved into X")
    needs_context: bool = (
        False  # by_context cues that need a deciding noun in their clause (no article theme)
    )
    default_event: str | None = None  # event of a by_context cue when no noun decides
    demonym_modifier: bool = False  # a demonym right before the cue names the place ("the Chilean wildfires")
    subject_not_in_pp: bool = False  # passive/subject roles need the place as the subject, not in a PP
    people_of: frozenset[str] = frozenset()  # "residents of X" before an unlinked cue: the place they leave
    people_of_cues: re.Pattern[str] | None = None  # the cues that may take it ("evacuate", "fled")
    locative_unblock: frozenset[str] = (
        frozenset()
    )  # locative blockers that do locate this event ("workers in X")
    needs_fire_article: bool = False  # the cues count only in an article that names a wildfire
    main_clause_cues: re.Pattern[str] | None = None  # "... X after troops withdrew": X of the main clause
    goods_subject: bool = False  # a visit cue after a goods noun is none ("vaccines would arrive in X")


@dataclass(frozen=True)
class EventRules:
    groups: tuple[CueGroup, ...]
    context: dict[str, re.Pattern[str]]  # disaster / attack / none nouns
    force_nouns: re.Pattern[str]
    np_fillers: frozenset[str]
    after_np_words: int
    locative_preps: frozenset[str]
    locative_blockers: frozenset[str]
    locative_window: int
    light_verbs: re.Pattern[str]
    topic_markers: re.Pattern[str]
    purpose_phrases: re.Pattern[str]
    skip_sentences: tuple[re.Pattern[str], ...] = ()
    anaphors: re.Pattern[str] | None = None  # "the town": the nearest place named just before it
    anaphor_kinds: frozenset[str] = frozenset()
    anaphor_not_after: re.Pattern[str] | None = None
    fire_article: re.Pattern[str] | None = None  # an article naming a wildfire ("wildfire", "forest fire")
    fire_words: re.Pattern[str] | None = None  # "the fire", "the blaze", "flames": disaster nouns there
    goods_nouns: re.Pattern[str] | None = None  # things that arrive without visiting ("vaccines", "aid")
    people_nouns: re.Pattern[str] | None = None  # ... unless a person noun is nearer ("aid workers")
    main_subordinators: frozenset[str] = frozenset()  # "after", "as", "when": a temporal clause
    main_events: frozenset[str] = frozenset()  # events of the main clause whose place it takes
    goods_verbs: re.Pattern[str] | None = None  # the arrival cues this applies to ("arrive", "reach")
    list_coordinators: tuple[tuple[str, ...], ...] = ()  # "as well as": a list continues after it


@dataclass(frozen=True)
class Frame:
    modality: str
    speaker: str  # before / after / none
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LocalCue:
    modality: str
    window: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ModalityRules:
    frames: tuple[Frame, ...]
    local: tuple[LocalCue, ...]
    negation_cancel: re.Pattern[str]
    modal_cancel: re.Pattern[str]
    negation_barriers: frozenset[str]
    modal_barriers: frozenset[str]
    post_negation: re.Pattern[str]
    post_planned: re.Pattern[str]
    attribution_nouns: frozenset[str]
    frame_cancel: re.Pattern[str] | None = None
    news_outlets: tuple[str, ...] = ()
    outlet_nouns: tuple[str, ...] = ()
    self_citation_verbs: frozenset[str] = frozenset()
    self_citation_tails: re.Pattern[str] = re.compile(r"$^")


@dataclass(frozen=True)
class TimePattern:
    kind: str
    past: bool
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class TimeRules:
    patterns: tuple[TimePattern, ...]
    months: dict[str, int]
    weekdays: tuple[str, ...]
    historical_days: int


@lru_cache(maxsize=1)
@precompiled.flushing
def event_rules() -> EventRules:
    """The compiled event cue table."""
    data = _load("events.json")
    groups = []
    for g in data["groups"]:
        cues = g["cues"]
        patterns: dict[str, re.Pattern[str]] = {}
        if g.get("after"):
            patterns["after"] = _alternation(g.get("after_cues", cues))
        for role in ("object", "passive", "subject", "modifier"):
            if g.get(role):
                patterns[role] = _alternation(g.get(f"{role}_cues", cues))
        if g.get("locative"):
            patterns["locative"] = _alternation(g.get("locative_cues", cues))
        if g.get("self_cues"):
            body = "|".join(f"(?:{c})" for c in g["self_cues"])
            patterns["self"] = precompiled.compile(rf"(?<!\w)(?:{body})$", re.IGNORECASE)
        groups.append(
            CueGroup(
                event=g["event"],
                patterns=patterns,
                after=tuple(tuple(p.split()) for p in g.get("after", [])),
                window=int(g.get("window", 4)),
                where=bool(g.get("where", False)),
                force_event=g.get("force_event"),
                force_cues=_alternation(g["force_cues"]) if g.get("force_cues") else None,
                needs_context=bool(g.get("needs_context", False)),
                needs_force=bool(g.get("needs_force", False)),
                default_event=g.get("default_event"),
                demonym_modifier=bool(g.get("demonym_modifier", False)),
                subject_not_in_pp=bool(g.get("subject_not_in_pp", False)),
                people_of=frozenset(w.casefold() for w in g.get("people_of", [])),
                people_of_cues=_alternation(g["people_of_cues"]) if g.get("people_of_cues") else None,
                locative_unblock=frozenset(w.casefold() for w in g.get("locative_unblock", [])),
                needs_fire_article=bool(g.get("needs_fire_article", False)),
                goods_subject=bool(g.get("goods_subject", False)),
                main_clause_cues=_alternation(g["main_clause_cues"]) if g.get("main_clause_cues") else None,
            )
        )
    ctx = {k: _alternation(v) for k, v in data["context"].items() if not k.startswith("_")}
    return EventRules(
        groups=tuple(groups),
        context=ctx,
        force_nouns=_alternation(data["force_nouns"]),
        np_fillers=frozenset(data["np_fillers"]),
        after_np_words=int(data.get("after_np_words", 4)),
        locative_preps=frozenset(data["locative_preps"]),
        locative_blockers=frozenset(data["locative_blockers"]),
        locative_window=int(data.get("locative_window", 14)),
        light_verbs=_alternation(data.get("light_verbs", ["$^"])),
        topic_markers=_alternation(data.get("topic_markers", ["$^"])),
        purpose_phrases=_alternation(data.get("purpose_phrases", ["$^"])),
        skip_sentences=tuple(_whole(p) for p in data.get("skip_sentences", [])),
        anaphors=_whole(data["anaphors"]["pattern"]) if data.get("anaphors") else None,
        anaphor_kinds=frozenset(data.get("anaphors", {}).get("kinds", [])),
        anaphor_not_after=_whole(data["anaphors"]["not_after"])
        if data.get("anaphors", {}).get("not_after")
        else None,
        fire_article=_alternation(data["fire_articles"]["article"]) if data.get("fire_articles") else None,
        fire_words=_alternation(data["fire_articles"]["words"]) if data.get("fire_articles") else None,
        goods_nouns=_alternation(data["goods_subjects"]["goods"]) if data.get("goods_subjects") else None,
        people_nouns=_alternation(data["goods_subjects"]["people"]) if data.get("goods_subjects") else None,
        main_subordinators=frozenset(data.get("main_clause", {}).get("subordinators", [])),
        main_events=frozenset(data.get("main_clause", {}).get("events", [])),
        goods_verbs=_alternation(data["goods_subjects"]["verbs"]) if data.get("goods_subjects") else None,
        list_coordinators=tuple(tuple(c.casefold().split()) for c in data.get("list_coordinators", [])),
    )


@lru_cache(maxsize=1)
@precompiled.flushing
def modality_rules() -> ModalityRules:
    """The compiled modality, negation and attribution tables."""
    data = _load("modality.json")
    frames = tuple(Frame(f["modality"], f["speaker"], _alternation(f["cues"])) for f in data["frames"])
    local = tuple(LocalCue(c["modality"], int(c["window"]), _alternation(c["cues"])) for c in data["local"])
    return ModalityRules(
        frames=frames,
        local=local,
        negation_cancel=_alternation(data["negation_cancel"]),
        modal_cancel=_alternation(data["modal_cancel"]),
        negation_barriers=frozenset(data["negation_barriers"]),
        modal_barriers=frozenset(data["modal_barriers"]),
        post_negation=_alternation(data["post_negation"]),
        post_planned=_alternation(data["post_planned"]),
        attribution_nouns=frozenset(data["attribution_nouns"]),
        frame_cancel=_alternation(data["frame_cancel"]) if data.get("frame_cancel") else None,
        news_outlets=tuple(o.casefold() for o in data.get("news_outlets", [])),
        outlet_nouns=tuple(n.casefold() for n in data.get("outlet_nouns", [])),
        self_citation_verbs=frozenset(v.casefold() for v in data.get("self_citation", {}).get("verbs", [])),
        self_citation_tails=_whole(
            r"(?:" + "|".join(data.get("self_citation", {}).get("tails", [])) + r")\b"
            if data.get("self_citation")
            else r"$^"
        ),
    )


@lru_cache(maxsize=1)
@precompiled.flushing
def time_rules() -> TimeRules:
    """The compiled time-expression table."""
    data = _load("time.json")
    months = {m: i + 1 for i, m in enumerate(data["months"])}
    months.update({k: int(v) for k, v in data["month_abbr"].items()})
    month_re = "(?:" + "|".join(sorted(months, key=len, reverse=True)) + ")"
    weekday_re = "(?:" + "|".join(data["weekdays"]) + ")"
    patterns = []
    for p in data["patterns"]:
        rx = p["regex"].replace("MONTH", month_re).replace("WEEKDAY", weekday_re)
        try:
            compiled = precompiled.compile(rf"(?<![\w-])(?:{rx})(?![\w])", re.IGNORECASE)
        except re.error as exc:
            raise RulesError(f"bad time pattern {p['regex']!r}: {exc}") from exc
        patterns.append(TimePattern(p["kind"], bool(p.get("past", False)), compiled))
    return TimeRules(
        patterns=tuple(patterns),
        months=months,
        weekdays=tuple(data["weekdays"]),
        historical_days=int(data.get("historical_days", 183)),
    )


@lru_cache(maxsize=1)
@precompiled.flushing
def claim_gate() -> Gate:
    """One keyword gate over the sentence patterns of the event and modality tables.

    (The denial patterns of ``conflicts.json`` have their own gate in
    :mod:`geobrief.claims.conflicts`: they run on every sentence, not only on those with a place.)
    """
    events, modality = event_rules(), modality_rules()
    patterns: list[re.Pattern[str]] = [rx for g in events.groups for rx in g.patterns.values()]
    patterns += list(events.context.values())
    if events.fire_words is not None:
        patterns.append(events.fire_words)
    patterns += [f.pattern for f in modality.frames] + [c.pattern for c in modality.local]
    if modality.frame_cancel is not None:
        patterns.append(modality.frame_cancel)
    return Gate(patterns)
