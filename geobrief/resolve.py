"""Toponym resolution: choose the gazetteer entry each mention refers to.

The final choice is the learned candidate ranker's (:mod:`geobrief.ranker`): each candidate's
feature vector, built by :meth:`Resolver.table` from the terms below and from population,
kind, match kind, common words, the article's focus and its countries, is scored with the
weights of ``geobrief/rules/ranker.json`` (``Resolver(ranker=None)`` keeps the hand-weighted
sum of the terms).  Each candidate of a name gets its terms from

* its importance (the prior): kind (continent, country, first-level area,
  city…), population, capital or seat status, how the name matched (name,
  alias, abbreviation, demonym).  A country outranks towns of its name;
  a first-level area's seat outranks the area unless the text says
  "province" ("Tartus" / "Tartus province");
* the article's other names, as probability-weighted votes: the countries
  and first-level areas they may be in (the article's focus), areas named
  outright, sibling areas ("Nevada, New Mexico, Oregon") and sibling
  countries ("Benin, Niger, Togo"), capitals standing for governments in
  international news, and spatial coherence at two scales (for each other
  name, its closest plausible reading: "Paris and Henry County" pull each
  other to Tennessee; a town and the county around it pull much harder);
* "City, State" / "City, Country" / "Area, Country" patterns ("Paris, Ky.",
  "Queensland, Australia"), not in lists;
* lists: the names of one list ("Ontario, Quebec and Manitoba") are read at
  one level (country, first-level area, county, city);
* the text's own words: "Washington state", "the state of Washington".

A name the gazetteer lacks may still be read as the well-known place it is
part of ("North London", "Kasai Occidental"), or as another transliteration
of a country or of an area of a country the story names ("Daqahliya").

A name the gazetteer lacks that names a feature of a place the article names ("Greer Station",
"the Port of Los Angeles", "St. Marys River" after "St. Marys") takes that place's reading, and a
shortened repeat ("Petersburg" after "St. Petersburg") the longer name's.  A sparsely peopled
first-level area ranks below a big city of its name (Jamaica's Portland parish, Portland, Oregon),
and an alternate (often former) name of a lesser town below the towns bearing the name as their
own.  A lesser place far from all the story's other places, or a town read only by an alternate
name with nothing near it, keeps its reading at a low confidence (at most 0.5 / 0.6).

Votes start from the priors and are refined three times.  All mentions of
one name in an article share one reading ("one sense per discourse"),
except that a "City, State" pattern pins its own mention.  A mention whose
name the gazetteer does not know stays unresolved (``place=None``) and is
kept; the runners-up are kept as ``alternatives`` and the score margin
gives the ``confidence``.
"""

from __future__ import annotations

import math
import operator
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from geobrief.gazetteer.index import Match
from geobrief.geo import EARTH_RADIUS_KM, haversine_km
from geobrief.model import APPROXIMATE_KIND, APPROXIMATE_SOURCE, Candidate, Mention, Resolution
from geobrief.ranker import FEATURES
from geobrief.recognize import dateline_span, local_feature_word
from geobrief.text import name_key

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.gazetteer import Gazetteer

_ARABIC_ARTICLES = ("al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ath", "adh")
_MAJOR = frozenset({"continent", "country", "admin1"})
# Base importance of a kind, before population (log10 scale, like population).
_KIND_BASE = {
    "continent": 9.6,
    "country": 9.5,
    "admin1": 8.0,
    "sea": 6.0,
    "region": 6.0,
    "river": 5.5,
    "landmark": 4.5,
    "facility": 4.5,
    "city": 0.0,
    "admin2": 3.2,
    "airport": 2.0,
}
# A first-level area with fewer people than 10**_ADMIN1_FULL_POP (summed over its places) ranks lower,
# by _ADMIN1_POP_SLOPE per log10 unit: Jamaica's Portland parish is no match for Portland, Oregon.
_ADMIN1_FULL_POP = 6.0
# For an alias reading of a lesser place when other places bear the name as their own.
_MINOR_ALIAS_PENALTY = 1.0
_ADMIN1_POP_SLOPE = 1.5
_ADMIN1_FLOOR = 4.5
_MATCH_PENALTY = {"name": 0.0, "alias": 0.4, "abbrev": 0.3, "demonym": 0.2}
# Trailing words a mention may carry that the gazetteer name may lack ("Hmeimim Air Base").
_STRIP_SUFFIXES = (
    "air base",
    "airbase",
    "air force base",
    "naval base",
    "military base",
    "base",
    "airfield",
    "air field",
    "international airport",
    "airport",
    "county",
    "parish",
    "province",
    "district",
    "governorate",
    "region",
    "state",
    "city",
    "township",
    "oblast",
)
# Words naming a part of a place: "North London" is in London, "Kasai Occidental" in Kasai.
_PART_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "upper",
        "lower",
        "greater",
        "inner",
        "outer",
        "downtown",
        "metropolitan",
        # after the name, in French and Spanish usage ("Kasai Occidental")
        "occidental",
        "oriental",
        "septentrional",
        "meridional",
        "norte",
        "sur",
        # the land around a well-known place ("Salinas Valley", "Korean Peninsula", "Dallas area")
        "valley",
        "peninsula",
        "area",
        "metro",
    }
)
_KM_PER_RAD = EARTH_RADIUS_KM


_CONTAINMENT = FEATURES.index("containment")
_MARGIN = FEATURES.index("hand_margin")
_KIND_FEATURES = {
    "country": FEATURES.index("kind_country"),
    "admin1": FEATURES.index("kind_admin1"),
    "admin2": FEATURES.index("kind_admin2"),
    "city": FEATURES.index("kind_city"),
    "sea": FEATURES.index("kind_water"),
    "river": FEATURES.index("kind_water"),
    "region": FEATURES.index("kind_region"),
    "continent": FEATURES.index("kind_continent"),
}
_MATCH_FEATURES = {
    "alias": FEATURES.index("match_alias"),
    "abbrev": FEATURES.index("match_abbrev"),
    "demonym": FEATURES.index("match_demonym"),
}
# The features of a candidate that depend on it alone (log10 population, kind, capital, seat), in
# the order of FEATURES, and the match kind's one-hot part (see _features and _feat)
_STATIC_FEATURES = slice(FEATURES.index("log_pop"), FEATURES.index("seat") + 1)
_MATCH_PART = slice(FEATURES.index("match_alias"), FEATURES.index("match_demonym") + 1)
_MATCH_ONEHOT = {
    kind: tuple(1.0 if i == index else 0.0 for i in range(_MATCH_PART.start, _MATCH_PART.stop))
    for kind, index in _MATCH_FEATURES.items()
}
_NO_MATCH = (0.0,) * (_MATCH_PART.stop - _MATCH_PART.start)
assert (
    FEATURES.index("hand_prob") + 1 == _STATIC_FEATURES.start and _STATIC_FEATURES.stop == _MATCH_PART.start
)
assert FEATURES[_MATCH_PART.stop : _MATCH_PART.stop + 7] == (
    "common_word_minor",
    "well_known",
    "focus_distance",
    "country_share",
    "namesakes_minor",
    "gazetteer_rank",
    "dateline_distance",
)
_LN_MAX_KM = math.log1p(20039.0)
#: Candidates this far behind the best by the hand-weighted score get no features (and cannot win).
FEATURE_WINDOW = 8.0
_FAR = [0.0] * len(FEATURES)
_FAR[FEATURES.index("hand_margin")] = -1000.0
# How many names' worth a dateline's place weighs in the article's focus.
_DATELINE_FOCUS = 3.0


@dataclass(slots=True)
class CandidateTable:
    """The candidates of an article's names and their features (see :meth:`Resolver.table`).

    ``gmembers[g]`` are the mentions (indexes) of name group ``g``, ``gcands[g]`` its candidates,
    ``hand[g][k]`` the hand-weighted score and ``features[g][k]`` the feature vector (in the order
    of :data:`geobrief.ranker.FEATURES`) of candidate ``k``; ``local`` the groups without a
    candidate that name a street, building, venue or neighbourhood (see
    :func:`geobrief.recognize.local_feature_word`).
    """

    keys: list[str]
    gmembers: list[list[int]]
    group_of: list[int]
    gcands: list[tuple[Match, ...]]
    linked: dict[int, int]
    own_bonus: dict[int, list[float]]
    pair_bonus: list[list[float]]
    hand: list[list[float]]
    features: list[list[list[float]]]
    local: dict[int, str]  # group without a candidate -> the word making it a street, building or
    # neighbourhood ("" for another place the recogniser found by context: a village, a camp, an oilfield)


def _dot(w: tuple[float, ...], x: list[float]) -> float:
    return sum(map(operator.mul, w, x))


def _features(
    text: str,
    mentions: Sequence[Mention],
    gmembers: list[list[int]],
    keys: list[str],
    gcands: list[tuple[Match, ...]],
    priors: list[list[float]],
    pair_bonus: list[list[float]],
    parts: list[list[tuple[float, float, float, float, float]]],
    probs: list[list[float]],
) -> list[list[list[float]]]:
    """Feature vectors of every candidate (see :data:`geobrief.ranker.FEATURES`)."""
    common = _common_words()
    # the article's focus: the mean direction of each name's likeliest local reading
    # (countries, continents and seas left out: they say little about where the story is)
    tops: list[tuple[float, float, float, str] | None] = []
    fx = fy = fz = 0.0
    # a wire dateline ("KABUL, May 3 -") says where the story was filed: the default focus
    dl = dateline_span(text)
    dateline = next(
        (
            g
            for g, ms in enumerate(gmembers)
            if dl and any((mentions[i].start, mentions[i].end) == dl for i in ms)
        ),
        None,
    )
    dl_point: tuple[float, float] | None = None
    country_count: dict[str, int] = defaultdict(int)
    for g, cs in enumerate(gcands):
        if not cs:
            tops.append(None)
            continue
        k = max(range(len(cs)), key=probs[g].__getitem__)
        c = cs[k].candidate
        country_count[c.country_code] += 1
        if c.kind in ("continent", "country", "sea", "region"):
            tops.append((0.0, 0.0, 0.0, c.country_code))
            continue
        la, lo = math.radians(c.lat), math.radians(c.lon)
        # a common word read as a lesser place ("August") is a doubtful guess: it barely moves the focus;
        # the dateline moves it most
        w = 0.1 if keys[gmembers[g][0]] in common and not _well_known(c) else 1.0
        if g == dateline:
            w = _DATELINE_FOCUS
            dl_point = (c.lat, c.lon)
        v = (w * math.cos(la) * math.cos(lo), w * math.cos(la) * math.sin(lo), w * math.sin(la))
        tops.append((*v, c.country_code))
        fx, fy, fz = fx + v[0], fy + v[1], fz + v[2]
    named = sum(1 for t in tops if t is not None)
    out: list[list[list[float]]] = []
    for g, cs in enumerate(gcands):
        rows: list[list[float]] = []
        if not cs:
            out.append(rows)
            continue
        own = tops[g]
        gx, gy, gz = fx, fy, fz
        others = named - 1
        if own is not None:
            gx, gy, gz = gx - own[0], gy - own[1], gz - own[2]
        norm = math.sqrt(gx * gx + gy * gy + gz * gz)
        focus = (
            (math.degrees(math.asin(max(-1.0, min(1.0, gz / norm)))), math.degrees(math.atan2(gy, gx)))
            if norm > 1e-6
            else None
        )
        is_common = keys[gmembers[g][0]] in common
        many = math.log(len(cs))
        best = max(s for *_, s in parts[g])
        for k, m in enumerate(cs):
            c = m.candidate
            f = _feat(c)
            sup, town, lst, near, score = parts[g][k]
            if score - best < -FEATURE_WINDOW:
                rows.append(_FAR)  # hopelessly behind: not worth its features
                continue
            known = f[10]
            x = [
                priors[g][k],
                pair_bonus[g][k],
                sup,
                town,
                lst,
                near,
                score - best,
                probs[g][k],
                *f[9],  # population, kind, capital, seat: the candidate's own, computed once
                *_MATCH_ONEHOT.get(m.match, _NO_MATCH),
                1.0 if is_common and not known else 0.0,
                1.0 if known else 0.0,
                math.log1p(haversine_km(c.lat, c.lon, focus[0], focus[1])) / _LN_MAX_KM
                if focus is not None
                else 0.5,
                (
                    country_count.get(c.country_code, 0)
                    - (1 if own is not None and own[3] == c.country_code else 0)
                )
                / others
                if others > 0
                else 0.0,
                0.0 if known else many,
                math.log1p(k),
                math.log1p(haversine_km(c.lat, c.lon, dl_point[0], dl_point[1])) / _LN_MAX_KM
                if dl_point is not None and g != dateline
                else 0.5,
            ]
            rows.append(x)
        out.append(rows)
    return out


class Resolver:
    """Context-aware toponym resolver over a :class:`~geobrief.gazetteer.Gazetteer`.

    Parameters
    ----------
    gazetteer : Gazetteer
        The place index.
    max_alternatives : int
        How many runner-up candidates to keep on each resolution.
    ranker : sequence of float, str or None
        Weights of the learned candidate ranker, one per :data:`geobrief.ranker.FEATURES`:
        ``"default"`` loads the shipped ``geobrief/rules/ranker.json``, a string another such
        file, a sequence the weights themselves; None ranks by the hand-weighted score.
    approximate : bool
        Locate streets, buildings, venues and neighbourhoods that no gazetteer holds at the town
        named with them, else at the article's main town (kind ``"approximate"``, low confidence).
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        max_alternatives: int = 4,
        ranker: Sequence[float] | str | None = "default",
        approximate: bool = True,
    ) -> None:
        self.gazetteer = gazetteer
        self.max_alternatives = max_alternatives
        self.approximate = approximate
        self._matches: dict[str, tuple[Match, ...]] = {}  # surface form -> matches (names recur)
        if isinstance(ranker, str):
            from geobrief.ranker import load_weights

            self.weights = load_weights() if ranker == "default" else load_weights(ranker)
        else:
            self.weights = None if ranker is None else tuple(float(w) for w in ranker)

    # -- candidates --------------------------------------------------------
    def matches(self, surface: str) -> tuple[Match, ...]:
        """Gazetteer matches of a surface form, trying common variants.

        Tries the key as written, without / with an Arabic article
        ("al-Qamishli" / "Qamishli"), a plural demonym ("Palestinians"),
        and without a designator or facility word ("Laurel County" ->
        "Laurel", "Hmeimim Air Base" -> "Hmeimim").  See also :meth:`part_of`.
        """
        got = self._matches.get(surface)
        if got is None:
            got = self._matches_uncached(surface)
            if len(self._matches) >= 100_000:
                self._matches.clear()
            self._matches[surface] = got
        return got

    def _matches_uncached(self, surface: str) -> tuple[Match, ...]:
        gaz = self.gazetteer
        key = name_key(surface)
        if not key:
            return ()
        tried = [key]
        head, _, rest = key.partition(" ")
        if rest and head in _ARABIC_ARTICLES:
            tried.append(rest)
        elif " " not in key:
            tried.append("al " + key)
        if key.endswith("s") and len(key) > 4:
            tried.append(key[:-1])
        for suffix in _STRIP_SUFFIXES:
            if key.endswith(" " + suffix):
                tried.append(key[: -len(suffix) - 1])
                break
        if key.startswith("the "):
            tried.append(key[4:])
        for k in tried:
            if k in gaz:
                got = gaz.lookup(k)
                if k is not key and k == key[:-1]:  # plural: only demonyms ("Palestinians")
                    got = tuple(m for m in got if m.match == "demonym")
                if got:
                    return got
        return ()

    def part_of(self, surface: str) -> tuple[Match, ...]:
        """The well-known places a name names a part of: "North London", "Salinas Valley", "Kasai Occidental".

        A fallback for names the gazetteer lacks; the whole must be a proper name ("West Midlands"
        is no part of a "Midlands", "Central Plateau" of a "Plateau").
        """
        gaz = self.gazetteer
        key = name_key(surface)
        head, _, rest = key.partition(" ")
        part, _, tail = key.rpartition(" ")
        for word, whole in ((head, rest), (tail, part)):
            if word in _PART_WORDS and whole and whole not in _common_words() and whole in gaz:
                got = tuple(m for m in gaz.lookup(whole) if _well_known(m.candidate))
                if got:
                    return got
        return ()

    # -- scoring -----------------------------------------------------------
    @staticmethod
    def prior(m: Match) -> float:
        """Context-free importance of a candidate (log10-population scale)."""
        return _prior_base(m.candidate) - _MATCH_PENALTY.get(m.match, 0.0)

    def resolve(self, text: str, mentions: Sequence[Mention]) -> list[Resolution]:
        """Resolve each mention of one article.

        Parameters
        ----------
        text : str
            The article text (for "City, State" patterns).
        mentions : sequence of Mention
            The article's mentions, any order.

        Returns
        -------
        list of Resolution
            One per mention, in the same order; ``place`` is None where the
            gazetteer has no candidate.
        """
        if not mentions:
            return []
        t = self.table(text, mentions)
        weights = self.weights
        if weights is None:
            scores = t.hand
        else:
            far = _dot(weights, _FAR)  # (the same for every hopeless candidate)
            scores = [[far if x is _FAR else _dot(weights, x) for x in xs] for xs in t.features]
        return self._choose(text, t, mentions, scores, weights)

    def table(self, text: str, mentions: Sequence[Mention]) -> CandidateTable:
        """The candidates of each distinct name of an article, with their ranking features.

        Parameters
        ----------
        text : str
            The article text.
        mentions : sequence of Mention
            The article's mentions (at least one), any order.

        Returns
        -------
        CandidateTable
            Groups of mentions sharing a name, their candidates, and per candidate the feature
            vector of :data:`geobrief.ranker.FEATURES` and the hand-weighted score.
        """
        n = len(mentions)
        # one group per distinct name key: one reading per name in an article
        keys = [name_key(m.text) for m in mentions]
        gindex: dict[str, int] = {}
        gmembers: list[list[int]] = []
        gcands: list[tuple[Match, ...]] = []
        for i, k in enumerate(keys):
            g = gindex.get(k)
            if g is None:
                g = gindex[k] = len(gmembers)
                gmembers.append([])
                gcands.append(self.matches(mentions[i].text)[:_MAX_CANDIDATES])
            gmembers[g].append(i)
        ng = len(gmembers)
        # a feature or part named after a place the article names ("Greer Station", "the Port of
        # Los Angeles", "St. Marys River" after "St. Marys") lies at that place: it takes its reading
        linked: dict[int, int] = {}
        for g in range(ng):
            if not gcands[g]:
                h = gindex.get(_core_name(keys[gmembers[g][0]]))
                if h is not None and h != g and gcands[h]:
                    linked[g] = h
        # a name the gazetteer lacks may name a part of a well-known place ("North London") or be
        # another transliteration of a country or of an area ("Daqahliya", "Menoufia"): readings
        # in a country the story is about, or a country itself
        unknown = [g for g in range(ng) if not gcands[g] and g not in linked]
        if unknown:
            story = {cs[0].candidate.country_code for cs in gcands if cs}
            spelling = getattr(self.gazetteer, "spelling_variants", None)
            for g in unknown:
                key = keys[gmembers[g][0]]
                got = tuple(
                    m
                    for m in self.part_of(mentions[gmembers[g][0]].text)
                    if m.candidate.kind in ("continent", "country") or m.candidate.country_code in story
                )
                if not got and spelling is not None:
                    got = tuple(
                        Match(c, "alias")
                        for c in spelling(key, story)
                        if (c.kind == "country" and len(key) >= 6)
                        or (c.kind == "admin1" and c.country_code in story)
                    )
                gcands[g] = got[:_MAX_CANDIDATES]
        group_of = [gindex[k] for k in keys]

        # "City, State" / "City, Country": the mention right after ", " contains this one
        order = sorted(range(n), key=lambda k: mentions[k].start)
        pair_bonus: list[list[float]] = [[0.0] * len(cs) for cs in gcands]
        own_bonus: dict[int, list[float]] = {}  # mention -> its own pattern bonus
        # list neighbours ("Benin, Niger and Togo"): names in one list are read at one level
        neighbours: list[set[int]] = [set() for _ in range(ng)]
        # the containment bonuses of a pair of names depend on the names alone: computed once per
        # pair, however often a long list repeats it
        contained: dict[tuple[int, int], list[float] | None] = {}
        for pos, (a, b) in enumerate(zip(order, order[1:], strict=False)):
            ga, gb = group_of[a], group_of[b]
            if ga == gb or not gcands[ga] or not gcands[gb]:
                continue
            gap = text[mentions[a].end : mentions[b].start]
            sep = gap.strip()
            # a lone comma is a "City, State" pattern, not a list
            if (
                len(gap) <= 7
                and sep in _LIST_SEPARATORS
                and (sep != "," or self._in_list(text, mentions, order, pos))
            ):
                neighbours[ga].add(gb)
                neighbours[gb].add(ga)
            if gap.strip() not in (",", "(") or len(gap) > 3:
                continue
            if self._in_list(text, mentions, order, pos) and not any(
                m.candidate.kind == "city" for m in gcands[ga][:3]
            ):
                continue  # "Arizona, California, Colorado": a list, not "City, State"; but a list of
                # "City, State" pairs is one ("Nashville, Tennessee, Richmond, Virginia")
            if (ga, gb) in contained:
                mine = contained[ga, gb]
                if mine is not None:
                    own_bonus[a] = mine
                continue  # the group-level bonuses of this pair are already given
            if any(m.candidate.kind in _MAJOR and m.match == "name" for m in gcands[ga][:3]) and not any(
                m.candidate.kind == "country" for m in gcands[gb][:3]
            ):
                contained[ga, gb] = None
                continue  # "Illinois, Missouri": a state is not inside another; "Queensland, Australia" is
            mine = [self._contained(m.candidate, gcands[gb]) for m in gcands[ga]]
            contained[ga, gb] = mine
            own_bonus[a] = mine
            for k, bonus in enumerate(mine):
                if bonus > pair_bonus[ga][k]:
                    pair_bonus[ga][k] = bonus
            # and the container is read as an area holding the place: "Pullman, Washington" is the state
            held = {
                (m.candidate.country_code, name_key(m.candidate.admin1)) for m in gcands[ga][:_MAX_CANDIDATES]
            }
            held_cc = {cc for cc, _ in held}
            for k, m in enumerate(gcands[gb]):
                x = m.candidate
                if (x.kind == "admin1" and (x.country_code, name_key(x.name)) in held) or (
                    x.kind == "country" and x.country_code in held_cc
                ):
                    pair_bonus[gb][k] = max(pair_bonus[gb][k], 2.0)

        feats = [[_feat(m.candidate) for m in cs] for cs in gcands]
        priors = [
            [f[11] - _MATCH_PENALTY.get(m.match, 0.0) for f, m in zip(fs, cs, strict=True)]
            for fs, cs in zip(feats, gcands, strict=True)
        ]
        for g, cs in enumerate(gcands):
            # "Tartus" is the city, "Tartus province" the area named after it
            area_word = self._area_word_after(text, mentions[gmembers[g][0]])
            # "Washington state", "the state of Washington": the text itself says it is an area
            if any(
                self._area_word_after(text, mentions[i])
                or _AREA_OF.search(text[max(0, mentions[i].start - 30) : mentions[i].start])
                for i in gmembers[g]
            ):
                area_word = True
                for k, m in enumerate(cs):
                    if m.candidate.kind in ("admin1", "admin2"):
                        priors[g][k] += _AREA_CUE_BONUS
            # "the Atlantic", "the Gulf", "the Mississippi": a sea or river, rarely a town
            if any(
                text[max(0, mentions[i].start - 4) : mentions[i].start].casefold() == "the "
                for i in gmembers[g]
            ):
                for k, m in enumerate(cs):
                    if m.candidate.kind in ("sea", "river"):
                        priors[g][k] += _THE_BONUS
            # countries where this name is a first-level area's name too
            areas = {m.candidate.country_code for m in cs if m.candidate.kind == "admin1"}
            area_names = {
                m.candidate.country_code for m in cs if m.candidate.kind == "admin1" and m.match == "name"
            }
            area_keys = {
                (m.candidate.country_code, name_key(m.candidate.name)): m.candidate.population
                for m in cs
                if m.candidate.kind == "admin1" and m.match == "name"
            }
            if areas and not area_word:
                for k, m in enumerate(cs):
                    c = m.candidate
                    # a seat, or a city whose own name this is while the area's is longer
                    # ("Tartus" vs "Tartus Governorate")
                    if (
                        c.kind == "city"
                        and c.country_code in areas
                        and c.population >= 10_000
                        and (
                            c.feature_code in _SEATS
                            or (m.match == "name" and c.country_code not in area_names)
                            # the namesake area's main city ("São Paulo"), not a lesser one ("Quebec")
                            or (
                                m.match == "name"
                                and c.population >= 100_000
                                and c.population * 10
                                >= area_keys.get((c.country_code, name_key(c.admin1)), 0)
                                > 0
                            )
                        )
                    ):
                        priors[g][k] = max(priors[g][k], _KIND_BASE["admin1"] + 0.5)
            # a country outranks towns of its name, not a first-level area of its name ("Georgia")
            if any(m.match == "name" and m.candidate.kind == "country" for m in cs):
                for k, m in enumerate(cs):
                    if m.candidate.kind == "admin1" and m.match == "name":
                        priors[g][k] += _KIND_BASE["country"] - _KIND_BASE["admin1"]
            # a name that is a well-known place's own name is not also an alternate name of another
            # ("Mexico" is the country, not Mexico City; "Illinois" is the state)
            # unless the alias holder is of a higher rank than every area holding the name ("Zaire":
            # the country, not the province); a populous city keeps its name ("Gold Coast")
            named = [m.candidate for m in cs if m.match == "name"]
            named_rank = max(
                (_RANK.get(c.kind, 0) for c in named if c.kind in _MAJOR or c.population >= 100_000),
                default=-1,
            )
            if any(c.kind == "city" and c.population >= 100_000 for c in named):
                named_rank = max(_RANK.values())
            # an alternate name of a lesser place (often a former name: "Southport", once Kenosha) is
            # less likely than a place that bears the name as its own
            if named:
                for k, m in enumerate(cs):
                    if m.match == "alias" and not _well_known(m.candidate):
                        priors[g][k] -= _MINOR_ALIAS_PENALTY
            if named_rank >= 0:
                # enough to rank the alias below the well-known namesake, not below every hamlet of
                # the name ("Newcastle": Newcastle upon Tyne, not a village in Northern Ireland)
                known = max(
                    priors[g][k]
                    for k, m in enumerate(cs)
                    if m.match == "name" and (m.candidate.kind in _MAJOR or m.candidate.population >= 100_000)
                )
                for k, m in enumerate(cs):
                    if m.match == "alias" and _RANK.get(m.candidate.kind, 0) <= named_rank:
                        p = priors[g][k]
                        priors[g][k] -= 1.5 if p >= known else min(1.5, known + _ALIAS_MARGIN - p)
        # names whose likeliest readings are all towns of comparable importance ("London": England or
        # Ontario): there a named country decides more than where a country or state competes
        # ("Georgia"), and more than it could for a hamlet against a world city
        comparable: list[list[int]] = []
        for g, cs in enumerate(gcands):
            top = max(priors[g], default=0.0)
            near = [k for k in range(len(cs)) if priors[g][k] > top - _TOWN_WINDOW]
            comparable.append(near if all(cs[k].candidate.kind == "city" for k in near) else [])
        scores = [list(p) for p in priors]
        # the hand-weighted terms of each candidate, kept apart in the last pass as ranking features
        parts: list[list[tuple[float, float, float, float, float]]] = []
        for _ in range(3):
            probs = [_softmax(sc) for sc in scores]
            ctx = _Context.build(gcands, feats, probs)
            scores = []
            parts = []
            queries: list[tuple[int, int]] = []
            rows: list[tuple[list[float], list[float], list[float]]] = []
            for g in range(ng):
                sup = ctx.supports(g, feats[g], gcands[g])
                sc = [priors[g][k] + pair_bonus[g][k] + sup[k] for k in range(len(gcands[g]))]
                town = [0.0] * len(sc)
                for k in comparable[g]:
                    town[k] = _TOWN_COUNTRY_WEIGHT * ctx.named(g, feats[g][k][0])
                    sc[k] += town[k]
                lst = [0.0] * len(sc)
                if neighbours[g]:
                    level: dict[str, float] = defaultdict(float)
                    for h in neighbours[g]:
                        for m, p in zip(gcands[h], probs[h], strict=True):
                            level[_level(m.candidate.kind)] += p
                    for k, m in enumerate(gcands[g]):
                        same = level.get(_level(m.candidate.kind), 0.0)
                        lst[k] = _LIST_WEIGHT * min(same, _LIST_CAP)
                        sc[k] += lst[k]
                # spatial coherence only for the leading candidates (it adds at most _MAX_SPATIAL),
                # for all names at once below
                if len(sc) > 1 and ctx.points:
                    top = max(sc)
                    queries.extend(
                        (g, k)
                        for k in range(len(sc))
                        if sc[k] > top - _MAX_SPATIAL and gcands[g][k].candidate.kind not in _NO_NEARNESS
                    )
                scores.append(sc)
                rows.append((sup, town, lst))
            nears = ctx.nearness_batch(queries, feats, gcands)
            near_of: list[list[float]] = [[0.0] * len(sc) for sc in scores]
            for (g, k), v in zip(queries, nears, strict=True):
                near_of[g][k] = v
                scores[g][k] += v
            for g in range(ng):
                sup, town, lst = rows[g]
                parts.append(list(zip(sup, town, lst, near_of[g], scores[g], strict=True)))
        probs = [_softmax(sc) for sc in scores]
        features = _features(text, mentions, gmembers, keys, gcands, priors, pair_bonus, parts, probs)
        # names the recogniser is sure of that no gazetteer holds (no candidate is left only for a
        # name with no match at all): streets, buildings, venues and neighbourhoods (by their head
        # word), and villages, camps, oilfields, rivers it found by context (""); located
        # approximately. A name with candidates whose reading is doubted stays unresolved.
        local: dict[int, str] = {}
        for g in range(ng):
            if not gcands[g] and g not in linked:
                i = gmembers[g][0]
                word = local_feature_word(mentions[i].text, text[mentions[i].end : mentions[i].end + 20])
                local[g] = word or ""
        return CandidateTable(
            keys, gmembers, group_of, gcands, linked, own_bonus, pair_bonus, scores, features, local
        )

    def _choose(
        self,
        text: str,
        t: CandidateTable,
        mentions: Sequence[Mention],
        scores: list[list[float]],
        weights: tuple[float, ...] | None,
    ) -> list[Resolution]:
        """Each mention's reading from its group's candidate scores (see :meth:`resolve`)."""
        keys, gmembers, group_of, gcands, linked = t.keys, t.gmembers, t.group_of, t.gcands, t.linked
        own_bonus, pair_bonus = t.own_bonus, t.pair_bonus
        ng = len(gmembers)
        # what a containment bonus weighs, to pin a "City, State" mention's own reading: its own
        # feature and its share of the hand-weighted margin
        w_pair = 1.0 if weights is None else weights[_CONTAINMENT] + weights[_MARGIN]
        # confidence from the score margin, on the hand-weighted score's scale (the claim scorer and
        # the map's lighter pins read it): the ranker's margin is mostly its hand-margin weight times it
        scale = 1.5 if weights is None else 1.5 / max(weights[_MARGIN], 0.1)
        results = [self._result(gcands[g], scores[g], scale) for g in range(ng)]
        for g, h in linked.items():
            results[g] = results[h]
        self._shortened(keys, gmembers, gcands, results)
        _doubt_isolated(
            results,
            [gcands[linked.get(g, g)] for g in range(ng)],
            [keys[gmembers[linked.get(g, g)][0]] for g in range(ng)],
        )
        if self.approximate and t.local:
            _approximate(text, t, mentions, results)
        out: list[Resolution] = []
        for i, m in enumerate(mentions):
            g = group_of[i]
            if i in own_bonus and len(gmembers[g]) > 1:
                # "Paris, Texas ... Paris, Ky.": a pattern pins this mention's own reading
                sc = [
                    s + w_pair * (o - b)
                    for s, b, o in zip(scores[g], pair_bonus[g], own_bonus[i], strict=True)
                ]
                place, conf, alts = self._result(gcands[g], sc, scale)
            else:
                place, conf, alts = results[g]
            out.append(Resolution(m, place, conf, alts))
        return out

    def _result(
        self, cs: tuple[Match, ...], sc: list[float], scale: float = 1.5
    ) -> tuple[Candidate | None, float, tuple[Candidate, ...]]:
        """Best candidate, confidence from the score margin, and alternatives."""
        if not cs:
            return (None, 0.0, ())
        ranked = sorted(range(len(cs)), key=lambda k: -sc[k])
        best = ranked[0]
        margin = sc[best] - sc[ranked[1]] if len(ranked) > 1 else 4.0 * 1.5 / scale
        conf = 1.0 / (1.0 + math.exp(-scale * margin))
        seen = {cs[best].candidate.id}
        alts: list[Candidate] = []
        for k in ranked[1:]:
            c = cs[k].candidate
            if c.id not in seen:
                seen.add(c.id)
                alts.append(c)
            if len(alts) >= self.max_alternatives:
                break
        return (cs[best].candidate, round(min(conf, 0.99), 3), tuple(alts))

    @staticmethod
    def _shortened(
        keys: list[str],
        gmembers: list[list[int]],
        gcands: list[tuple[Match, ...]],
        results: list[tuple[Candidate | None, float, tuple[Candidate, ...]]],
    ) -> None:
        """A shortened repeat of a longer name of the article keeps the longer name's reading.

        "St. Petersburg ... Petersburg", "Lake Cumberland ... Cumberland": when the longer names
        ending in this one agree on one place and it is among this name's candidates.
        """
        gkeys = [keys[ms[0]] for ms in gmembers]
        # the names ending in each word-suffix of a name ("st petersburg" -> "petersburg"), in order:
        # each name looks up its longer forms instead of comparing itself with every other name
        ending: dict[str, list[int]] = defaultdict(list)
        for h, long in enumerate(gkeys):
            for pos, ch in enumerate(long):
                if ch == " ":
                    ending[long[pos + 1 :]].append(h)
        for g, short in enumerate(gkeys):
            if not gcands[g] or len(short) < 4:
                continue
            found = {
                results[h][0].id: results[h]
                for h in ending.get(short, ())
                if h != g and results[h][0] is not None
            }
            if len(found) != 1:
                continue
            ((pid, res),) = found.items()
            if (
                results[g][0] is not None
                and results[g][0].id != pid
                and any(m.candidate.id == pid for m in gcands[g])
            ):
                results[g] = res

    @staticmethod
    def _area_word_after(text: str, m: Mention) -> bool:
        """Whether the mention names an area: "Idlib province", "Aleppo governorate"."""
        words = (m.text + " " + text[m.end : m.end + 20]).casefold().split()
        return any(
            w.strip(".,;:") in _AREA_WORDS for w in words[len(m.text.split()) : len(m.text.split()) + 1]
        ) or any(w in _AREA_WORDS for w in m.text.casefold().split()[1:])

    @staticmethod
    def _in_list(text: str, mentions: Sequence[Mention], order: list[int], pos: int) -> bool:
        """Whether the mentions ``order[pos]`` and ``order[pos + 1]`` stand in a list of three or more names."""
        a, b = order[pos], order[pos + 1]
        if pos > 0:
            before = text[mentions[order[pos - 1]].end : mentions[a].start].strip()
            if before in (",", ";"):
                return True
        if pos + 2 < len(order):
            after = text[mentions[b].end : mentions[order[pos + 2]].start].strip()
            if after in (",", "and", ", and", "or", ", or", ";"):
                return True
        return False

    @staticmethod
    def _contained(c: Candidate, container: tuple[Match, ...]) -> float:
        """Bonus when a candidate lies in one of the container mention's candidates."""
        best = 0.0
        for cm in container[:_MAX_CANDIDATES]:
            x = cm.candidate
            if x.kind == "country" and x.country_code == c.country_code and c.kind != "country":
                best = max(best, 4.0)
            elif (
                x.kind == "admin1"
                and c.kind != "admin1"
                and x.country_code == c.country_code
                and c.admin1
                and name_key(c.admin1) == name_key(x.name)
            ):
                return 5.0
        return best


#: Confidence of an approximate location (a street or building placed at its town).
APPROXIMATE_CONFIDENCE = 0.3
# Words between a local place and the town holding it: "Royal Street in New Orleans", "Main St., Hull".
_WITHIN = re.compile(r"\s*(?:,|in|at|of|, in)\s*", re.IGNORECASE)


def _approximate(
    text: str,
    t: CandidateTable,
    mentions: Sequence[Mention],
    results: list[tuple[Candidate | None, float, tuple[Candidate, ...]]],
) -> None:
    """Locate each recognised name without a candidate at the smallest place the article supports.

    A street, building, venue or neighbourhood goes to the town named right after it ("Royal Street
    in New Orleans", "St. Mary's Church, Hull"), else to the article's main town: the town read for
    the most mentions (the earliest on a tie).  Any other name the recogniser found by its context
    (a village, a camp, an oilfield, a river) goes to the place named right after it or its list
    ("the villages of Foua and Kfraya in Idlib", "Kisima, Kenya") or before it as an owner ("Iran's
    Sassan oilfield"), else to the article's main region (the first-level area or country read for
    the most mentions): a town says nothing of where a village or an oilfield lies.  Without any
    such place the name stays unresolved.
    """

    def most_read(kinds: tuple[str, ...]) -> Candidate | None:
        ranked = [
            (len(t.gmembers[g]), -min(mentions[i].start for i in t.gmembers[g]), g)
            for g, r in enumerate(results)
            if r[0] is not None and r[0].kind in kinds
        ]
        return results[max(ranked)[2]][0] if ranked else None

    focus_town = most_read(("city",))
    focus_region = None
    order = sorted(range(len(mentions)), key=lambda k: mentions[k].start)
    position = {i: pos for pos, i in enumerate(order)}
    for g, word in t.local.items():
        if results[g][0] is not None:
            continue
        i = t.gmembers[g][0]
        if word:
            town, kinds = focus_town, _TOWN_KINDS
        else:
            if focus_region is None:
                focus_region = most_read(("admin1", "country")) or most_read(("admin2",))
            town, kinds = focus_region, _CONTAINER_KINDS
        first = pos = position[i]
        # past the other names of a list without a candidate ("Foua and Kfraya in Idlib")
        while not word and pos + 1 < len(order):
            j = order[pos + 1]
            gj = t.group_of[j]
            gap = text[mentions[order[pos]].end : mentions[j].start]
            if gj in t.local and not t.local[gj] and _LIST_GAP.fullmatch(gap):
                pos += 1
                continue
            break
        last = mentions[order[pos]]
        named_after = False
        if pos + 1 < len(order):
            j = order[pos + 1]
            nxt = results[t.group_of[j]][0]
            same = mentions[j].sentence_start == mentions[i].sentence_start
            gap = text[last.end : mentions[j].start]
            within = _WITHIN if word else _WITHIN_AREA
            if nxt is not None and nxt.kind in kinds and same and within.fullmatch(gap):
                town, named_after = nxt, True
        if not word and not named_after and first > 0:
            j = order[first - 1]
            prv = results[t.group_of[j]][0]
            gap = text[mentions[j].end : mentions[i].start]
            if prv is not None and prv.kind in kinds and _OWNER_GAP.fullmatch(gap):
                town = prv
        if town is None:
            continue
        place = Candidate(
            f"approximate:{t.keys[i].replace(' ', '-')}@{town.id}",
            mentions[i].text,
            town.lat,
            town.lon,
            APPROXIMATE_KIND,
            "",
            town.country_code,
            town.admin1,
            0,
            APPROXIMATE_SOURCE + town.name,
        )
        results[g] = (place, APPROXIMATE_CONFIDENCE, (town,))


_TOWN_KINDS = ("city", "admin2")
_CONTAINER_KINDS = ("city", "admin2", "admin1", "country", "sea")
# Between a village, camp or oilfield and the area holding it: "X in Idlib", "X in the northern Gulf".
_WITHIN_AREA = re.compile(r"\s*(?:,|in|at|of|near|off|, in)(?:\s+the)?\s*", re.IGNORECASE)
# Between two names of a list: "X, Y and Z".
_LIST_GAP = re.compile(r"\s*(?:,|,? and|,? or|&)\s*", re.IGNORECASE)
# An owner before a name: "Iran's Sassan oilfield", "the Georgian-controlled villages of" is no owner.
_OWNER_GAP = re.compile(r"['’]s\s+(?:\w+\s+){0,2}", re.IGNORECASE)


_SPATIAL_WEIGHT = 1.0
# A second, short-range kernel: a town and the county around it, or two neighbouring towns,
# corroborate each other much more than two places of one region.
_LOCAL_WEIGHT = 1.0
_LOCAL_KM = 25.0
# ... and a county or landmark named in the story pulls the towns around it hardest ("Paris ... Brant
# County", "Paris ... the Champs-Elysees").
_LOCAL_WEIGHT_AREA = 2.0
_LIST_SEPARATORS = frozenset({",", "and", ", and", "or", ", or", ";", "&", "/"})
# Bonus per unit of list neighbours' probability on the same level (kind), and its cap.
_LIST_WEIGHT = 1.5
_LIST_CAP = 1.0
_LEVELS = frozenset({"continent", "country", "admin1", "admin2", "city"})
# Per country named elsewhere in the story (at most 3), for a country reading of its own name.
_SIBLING_COUNTRY_WEIGHT = 0.7
# A first-level area holding 1/_FOCUS_SHARE of the other names (or more) gives its full support.
_FOCUS_SHARE = 8.0
# How far below its well-known namesake an alias reading starts.
_ALIAS_MARGIN = 0.5
# For the area readings of a name the text calls an area ("Washington state").
_AREA_CUE_BONUS = 2.0
# For a sea or river reading of a name written with "the".
_THE_BONUS = 2.0
# For a town in a country the story names, among towns whose priors lie within _TOWN_WINDOW.
_TOWN_COUNTRY_WEIGHT = 1.0
_TOWN_WINDOW = 3.0
# For a place in a country the story names (any kind but country and continent).
_NAMED_COUNTRY_WEIGHT = 0.8
_RANK = {"continent": 3, "country": 2, "admin1": 1}
_SEATS = frozenset({"PPLA", "PPLC"})
_AREA_OF = re.compile(
    r"\b(?:state|province|governorate|region|oblast|prefecture|department|county|parish|district)"
    r" of (?:the )?$",
    re.IGNORECASE,
)
_AREA_WORDS = frozenset(
    {"province", "governorate", "state", "region", "oblast", "prefecture", "department", "county"}
)
_CAPITAL_WEIGHT = 0.7
_POINTS_PER_NAME = 8
# Most a name's spatial coherence adds (other names' closeness, summed).
_NEAR_CAP = 4.0
_MAX_SPATIAL = _NEAR_CAP * _SPATIAL_WEIGHT
# Kinds that get no spatial coherence.
_NO_NEARNESS = frozenset({"continent", "country", "admin1"})
# Spatial coherence of a name counts the names within this many distinct names of it (in order of
# first mention): every name of an ordinary article (the gold corpora have at most 43), a bounded
# neighbourhood in a document of thousands, so its cost stays linear.
_NEAR_WINDOW = 200
_NEAR_BLOCK = 64
# Latitude difference (radians) beyond which a point is surely over 1000 km away (with a margin
# for rounding, so that the check never drops a point the distance itself would keep).
_NEAR_LAT = 1000.0 / EARTH_RADIUS_KM * 1.000001
# Below this many (candidate, point) pairs spatial coherence is computed in a plain loop.
_NEAR_LOOP_PAIRS = 3000

#: Most candidates of one name considered (best-first from the gazetteer).
_MAX_CANDIDATES = 40


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """English words common in lower case (the recogniser's word list, ``recog_common_words.tsv``)."""
    from geobrief.recognize import _tables  # its tables hold every word of the file (cached on disk)

    return frozenset(_tables().zipf)


# A lesser place this far from every other place of the story, in none of its countries, is a guess;
# so is a town read only by an alternate name (often a former or foreign name, or a spelling variant)
# with no other place of the story near it.
_ISOLATED_KM = 1500.0
_ISOLATED_CONFIDENCE = 0.5
_SOLE_ALIAS_NEAR_KM = 150.0
_SOLE_ALIAS_CONFIDENCE = 0.6
_SHORT_FORMS = (
    ("st ", "saint "),
    ("ste ", "sainte "),
    ("mt ", "mount "),
    ("ft ", "fort "),
    ("pt ", "point "),
)


def _doubt_isolated(
    results: list[tuple[Candidate | None, float, tuple[Candidate, ...]]],
    gcands: list[tuple[Match, ...]],
    keys: list[str],
) -> None:
    """Lower the confidence of guesses that nothing else in the story supports.

    "Holbrook, New South Wales" among a dozen Ohio towns is a guess however clear its margin over
    other readings of the name: it keeps its reading, at confidence at most 0.5.  A town that is
    the only reading of a name, by one of its alternate names, keeps at most 0.6 unless another
    place of the story lies near it.
    """
    places = {r[0].id: r[0] for r in results if r[0] is not None}
    near = _Nearby(list(places.values()))
    per_country: dict[str, int] = defaultdict(int)
    for o in places.values():
        per_country[o.country_code] += 1
    for k, (c, conf, alts) in enumerate(results):
        if c is None or _well_known(c):
            continue
        if (
            conf > _SOLE_ALIAS_CONFIDENCE
            and c.kind == "city"
            and all(m.match == "alias" and m.candidate.id == c.id for m in gcands[k])
            and not _short_form_of(keys[k], c)
            and not near.any_within(c, _SOLE_ALIAS_NEAR_KM)
        ):
            conf = _SOLE_ALIAS_CONFIDENCE
        if (
            conf > _ISOLATED_CONFIDENCE
            and len(places) - 1 >= 2
            and c.kind not in ("sea", "region", "river")
            and per_country[c.country_code] <= 1  # no other place of the story in its country
            and not near.any_within(c, _ISOLATED_KM)
        ):
            conf = _ISOLATED_CONFIDENCE
        results[k] = (c, conf, alts)


class _Nearby:
    """Whether any other of a story's places lies within a distance of a place.

    A plain loop over the places for an ordinary story; for thousands of places, only those
    within the distance's latitude band are measured (with NumPy), so the check stays cheap.
    """

    __slots__ = ("places", "lats", "order", "arrays")

    #: Up to this many places, the plain loop.
    LOOP = 256

    def __init__(self, places: list[Candidate]) -> None:
        self.places = places
        self.arrays: tuple | None = None
        if len(places) > self.LOOP:
            import numpy as np

            lat = np.array([p.lat for p in places])
            order = np.argsort(lat, kind="stable")
            self.order = order
            self.lats = lat[order]
            lon = np.array([p.lon for p in places])[order]
            ids = [places[i].id for i in order.tolist()]
            self.arrays = (np.radians(self.lats), np.radians(lon), ids)

    def any_within(self, c: Candidate, km: float) -> bool:
        """Whether a place other than ``c`` lies at most ``km`` from it."""
        if self.arrays is None:
            return any(haversine_km(c.lat, c.lon, o.lat, o.lon) <= km for o in self.places if o.id != c.id)
        import numpy as np

        rlat, rlon, ids = self.arrays
        band = km / EARTH_RADIUS_KM * 180.0 / math.pi * 1.001 + 1e-9  # degrees, with a margin
        lo, hi = np.searchsorted(self.lats, (c.lat - band, c.lat + band))
        if lo >= hi:
            return False
        p1 = math.radians(c.lat)
        p2 = rlat[lo:hi]
        dl = rlon[lo:hi] - math.radians(c.lon)
        a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        d = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        hits = np.flatnonzero(d <= km)
        return any(ids[lo + int(i)] != c.id for i in hits)


def _short_form_of(key: str, c: Candidate) -> bool:
    """Whether a name key is the candidate's own name written short ("St. Paris", "Mt. Airy")."""
    for short, full in _SHORT_FORMS:
        if key.startswith(short):
            key = full + key[len(short) :]
            break
    own = name_key(c.name)
    return key == own or key.replace(" ", "") == own.replace(" ", "")


# Words around a place's name that make it the name of a feature at or of that place.
_FEATURE_LEAD = ("town of ", "city of ", "village of ", "township of ", "port of ", "lake ")
_FEATURE_TRAIL = (
    " river",
    " lake",
    " creek",
    " falls",
    " station",
    " township",
    " twp",
    " park",
    " harbor",
    " harbour",
    " bay",
    " dam",
    " reservoir",
    " square",
    " downtown",
)


def _core_name(key: str) -> str:
    """The place name inside a feature's name key: "greer station" -> "greer"; "" if none."""
    core = key
    for lead in _FEATURE_LEAD:
        if core.startswith(lead):
            core = core[len(lead) :]
            break
    for trail in _FEATURE_TRAIL:
        if core.endswith(trail):
            core = core[: -len(trail)]
            break
    return core if core != key else ""


def _prior_base(c: Candidate) -> float:
    """:meth:`Resolver.prior` before the match kind's penalty: kind, population, capital or seat."""
    pop = math.log10(c.population + 1) if c.population > 0 else 0.0
    base = _KIND_BASE.get(c.kind, 0.0)
    if c.kind == "city":
        s = max(pop, 2.5)
        if c.feature_code == "PPLC":
            s += 1.0
        elif c.feature_code in ("PPLA", "PPLA2"):
            s += 0.3
    elif c.kind in ("admin2",):
        s = base + 0.3 * pop
    elif c.kind == "admin1" and 0 < pop < _ADMIN1_FULL_POP:
        s = max(base - _ADMIN1_POP_SLOPE * (_ADMIN1_FULL_POP - pop), _ADMIN1_FLOOR)
    else:
        s = max(base, pop)
    return s


def _well_known(c: Candidate) -> bool:
    """A continent, country, first-level area or city of 100,000 people or more."""
    return c.kind in _MAJOR or (c.kind == "city" and c.population >= 100_000)


#: Per-candidate static tuples (see :func:`_feat`), by candidate id: a name recurs across articles.
_FEAT_CACHE: dict[str, tuple] = {}
_FEAT_CACHE_MAX = 200_000


def _feat(c: Candidate) -> tuple:
    """What the resolver needs of a candidate that depends on it alone, computed once per candidate.

    (country, (country, admin1 key), lat radians, lon radians, cos lat, kind, id, short-range
    weight as a point of spatial coherence, the candidate itself, its static ranking features
    (log10 population, kind one-hot, capital, seat), whether it is well known, its importance
    prior before the match kind's penalty).
    """
    got = _FEAT_CACHE.get(c.id)
    if got is not None and got[8] is c:
        return got
    kind = c.kind
    a1 = name_key(c.name) if kind == "admin1" else name_key(c.admin1) if c.admin1 else ""
    lat = math.radians(c.lat)
    local = _LOCAL_WEIGHT_AREA if kind in ("admin2", "landmark") else _LOCAL_WEIGHT
    static = [0.0] * (_STATIC_FEATURES.stop - _STATIC_FEATURES.start)
    static[0] = math.log10(c.population + 1) if c.population > 0 else 0.0
    kf = _KIND_FEATURES.get(kind)
    if kf is not None:
        static[kf - _STATIC_FEATURES.start] = 1.0
    static[-2] = 1.0 if c.feature_code == "PPLC" else 0.0
    static[-1] = 1.0 if c.feature_code in ("PPLA", "PPLA2") else 0.0
    got = (
        c.country_code,
        (c.country_code, a1),
        lat,
        math.radians(c.lon),
        math.cos(lat),
        kind,
        c.id,
        local,
        c,
        tuple(static),
        _well_known(c),
        _prior_base(c),
    )
    if len(_FEAT_CACHE) >= _FEAT_CACHE_MAX:
        _FEAT_CACHE.clear()
    _FEAT_CACHE[c.id] = got
    return got


def _level(kind: str) -> str:
    """The level a list's names share: continent, country, admin1, admin2, city or other."""
    return kind if kind in _LEVELS else "other"


def _minus_p(point: tuple) -> float:
    return -point[0]


def _softmax(scores: list[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    ex = [math.exp(2.0 * (s - top)) for s in scores]
    total = sum(ex)
    return [e / total for e in ex]


class _Context:
    """What the names of an article say, as probability-weighted votes.

    Votes are summed over all names once; a name's own votes are taken
    out when scoring its candidates.
    """

    __slots__ = (
        "ng",
        "country_mass",
        "admin1_mass",
        "named_country",
        "named_admin1",
        "admin1_by_country",
        "points",
        "totals",
        "admin1_by_country_total",
        "named_country_total",
        "named_country_own",
    )

    def __init__(self) -> None:
        self.ng = 0
        self.country_mass: list[dict[str, float]] = []
        self.admin1_mass: list[dict[tuple[str, str], float]] = []
        self.named_country: list[dict[str, float]] = []  # mass on the country itself being named
        self.named_admin1: list[dict[tuple[str, str], float]] = []
        self.admin1_by_country: list[dict[str, float]] = []  # mass on first-level areas, per country
        self.admin1_by_country_total: dict[str, float] = {}
        self.named_country_total = 0.0  # mass on any country being named, over all names
        self.named_country_own: list[float] = []  # the same, per name
        self.points: list[
            tuple[int, float, float, float, float, str, float]
        ] = []  # (group, p, lat, lon, coslat, id, short-range weight)
        self.totals: tuple[dict, dict, dict, dict] = ({}, {}, {}, {})

    @classmethod
    def build(
        cls, gcands: list[tuple[Match, ...]], feats: list[list[tuple]], probs: list[list[float]]
    ) -> _Context:
        ctx = cls()
        ctx.ng = len(gcands)
        totals: tuple[dict, dict, dict, dict] = (
            defaultdict(float),
            defaultdict(float),
            defaultdict(float),
            defaultdict(float),
        )
        for g, (fs, ps) in enumerate(zip(feats, probs, strict=True)):
            cm: dict[str, float] = {}
            am: dict[tuple[str, str], float] = {}
            nc: dict[str, float] = {}
            na: dict[tuple[str, str], float] = {}
            pts: list[tuple[float, float, float, float, str, float]] = []
            nac: dict[str, float] = {}
            for f, p in zip(fs, ps, strict=True):
                if p < 0.002:
                    continue  # (most readings of a name with many namesakes)
                cc, a1, lat, lon, cl, kind, cid, local = f[:8]
                cm[cc] = cm.get(cc, 0.0) + p
                if a1[1]:
                    am[a1] = am.get(a1, 0.0) + p
                if kind == "country":
                    nc[cc] = nc.get(cc, 0.0) + p
                elif kind == "admin1":
                    na[a1] = na.get(a1, 0.0) + p
                    nac[cc] = nac.get(cc, 0.0) + p
                if kind != "continent" and kind != "country":
                    pts.append((p, lat, lon, cl, cid, local))
            # each name offers its likeliest readings as points (for spatial coherence)
            if pts:
                pts.sort(key=_minus_p)
                ctx.points.extend(
                    (g, p, lat, lon, cl, cid, w) for p, lat, lon, cl, cid, w in pts[:_POINTS_PER_NAME]
                )
            for own, total in zip((cm, am, nc, na), totals, strict=True):
                for key, v in own.items():
                    total[key] += v
            ctx.country_mass.append(cm)
            ctx.admin1_mass.append(am)
            ctx.named_country.append(nc)
            ctx.named_admin1.append(na)
            ctx.admin1_by_country.append(nac)
            for key, v in nac.items():
                ctx.admin1_by_country_total[key] = ctx.admin1_by_country_total.get(key, 0.0) + v
        ctx.totals = totals
        ctx.named_country_own = [sum(nc.values()) for nc in ctx.named_country]
        ctx.named_country_total = sum(ctx.named_country_own)
        return ctx

    def supports(self, g: int, feats: list[tuple], cands: tuple[Match, ...]) -> list[float]:
        """Context score of each candidate of group *g* from every other group.

        ``feats`` are the candidates' :func:`_feat` tuples, ``cands`` their matches.
        """
        others = self.ng - 1
        if others <= 0:
            return [0.0] * len(cands)
        tc, ta, tnc, tna = self.totals
        cm, ncg = self.country_mass[g], self.named_country[g]
        am, nag = self.admin1_mass[g], self.named_admin1[g]
        by_country: dict[str, tuple[float, float]] = {}
        out: list[float] = []
        append = out.append
        for feat, m in zip(feats, cands, strict=True):
            cc, a1, kind = feat[0], feat[1], feat[5]
            got = by_country.get(cc)
            if got is None:
                country = tc.get(cc, 0.0) - cm.get(cc, 0.0)
                named_c = tnc.get(cc, 0.0) - ncg.get(cc, 0.0)
                got = by_country[cc] = (3.0 * country / others + min(country, 3.0) * 0.3, named_c)
            s, named_c = got
            if kind == "country":
                if m.match == "alias":
                    append(s)
                    continue
                foreign = self.named_country_total - self.named_country_own[g] - named_c
                append(s + min(max(foreign, 0.0), 3.0) * _SIBLING_COUNTRY_WEIGHT)
                continue
            if kind == "continent":
                append(s)
                continue
            s += min(named_c, 1.0) * _NAMED_COUNTRY_WEIGHT
            if named_c >= 0.5 and m.match == "name" and m.candidate.feature_code == "PPLC":
                foreign = sum(tnc.values()) - sum(ncg.values()) - named_c
                s += min(max(foreign, 0.0), 3.0) * _CAPITAL_WEIGHT
            admin1 = named_a = 0.0
            if a1[1]:
                admin1 = ta.get(a1, 0.0) - am.get(a1, 0.0)
                named_a = tna.get(a1, 0.0) - nag.get(a1, 0.0)
            if kind == "admin1":
                siblings = self.admin1_by_country_total.get(cc, 0.0) - self.admin1_by_country[g].get(cc, 0.0)
                append(s + min(admin1, 3.0) * 0.9 + min(siblings, 3.0) * 0.5)
                continue
            share = min(1.0, _FOCUS_SHARE * admin1 / others)
            append(s + (min(named_a, 1.0) * 2.0 + min(admin1, 3.0) * 0.5) * share)
        return out

    def named(self, g: int, cc: str) -> float:
        """Mass of the other names on country *cc* itself being named (at most 1)."""
        return min(max(self.totals[2].get(cc, 0.0) - self.named_country[g].get(cc, 0.0), 0.0), 1.0)

    def nearness_batch(
        self, queries: list[tuple[int, int]], feats: list[list[tuple]], gcands: list[tuple[Match, ...]]
    ) -> list[float]:
        """:meth:`nearness` of many candidates at once (group, candidate index), with NumPy.

        The same arithmetic in the same order as :meth:`nearness` (each other name's best point,
        summed in the order of the names), so the values are the same.  Names far apart in the
        text see each other only within :data:`_NEAR_WINDOW` names, so that a document of
        thousands of names costs linear time; below that many names all names see each other.
        """
        if not queries or not self.points:
            return [0.0] * len(queries)
        if len(queries) * len(self.points) <= _NEAR_LOOP_PAIRS and self.ng <= _NEAR_WINDOW:
            # a short article: the plain loop costs less than setting up the arrays
            return self._nearness_loop(queries, feats)
        import numpy as np

        pts = self.points
        ids: dict[str, int] = {}
        ph = np.fromiter((p[0] for p in pts), dtype=np.int64, count=len(pts))
        pp = np.fromiter((p[1] for p in pts), dtype=float, count=len(pts))
        plat = np.fromiter((p[2] for p in pts), dtype=float, count=len(pts))
        plon = np.fromiter((p[3] for p in pts), dtype=float, count=len(pts))
        pcl = np.fromiter((p[4] for p in pts), dtype=float, count=len(pts))
        pid = np.fromiter((ids.setdefault(p[5], len(ids)) for p in pts), dtype=np.int64, count=len(pts))
        ploc = np.fromiter((p[6] for p in pts), dtype=float, count=len(pts))
        weight = 0.3 + 0.7 * pp
        qg = np.fromiter((g for g, _ in queries), dtype=np.int64, count=len(queries))
        qlat = np.fromiter((feats[g][k][2] for g, k in queries), dtype=float, count=len(queries))
        qlon = np.fromiter((feats[g][k][3] for g, k in queries), dtype=float, count=len(queries))
        qcl = np.fromiter((feats[g][k][4] for g, k in queries), dtype=float, count=len(queries))
        qid = np.fromiter(
            (ids.get(gcands[g][k].candidate.id, -1) for g, k in queries), dtype=np.int64, count=len(queries)
        )
        out: list[float] = []
        # queries come in group order; points too: a block of names against the names around it
        qstarts = np.searchsorted(qg, np.arange(0, self.ng + _NEAR_BLOCK, _NEAR_BLOCK))
        for b, a in enumerate(range(0, self.ng, _NEAR_BLOCK)):
            q0, q1 = int(qstarts[b]), int(qstarts[b + 1])
            if q0 == q1:
                continue
            p0, p1 = np.searchsorted(ph, (a - _NEAR_WINDOW, a + _NEAR_BLOCK + _NEAR_WINDOW))
            if p0 == p1:
                out.extend([0.0] * (q1 - q0))
                continue
            sl = slice(p0, p1)
            x = (qlon[q0:q1, None] - plon[None, sl]) * 0.5 * (qcl[q0:q1, None] + pcl[None, sl])
            y = qlat[q0:q1, None] - plat[None, sl]
            d = _KM_PER_RAD * np.sqrt(x * x + y * y)
            v = weight[None, sl] * (np.exp(-d / 200.0) + ploc[None, sl] * np.exp(-d / _LOCAL_KM))
            keep = (d < 1000.0) & (qg[q0:q1, None] != ph[None, sl]) & (qid[q0:q1, None] != pid[None, sl])
            v = np.where(keep, v, 0.0)
            # each other name's best point, then their sum in name order (as the loop adds them)
            h = ph[sl]
            starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
            best = np.maximum.reduceat(v, starts, axis=1)
            out.extend(sum(row) for row in best.tolist())  # Python's own sum, as the loop does
        return [min(near, _NEAR_CAP) * _SPATIAL_WEIGHT for near in out]

    def _nearness_loop(self, queries: list[tuple[int, int]], feats: list[list[tuple]]) -> list[float]:
        """:meth:`nearness` of each query (group, candidate index) in one plain loop.

        The same arithmetic in the same order; each point's weight is computed once, and each
        query looks only at the points in its latitude band (the points sorted by latitude; the
        band a little wider than the exact test, which is still made).
        """
        by_lat = sorted(
            (plat, h, 0.3 + 0.7 * p, plon, pcl, cid, local)
            for h, p, plat, plon, pcl, cid, local in self.points
        )
        lats = [pt[0] for pt in by_lat]
        exp = math.exp
        sqrt = math.sqrt
        wide = _NEAR_LAT * 1.001 + 1e-9
        out: list[float] = []
        for g, k in queries:
            feat = feats[g][k]
            if feat[5] in _NO_NEARNESS:
                out.append(0.0)
                continue
            lat, lon, cl, own = feat[2], feat[3], feat[4], feat[6]
            best: dict[int, float] = {}
            for plat, h, w, plon, pcl, cid, local in by_lat[
                bisect_left(lats, lat - wide) : bisect_right(lats, lat + wide)
            ]:
                y = lat - plat
                if y > _NEAR_LAT or y < -_NEAR_LAT or h == g or cid == own:
                    continue
                x = (lon - plon) * 0.5 * (cl + pcl)
                d = _KM_PER_RAD * sqrt(x * x + y * y)
                if d < 1000.0:
                    v = w * (exp(-d / 200.0) + local * exp(-d / _LOCAL_KM))
                    if v > best.get(h, 0.0):
                        best[h] = v
            # each other name's best, summed in the order of the names (as :meth:`nearness` does)
            near = sum([best[h] for h in sorted(best)]) if len(best) > 1 else sum(best.values())
            out.append(min(near, _NEAR_CAP) * _SPATIAL_WEIGHT)
        return out

    def nearness(self, g: int, feat: tuple, c: Candidate) -> float:
        """Spatial coherence: probability-weighted closeness of the other names' places."""
        if c.kind in ("continent", "country", "admin1"):
            return 0.0
        lat, lon, cl = feat[2], feat[3], feat[4]
        # per other name, its closest plausible reading (likely readings count more):
        # "Paris and Henry County" pulls both to Tennessee even when each alone is ambiguous
        best: dict[int, float] = {}
        exp = math.exp
        sqrt = math.sqrt
        own = c.id
        for h, p, plat, plon, pcl, cid, local in self.points:
            y = lat - plat
            # a point more than 1000 km north or south is too far whatever its longitude
            if y > _NEAR_LAT or y < -_NEAR_LAT or h == g or cid == own:
                continue  # (another name of the same place is no corroboration)
            x = (lon - plon) * 0.5 * (cl + pcl)
            d = _KM_PER_RAD * sqrt(x * x + y * y)
            if d < 1000.0:
                v = (0.3 + 0.7 * p) * (exp(-d / 200.0) + local * exp(-d / _LOCAL_KM))
                if v > best.get(h, 0.0):
                    best[h] = v
        near = sum(best.values())
        return min(near, _NEAR_CAP) * _SPATIAL_WEIGHT
