"""The pure data model of a briefing.

Everything here is a frozen dataclass with no dependency beyond the standard
library: extraction produces these objects, rendering and exports only
consume them.  Offsets are Python ``str`` offsets into ``Article.text``,
end-exclusive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import geopandas

#: Closed set of event types (``shared/spec/status.md``), in display order.
EVENTS: tuple[str, ...] = (
    "military_presence",
    "withdrawal",
    "deployment",
    "attack",
    "control_change",
    "visit",
    "protest",
    "disaster",
)

#: Modalities, from the most to the least cautious when breaking ties.
MODALITIES: tuple[str, ...] = (
    "denied",
    "negated",
    "reported",
    "claimed",
    "requested",
    "planned",
    "confirmed",
    "asserted",
)

#: Modalities that hold a claim as true / as false (for the ``conflicting`` flag).
POSITIVE_MODALITIES = frozenset({"asserted", "confirmed", "reported"})
NEGATIVE_MODALITIES = frozenset({"denied", "negated"})

#: Kinds of place a gazetteer entry can be.
PLACE_KINDS: tuple[str, ...] = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "city",
    "facility",
    "airport",
    "region",
    "sea",
    "river",
    "landmark",
)
#: The kind of a resolved place no gazetteer holds (a street, building or neighbourhood) that the
#: resolver located at its town; not a gazetteer kind.
APPROXIMATE_KIND = "approximate"
#: The ``source`` of an approximate place starts with this, followed by its town's name.
APPROXIMATE_SOURCE = "approximate within "


def event_label(event: str, modality: str = "asserted") -> str:
    """Human label of a claim: ``reported withdrawal``, ``visit``.

    Parameters
    ----------
    event : str
        Event type, one of :data:`EVENTS`.
    modality : str
        Modality, one of :data:`MODALITIES`; ``asserted`` is not written.
    """
    words = event.replace("_", " ")
    return words if modality == "asserted" else f"{modality} {words}"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its text and what is known about it."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    origin: str | None = None  # file (and line) it was read from


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be read, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer entry a mention may refer to."""

    id: str  # stable, e.g. "geonames:170654", "airport:OSLK", "layer:facilities:…"
    name: str
    lat: float
    lon: float
    kind: str  # one of PLACE_KINDS, or APPROXIMATE_KIND for a place the resolver located approximately
    feature_code: str = ""  # GeoNames feature code where known (PPLC, ADM1, AIRB…)
    country_code: str = ""  # ISO 3166-1 alpha-2
    admin1: str = ""  # name of the first-level area it lies in
    population: int = 0
    source: str = ""  # data source, for provenance


@dataclass(frozen=True, slots=True)
class Mention:
    """A toponym as it stands in an article."""

    article_id: str
    start: int
    end: int
    text: str
    sentence_start: int = 0
    sentence_end: int = 0


@dataclass(frozen=True, slots=True)
class Resolution:
    """The gazetteer entry chosen for a mention (``place`` is None if unresolved)."""

    mention: Mention
    place: Candidate | None
    confidence: float = 0.0
    alternatives: tuple[Candidate, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words a claim rests on, in one article."""

    article_id: str
    start: int  # sentence (or clause) span in the article text
    end: int
    text: str
    mention_start: int  # the place mention inside it (article offsets)
    mention_end: int
    modality: str = "asserted"
    attribution: str | None = None
    inner_modality: str | None = None  # nested frame: "reports that X had requested …"
    time: str | None = None  # time expression as written ("in late 2024")
    time_start: str | None = None  # resolved ISO date range, if any
    time_end: str | None = None
    historical: bool = False
    confidence: float = 1.0  # probability that the text makes this claim here (the claim scorer's)
    story: str | None = None  # on a copy of an earlier article (geobrief.dedup): that article's id

    def to_dict(self) -> dict[str, Any]:
        d = {
            "article": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "mention_start": self.mention_start,
            "mention_end": self.mention_end,
            "modality": self.modality,
            "attribution": self.attribution,
            "inner_modality": self.inner_modality,
            "time": self.time,
            "time_start": self.time_start,
            "time_end": self.time_end,
            "historical": self.historical,
            "confidence": self.confidence,
        }
        if self.story is not None:
            d["story"] = self.story
        return d


def story_modalities(evidence: Iterable[Evidence]) -> list[str]:
    """One modality per distinct story and passage: the votes of a merged claim.

    Evidence of copies of one story (``Evidence.story``) counts once: the same
    passage with the same modality in ten copies is one vote, so a story pasted
    many times cannot outvote another one.

    Parameters
    ----------
    evidence : iterable of Evidence

    Returns
    -------
    list of str
        Modalities in first-seen order, one per (story, passage, modality).
    """
    seen: set[tuple[str, str, int, int, str]] = set()
    votes = []
    for e in evidence:
        key = (
            e.story or e.article_id,
            e.text,
            e.mention_start - e.start,
            e.mention_end - e.start,
            e.modality,
        )
        if key not in seen:
            seen.add(key)
            votes.append(e.modality)
    return votes


@dataclass(frozen=True, slots=True)
class Claim:
    """One event at one place, with its modality and evidence.

    A claim extracted from one article has one article's evidence; merged
    claims gather evidence across articles: ``sources`` counts the distinct
    stories behind it, ``copies`` the articles (copies of a story included).
    """

    place_id: str
    event: str
    modality: str = "asserted"
    attribution: str | None = None
    evidence: tuple[Evidence, ...] = ()
    conflicting: bool = False
    historical: bool = False
    time: str | None = None
    confidence: float = 1.0  # calibrated probability that the claim holds in the text (0-1)

    @property
    def label(self) -> str:
        return event_label(self.event, self.modality)

    @property
    def sources(self) -> int:
        """Distinct stories behind the claim (copies of one story count once)."""
        return len({e.story or e.article_id for e in self.evidence})

    @property
    def copies(self) -> int:
        """Articles behind the claim, every copy of a story counted."""
        return len({e.article_id for e in self.evidence})

    @property
    def modalities(self) -> dict[str, int]:
        """The modality split of the evidence, per story and passage: ``{"reported": 2, "asserted": 1}``.

        Most votes first, ties in the order of :data:`MODALITIES` (most cautious first).
        """
        counts: dict[str, int] = {}
        for m in story_modalities(self.evidence):
            counts[m] = counts.get(m, 0) + 1
        rank = {m: i for i, m in enumerate(MODALITIES)}
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank)))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "modality": self.modality,
            "label": self.label,
            "attribution": self.attribution,
            "sources": self.sources,
            "copies": self.copies,
            "modalities": self.modalities,
            "conflicting": self.conflicting,
            "historical": self.historical,
            "time": self.time,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
        }


#: Tie-break of :func:`main_claim`: news of a change (violence, a capture, forces leaving or
#: arriving) before a standing condition (a visit, a base that is simply there).
MAIN_CLAIM_PRIORITY: tuple[str, ...] = (
    "attack",
    "control_change",
    "withdrawal",
    "deployment",
    "disaster",
    "protest",
    "visit",
    "military_presence",
)


def main_claim(claims: Iterable[Claim]) -> Claim | None:
    """The claim that gives a place its colour and icon.

    Prefers current over historical, non-negated over negated or denied,
    then the most sources, then the order of :data:`MAIN_CLAIM_PRIORITY`
    (a reported withdrawal from a base outranks the base's presence).
    """

    def rank(c: Claim) -> tuple[int, int, int, int]:
        order = MAIN_CLAIM_PRIORITY
        return (
            int(c.historical),
            int(c.modality in NEGATIVE_MODALITIES),
            -c.sources,
            order.index(c.event) if c.event in order else len(order),
        )

    ranked = sorted(claims, key=rank)
    return ranked[0] if ranked else None


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place with everything the articles say about it."""

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    feature_code: str = ""
    country_code: str = ""
    admin1: str = ""
    source: str = ""
    confidence: float = 0.0
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    alternatives: tuple[Candidate, ...] = ()

    @property
    def articles(self) -> tuple[str, ...]:
        """Ids of the articles that mention the place, in first-seen order."""
        return tuple(dict.fromkeys(m.article_id for m in self.mentions))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.label for c in self.claims))

    @property
    def main_claim(self) -> Claim | None:
        return main_claim(self.claims)

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.text for m in self.mentions))

    def to_properties(self) -> dict[str, Any]:
        """The documented GeoJSON properties of the place (see README)."""
        main = self.main_claim
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "feature_code": self.feature_code,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "source": self.source,
            "confidence": round(self.confidence, 3),
            "status": main.label if main else "mentioned",
            "labels": list(self.labels),
            "claims": [c.to_dict() for c in self.claims],
            "mentions": len(self.mentions),
            "surface_forms": list(self.surface_forms),
            "articles": list(self.articles),
        }


@dataclass(frozen=True)
class Briefing:
    """The result of reading articles: places, claims, evidence, and what failed."""

    articles: tuple[Article, ...]
    places: tuple[Place, ...]
    unresolved: tuple[Resolution, ...] = ()
    failures: tuple[Failure, ...] = ()
    title: str = "Briefing"
    options: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: Articles that copy an earlier one (exactly or nearly, :mod:`geobrief.dedup`): copy id -> story id.
    duplicates: Mapping[str, str] = field(default_factory=dict)

    # -- lookups -------------------------------------------------------------
    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def place(self, name_or_id: str) -> Place:
        """The place with this id, or else the first whose name matches (case-insensitive)."""
        for p in self.places:
            if p.id == name_or_id:
                return p
        key = name_or_id.casefold()
        for p in self.places:
            if p.name.casefold() == key or key in (s.casefold() for s in p.surface_forms):
                return p
        raise KeyError(name_or_id)

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(c for p in self.places for c in p.claims)

    # -- frames (heavy imports stay inside) ----------------------------------
    @property
    def places_frame(self) -> geopandas.GeoDataFrame:
        """The places as a GeoDataFrame in EPSG:4326, one row per place."""
        from geobrief.frames import places_frame

        return places_frame(self)

    def to_geojson(self) -> dict[str, Any]:
        """The places as a GeoJSON FeatureCollection (plain dict)."""
        from geobrief.frames import places_geojson

        return places_geojson(self)

    # -- summaries -------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"Briefing(title={self.title!r}, articles={len(self.articles)}, places={len(self.places)}, "
            f"claims={len(self.claims)}, unresolved={len(self.unresolved)}, failures={len(self.failures)})"
        )

    def __str__(self) -> str:
        """A short summary: counts, then the places with claims (at most ten)."""
        claimed = [p for p in self.places if p.claims]
        lines = [
            f"{self.title}: {_count(len(self.articles), 'article')}, {_count(len(self.places), 'place')} "
            f"({len(claimed)} with claims), {_count(len(self.claims), 'claim')}, "
            f"{_count(len(self.unresolved), 'unresolved mention')}, {_count(len(self.failures), 'failed input')}"
        ]
        for p in claimed[:10]:
            lines.append(f"  {p.name}: {', '.join(p.labels)}")
        if len(claimed) > 10:
            lines.append(f"  ... and {len(claimed) - 10} more")
        return "\n".join(lines)

    # Rendering lives in geobrief.render (the model imports nothing of it);
    # the old methods (save, to_map, layers) and Jupyter's _repr_html_ are
    # looked up in MOVED, which geobrief/__init__.py fills.
    def __getattr__(self, name: str) -> Any:
        method = MOVED.get(name)
        if method is None:
            raise AttributeError(f"'Briefing' object has no attribute {name!r}")
        return partial(method, self)


#: Briefing methods that moved to the render layer: name -> function(briefing, ...).
MOVED: dict[str, Callable[..., Any]] = {}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
