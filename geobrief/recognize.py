"""Toponym recognition: find the place names in an article.

A pure-Python recogniser built on the gazetteer: it tokenises the text,
matches the longest capitalised token runs whose :func:`~geobrief.text.name_key`
the gazetteer knows (with and without an Arabic article, "al-X" / "X"), adds
pattern mentions the gazetteer may not hold ("X Air Base", "X County",
"Smalltown, Ky.") and names their context shows are places ("the village of X", "the villages
of X and Y", "X, a small town in ...", "the X refugee camp", "Beirut's X neighbourhood", and the
article's other uses of such a name; left unresolved when the gazetteer lacks them), and then
drops what context shows is not a place:

* people: a title before ("Mr.", "President", "Gov."), a given name before
  ("Jack London"), a surname after ("Paris Hilton"), or a word the article
  uses as a person's name elsewhere ("Mr. Washington ... Washington said");
* organisations: an organisation word after ("Cambridge University",
  "Washington Post");
* common words: an English word that is common in lower case ("Reading",
  "Police") at the start of a sentence, or anywhere unless the place is
  important (a country, a first-level area, a large city);
* acronyms: short all-capital words that are not place abbreviations
  ("FDA", "NATO"; "UK", "US" stay), and abbreviations that do not look like
  one ("On" is not Ontario, "Wash" not Washington);
* other non-places: "US$", "West Nile virus", months and weekdays, words
  of a capitalised headline ("Man Held In Slaying").

Demonyms ("Russian", "Syrian") are mentions of their country by default, as
the LGL and TR-News annotations have them (``demonyms=False`` turns them off).
A well-known place inside an institution's name stays a mention ("Ohio
State University"), a lesser one does not ("Cambridge University"); a
newspaper's name never is ("Washington Post").

The word lists are data tables in ``geobrief/data/recog_*.tsv``: common
English words (wamerican dictionary and wordfreq frequencies), given names
and surnames (US Census 1990), and context words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress, repeat
from operator import and_, attrgetter, contains, itemgetter, or_
from typing import TYPE_CHECKING

from geobrief.model import Mention
from geobrief.text import name_key, sentence_at, sentence_spans

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.gazetteer import Gazetteer, Match

# What may stand between two words of one name.
_JOINERS = frozenset({" ", "-", "‐", "–", "—", ". ", "-\u200b"})
# Lower-case words that may stand inside a multi-word name ("Bay of Bengal").
_INNER_LOWER = frozenset(
    str.split(
        "of the de del della di da do dos das du des la le les los las el al y e i ye en sur upon on am im an der den "
        "van von and "
        "ad ar as ash at az ez es ed er et ul ud"
    )
)
# Abbreviations whose full stop may stand inside a name ("St. Louis", "Ft. Worth", "N. High St.").
_DOT_ABBREVIATIONS = frozenset({"st", "ste", "mt", "ft", "pt", "n", "s", "e", "w", "no", "so"})
_ARABIC_ARTICLES = (
    "al",
    "el",
    "ad",
    "ar",
    "as",
    "ash",
    "at",
    "az",
    "an",
    "ath",
    "adh",
    "ez",
    "es",
    "ed",
    "er",
    "et",
)
_ARTICLES = frozenset(_ARABIC_ARTICLES)
_MAJOR_KINDS = frozenset({"continent", "country", "admin1"})
# Street words written as abbreviations: their full stop belongs to the name ("Orchard St.").
_STREET_ABBREVIATIONS = frozenset({"st", "rd", "ave", "blvd"})
# Words that open a phrase without being part of the place name after them ("The Tarrant County",
# "Three Eastland County residents", "A Midland, Michigan, newspaper").
_NAME_OPENERS = frozenset(
    str.split(
        "the a an one two three four five six seven eight nine ten dozens hundreds thousands several many"
    )
)
# An initial: "Tyrise M. Bell", "B.B. King" (a person's name follows).
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
# An age in apposition after a name: "Jane Sullivan, 24, was".
# A model year after an article or adjective: "a 1992 Toyota", "their red 1991 Honda" (a vehicle follows).
_MODEL_YEAR = re.compile(r"(?:^|\s)(?:a|an|the|his|her|their|its|[a-z]+)\s(?:19|20)\d\d\s$")
_AGE_AFTER = re.compile(r", \d{1,3},")

# Lower-case place nouns that make "the X <noun>" a place ("the X district", "Beirut's X neighbourhood").
_SUFFIX_NOUNS = frozenset(
    {"district", "neighbourhood", "neighborhood", "suburb", "quarter", "enclave"}
    | {"districts", "neighbourhoods", "neighborhoods", "suburbs"}  # "the X and Y districts"
)
# Plural facility nouns that introduce a list: "the oilfields at X, Y and Z".
_LISTING_FACILITIES = frozenset({"oilfields", "fields", "platforms", "camps"})
# "X, 18 miles south of Y", "X, about 30 km north of Y"
_DISTANCE_UNITS = frozenset(
    {"miles", "mile", "km", "kms", "kilometres", "kilometers", "kilometre", "kilometer"}
)
_ABOUT = frozenset({"about", "some", "nearly", "around", "roughly", "approximately", "almost"})
# Words after such a phrase that make it an office or an institution ("the X district attorney").
_SUFFIX_BLOCKERS = frozenset(
    str.split(
        "attorney attorneys court courts council judge office officials official school schools manager"
    )
)

# Words a sentence can open with before a place name without being part of it.
_QUOTE_OPENERS = frozenset("\"“‘'([")


def _load_table(name: str, column: int = 0) -> dict[str, str]:
    """A ``recog_*.tsv`` table as ``{first column: column}`` ('#' lines are comments)."""
    out: dict[str, str] = {}
    text = resources.files("geobrief").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[parts[0]] = parts[column] if column < len(parts) else ""
    return out


def _load_rows(name: str) -> list[tuple[str, str]]:
    """A two-column ``recog_*.tsv`` table as (word, class) rows."""
    text = resources.files("geobrief").joinpath("data", name).read_text(encoding="utf-8")
    return [tuple(line.split("\t")[:2]) for line in text.splitlines() if line and not line.startswith("#")]  # type: ignore[misc]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The word tables, cached on disk under the hash of ``data/recog_*.tsv`` and of this module.

    Parsing them costs every cold start about 65 ms of CPU; the start-up cache
    (:mod:`geobrief.claims.precompiled`) reads the same sets back in about 15 ms.
    """
    import hashlib
    from dataclasses import fields

    from geobrief.claims import precompiled

    digest = hashlib.sha256(resources.files("geobrief").joinpath("recognize.py").read_bytes())
    for res in sorted(resources.files("geobrief").joinpath("data").iterdir(), key=lambda r: r.name):
        if res.name.startswith("recog_") and res.name.endswith(".tsv"):
            digest.update(res.name.encode() + b"\0" + res.read_bytes())

    def read() -> dict[str, object]:
        t = _read_tables()
        return {f.name: getattr(t, f.name) for f in fields(_Tables)}

    tables = _Tables(**precompiled.remember("recognize-tables", digest.hexdigest(), 0, read, replace=True))
    precompiled.flush()
    return tables


def _read_tables() -> _Tables:
    words = _load_table("recog_common_words.tsv", 2)
    zipf = {w: float(z) for w, z in _load_table("recog_common_words.tsv", 1).items()}
    by_class: dict[str, set[str]] = {}
    for word, cls in _load_rows("recog_context_words.tsv"):
        by_class.setdefault(cls, set()).add(word)
    return _Tables(
        zipf=zipf,
        common={w for w, p in words.items() if p == "0"},
        common_proper={w for w, p in words.items() if p == "1"},
        first_names=frozenset(_load_table("recog_first_names.tsv")),
        common_first=frozenset(
            n for n, f in _load_table("recog_first_names.tsv", 1).items() if float(f) >= 0.1
        ),
        surnames=frozenset(_load_table("recog_surnames.tsv")),
        titles=frozenset(by_class.get("title", ())),
        roles=frozenset(by_class.get("role", ())),
        speech=frozenset(by_class.get("speech", ())),
        vehicles=frozenset(by_class.get("vehicle", ())),
        org_words=frozenset(by_class.get("org", ())) | frozenset(by_class.get("media", ())),
        media_words=frozenset(by_class.get("media", ())),
        diseases=frozenset(by_class.get("disease", ())),
        designators=frozenset(by_class.get("designator", ())),
        facilities=frozenset(by_class.get("facility", ())),
        locatives=frozenset(by_class.get("locative", ())),
        nonplace=frozenset(by_class.get("nonplace", ())),
        streets=frozenset(by_class.get("street", ())),
        natural_suffix=frozenset(by_class.get("natural_suffix", ())),
        natural_prefix=frozenset(by_class.get("natural_prefix", ())),
        compass=frozenset(by_class.get("compass", ())),
        function_words=frozenset(by_class.get("function", ())),
        place_nouns=frozenset(by_class.get("place_noun", ())),
        buildings=frozenset(by_class.get("building", ())),
        quarters=frozenset(by_class.get("quarter", ())),
        lower_suffix_heads=frozenset(
            phrase.split()[0] for cls in ("designator", "facility") for phrase in by_class.get(cls, ())
        )
        | _SUFFIX_NOUNS,
        suffix_heads=frozenset(by_class.get("place_noun", ()))
        | _SUFFIX_NOUNS
        | _LISTING_FACILITIES
        | frozenset(
            phrase.split()[0] for cls in ("designator", "facility") for phrase in by_class.get(cls, ())
        ),
        pattern_words=frozenset(
            phrase.split()[0]
            for cls in ("designator", "facility", "street", "natural_suffix", "natural_prefix", "compass")
            for phrase in by_class.get(cls, ())
        ),
    )


@dataclass(frozen=True, slots=True)
class _Tables:
    zipf: dict[str, float]  # word frequency (Zipf scale) of common English words
    common: set[str]  # common lower-case English words (never proper nouns)
    common_proper: set[str]  # common words that are also proper nouns ("turkey", "mobile")
    first_names: frozenset[str]
    common_first: frozenset[str]  # the most frequent given names ("Michael", "Mary")
    surnames: frozenset[str]
    titles: frozenset[str]  # name_key form: "mr", "president", "gov"
    roles: frozenset[str]  # lower-case role nouns right before a name: "spokesman Smith"
    speech: frozenset[str]  # verbs of saying: '"...," Smith said'
    vehicles: frozenset[str]  # car makes: "Dodge Durango", "a 2005 Honda"
    org_words: frozenset[str]
    diseases: frozenset[str]  # "virus", "fever": "West Nile virus" is no place
    media_words: frozenset[str]  # "Times", "Post": a newspaper named after a place is no mention of it
    designators: frozenset[str]  # "county", "province": make "X County" a place
    facilities: frozenset[str]  # "air base", "airport": make "X Air Base" a place
    locatives: frozenset[str]  # "in", "near": a place usually follows
    nonplace: frozenset[str]  # months, weekdays, ...: capitalised but never places alone
    streets: frozenset[str]  # "Main Street": street words after a name
    natural_suffix: frozenset[str]  # "Neches River", "Black Sea"
    natural_prefix: frozenset[str]  # "Lake Erie", "Mount Kenya", "Fort Hood"
    function_words: frozenset[str]  # "In", "On", "This": never start a name
    place_nouns: frozenset[str]  # "town", "village": "the village of X", "X, a town in ..."
    buildings: frozenset[str]  # "X High School", "X Church": a building or venue ends the name
    quarters: frozenset[str]  # "the X neighborhood": a part of a town follows the name
    lower_suffix_heads: frozenset[str]  # first words of "the X refugee camp", "the X district"
    suffix_heads: frozenset[str]  # place nouns and lower_suffix_heads (a fast pre-check)
    pattern_words: frozenset[str]  # first words of every pattern phrase (a fast pre-check)
    compass: frozenset[str]  # "West Africa", "Northern Europe": a direction before a big place


class _Tok:
    """A word token: offsets, text and its shape."""

    __slots__ = ("start", "end", "text", "cap", "upper", "abbrev")

    def __init__(self, start: int, end: int, text: str, cap: bool, upper: bool, abbrev: bool) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.cap = cap  # starts with an upper-case letter
        self.upper = upper  # all capitals, two characters or more ("NATO", "U.S")
        self.abbrev = abbrev  # inner dots ("U.S", "W.Va")


@dataclass(slots=True)
class _Span:
    i: int  # first token index
    j: int  # last token index (inclusive)
    start: int
    end: int
    matches: tuple[Match, ...]
    key: str
    how: str  # "gazetteer", or the pattern: "designator", "facility", "street", "natural", "pattern"


# A word: letters/digits, inner apostrophes, inner dots ("U.S", "W.Va"); a final possessive "'s" in a
# group of its own (the word stops where it could not go on, so it is the longest such run).
# ``split`` gives (gap, word, "'s" or "") triples whose lengths add up to the offsets, without a
# Python loop.
_TOKEN_SPLIT = re.compile(
    r"([^\W_]+(?:(?:['’]|\.(?=[^\W_]))[^\W_]+)*?)((?:['’][sS])?)(?![^\W_]|['’][^\W_]|\.[^\W_])"
)
_FIRST = itemgetter(0)
_TEXT = attrgetter("text")
_CAP = attrgetter("cap")


def tokenize(text: str) -> list[_Tok]:
    """Word tokens of *text*, possessive "'s" split off."""
    parts = _TOKEN_SPLIT.split(text)
    words = parts[1::3]
    if not words:
        return []
    offsets = [0, *accumulate(map(len, parts))]
    # every token's shape at C speed: a few hundred tokens per article, most of them never looked at
    caps = map(str.isupper, map(_FIRST, words))
    uppers = map(and_, map(str.isupper, words), map((1).__lt__, map(len, words)))
    abbrevs = map(contains, words, repeat("."))
    return list(map(_Tok, offsets[1:-1:3], offsets[2::3], words, caps, uppers, abbrevs))


def importance(matches: Iterable[Match]) -> int:
    """How well known the best of these places is.

    3: a country or continent; 2: a first-level area of at least 100,000
    people, a capital or a city of a million; 1: a city of 100,000 or a
    first-level area's seat; 0: anything else.
    """
    best = 0
    for m in matches:
        c = m.candidate
        if c.kind in ("country", "continent"):
            return 3
        if (
            (c.kind == "admin1" and c.population >= 100_000)
            or c.population >= 1_000_000
            or c.feature_code == "PPLC"
        ):
            best = max(best, 2)
        elif c.population >= 100_000 or c.feature_code == "PPLA" or c.kind in ("sea", "region", "river"):
            best = max(best, 1)
    return best


# A wire dateline opening a story (or after its title): "KABUL, May 3 -",
# "WASHINGTON (AP) -", "LYON, France, June 2 -", "THE HAGUE, March 13 -".  The place is written
# in capitals; a region or country, a date and an agency may follow before the dash.
_DATELINE = re.compile(
    r"(?:^|(?<=[.!?] ))[ \t]*(?P<name>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})"
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?"
    r"(?:,? (?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2})?"
    r"(?: ?\([A-Za-z .&-]{1,30}\))?"
    r"[ \t]*(?:-{1,3}|—|–|\x97|:)[ \t]",
    re.MULTILINE,
)
#: How far into the text a dateline may stand (after a title line and a byline at most).
_DATELINE_REACH = 300


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the place name of a wire dateline opening the story stands, if there is one.

    Parameters
    ----------
    text : str
        The article text.

    Returns
    -------
    (start, end) or None
        The span of the capitalised place name ("KABUL" in "KABUL, May 3 - ...").
    """
    m = _DATELINE.search(text[:_DATELINE_REACH])
    if m is None or len(m.group("name").replace(".", "")) < 3:
        return None
    return m.start("name"), m.end("name")


def local_feature_word(name: str, after: str = "") -> str | None:
    """The word that makes a name a street, building, venue or neighbourhood, if one does.

    Such places ("Royal Street", "Central High School", "St. Mary's Church", "the Garden District
    neighborhood") are in no offline gazetteer; the resolver locates them approximately.

    Parameters
    ----------
    name : str
        The name as written.
    after : str
        The text right after it ("neighborhood" there makes "Garden District" a neighbourhood).

    Returns
    -------
    str or None
        The street, building or quarter word, lower case.
    """
    t = _tables()
    words = name.casefold().replace("’", "'").split()
    if len(words) >= 2 and name[:1].isupper():
        for width in (3, 2, 1):
            tail = " ".join(words[-width:])
            # not facilities ("X Air Base", "X Dam"): they often lie outside the town named with them
            if tail in t.streets or tail in t.buildings or tail in t.quarters:
                return tail
    nxt = after.lstrip(" ").split(" ", 1)[0].casefold().strip(".,;:)")
    return nxt if nxt in t.quarters else None


class Recognizer:
    """Gazetteer-based toponym recogniser with context filters.

    Parameters
    ----------
    gazetteer : Gazetteer
        The place index (``geobrief.gazetteer``); names are looked up by
        :func:`geobrief.text.name_key`.
    demonyms : bool
        Also return demonyms used of a place ("Russian forces", "Syrian
        government") as mentions, as the LGL and TR-News annotations do.
    """

    def __init__(self, gazetteer: Gazetteer, *, demonyms: bool = True) -> None:
        self.gazetteer = gazetteer
        self.demonyms = demonyms
        self.t = _tables()
        self.max_tokens = max(1, min(int(getattr(gazetteer, "max_tokens", 6) or 6), 8))
        self._lookup_cache: dict[str, tuple[Match, ...]] = {}

    # -- gazetteer access ------------------------------------------------
    def _lookup(self, key: str) -> tuple[Match, ...]:
        got = self._lookup_cache.get(key)
        if got is None:
            got = tuple(self.gazetteer.lookup(key)) if key in self.gazetteer else ()
            if not got:
                head, _, rest = key.partition(" ")
                if rest and head in _ARABIC_ARTICLES:
                    got = tuple(self.gazetteer.lookup(rest)) if rest in self.gazetteer else ()
            if len(self._lookup_cache) > 500_000:
                self._lookup_cache.clear()
            self._lookup_cache[key] = got
        return got

    # -- main entry ------------------------------------------------------
    def recognize(
        self, text: str, article_id: str = "", sentences: list[tuple[int, int]] | None = None
    ) -> list[Mention]:
        """Find the toponyms in *text*.

        Parameters
        ----------
        text : str
            The article text.
        article_id : str
            Id stored on each mention.
        sentences : list of (int, int), optional
            Sentence spans (``geobrief.text.sentence_spans``); computed if omitted.

        Returns
        -------
        list of Mention
            Non-overlapping mentions in text order.
        """
        if sentences is None:
            sentences = sentence_spans(text)
        toks = tokenize(text)
        if not toks:
            return []
        starts = {s for s, _ in sentences}
        sent_initial = _Initial(text, toks, starts)
        people = self._people(text, toks)
        spans = self._candidates(text, toks)
        diseases = self._disease_names(text, toks, spans)
        kept: list[_Span] = []
        for sp in spans:
            if (
                sp.key in diseases
                and importance(sp.matches) < 2
                and not (sp.i > 0 and toks[sp.i - 1].text.casefold() in self.t.locatives)
            ):
                continue  # the article uses this name for a disease ("Marburg", "West Nile"), not "to Reston"
            if _inside_compound(text, toks, sp):
                continue  # "Qasr" of "Qasr-e-Shirin", "Abu" of "Abu al-Bukhoosh": a part of a longer name
            if self._keep(text, toks, sp, sent_initial, people):
                kept.append(sp)
        kept.extend(self._city_state(text, toks, kept, sent_initial, people))
        kept.extend(self._context_names(text, toks, kept, people))
        kept.sort(key=lambda s: s.start)
        out: list[Mention] = []
        for sp in kept:
            ss, se = sentence_at(sentences, sp.start)
            out.append(Mention(article_id, sp.start, sp.end, text[sp.start : sp.end], ss, se))
        return self._with_dateline(text, article_id, sentences, out)

    def _with_dateline(
        self, text: str, article_id: str, sentences: list[tuple[int, int]], out: list[Mention]
    ) -> list[Mention]:
        """Add the place of a wire dateline ("KIEL, March 9 -") that the rules above let pass.

        Capitals hide the usual cues (short all-capital words are read as acronyms; "THE HAGUE"
        loses its article), but a dateline's first words are a place whenever the gazetteer
        knows them as a town, an area or a country.
        """
        span = dateline_span(text)
        if span is None:
            return out
        s, e = span
        if any(m.start == s and m.end == e for m in out):
            return out
        got = self._lookup(name_key(text[s:e]))
        # a short one may be an acronym ("NATO -"): then only a well-known place's own name will do
        short = len(text[s:e].replace(".", "")) <= 4
        if not any(
            m.candidate.kind in ("city", "admin1", "admin2", "country")
            and m.match in ("name", "alias")
            and (
                not short
                or (m.match == "name" and (m.candidate.kind != "city" or m.candidate.population >= 100_000))
            )
            for m in got
        ):
            return out
        ss, se = sentence_at(sentences, s)
        kept = [m for m in out if m.end <= s or m.start >= e]
        kept.append(Mention(article_id, s, e, text[s:e], ss, se))
        kept.sort(key=lambda m: m.start)
        return kept

    # -- candidate spans -------------------------------------------------
    def _joined(self, text: str, toks: list[_Tok], i: int) -> bool:
        """Whether token i and i+1 may belong to one name."""
        a, b = toks[i], toks[i + 1]
        gap = text[a.end : b.start]
        if gap in _JOINERS:
            return gap != ". " or a.text.casefold() in _DOT_ABBREVIATIONS  # "St. Louis", "N. High"
        # "Queen Anne's County", "Martha's Vineyard": a possessive inside a name
        return gap in ("'s ", "’s ") and b.cap

    def _candidates(self, text: str, toks: list[_Tok]) -> list[_Span]:
        """Greedy left-to-right longest gazetteer / pattern matches."""
        n = len(toks)
        out: list[_Span] = []
        words = list(map(_TEXT, toks))
        # a name starts with a capital, or with "al-" before one ("al-Qamishli"): only such tokens
        # are tried, the others (two thirds of a text) are never looked at
        firsts = list(map(_FIRST, words))
        startable = map(
            or_, map(and_, map(_CAP, toks), map(str.isalpha, firsts)), map(_ARTICLES.__contains__, words)
        )
        i = 0
        for s in compress(range(n), startable):
            if s < i:
                continue  # inside the name found last
            i = s
            tok = toks[i]
            if not tok.cap and not (
                i + 1 < n and text[tok.end : toks[i + 1].start] == "-" and toks[i + 1].cap
            ):
                continue  # "al" not before "-Name"
            # very common words do not start names ("In March", "On Monday"); "The Hague" may
            low = tok.text.casefold()
            if low in self.t.function_words:
                continue
            # the longest run of joinable tokens starting at i
            j_max = i
            while j_max + 1 < n and j_max - i + 1 < self.max_tokens + 2 and self._joined(text, toks, j_max):
                nxt = toks[j_max + 1]
                if not (nxt.cap or nxt.text in _INNER_LOWER or nxt.text.isdigit()):
                    break
                j_max += 1
            best: _Span | None = None
            for j in range(min(j_max, i + self.max_tokens - 1), i - 1, -1):
                if not toks[j].cap and not toks[j].text.isdigit():
                    continue
                key = name_key(text[tok.start : toks[j].end])
                m = self._lookup(key)
                if m:
                    if j > i and best is None and importance(m) == 0 and all(x.match == "alias" for x in m):
                        # "Kentucky State", "Dublin City": an obscure alternate name must not
                        # swallow a well-known shorter name
                        shorter = self._shorter_major(text, toks, i, j)
                        if shorter is not None:
                            best = shorter
                            break
                    if (
                        j > i
                        and toks[j].text == "State"
                        and j + 1 < n
                        and toks[j + 1].cap
                        and text[toks[j].end : toks[j + 1].start] == " "
                    ):
                        # "Kentucky State Police", "Ohio State University": the state, then an institution
                        shorter = self._shorter_major(text, toks, i, j)
                        if shorter is not None:
                            best = shorter
                            break
                    if low == "the" and j > i:
                        # "The Kremlin" -> "Kremlin" when the bare name is known too
                        rest = name_key(text[toks[i + 1].start : toks[j].end])
                        if self._lookup(rest):
                            best = _Span(
                                i + 1,
                                j,
                                toks[i + 1].start,
                                toks[j].end,
                                self._lookup(rest),
                                rest,
                                "gazetteer",
                            )
                            break
                    best = _Span(i, j, tok.start, toks[j].end, m, key, "gazetteer")
                    break
            # pattern phrases: "X County", "X Air Base", "Main Street", "Lake Erie", "West Africa"
            ext = self._pattern(text, toks, i, j_max, best)
            if ext is not None and (best is None or ext.j > best.j):
                best = ext
            if best is None:
                continue
            # "U.S." / "Ky." / "W.Va.": the abbreviation's own full stop (not "UK." ending a sentence)
            last = toks[best.j]
            if text[last.end : last.end + 1] == "." and (
                last.abbrev
                or (best.how == "street" and last.text.casefold() in _STREET_ABBREVIATIONS)
                or (
                    not last.upper
                    and len(last.text) <= 5
                    and any(m.match == "abbrev" for m in best.matches)
                    and best.how == "gazetteer"
                )
            ):
                best.end = last.end + 1
            out.append(best)
            i = best.j + 1
        return out

    def _shorter_major(self, text: str, toks: list[_Tok], i: int, j: int) -> _Span | None:
        """The longest well-known place name starting at token i and ending before token j."""
        for k in range(j - 1, i - 1, -1):
            key = name_key(text[toks[i].start : toks[k].end])
            m = self._lookup(key)
            if m and importance(m) >= 2:
                return _Span(i, k, toks[i].start, toks[k].end, m, key, "gazetteer")
        return None

    def _pattern(self, text: str, toks: list[_Tok], i: int, j_max: int, best: _Span | None) -> _Span | None:
        """Place phrases built from a name and a designator, facility, street or feature word."""
        t = self.t
        # fast exit: no pattern word in reach (most capitalised words)
        reach = toks[i : min(j_max, i + 7) + 1]
        if not any(map(t.pattern_words.__contains__, map(str.casefold, map(_TEXT, reach)))):
            return None
        if best is not None and any(m.candidate.kind in ("facility", "airport") for m in best.matches):
            return None
        first = toks[i].text.casefold()
        if first in _NAME_OPENERS and i < j_max:
            return None  # the pattern is tried again from the next word
        # prefix features: "Lake Erie", "Fort Hood", "Gulf of Aden"
        for width in (2, 1):
            k = i + width - 1
            words = " ".join(x.text.casefold() for x in toks[i : k + 1])
            if k < j_max and words in t.natural_prefix and toks[k + 1].cap:
                end = k + 1
                while end + 1 <= j_max and end - k < 3 and toks[end + 1].cap:
                    end += 1
                key = name_key(text[toks[i].start : toks[end].end])
                return _Span(i, end, toks[i].start, toks[end].end, self._lookup(key), key, "pattern")
        # compass region: "West Africa", "Northern Europe", "Eastern Mediterranean"
        if first in t.compass and i < j_max:
            k = i + 1
            if toks[k].text.casefold() in t.compass and k < j_max:  # "South East Asia"
                k += 1
            for end in range(min(j_max, k + 3), k - 1, -1):
                m = self._lookup(name_key(text[toks[k].start : toks[end].end]))
                # "West Africa", "Eastern Mediterranean" are regions; "North Texas" is Texas
                if any(c.candidate.kind in ("continent", "region", "sea") for c in m):
                    key = name_key(text[toks[i].start : toks[end].end])
                    return _Span(i, end, toks[i].start, toks[end].end, self._lookup(key), key, "pattern")
        # suffix words: "Laurel County", "Hmeimim Air Base", "Main Street", "Neches River"
        lo = i if best is None else best.j
        for j in range(lo, min(j_max, i + 4)):
            for width in (3, 2, 1):
                k = j + width
                if k > j_max:
                    continue
                suffix = toks[j + 1 : k + 1]
                if not all(x.cap for x in suffix):
                    continue
                words = " ".join(x.text.casefold() for x in suffix)
                if words in t.designators:
                    how = "designator"
                elif words in t.facilities:
                    how = "facility"
                elif words in t.streets:
                    how = "street"
                elif words in t.natural_suffix:
                    how = "natural"
                else:
                    continue
                name_toks = toks[i : j + 1]
                if not all(x.cap for x in name_toks) or any(x.upper and len(x.text) <= 4 for x in name_toks):
                    continue
                head = name_key(text[toks[i].start : toks[j].end])
                if t.zipf.get(head, 0.0) >= 5.5 or head in t.nonplace or head in t.titles:
                    continue
                head_matches = self._lookup(head)
                if how in ("designator", "facility") and not head_matches:
                    words_ = [x.text.casefold() for x in name_toks]
                    if all(w in t.common or w in t.common_proper or w in t.nonplace for w in words_):
                        continue  # "Central Business District"
                if how == "street" and any(m.candidate.kind in _MAJOR_KINDS for m in head_matches):
                    continue
                # "Denver District Judge": the phrase names an office, not a place
                if k + 1 < len(toks) and toks[k + 1].cap and text[toks[k].end : toks[k + 1].start] == " ":
                    nxt_low = toks[k + 1].text.casefold()
                    if nxt_low in t.titles or nxt_low in t.org_words:
                        continue
                key = name_key(text[toks[i].start : toks[k].end])
                m = self._lookup(key) or (self._lookup(head) if how in ("designator", "facility") else ())
                return _Span(i, k, toks[i].start, toks[k].end, m, key, how)
        return None

    # -- context ---------------------------------------------------------
    def _disease_names(self, text: str, toks: list[_Tok], spans: list[_Span]) -> set[str]:
        """Names the article uses for a disease or virus ("Marburg virus", "West Nile fever")."""
        out: set[str] = set()
        diseases = self.t.diseases
        for sp in spans:
            k = sp.j + 1
            if (
                k < len(toks)
                and text[toks[k - 1].end : toks[k].start] == " "
                and toks[k].text.casefold() in diseases
            ):
                out.add(sp.key)
        return out

    def _people(self, text: str, toks: list[_Tok]) -> set[str]:
        """Capitalised words the article uses as a person's name."""
        t = self.t
        people: set[str] = set()
        n = len(toks)
        for idx, tok in enumerate(toks[:-1]):
            nxt = toks[idx + 1]
            if not tok.cap and (not nxt.cap or nxt.upper):
                continue  # (most words: every rule below needs a capital here or next)
            gap = text[tok.end : nxt.start]
            low = tok.text.casefold()
            # '"...," Hartl said': a single name between a closing quote and a verb of saying
            if (
                tok.cap
                and not tok.upper
                and gap == " "
                and low not in t.nonplace
                and nxt.text in t.speech
                and idx > 0
                and text[toks[idx - 1].end : tok.start].rstrip(" ").endswith(('"', "”", ",'", ",’"))
                and importance(self._lookup(name_key(tok.text))) < 2
            ):
                people.add(tok.text)
                continue
            if not nxt.cap or nxt.upper:
                continue
            if (
                gap == " "
                and not nxt.upper
                and (
                    (low in t.vehicles and tok.cap)
                    or (tok.text.isdigit() and _MODEL_YEAR.search(text, max(0, tok.start - 16), nxt.start))
                )
            ):
                # "Dodge Durango", "a 2005 Honda Odyssey": a vehicle, then "the Durango"
                if low in t.vehicles or importance(self._lookup(name_key(nxt.text))) < 2:
                    people.add(nxt.text)
                continue
            if (
                tok.abbrev
                and gap == ". "
                and _INITIALS.fullmatch(tok.text)
                and not set(tok.text) <= set("NSEW.")  # "N.W. Rochester", "S.E. Paris": directions
                and not self._lookup(name_key(tok.text + "."))
                and not self._lookup(name_key(tok.text))
            ):
                # "B.B. King", "J.R. Smith": initials, then the surname
                people.add(nxt.text)
                continue
            if (
                tok.cap
                and not tok.upper
                and len(nxt.text) == 1
                and idx + 2 < n
                and gap == " "
                and text[nxt.end : toks[idx + 2].start] == ". "
                and toks[idx + 2].cap
                and not toks[idx + 2].upper
                and low not in t.function_words
            ):
                # "Tyrise M. Bell": given name, initial, surname
                people.add(toks[idx + 2].text)
                continue
            if (
                tok.cap
                and not tok.upper
                and gap == " "
                and _AGE_AFTER.match(text, nxt.end)
                and low not in t.function_words
                and low not in t.locatives
                and nxt.text.casefold() not in t.designators
                and not self._lookup(name_key(f"{tok.text} {nxt.text}"))
            ):
                # "Nakishia Sullivan, 24, was approached": a name with an age in apposition
                people.add(nxt.text)
                continue
            if low in t.roles and not tok.cap and gap == " ":
                # "spokesman Tommy Vietor", "astronomer Geoff Chester": the name's last word
                k = idx + 1
                while (
                    k + 1 < n
                    and k - idx < 3
                    and toks[k + 1].cap
                    and text[toks[k].end : toks[k + 1].start] == " "
                ):
                    k += 1
                people.add(toks[k].text)
                continue
            if low in t.titles and tok.cap and gap in (" ", ". "):
                # "Mr. al-Sharaa": the last capitalised word of the name
                k = idx + 1
                while (
                    k + 1 < len(toks)
                    and self._joined(text, toks, k)
                    and (toks[k + 1].cap or toks[k + 1].text in ("al", "el", "bin", "ibn", "van", "de"))
                ):
                    k += 1
                people.add(toks[k].text)
            elif tok.text in t.first_names and gap == " " and tok.cap and not tok.upper:
                # "Jack London said": given name + capitalised word that is no place phrase
                if self._lookup(name_key(f"{tok.text} {nxt.text}")) or nxt.text.casefold() in t.designators:
                    continue
                people.add(nxt.text)
                # "John Steven Carter": middle names, then the surname
                k = idx + 1
                while (
                    k + 1 < len(toks)
                    and k - idx < 3
                    and toks[k + 1].cap
                    and not toks[k + 1].upper
                    and text[toks[k].end : toks[k + 1].start] in (" ", ". ")
                    and toks[k + 1].text.casefold() not in t.designators
                    and toks[k + 1].text.casefold() not in t.org_words
                ):
                    k += 1
                    people.add(toks[k].text)
                # "Georgia Stevens ... Georgia began skating": the given name is a person here too
                if nxt.text in t.surnames and importance(self._lookup(name_key(nxt.text))) < 2:
                    people.add(tok.text)
        return people

    def _is_word(self, tok: _Tok) -> bool:
        """Whether a capitalised token is a known English word, name part or place name."""
        t = self.t
        low = tok.text.casefold()
        return (
            low in t.common
            or low in t.common_proper
            or tok.text in t.first_names
            or low in t.titles
            or low in t.org_words
            or low in t.designators
            or low in t.nonplace
            or importance(self._lookup(name_key(tok.text))) >= 1
        )

    def _keep(self, text: str, toks: list[_Tok], sp: _Span, sent_initial: _Initial, people: set[str]) -> bool:
        """Whether a candidate span is a toponym in its context."""
        t = self.t
        first = toks[sp.i]
        single = sp.i == sp.j
        kinds = {m.match for m in sp.matches}
        abbrev_form = first.abbrev or first.upper or text[sp.end : sp.end + 1] == "."
        if "abbrev" in kinds and not abbrev_form and kinds != {"abbrev"}:
            # "Man" is the town, not "Man." (Manitoba): drop abbreviation readings of a plain word
            kinds = kinds - {"abbrev"}
        imp = importance(sp.matches)
        major = imp >= 2
        big = imp >= 1
        prev = toks[sp.i - 1] if sp.i > 0 else None
        nxt = toks[sp.j + 1] if sp.j + 1 < len(toks) else None
        gap_before = text[prev.end : first.start] if prev else ""
        gap_after = text[sp.end : nxt.start] if nxt else ""
        prev_low = prev.text.casefold() if prev else ""
        nxt_cap = nxt is not None and gap_after == " " and nxt.cap
        initial = sp.i in sent_initial

        # demonyms ("Russian") only when asked for, and never "Russian" as a language/person noun
        if kinds == {"demonym"}:
            if not self.demonyms:
                return False
            if (
                nxt is not None
                and gap_after == " "
                and nxt.text.casefold() in ("language", "speaker", "speakers")
            ):
                return False

        # currencies and diseases: "US$5", "West Nile virus", "Marburg fever"
        if text[sp.end : sp.end + 1] == "$" or text[max(0, sp.start - 1) : sp.start] == "$":
            return False  # "US$5", "$US 15 billion"
        # a code with a number: "AK-47", "US-24" (a rifle, a route), not the place itself
        if first.upper and single and re.match(r"-\d", text[sp.end : sp.end + 2]):
            return False
        if nxt is not None and gap_after == " " and nxt.text.casefold() in t.diseases:
            return False
        # titles and honorifics: "Mr. Washington", "President Lincoln"
        if prev is not None and prev.cap and prev_low in t.titles and gap_before in (" ", ". "):
            return False

        # abbreviations must look like one: "Ky.", "W.Va.", "NSW", not "On", "Wash" or "US$"
        if kinds == {"abbrev"} and single:
            dotted = first.abbrev or text[first.end : first.end + 1] == "."
            if not (dotted or first.upper):
                return False
            # "Loudon Co.", "Dow Chemical Co.": a company or county word after a name
            if prev is not None and gap_before == " " and prev.cap and not first.upper:
                return False
            if first.upper and not dotted and self._caps_context(toks, sp.i):
                return False
            # initials of a person: "B.B. King", "J.R. Smith"
            if not major and nxt_cap:
                return False

        # short all-capital words are acronyms ("SANA", "NATO") unless the gazetteer calls them an
        # abbreviation ("UK", "NSW") or a well-known place stands in capitals ("OHIO" in a headline,
        # "ROME -" opening a dateline)
        if (
            first.upper
            and single
            and len(first.text.replace(".", "")) <= 4
            and not first.abbrev
            and "abbrev" not in kinds
        ):
            named = major and "name" in kinds
            dateline = initial and text[sp.end : sp.end + 3].strip()[:1] in (",", "(", "—", "-", ":")
            if not (named and (self._caps_context(toks, sp.i) or dateline)):
                return False

        # "Jack London": a given name right before (and not itself a place)
        if (
            prev is not None
            and gap_before == " "
            and prev.cap
            and not prev.upper
            and prev.text in t.first_names
            and prev_low not in t.locatives
            and not self._lookup(name_key(prev.text))
            and sp.how == "gazetteer"
        ):
            return False
        # organisation words after, within the capitalised run: "Cambridge University",
        # "Washington Post", "Shady Grove Adventist Hospital"
        # (a well-known place inside an institution's name is still a mention: "Ohio State University")
        k = sp.j + 1
        while (
            k < len(toks) and k <= sp.j + 2 and toks[k].cap and text[toks[k - 1].end : toks[k].start] == " "
        ):
            low = toks[k].text.casefold()
            if low in t.media_words or (low in t.org_words and imp < 2):
                return False
            k += 1
        # "according to X": a source, a person or an organisation more often than a place
        if not major and prev_low == "to" and sp.i >= 2 and toks[sp.i - 2].text.casefold() == "according":
            return False
        if sp.how != "gazetteer":
            return True
        # "Paris Hilton": a surname right after (not itself a place, not a designator)
        if (
            single
            and nxt_cap
            and not nxt.upper
            and nxt.text in t.surnames
            and importance(self._lookup(name_key(nxt.text))) < 1
            and nxt.text.casefold() not in t.designators
            and (imp < 3 or first.text in t.first_names)
        ):
            return False
        # a given name followed by another capitalised word: "Mary Wheeler", "Michael Eneramo"
        if (
            single
            and nxt_cap
            and imp < 3
            and (first.text in t.first_names)
            and (first.text in t.common_first or importance(self._lookup(name_key(nxt.text))) < 1)
            and nxt.text.casefold() not in t.designators
            and nxt.text.casefold() not in t.org_words
        ):
            return False
        # the article uses this word as a person's name
        if single and first.text in people and prev_low not in t.locatives:
            return False
        # a name between unknown capitalised words is part of a person's name:
        # "Saddam Hussein", "Susilo Bambang Yudhoyono", "Arve Tamor"
        if single and imp < 2:
            if (
                prev is not None
                and gap_before == " "
                and prev.cap
                and not prev.upper
                and not self._is_word(prev)
            ):
                return False
            if nxt_cap and not nxt.upper and not self._is_word(nxt):
                return False
        key = sp.key
        # capitalised but never a place on its own: months, weekdays, directions, titles
        if single and (key in t.nonplace or key in t.titles):
            return False
        # a hyphenated compound with a non-place: "Wal-Mart", "Abdel-Hamid"
        if (
            nxt is not None
            and gap_after == "-"
            and nxt.cap
            and not nxt.upper
            and len(nxt.text) >= 3
            and importance(self._lookup(name_key(nxt.text))) < 1
        ):
            return False
        if (
            prev is not None
            and gap_before == "-"
            and prev.cap
            and not prev.upper
            and len(prev.text) >= 3
            and importance(self._lookup(name_key(prev.text))) < 1
        ):
            return False
        # a saint, not the place: "St. Patrick's Day", "St. John"
        if prev is not None and prev_low in ("st", "saint") and gap_before in (" ", ". "):
            return False
        if not single or kinds == {"demonym"} or first.abbrev or "abbrev" in kinds:
            return True
        # one capitalised word: ask for more evidence the rarer the place and the commoner the word
        located = (prev_low in t.locatives and gap_before == " ") or (
            nxt is not None and gap_after == ", " and nxt.cap and self._starts_place(text, toks, sp.j + 1)
        )
        zipf = t.zipf.get(key, 0.0)
        initial = initial or self._title_case(text, toks, sp.i)
        if key in t.common:  # lower-case English word: "Police", "Independence", "cairns"
            if zipf >= 4.0:
                return major and not initial and zipf < 5.0
            return (big or located) and not (initial and not located)
        if key in t.common_proper:  # also a proper noun: "Reading", "Buffalo", "Day", "Hall"
            if imp >= 3:
                return True
            if zipf >= 4.6:
                return located and big
            return (big or located) and not (initial and not located)
        word = first.text if not first.upper else first.text.capitalize()
        if word in t.first_names:  # "David", "Mary"
            return imp >= 3 or located or (big and word not in t.common_first)
        if word in t.surnames:  # "Walsh", "Lincoln", "Richmond"
            return big or located
        return True

    @staticmethod
    def _title_case(text: str, toks: list[_Tok], i: int) -> bool:
        """Whether token i stands in a run of capitalised words (a headline: "Man Held In Slaying")."""
        lo, hi = max(0, i - 3), min(len(toks), i + 4)
        words = [x for x in toks[lo:hi] if len(x.text) > 3 and x.text[0].isalpha()]
        return len(words) >= 4 and sum(x.cap for x in words) >= len(words) - 1

    def _starts_place(self, text: str, toks: list[_Tok], k: int) -> bool:
        """Whether a well-known place name starts at token k ("New York", "Ky.")."""
        for w in (1, 2, 3):
            if k + w > len(toks):
                break
            m = self._lookup(name_key(text[toks[k].start : toks[k + w - 1].end]))
            if m and (importance(m) >= 2 or any(x.match == "abbrev" for x in m)):
                return True
        return False

    @staticmethod
    def _caps_context(toks: list[_Tok], i: int) -> bool:
        """Whether the neighbours of token i are in capitals too (a headline, a shouted phrase)."""
        near = [
            toks[k] for k in (i - 2, i - 1, i + 1, i + 2) if 0 <= k < len(toks) and toks[k].text[0].isalpha()
        ]
        return sum(x.upper for x in near) >= 2

    def _city_state(
        self, text: str, toks: list[_Tok], kept: list[_Span], sent_initial: _Initial, people: set[str]
    ) -> Iterable[_Span]:
        """ "Smalltown, Ky.": an unknown capitalised name right before ", <state or country>"."""
        t = self.t
        taken = {k for sp in kept for k in range(sp.i, sp.j + 1)}
        by_first = {sp.i: sp for sp in kept}
        for sp in kept:
            # the state or country by name or abbreviation, not a demonym ("In May, Mexican officials")
            if not any(
                m.candidate.kind in ("admin1", "country") and m.match != "demonym" for m in sp.matches
            ):
                continue
            k = sp.i - 1
            if k < 0 or k in taken or text[toks[k].end : toks[sp.i].start] != ", ":
                continue
            j = k
            while (
                j - 1 >= 0
                and j - 1 not in taken
                and toks[j - 1].cap
                and toks[j - 1].text.casefold() not in t.titles
                and toks[j - 1].text.casefold() not in t.function_words
                and toks[j - 1].text.casefold() not in _NAME_OPENERS
                and self._joined(text, toks, j - 1)
                and k - j < 2
            ):
                j -= 1
            name = toks[j : k + 1]
            if not all(x.cap and not x.upper and x.text.casefold() not in t.function_words for x in name):
                continue
            key = name_key(text[name[0].start : name[-1].end])
            if key in t.common or key in t.common_proper or key in t.nonplace or key in t.titles:
                continue
            if any(x.text in people for x in name) or (
                len(name) == 1 and j in sent_initial and key in t.surnames
            ):
                continue
            prev = toks[j - 1] if j > 0 else None
            if prev is not None and prev.text.casefold() in t.titles:
                continue
            # a person's name "John Smith, Texas" is rare next to a state; keep only if the first word is no given name
            if len(name) > 1 and name[0].text in t.first_names:
                continue
            if j in by_first:
                continue
            yield _Span(j, k, name[0].start, name[-1].end, (), key, "pattern")

    # -- names the context shows are places ------------------------------
    def _context_names(
        self, text: str, toks: list[_Tok], kept: list[_Span], people: set[str]
    ) -> Iterable[_Span]:
        """Capitalised names the gazetteer lacks (or the filters dropped) whose context makes them places.

        * "the village of X", "the villages of X and Y", "the towns of X, Y and Z";
        * "X, a (small) town in ...", "X, a village near ...";
        * "the X refugee camp", "the X air base", "the X district", "Beirut's X neighbourhood".

        The usual person and organisation evidence still rules a name out.
        """
        t = self.t
        taken = {k for sp in kept for k in range(sp.i, sp.j + 1)}
        out: dict[int, _Span] = {}
        n = len(toks)
        heads = t.suffix_heads
        for idx, tok in enumerate(toks):
            low = tok.text
            if low not in heads:
                continue
            listed = low in t.place_nouns or low in _LISTING_FACILITIES
            if listed:
                # "the village of X", "the villages of X and Y", "the oilfields at X, Y and Z"
                linker = "of" if low in t.place_nouns else ("of", "at")
                if (
                    idx + 2 < n
                    and toks[idx + 1].text in linker
                    and text[tok.end : toks[idx + 2].start] == f" {toks[idx + 1].text} "
                ):
                    k = idx + 2
                    for _ in range(6):
                        run = self._name_run(text, toks, k, taken, people)
                        if run is None:
                            break
                        if run.i not in taken:
                            out.setdefault(run.i, run)
                        nxt = run.j + 1
                        if nxt >= n:
                            break
                        gap = text[toks[run.j].end : toks[nxt].start]
                        if gap not in (", ", " "):
                            break
                        if toks[nxt].text in ("and", "or"):
                            nxt += 1
                            if nxt >= n or text[toks[nxt - 1].end : toks[nxt].start] != " ":
                                break
                        elif gap != ", ":
                            break
                        k = nxt
            if low in t.place_nouns:
                # "X, a town in ...": an apposition with a settlement noun
                run = self._apposition(text, toks, idx, taken, people)
                if run is not None:
                    out.setdefault(run.i, run)
            # "the X refugee camp", "the X air base", "the X district", "Beirut's X neighbourhood",
            # "Iran's X, Y and Z offshore oilfields"
            if low not in t.lower_suffix_heads:
                continue
            for run in self._lower_suffix(text, toks, idx, taken, people):
                out.setdefault(run.i, run)
        for run in self._list_members(text, toks, [*kept, *out.values()], people):
            out.setdefault(run.i, run)
        for run in self._distance_appositions(text, toks, taken | set(out), people):
            out.setdefault(run.i, run)
        if out:
            # the article's other uses of a name so introduced ("the village of X ... X was shelled")
            names = {tuple(x.text for x in toks[sp.i : sp.j + 1]): sp for sp in out.values()}
            used = taken | {k for sp in out.values() for k in range(sp.i, sp.j + 1)}
            for idx, tok in enumerate(toks):
                if idx in used or not tok.cap:
                    continue
                for words, sp in names.items():
                    w = len(words)
                    if (
                        tok.text == words[0]
                        and tuple(x.text for x in toks[idx : idx + w]) == words
                        and not any(k in used for k in range(idx, idx + w))
                        and all(self._joined(text, toks, k) for k in range(idx, idx + w - 1))
                        and not (
                            idx + w < len(toks)
                            and toks[idx + w].cap
                            and self._joined(text, toks, idx + w - 1)
                        )
                        and not (idx > 0 and toks[idx - 1].cap and self._joined(text, toks, idx - 1))
                    ):
                        out[idx] = _Span(
                            idx, idx + w - 1, tok.start, toks[idx + w - 1].end, sp.matches, sp.key, "context"
                        )
                        break
        return out.values()

    def _list_members(
        self, text: str, toks: list[_Tok], places: list[_Span], people: set[str]
    ) -> list[_Span]:
        """Unknown names listed with known towns: "in Huanuni, Corocoro, Siglo and Colquiri".

        A list of at least three capitalised names ("A, B, C and D") in which at least two are
        places below country level, and none a country or continent, is a list of places: its
        other names are places too.  Lists of countries ("Israel, Egypt and Hamas") and lists
        with a single known place ("Smith, Jones and Lincoln") teach nothing.
        """
        if len(places) < 2:
            return []
        n = len(toks)
        by_start = {sp.i: sp for sp in places}
        taken = {k for sp in places for k in range(sp.i, sp.j + 1)}
        seen: set[int] = set()
        out: list[_Span] = []
        for seed in sorted(places, key=lambda sp: sp.i):
            if seed.i in seen:
                continue
            members = [seed]
            # back to the list's first name: "A, B, [seed]"
            first = seed
            while first.i >= 2 and text[toks[first.i - 1].end : toks[first.i].start] == ", ":
                k = first.i - 1
                prev = by_start.get(next((sp.i for sp in places if sp.j == k), -1)) or self._name_run(
                    text, toks, k, taken, people, back=True
                )
                if prev is None:
                    break
                members.insert(0, prev)
                first = prev
            cur = seed
            while cur.j + 1 < n:
                k = cur.j + 1
                gap = text[toks[cur.j].end : toks[k].start]
                last = False
                if toks[k].text in ("and", "or") and gap in (" ", ", "):
                    if k + 1 >= n or text[toks[k].end : toks[k + 1].start] != " ":
                        break
                    k, last = k + 1, True
                elif gap != ", ":
                    break
                nxt = by_start.get(k) or self._name_run(text, toks, k, taken, people)
                if nxt is None:
                    break
                members.append(nxt)
                cur = nxt
                if last:
                    break
            seen.update(sp.i for sp in members)
            known = [sp for sp in members if sp.i in by_start]
            if len(members) < 3 or len(known) < 2:
                continue
            if any(importance(sp.matches) == 3 for sp in known):
                continue  # a country in the list: parties and powers ("Israel, Egypt and Hamas")
            out.extend(sp for sp in members if sp.i not in by_start and sp.how == "context")
        return out

    def _distance_appositions(
        self, text: str, toks: list[_Tok], taken: set[int], people: set[str]
    ) -> list[_Span]:
        """ "X, 18 miles south of Y": a name set off by a distance and a direction from a place."""
        t = self.t
        out: list[_Span] = []
        n = len(toks)
        for idx, tok in enumerate(toks):
            if tok.text not in _DISTANCE_UNITS or idx < 3 or idx + 2 >= n:
                continue
            if toks[idx + 1].text.casefold() not in t.compass or toks[idx + 2].text != "of":
                continue
            k = idx - 1
            if not toks[k].text.replace(",", "").replace(".", "").isdigit():
                continue
            if toks[k - 1].text.casefold() in _ABOUT:
                k -= 1
            if text[toks[k - 1].end : toks[k].start] != ", ":
                continue
            run = self._name_run(text, toks, k - 1, taken, people, back=True)
            if run is not None and run.i > 0 and run.how == "context":
                out.append(run)
        return out

    def _name_run(
        self, text: str, toks: list[_Tok], k: int, taken: set[int], people: set[str], back: bool = False
    ) -> _Span | None:
        """A capitalised name of up to three words starting (or, ``back``, ending) at token k."""
        t = self.t
        n = len(toks)
        if not 0 <= k < n:
            return None
        if k in taken:
            # already a mention: report it as a run so that lists go on
            i = j = k
            while j + 1 < n and j + 1 in taken and self._joined(text, toks, j):
                j += 1
            return _Span(i, j, toks[i].start, toks[j].end, (), "", "taken") if not back else None
        i = j = k

        def ok(x: _Tok) -> bool:
            return x.cap and len(x.text) >= 2 and x.text[0].isalpha() and not (x.upper and len(x.text) <= 4)

        if not ok(toks[k]):
            return None
        if back:
            while (
                i - 1 >= 0
                and k - i < 2
                and i - 1 not in taken
                and ok(toks[i - 1])
                and text[toks[i - 1].end : toks[i].start] in (" ", "-")
            ):
                i -= 1
        else:
            while (
                j + 1 < n
                and j - k < 2
                and j + 1 not in taken
                and ok(toks[j + 1])
                and text[toks[j].end : toks[j + 1].start] in (" ", "-")
            ):
                j += 1
        name = toks[i : j + 1]
        lows = [x.text.casefold() for x in name]
        if lows[0] in t.function_words or lows[0] in _NAME_OPENERS:
            return None
        if any(w in t.titles or w in t.nonplace or w in t.org_words for w in lows):
            return None
        if any(x.text in people for x in name):
            return None
        if len(name) > 1 and name[0].text in t.first_names and not self._lookup(name_key(name[0].text)):
            return None  # "John Smith"
        if i > 0 and toks[i - 1].cap and toks[i - 1].text.casefold() in t.titles:
            return None
        # an organisation word right after: "the town of Springfield Council"
        if (
            j + 1 < n
            and text[toks[j].end : toks[j + 1].start] == " "
            and toks[j + 1].cap
            and toks[j + 1].text.casefold() in t.org_words
        ):
            return None
        key = name_key(text[name[0].start : name[-1].end])
        if len(name) == 1 and key in t.common and t.zipf.get(key, 0.0) >= 4.0:
            return None
        return _Span(i, j, name[0].start, name[-1].end, self._lookup(key), key, "context")

    def _apposition(
        self, text: str, toks: list[_Tok], idx: int, taken: set[int], people: set[str]
    ) -> _Span | None:
        """ "X, a (small) town in ...": the name before ", a ... <place noun>" followed by a locative."""
        n = len(toks)
        if idx + 1 >= n or (toks[idx].text.endswith("s") and toks[idx].text != "oasis"):
            return None
        after = toks[idx + 1]
        if text[toks[idx].end : after.start] != " " or not (
            after.text in ("in", "of", "on", "near", "outside", "north", "south", "east", "west", "about")
            or after.text.isdigit()
        ):
            return None
        k = idx - 1
        for _ in range(2):  # up to two adjectives: "a small farming village"
            if k >= 0 and toks[k].text.islower() and toks[k].text not in ("a", "an"):
                k -= 1
        if k < 1 or toks[k].text not in ("a", "an") or text[toks[k - 1].end : toks[k].start] != ", ":
            return None
        if any(not toks[x].text.islower() for x in range(k + 1, idx)):
            return None
        return self._name_run(text, toks, k - 1, taken, people, back=True)

    def _lower_suffix(
        self, text: str, toks: list[_Tok], idx: int, taken: set[int], people: set[str]
    ) -> list[_Span]:
        """ "the X refugee camp", "Beirut's X neighbourhood": a name before a lower-case place phrase.

        A plural phrase takes the list before it: "the X, Y and Z oilfields", "Iran's X and Y camps".
        """
        t = self.t
        n = len(toks)
        if idx < 2 or text[toks[idx - 1].end : toks[idx].start] != " ":
            return []
        end = None
        for width in (3, 2, 1):
            if idx + width > n:
                continue
            words = " ".join(x.text for x in toks[idx : idx + width])
            if not all(x.text.islower() for x in toks[idx : idx + width]):
                continue
            if words in t.facilities or words in t.designators or (width == 1 and words in _SUFFIX_NOUNS):
                end = idx + width - 1
                break
        if end is None:
            return []
        # "the Denver district attorney", "the Gaza camp director": an office or institution follows
        if end + 1 < n and text[toks[end].end : toks[end + 1].start] == " ":
            nl = toks[end + 1].text.casefold()
            if nl in t.titles or nl in t.roles or nl in t.org_words or nl in _SUFFIX_BLOCKERS:
                return []
        plural = toks[end].text.endswith("s")
        runs: list[_Span] = []
        k = idx - 1
        for _ in range(6 if plural else 1):
            if plural and k in taken:
                # a known place in the list ("the Etoumbi and Mbomo districts"): it goes on past it
                i = k
                while i - 1 in taken and self._joined(text, toks, i - 1):
                    i -= 1
                run = _Span(i, k, toks[i].start, toks[k].end, (), "", "taken")
            else:
                run = self._name_run(text, toks, k, taken, people, back=True)
            if run is None or run.i == 0:
                return []
            if run.how != "taken":
                runs.append(run)
            before = text[toks[run.i - 1].end : toks[run.i].start]
            prev = toks[run.i - 1]
            if (before == " " and prev.text.casefold() == "the") or (
                before in ("'s ", "’s ") and run.i - 1 in taken
            ):
                return runs
            # a list before a plural phrase: "X, Y and Z oilfields"
            if before == ", ":
                k = run.i - 1
            elif before == " " and prev.text in ("and", "or") and run.i >= 2:
                k = run.i - 2
                if text[toks[k].end : toks[run.i - 1].start] not in (" ", ", "):
                    return []
            else:
                return []
        return []


# Lower-case links inside Persian, Urdu and Arabic compound names: "Qasr-e-Shirin", "Mandi Bahauddin",
# "Abu al-Bukhoosh", "Dera Ismail-ul-Haq".
_COMPOUND_LINKS = frozenset({"e", "i", "ye", "ul", "ud", "al", "el"})


def _inside_compound(text: str, toks: list[_Tok], sp: _Span) -> bool:
    """Whether a gazetteer match is only a part of a longer compound name the gazetteer lacks.

    "Qasr-e-Shirin" is neither "Qasr" nor "Shirin"; "Abu al-Bukhoosh" is not "Abu"; the match
    stands when no link word joins it to another capitalised word ("Kabul-Kandahar highway",
    "Basra al-..." are rare; "Iraq-Iran border" has no link word).
    """
    n = len(toks)
    j = sp.j
    # after: "-e-Shirin", " al-Bukhoosh"
    if j + 2 < n and toks[j + 1].text in _COMPOUND_LINKS and toks[j + 2].cap:
        gap1 = text[toks[j].end : toks[j + 1].start]
        gap2 = text[toks[j + 1].end : toks[j + 2].start]
        if gap2 == "-" and (gap1 == "-" or (gap1 == " " and toks[j + 1].text in ("al", "el"))):
            return True
    # before: "Qasr-e-" before "Shirin"; "Darb " before "al-Sim"
    i = sp.i
    if (
        i >= 1
        and toks[i].text in ("al", "el")
        and toks[i - 1].cap
        and text[toks[i - 1].end : toks[i].start] == " "
    ):
        return True
    if i >= 2 and toks[i - 1].text in _COMPOUND_LINKS and toks[i - 2].cap:
        gap1 = text[toks[i - 2].end : toks[i - 1].start]
        gap2 = text[toks[i - 1].end : toks[i].start]
        if gap1 == "-" and gap2 == "-":
            return True
    return False


class _Initial:
    """Whether a token opens a sentence, a line, a quote or follows a colon (computed on demand)."""

    __slots__ = ("text", "toks", "starts")

    def __init__(self, text: str, toks: list[_Tok], starts: set[int]) -> None:
        self.text = text
        self.toks = toks
        self.starts = starts

    def __contains__(self, idx: int) -> bool:
        if idx == 0:
            return True
        tok = self.toks[idx]
        if tok.start in self.starts:
            return True
        prev = self.toks[idx - 1]
        gap = self.text[prev.end : tok.start]
        stripped = gap.strip()
        return (
            "\n" in gap
            or stripped.endswith((":", '"', "“", "—", "--", "(", "•", "*"))
            or (bool(stripped) and stripped[-1] in ".!?" and not prev.abbrev)
        )
