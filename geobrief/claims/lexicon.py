"""The broad event-cue lexicon of the recall-first extractor (``rules/lexicon.json``).

Cues are word sequences per event type, kept as data with an example and a counter-example each
(like spaCy ``Matcher`` patterns).  :meth:`Lexicon.find` lists every cue in a token sequence;
what a cue means for a place is left to the candidate scorer (:mod:`geobrief.claims.scorer`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import compress

from geobrief.claims import precompiled
from geobrief.errors import GeobriefError
from geobrief.model import EVENTS

__all__ = ["CueEntry", "CueHit", "Lexicon", "lexicon"]


@dataclass(frozen=True, slots=True)
class CueEntry:
    """One lexicon entry: cue word sequences of one event and the contexts that veto them."""

    id: str
    event: str
    cues: tuple[tuple[str, ...], ...]
    unless_prev: tuple[tuple[str, ...], ...] = ()
    unless_next: tuple[tuple[str, ...], ...] = ()
    lowercase_only: bool = False
    example: str = ""
    counter: str = ""


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue found in a token sequence: tokens ``[start, end)`` and its entry."""

    start: int
    end: int
    entry: CueEntry

    @property
    def event(self) -> str:
        return self.entry.event


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.casefold().split())


def _by_length(phrases: Sequence[tuple[str, ...]]) -> dict[int, frozenset]:
    """Word tuples grouped by their length."""
    out: dict[int, set] = {}
    for p in phrases:
        out.setdefault(len(p), set()).add(p)
    return {n: frozenset(ps) for n, ps in out.items()}


class Lexicon:
    """Event cues indexed by their first word."""

    def __init__(
        self,
        entries: Sequence[CueEntry],
        definitional: dict[str, float] | None = None,
        restatements: dict[str, re.Pattern[str]] | None = None,
    ) -> None:
        self.entries = tuple(entries)
        #: kind ("country", "here") -> pattern of words restating a place (``restatements``)
        self.restatements = dict(restatements or {})
        #: role -> least probability of a candidate linked by that role (``definitional_roles``)
        self.definitional = dict(definitional or {})
        self._by_first: dict[str, list[tuple[tuple[str, ...], CueEntry]]] = {}
        for entry in self.entries:
            for cue in entry.cues:
                self._by_first.setdefault(cue[0], []).append((cue, entry))
        for options in self._by_first.values():
            options.sort(key=lambda o: -len(o[0]))  # longest cue first
        # each entry's vetoes grouped by length: one set lookup per length, not one test per phrase
        self._vetoes: dict[int, tuple[dict[int, frozenset], dict[int, frozenset]]] = {
            id(entry): (_by_length(entry.unless_prev), _by_length(entry.unless_next))
            for entry in self.entries
        }

    @classmethod
    def from_data(cls, data: dict) -> Lexicon:
        """Build from the JSON structure of ``rules/lexicon.json``.

        Raises
        ------
        GeobriefError
            If an entry names an unknown event or has no cue.
        """
        entries = []
        for raw in data["entries"]:
            if raw.get("event") not in EVENTS:
                raise GeobriefError(f"lexicon entry {raw.get('id')!r}: unknown event {raw.get('event')!r}")
            cues = tuple(_words(c) for c in raw.get("cues", []) if c.strip())
            if not cues:
                raise GeobriefError(f"lexicon entry {raw.get('id')!r}: no cue")
            entries.append(
                CueEntry(
                    id=raw["id"],
                    event=raw["event"],
                    cues=cues,
                    unless_prev=tuple(_words(w) for w in raw.get("unless_prev", []) if w.strip()),
                    unless_next=tuple(_words(w) for w in raw.get("unless_next", []) if w.strip()),
                    lowercase_only=bool(raw.get("lowercase_only", False)),
                    example=raw.get("example", ""),
                    counter=raw.get("counter", ""),
                )
            )
        definitional = {
            k: float(v) for k, v in data.get("definitional_roles", {}).items() if isinstance(v, (int, float))
        }
        restatements = {
            kind: precompiled.compile(spec["pattern"], re.IGNORECASE)
            for kind, spec in data.get("restatements", {}).items()
            if isinstance(spec, dict)
        }
        return cls(entries, definitional, restatements)

    def find(self, words: Sequence[str], raw: Sequence[str] | None = None) -> list[CueHit]:
        """Every cue in ``words`` (lower-case tokens; ``raw`` the same tokens as written).

        An entry matches at most once per start token (its longest cue); vetoed matches (a word
        of ``unless_prev`` right before, of ``unless_next`` right after) are left out.
        """
        hits: list[CueHit] = []
        n = len(words)
        by_first = self._by_first
        # only the tokens that open a cue (a set test per token, in C)
        for i in compress(range(n), map(by_first.__contains__, words)):
            options = by_first[words[i]]
            seen: set[str] = set()
            for cue, entry in options:
                if entry.id in seen:
                    continue
                j = i + len(cue)
                if j > n or tuple(words[i:j]) != cue:
                    continue
                seen.add(entry.id)
                if entry.lowercase_only and raw is not None and raw[i] != raw[i].casefold():
                    continue
                prev, nxt = self._vetoes[id(entry)]
                if prev and any(i >= n and tuple(words[i - n : i]) in ps for n, ps in prev.items()):
                    continue
                if nxt and any(tuple(words[j : j + n]) in ps for n, ps in nxt.items()):
                    continue
                hits.append(CueHit(i, j, entry))
        return hits


@cache
@precompiled.flushing
def lexicon() -> Lexicon:
    """The packaged lexicon (read once)."""
    text = resources.files("geobrief").joinpath("rules", "lexicon.json").read_text(encoding="utf-8")
    return Lexicon.from_data(json.loads(text))
