"""The in-memory gazetteer: flat column arrays plus a key -> rows dictionary.

A :class:`Gazetteer` holds one row per entry (city, admin area, country,
airport, curated layer feature…) in parallel columns, and a dictionary from
:func:`geobrief.text.name_key` keys to the rows that carry that name, already
ordered best-first.  :class:`~geobrief.model.Candidate` objects are built
lazily from the columns on lookup, behind small LRU caches, so loading the
index maps one file (no per-entry Python objects) and looking a key up is one
hash probe.
"""

from __future__ import annotations

import json
import math
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from geobrief.errors import GazetteerError
from geobrief.model import PLACE_KINDS, Candidate
from geobrief.text import name_key

#: How a key matched an entry, in ranking order (a primary name ranks first).
MATCH_KINDS: tuple[str, ...] = ("name", "alias", "abbrev", "demonym")

#: Most rows kept for one key (after ranking): a resolver never needs the 300th "Springfield".
MAX_ROWS_PER_KEY = 120

#: A city at least this populous ranks with countries, admin1 areas and curated layers.
MAJOR_CITY_POPULATION = 100_000

# Importance tier of a kind, for ranking rows that share a key (higher first).
_TIER = {
    "continent": 8,
    "country": 7,
    "sea": 6,  # curated seas and regions are named for news use: above a namesake province
    "region": 6,
    "admin1": 5,
    "river": 4,  # below a namesake state ("Mississippi")
    "landmark": 3,
    "facility": 3,
    "city": 2,
    "admin2": 1,
    "airport": 0,
}
#: An admin1 area with fewer people than this (summed over its GeoNames places) is no major entry.
MAJOR_ADMIN1_POPULATION = 50_000
#: How much a match kind lowers the population score (log10 units): an alias ~ 1/3 of the people.
_MATCH_PENALTY = (0.0, 0.5, 0.5, 1.0)
_MAJOR_KINDS = frozenset({"continent", "country", "admin1", "sea", "region", "river", "landmark", "facility"})

#: Version of the file layout; part of the cache file name.
FORMAT_VERSION = 6
_MAGIC = b"GBGZ"

#: Anything with the buffer protocol: bytes, mmap, memoryview, array.
Buffer = Any


class Match(NamedTuple):
    """One gazetteer entry a key matched, and how.

    ``match`` is ``"name"`` (the entry's primary name), ``"alias"`` (an
    alternate name), ``"abbrev"`` (an abbreviation or code such as ``U.S.``,
    ``Ky.``, ``NSW``) or ``"demonym"`` (``Russian`` -> Russia).
    """

    candidate: Candidate
    match: str


def rank_key(cand: Candidate, match: str) -> tuple[int, int, float]:
    """Sort key of a (candidate, match kind) pair among the rows of one key (smaller first).

    1. Major entries first: continents, countries, curated layer features,
       admin1 areas of at least :data:`MAJOR_ADMIN1_POPULATION` people and
       cities of at least :data:`MAJOR_CITY_POPULATION`.
    2. Then the kind's importance: continent, country, sea/region, admin1,
       river, landmark/facility, city, admin2, airport.
    3. Then ``log10(population)``, less a penalty for an alias (0.5),
       abbreviation (0.5) or demonym (1.0) match: a primary name wins unless
       the alias holder is several times more populous ("Odessa": Odesa,
       Ukraine, before Odessa, Texas).

    Afterwards a city moves before an admin1 area of the same name that it
    names ("Kyiv", "Tokyo", "Washington", "Kherson": the city first; see
    :func:`_cities_before_namesake_areas`).
    """
    m = MATCH_KINDS.index(match)
    if cand.kind == "city":
        major = cand.population >= MAJOR_CITY_POPULATION
    elif cand.kind == "admin1":
        major = cand.population >= MAJOR_ADMIN1_POPULATION
    else:
        major = cand.kind in _MAJOR_KINDS
    score = math.log10(cand.population + 1) - _MATCH_PENALTY[m]
    return (0 if major else 1, -_TIER.get(cand.kind, 0), -score)


def _cities_before_namesake_areas(
    ranked: list[tuple[int, int]], kinds: Sequence[int], ccs: Sequence[int], pops: Sequence[int]
) -> list[tuple[int, int]]:
    """Move cities before the admin1 areas named like them, in *ranked* (row, match) pairs.

    A city goes before a same-country area it plausibly names (its population
    at least a tenth of the area's: "Kherson", "Daraa") and, if it is a major
    city, before any same-named area ("Jerusalem").
    """
    admin1, city = PLACE_KINDS.index("admin1"), PLACE_KINDS.index("city")
    out = list(ranked)
    for row, m in ranked:
        if kinds[row] != city:
            continue
        major = pops[row] >= MAJOR_CITY_POPULATION
        cur = out.index((row, m))
        for k in range(cur):
            area = out[k][0]
            if kinds[area] != admin1:
                continue
            if major or (ccs[area] == ccs[row] and pops[row] * 10 >= pops[area]):
                out.insert(k, out.pop(cur))
                break
    return out


class StringTable:
    """An immutable list of strings with an O(1) string -> position hash index.

    Stored as one UTF-8 blob, an offsets array, an open-addressing table of
    ``crc32`` hashes and a one-hash bit filter (most looked-up n-grams are no
    names: the filter answers those with one bit test); all may be zero-copy
    views of a memory-mapped index file, so loading creates no per-string
    Python objects.
    """

    __slots__ = ("blob", "offsets", "slots", "mask", "filter", "fmask")

    def __init__(
        self, blob: Buffer, offsets: Sequence[int], slots: Sequence[int], filter: Buffer = b""
    ) -> None:
        self.blob = blob
        self.offsets = offsets
        self.slots = slots
        self.mask = len(slots) - 1
        self.filter = filter
        self.fmask = len(filter) * 8 - 1

    @classmethod
    def build(cls, strings: Iterable[str], *, hashed: bool = True) -> StringTable:
        encoded = [s.encode("utf-8") for s in strings]
        offsets = array("I", [0])
        pos = 0
        for e in encoded:
            pos += len(e)
            offsets.append(pos)
        size = 1
        while hashed and size < 2 * len(encoded) + 2:
            size <<= 1
        slots = array("I", bytes(4 * size))
        mask = size - 1
        # ~20 filter bits per string: ~5 % of misses get past the filter.
        fbits = 1024
        while hashed and fbits < 20 * len(encoded):
            fbits <<= 1
        bits = bytearray(fbits // 8 if hashed else 0)
        for i, e in enumerate(encoded if hashed else ()):
            crc = zlib.crc32(e)
            f = crc & (fbits - 1)
            bits[f >> 3] |= 1 << (f & 7)
            h = crc & mask
            while slots[h]:
                h = (h + 1) & mask
            slots[h] = i + 1
        return cls(b"".join(encoded), offsets, slots, bytes(bits))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return str(self.blob[self.offsets[i] : self.offsets[i + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def find(self, s: str) -> int:
        """Position of *s*, or -1."""
        if not self.mask:
            raise GazetteerError("this string table has no hash index")
        e = s.encode("utf-8")
        crc = zlib.crc32(e)
        f = crc & self.fmask
        if not self.filter[f >> 3] & (1 << (f & 7)):
            return -1
        blob, offsets, slots, mask = self.blob, self.offsets, self.slots, self.mask
        h = crc & mask
        n = len(e)
        while True:
            i = slots[h]
            if not i:
                return -1
            start = offsets[i - 1]
            if offsets[i] - start == n and blob[start : start + n] == e:
                return i - 1
            h = (h + 1) & mask

    def sections(self, prefix: str) -> dict[str, tuple[str, Buffer]]:
        return {
            f"{prefix}.blob": ("B", self.blob),
            f"{prefix}.offsets": ("I", self.offsets),
            f"{prefix}.slots": ("I", self.slots),
            f"{prefix}.filter": ("B", self.filter),
        }

    @classmethod
    def from_sections(cls, sec: dict[str, Any], prefix: str) -> StringTable:
        parts = (sec[f"{prefix}.{part}"] for part in ("blob", "offsets", "slots", "filter"))
        return cls(*parts)


class _Columns:
    """Parallel per-row columns, kept as arrays and string tables."""

    __slots__ = ("ids", "names", "lat", "lon", "kind", "fcode", "cc", "admin1", "pop", "src", "strings")

    def __init__(
        self, ids: StringTable, names: StringTable, strings: list[str], arrays: dict[str, Any]
    ) -> None:
        self.ids = ids
        self.names = names
        self.strings = strings  # shared table of short strings: country codes, admin1 names, sources, codes
        for name in ("lat", "lon", "kind", "fcode", "cc", "admin1", "pop", "src"):
            setattr(self, name, arrays[name])
        n = len(ids)
        if len(names) != n or not all(len(arrays[f]) == n for f in arrays):
            raise GazetteerError("gazetteer index is corrupt: columns differ in length")

    def __len__(self) -> int:
        return len(self.ids)

    def candidate(self, row: int) -> Candidate:
        strings = self.strings
        return Candidate(
            id=self.ids[row],
            name=self.names[row],
            lat=self.lat[row],
            lon=self.lon[row],
            kind=PLACE_KINDS[self.kind[row]],
            feature_code=strings[self.fcode[row]],
            country_code=strings[self.cc[row]],
            admin1=strings[self.admin1[row]],
            population=self.pop[row],
            source=strings[self.src[row]],
        )

    def sections(self) -> dict[str, tuple[str, Buffer]]:
        sec = {**self.ids.sections("ids"), **self.names.sections("names")}
        for name, (typecode, _) in _ARRAYS.items():
            sec[f"col.{name}"] = (typecode, getattr(self, name))
        return sec

    @classmethod
    def from_sections(cls, sec: dict[str, Any], strings: list[str]) -> _Columns:
        arrays = {name: sec[f"col.{name}"] for name in _ARRAYS}
        ids = StringTable.from_sections(sec, "ids")
        return cls(ids, StringTable.from_sections(sec, "names"), strings, arrays)


# Numeric columns: name -> (array typecode, description).
_ARRAYS = {
    "lat": ("d", "latitude"),
    "lon": ("d", "longitude"),
    "kind": ("B", "index into PLACE_KINDS"),
    "fcode": ("I", "feature code (string table index)"),
    "cc": ("I", "country code (string table index)"),
    "admin1": ("I", "admin1 name (string table index)"),
    "pop": ("q", "population"),
    "src": ("I", "source (string table index)"),
}


class _RowBuffer:
    """Rows as the builder collects them (Python lists), turned into :class:`_Columns` at the end."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.arrays = {name: array(typecode) for name, (typecode, _) in _ARRAYS.items()}
        self.strings: list[str] = [""]
        self._string_index: dict[str, int] = {"": 0}

    def __len__(self) -> int:
        return len(self.ids)

    def _s(self, value: str) -> int:
        i = self._string_index.get(value)
        if i is None:
            i = self._string_index[value] = len(self.strings)
            self.strings.append(value)
        return i

    def append(self, c: Candidate) -> int:
        row = len(self.ids)
        a = self.arrays
        self.ids.append(c.id)
        self.names.append(c.name)
        a["lat"].append(c.lat)
        a["lon"].append(c.lon)
        a["kind"].append(PLACE_KINDS.index(c.kind))
        a["fcode"].append(self._s(c.feature_code))
        a["cc"].append(self._s(c.country_code))
        a["admin1"].append(self._s(c.admin1))
        a["pop"].append(int(c.population))
        a["src"].append(self._s(c.source))
        return row

    def kind(self, row: int) -> str:
        return PLACE_KINDS[self.arrays["kind"][row]]

    def cc(self, row: int) -> str:
        return self.strings[self.arrays["cc"][row]]

    def columns(self) -> _Columns:
        # Names are never looked up by value: no hash index for them.
        names = StringTable.build(self.names, hashed=False)
        return _Columns(StringTable.build(self.ids), names, list(self.strings), self.arrays)


class Gazetteer:
    """An offline gazetteer: name keys to ranked candidate places.

    Build one with :func:`geobrief.gazetteer.load_gazetteer` (the full
    index, cached on disk) or :meth:`from_entries` (a small in-memory one).

    Candidate ids: ``geonames:<geonameid>`` for every GeoNames entry (cities,
    admin1/admin2 areas, countries, continents), ``airport:<ICAO>`` for
    airports and air bases from ``airportsdata``, ``layer:<file stem>:<slug>``
    for curated layer features (``layers/*.geojson``).
    """

    def __init__(
        self,
        columns: _Columns,
        keys: StringTable,
        key_offsets: Sequence[int],
        codes: Sequence[int],
        countries: dict[str, int],
        admin1s: dict[str, int],
        max_tokens: int,
        info: dict[str, Any] | None = None,
    ) -> None:
        self._cols = columns
        self._keys = keys
        self._key_offsets = key_offsets  # key i's codes are codes[key_offsets[i]:key_offsets[i + 1]]
        self._codes = codes  # row << 2 | match kind index, best-first per key
        self._countries = countries
        self._admin1s = admin1s
        self._max_tokens = max_tokens
        self._abbrevs: dict[str, list[str]] = {}
        # spelling skeletons of area and country names, per country code, built on first use
        self._skeletons: dict[str, dict[str, tuple[tuple[str, int], ...]]] | None = None
        self._area_names: dict[str, list[tuple[str, int]]] = {}
        self.info: dict[str, Any] = dict(info or {})
        self.path: Path | None = None  # the cached index file it was loaded from, if any
        self._buffer: Any = None
        if len(key_offsets) != len(keys) + 1:
            raise GazetteerError("gazetteer index is corrupt: key offsets")
        self._candidate = lru_cache(maxsize=50_000)(columns.candidate)
        self._lookup = lru_cache(maxsize=20_000)(self._lookup_uncached)

    # -- construction -----------------------------------------------------------
    @classmethod
    def from_entries(cls, entries: Iterable[tuple[Candidate, Iterable[tuple[str, str]]]]) -> Gazetteer:
        """A small in-memory gazetteer, e.g. for tests.

        Parameters
        ----------
        entries : iterable of (Candidate, iterable of (surface name, match kind))
            Each candidate with the names it is known by; the match kind is one
            of :data:`MATCH_KINDS`.  The candidate's own ``name`` is always
            indexed as ``"name"``.

        Returns
        -------
        Gazetteer
        """
        builder = IndexBuilder()
        for cand, names in entries:
            builder.add(cand, names)
        return builder.gazetteer()

    def dumps(self) -> bytes:
        """The index as bytes (see :meth:`loads`).

        Layout: magic ``GBGZ``, a little-endian ``uint32`` header length, a
        JSON header (format, byte order, small tables, section offsets), then
        the raw sections (arrays and UTF-8 blobs), each aligned to 8 bytes, so
        :meth:`loads` can map them without copying.
        """
        sections = {
            **self._cols.sections(),
            **self._keys.sections("keys"),
            "key_offsets": ("I", self._key_offsets),
            "codes": ("I", self._codes),
        }
        parts: list[bytes] = []
        table: dict[str, tuple[str, int, int]] = {}
        pos = 0
        for name, (typecode, buf) in sections.items():
            raw = buf if isinstance(buf, bytes) else memoryview(buf).cast("B").tobytes()
            table[name] = (typecode, pos, len(raw))
            pad = -len(raw) % 8
            parts.append(raw + b"\0" * pad)
            pos += len(raw) + pad
        header = json.dumps(
            {
                "format": FORMAT_VERSION,
                "byteorder": sys.byteorder,
                "strings": self._cols.strings,
                "countries": self._countries,
                "admin1s": self._admin1s,
                "max_tokens": self._max_tokens,
                "abbrevs": self._abbrevs,
                "info": self.info,
                "sections": table,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        header += b" " * (-(len(header) + 8) % 8)
        return b"".join([_MAGIC, struct.pack("<I", len(header)), header, *parts])

    @classmethod
    def loads(cls, data: Buffer) -> Gazetteer:
        """A gazetteer over :meth:`dumps` output (``bytes`` or an ``mmap``, used without copying).

        Raises
        ------
        GazetteerError
            If the data is not a gazetteer index of this format version.
        """
        mv = memoryview(data)
        try:
            if bytes(mv[:4]) != _MAGIC:
                raise ValueError("not a geobrief gazetteer index")
            (hlen,) = struct.unpack("<I", mv[4:8])
            header = json.loads(str(mv[8 : 8 + hlen], "utf-8"))
            if header.get("format") != FORMAT_VERSION or header.get("byteorder") != sys.byteorder:
                raise ValueError("another format version")
            base = 8 + hlen
            sec: dict[str, Any] = {}
            for name, (typecode, off, length) in header["sections"].items():
                if base + off + length > len(mv):
                    raise ValueError(f"section {name} is truncated")
                view = mv[base + off : base + off + length]
                sec[name] = view if typecode == "B" else view.cast(typecode)
            gaz = cls(
                _Columns.from_sections(sec, header["strings"]),
                StringTable.from_sections(sec, "keys"),
                sec["key_offsets"],
                sec["codes"],
                header["countries"],
                header["admin1s"],
                header["max_tokens"],
                header.get("info"),
            )
        except (ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError) as exc:
            raise GazetteerError(f"gazetteer index is corrupt: {exc}") from exc
        gaz._abbrevs = header.get("abbrevs", {})
        gaz._buffer = data  # an mmap must live as long as the views into it
        return gaz

    # -- lookups ----------------------------------------------------------------
    def _lookup_uncached(self, i: int) -> tuple[Match, ...]:
        codes = self._codes[self._key_offsets[i] : self._key_offsets[i + 1]]
        return tuple(Match(self._candidate(code >> 2), MATCH_KINDS[code & 3]) for code in codes)

    def lookup(self, key: str) -> tuple[Match, ...]:
        """Entries whose name has this key, best-first.

        Parameters
        ----------
        key : str
            A :func:`geobrief.text.name_key` of a surface form.

        Returns
        -------
        tuple of Match
            Empty if the key is unknown.  Order: see :func:`rank_key`.
        """
        i = self._keys.find(key)
        return () if i < 0 else self._lookup(i)

    def candidates(self, key: str) -> tuple[Candidate, ...]:
        """Same as :meth:`lookup`, candidates only."""
        return tuple(m.candidate for m in self.lookup(key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._keys.find(key) >= 0

    def __len__(self) -> int:
        """Number of entries (rows), not keys."""
        return len(self._cols)

    def keys(self) -> Iterator[str]:
        """All indexed keys."""
        return iter(self._keys)

    def get(self, entry_id: str) -> Candidate | None:
        """The entry with this id (``geonames:…``, ``airport:…``, ``layer:…``), or None."""
        row = self._cols.ids.find(entry_id)
        return None if row < 0 else self._candidate(row)

    def country(self, code: str) -> Candidate | None:
        """The country entry of an ISO 3166-1 alpha-2 code (case-insensitive), or None."""
        row = self._countries.get(code.upper())
        return None if row is None else self._candidate(row)

    def admin1(self, country_code: str, name: str) -> Candidate | None:
        """The first-level area of a country by name, alias, abbreviation or ISO 3166-2 code.

        ``admin1("US", "Kentucky")``, ``admin1("US", "Ky.")`` and
        ``admin1("US", "US-KY")`` give the same entry.
        """
        cc = country_code.upper()
        row = self._admin1s.get(f"{cc}|{name_key(name)}")
        if row is None and name.upper().startswith(cc + "-"):
            row = self._admin1s.get(f"{cc}|{name_key(name[len(cc) + 1 :])}")
        return None if row is None else self._candidate(row)

    def spelling_variants(self, key: str, countries: Iterable[str] = ()) -> tuple[Candidate, ...]:
        """Countries, and first-level areas of *countries*, spelled like *key* in another transliteration.

        Names are compared by :func:`spelling_skeleton` ("Daqahliya" ~ "Dakahlia", "Menoufia" ~
        "Minufiya", "Mauritious" ~ "Mauritius"), and must be close and begin alike.  A fallback for
        names the index lacks.

        Parameters
        ----------
        key : str
            A :func:`geobrief.text.name_key` of a surface form.
        countries : iterable of str
            ISO 3166-1 alpha-2 codes whose first-level areas are searched (e.g. the countries a
            story is about); countries themselves are always searched.

        Returns
        -------
        tuple of Candidate
            Countries first, then areas; empty for a short or unknown skeleton.
        """
        sk = spelling_skeleton(key)
        if len(sk) < 3:
            return ()
        if self._skeletons is None:  # per country code ("" for the countries), filled lazily
            by_cc: dict[str, list[tuple[str, int]]] = {}
            for k, row in self._admin1s.items():
                cc, _, name = k.partition("|")
                by_cc.setdefault(cc, []).append((name, row))
            by_cc[""] = [(name_key(self._cols.names[row]), row) for row in self._countries.values()]
            self._area_names = by_cc
            self._skeletons = {}
        bare = _SKELETON_ARTICLE.sub("", key)
        rows: dict[int, None] = {}
        for cc in ["", *dict.fromkeys(c.upper() for c in countries if c)]:
            table = self._skeletons.get(cc)
            if table is None:
                found: dict[str, list[tuple[str, int]]] = {}
                for name, row in self._area_names.get(cc, ()):
                    found.setdefault(spelling_skeleton(name), []).append(
                        (_SKELETON_ARTICLE.sub("", name), row)
                    )
                table = self._skeletons[cc] = {k: tuple(v) for k, v in found.items()}
            # the same consonants are not enough ("Kisima" is not "Kisumu", "Oppland" not "Poland"):
            # the spellings must be close and begin alike
            for name, row in table.get(sk, ()):
                if (
                    _initial(name) == _initial(bare)
                    and SequenceMatcher(None, bare, name).ratio() >= _SPELLING_RATIO
                ):
                    rows[row] = None
        return tuple(self._candidate(row) for row in rows)

    def abbreviations(self, key: str) -> tuple[str, ...]:
        """The exact surface forms indexed as abbreviations under *key* (``"la"`` -> ``("La.", "L.A.")``).

        Keys drop dots and case, so "La." and the word "la" share a key: a
        recogniser should accept an ``"abbrev"`` match only if the text's
        surface form is one of these.
        """
        return tuple(self._abbrevs.get(key, ()))

    @property
    def max_tokens(self) -> int:
        """Number of space-separated tokens of the longest key (for n-gram matching)."""
        return self._max_tokens

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self._cols)} entries, {len(self._keys)} keys>"


_SKELETON_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ath|adh) ")
#: How alike two spellings with one skeleton must be (difflib ratio) to count as one name.
_SPELLING_RATIO = 0.75


def _initial(key: str) -> str:
    """First letter of a key, with the letters transliterations swap folded ("Qena" ~ "Kena")."""
    return {"q": "k", "c": "k"}.get(key[:1], key[:1])


def spelling_skeleton(key: str) -> str:
    """The consonants of a name key, as transliterations agree on them.

    Drops an Arabic article, spaces and punctuation, ``h`` and vowels, folds ``q``/``c`` into
    ``k`` and ``ph`` into ``f``, and collapses doubled letters: "ad daqahliyah", "dakahlia" and
    "daqahliya" all give "dkl".
    """
    s = _SKELETON_ARTICLE.sub("", key.replace("ı", "i"))
    s = re.sub(r"[^a-z]", "", s).replace("ph", "f").replace("q", "k").replace("c", "k")
    s = re.sub(r"[aeiouyh]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


class IndexBuilder:
    """Collects entries and their names, then ranks and compiles them into a :class:`Gazetteer`."""

    def __init__(self) -> None:
        self.rows = _RowBuffer()
        # key -> row << 2 | match (the common single-entry case, compact) or {row: best match index}
        self._keyrows: dict[str, int | dict[int, int]] = {}
        self._ranks: list[tuple[int, int, float]] = []  # per-row rank_key for a primary-name match
        self.countries: dict[str, int] = {}
        self.admin1s: dict[str, int] = {}
        self.rows_by_id: dict[str, int] = {}
        self.abbrevs: dict[str, list[str]] = {}
        self.info: dict[str, Any] = {}

    def add(self, cand: Candidate, names: Iterable[tuple[str, str]] = ()) -> int:
        """Add an entry (or, if its id is already present, only its names); return its row."""
        if cand.kind not in PLACE_KINDS:
            raise GazetteerError(f"{cand.id}: unknown kind {cand.kind!r}")
        row = self.rows_by_id.get(cand.id)
        if row is None:
            row = self.rows.append(cand)
            self.rows_by_id[cand.id] = row
            self._ranks.append(rank_key(cand, "name"))
            if cand.kind == "country" and cand.country_code and cand.country_code not in self.countries:
                self.countries[cand.country_code] = row
            self.add_name(row, cand.name, "name")
        for surface, match in names:
            self.add_name(row, surface, match)
        return row

    def has_key(self, key: str) -> bool:
        """True if some entry already has this key."""
        return key in self._keyrows

    def has_major(self, key: str) -> bool:
        """True if an entry of the major group (see :func:`rank_key`) already has this key."""
        return any(self._ranks[row][0] == 0 for row in self._rows_of(key))

    def _rows_of(self, key: str) -> dict[int, int]:
        rows = self._keyrows.get(key)
        if rows is None:
            return {}
        return {rows >> 2: rows & 3} if isinstance(rows, int) else rows

    def add_name(self, row: int, surface: str, match: str) -> None:
        """Index one more surface name of an existing row."""
        if match not in MATCH_KINDS:
            raise GazetteerError(f"unknown match kind {match!r}")
        key = name_key(surface)
        if not key:
            return
        m = MATCH_KINDS.index(match)
        if match == "abbrev":
            forms = self.abbrevs.setdefault(key, [])
            if surface not in forms:
                forms.append(surface)
        rows = self._keyrows.get(key)
        if rows is None:
            self._keyrows[key] = (row << 2) | m
        elif isinstance(rows, int):
            if rows >> 2 == row:
                self._keyrows[key] = (row << 2) | min(m, rows & 3)
            else:
                self._keyrows[key] = {rows >> 2: rows & 3, row: m}
        elif rows.get(row, 99) > m:
            rows[row] = m
        if self.rows.kind(row) == "admin1":
            slot = f"{self.rows.cc(row)}|{key}"
            # Primary names win over aliases of another area of the same country.
            if m == 0 or slot not in self.admin1s:
                self.admin1s[slot] = row

    def gazetteer(self) -> Gazetteer:
        """Rank every key's rows and return the finished gazetteer."""
        ranks = self._ranks
        kinds, ccs, pops = (self.rows.arrays[c] for c in ("kind", "cc", "pop"))

        keys = sorted(self._keyrows)
        offsets = array("I", [0])
        codes = array("I")
        max_tokens = 1
        for key in keys:
            rows = self._rows_of(key)
            if len(rows) == 1:
                ((row, m),) = rows.items()
                codes.append((row << 2) | m)
            else:
                ranked = sorted(
                    rows.items(),
                    key=lambda rm: (*ranks[rm[0]][:2], ranks[rm[0]][2] + _MATCH_PENALTY[rm[1]], rm[0]),
                )
                ranked = _cities_before_namesake_areas(ranked, kinds, ccs, pops)
                codes.extend((row << 2) | m for row, m in ranked[:MAX_ROWS_PER_KEY])
            offsets.append(len(codes))
            max_tokens = max(max_tokens, key.count(" ") + 1)
        gaz = Gazetteer(
            self.rows.columns(),
            StringTable.build(keys),
            offsets,
            codes,
            dict(self.countries),
            dict(self.admin1s),
            max_tokens,
            self.info,
        )
        gaz._abbrevs = {k: list(v) for k, v in self.abbrevs.items()}
        return gaz
