"""A keyword gate in front of the cue patterns: scan a sentence only with the patterns it can match.

Most cue patterns are word alternations (``(?<!\\w)(?:troops|forces|...) (?:arrived|...)``) and
almost every sentence matches none of them; Python's regex engine still tries every alternative
at every position.  :func:`leading_literals` reads a compiled pattern's syntax tree and lists
the (lower-case) strings any match must start with, up to :data:`MAX_PREFIX` characters;
:class:`Gate` indexes those strings for a whole set of patterns, and
:meth:`Gate.possible` looks up the text at each word start of a sentence once to say which
patterns can match there.  A pattern the gate cannot read (a leading ``\\w``, a back-reference,
no word-start anchor) is always scanned, so the gate never changes a result, only skips work.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from geobrief.claims import precompiled

try:  # Python's own table of characters that match other letters case-insensitively ("ſ" ~ "s")
    from re._casefix import _EXTRA_CASES as _CASEFIX
except ImportError:  # pragma: no cover - a Python without it: treat all non-ASCII as special
    _CASEFIX = None

try:
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Longest leading literal the gate keys on: long enough that "forces" and "for" differ.
MAX_PREFIX = 8
#: More alternatives than this (e.g. ``[a-z]`` runs) and the pattern is left ungated.
_MAX_STRINGS = 4096

_SPECIAL_FOLDS = (
    frozenset(chr(o) for k, vs in _CASEFIX.items() for o in (k, *vs) if o > 127) if _CASEFIX else None
)
_WORD_CHAR = re.compile(r"\w")
_KEY = 3  # characters of the lookup key
_CUT = "\0"  # marks a listed string after which the pattern's text cannot be listed


class _Unbounded(Exception):
    """The pattern's start cannot be listed as literal strings."""


def _chars(op: object, av: object) -> set[str]:
    """The characters one ``LITERAL`` or ``IN`` item matches, lower-cased."""
    if op is _c.LITERAL:
        return {chr(av).lower()}  # type: ignore[arg-type]
    if op is _c.IN:
        out: set[str] = set()
        for sub_op, sub_av in av:  # type: ignore[union-attr]
            if sub_op is _c.LITERAL:
                out.add(chr(sub_av).lower())
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < 8:
                out.update(chr(o).lower() for o in range(sub_av[0], sub_av[1] + 1))
            else:  # a category (\w, \d), a negation or a wide range
                raise _Unbounded
        return out
    raise _Unbounded


def _expand(items: Iterable[tuple[object, object]], limit: int) -> set[str]:
    """Every string of at most *limit* characters a sequence of parsed items can begin with.

    A string shorter than *limit* means the sequence can end there, unless it ends with
    :data:`_CUT` (the listing stopped at an item it cannot list).
    """
    partial = {""}
    done: set[str] = set()
    for op, av in items:
        if not partial:
            break
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero width: does not consume text
        nxt: set[str] = set()
        for p in partial:
            room = limit - len(p)
            try:
                xs = _item(op, av, room)
            except _Unbounded:
                if not p:
                    raise
                done.add(p + _CUT)  # what follows cannot be listed: every match still starts with p
                continue
            for x in xs:
                (done if x.endswith(_CUT) or len(p + x) >= limit else nxt).add(p + x)
        if len(nxt) + len(done) > _MAX_STRINGS:
            raise _Unbounded
        partial = nxt
    return done | partial


def _item(op: object, av: object, limit: int) -> set[str]:
    if op in (_c.LITERAL, _c.IN):
        return _chars(op, av)
    if op is _c.SUBPATTERN:
        return _expand(av[-1], limit)  # type: ignore[index]
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:  # type: ignore[index]
            out |= _expand(alt, limit)
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av  # type: ignore[misc]
        one = _expand(sub, limit)
        out = {""} if lo == 0 else set()
        cur = {""}
        for n in range(1, limit + 1):
            cur = {a if a.endswith(_CUT) else (a + b)[:limit] for a in cur for b in one}
            if len(cur) > _MAX_STRINGS:
                raise _Unbounded
            if n >= lo:
                out |= cur
            if n >= hi or all(len(s) >= limit for s in cur):
                break
        return out
    raise _Unbounded


def _not_after_word(item: tuple[object, object]) -> bool:
    """Whether a parsed item is a lookbehind like ``(?<!\\w)`` or ``(?<![\\w'-])``: not right after a word."""
    op, av = item
    if op is not _c.ASSERT_NOT or av[0] != -1:  # type: ignore[index]
        return False
    inner = list(av[1])  # type: ignore[index]
    return len(inner) == 1 and inner[0][0] is _c.IN and (_c.CATEGORY, _c.CATEGORY_WORD) in list(inner[0][1])


def _before_non_word(item: tuple[object, object]) -> bool:
    """Whether a parsed item is the lookahead ``(?=\\W)``."""
    op, av = item
    if op is not _c.ASSERT or av[0] != 1:  # type: ignore[index]
        return False
    inner = list(av[1])  # type: ignore[index]
    return (
        len(inner) == 1
        and inner[0][0] is _c.IN
        and list(inner[0][1]) == [(_c.CATEGORY, _c.CATEGORY_NOT_WORD)]
    )


def _start_rule(item: tuple[object, object]) -> str:
    """Where a pattern's matches may start, from its first item.

    "word": only where no word character precedes (``(?<!\\w)``); "word_or_nonword": there, or
    before a non-word character (``(?:(?<!\\w)|(?=\\W))``); "any": anywhere.
    """
    if _not_after_word(item):
        return "word"
    op, av = item
    if op is _c.BRANCH:
        alts = [list(a) for a in av[1]]  # type: ignore[index]
        if all(len(a) == 1 for a in alts) and all(
            _not_after_word(a[0]) or _before_non_word(a[0]) for a in alts
        ):
            return "word_or_nonword"
    return "any"


def leading_literals(pattern: re.Pattern[str]) -> tuple[frozenset[str], str] | None:
    """The lower-case strings every match of *pattern* starts with, or None when it cannot say.

    Returns
    -------
    (strings, start_rule) or None
        ``start_rule`` says where matches may begin (see :func:`_start_rule`).  None for a
        pattern whose start cannot be listed (a leading ``\\w`` or ``.``, a back-reference) or
        that can start with fewer than three listed characters (or match the empty string).
        Read once per pattern text and cached on disk (:mod:`geobrief.claims.precompiled`).
    """
    return precompiled.remember("lead", pattern.pattern, pattern.flags, lambda: _leading_literals(pattern))


def _leading_literals(pattern: re.Pattern[str]) -> tuple[frozenset[str], str] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return None
    items = list(parsed)
    if not items:
        return None
    try:
        strings = _expand(items, MAX_PREFIX)
    except _Unbounded:
        return None
    strings = {s.removesuffix(_CUT) for s in strings}
    if any(len(s) < _KEY for s in strings):
        return None  # "a", ",": found nearly everywhere, so a scan in full is cheaper than the gate
    return frozenset(strings), _start_rule(items[0])


_REPEATS = tuple(
    op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None
)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case strings one of which every match of *pattern* contains, or None when it cannot say.

    For patterns whose start cannot be listed (``[,;]\\s*(?P<object>...) ... (?P<verb>denied|...)``)
    but that need one word of a list somewhere: a text whose lower case holds none of those
    strings cannot match, so the pattern need not be run on it.  None when no item every match
    passes through can be listed with strings of at least three characters.  Cached on disk like
    :func:`leading_literals`.
    """
    return precompiled.remember("req", pattern.pattern, pattern.flags, lambda: _required_literals(pattern))


def _required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return None
    return _required(list(parsed))


def _required(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """The most selective listable item of a sequence every match passes through (see above)."""
    best: frozenset[str] | None = None
    for op, av in items:
        found: frozenset[str] | None = None
        try:
            listed = _item(op, av, MAX_PREFIX)
        except _Unbounded:
            listed = None
        if listed is not None:
            strings = {x.removesuffix(_CUT) for x in listed}
            if strings and min(len(x) for x in strings) >= _KEY:
                found = frozenset(strings)
        if found is None and op is _c.SUBPATTERN:
            found = _required(list(av[-1]))  # type: ignore[index]
        elif found is None and op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            found = _required(list(av[2]))  # type: ignore[index]
        elif found is None and op is _c.BRANCH:
            alts = [_required(list(alt)) for alt in av[1]]  # type: ignore[index]
            if all(a is not None for a in alts):
                found = frozenset().union(*alts)  # type: ignore[arg-type]
        if found is not None and (
            best is None or (min(map(len, found)), -len(found)) > (min(map(len, best)), -len(best))
        ):
            best = found
    return best


def _trie(strings: Iterable[str]) -> str:
    """A regex matching exactly the given strings, as a trie ("deny|denied" -> "den(?:ied|y)")."""
    root: dict[str, dict] = {}
    for w in strings:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(root)


class _Index:
    """Strings at text positions, keyed by their first :data:`_KEY` characters."""

    def __init__(self, by_string: dict[str, set[int]], word_start: bool):
        self.by_key: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for s, ids in by_string.items():
            self.by_key.setdefault(s[:_KEY], []).append((s, tuple(sorted(ids))))
        # one regex, a trie of all the strings, finds the positions where any of them starts; its
        # group holds the longest string there (the trie's optional endings are greedy); the trie's
        # text, slow to make in Python, is cached on disk under the strings it holds
        body = precompiled.remember("trie", tuple(sorted(by_string)), 0, lambda: _trie(by_string))
        trie = f"(?=({body}))"
        self.starts = precompiled.compile(rf"(?<!\w){trie}" if word_start else trie)
        self._at: dict[str, tuple[int, ...]] | None = None

    def _ids_at(self) -> dict[str, tuple[int, ...]]:
        """For each string, the pattern ids to note where it is the longest string found: those of
        every string that is a prefix of it (so found there too), in :attr:`by_key` order."""
        if self._at is None:
            at: dict[str, tuple[int, ...]] = {}
            for group in self.by_key.values():
                for s, _ in group:
                    at[s] = tuple(k for t, ids in group if s.startswith(t) for k in ids)
            self._at = at
        return self._at

    def scan(self, low: str, hits: dict[int, list[int]]) -> None:
        """Add to *hits* each pattern's candidate start positions in *low* (by pattern ``id``)."""
        at = self._ids_at()
        for m in self.starts.finditer(low):
            i = m.start()
            for k in at[m.group(1)]:
                if k in hits:
                    hits[k].append(i)
                else:
                    hits[k] = [i]


class Gate:
    """Where in a text a set of patterns can match, by the strings their matches must start with.

    Patterns are looked up by ``id``: hashing a compiled pattern hashes its whole program
    (tens of microseconds for a long cue alternation), so they never serve as keys here.

    Parameters
    ----------
    patterns : iterable of re.Pattern
        The patterns to gate; those :func:`leading_literals` cannot read are always scanned.
    """

    def __init__(self, patterns: Iterable[re.Pattern[str]]):
        self._patterns = list(patterns)  # keeps them alive, so their ids stay theirs
        self._gated: set[int] = set()
        strings_of: dict[bool, dict[str, set[int]]] = {True: {}, False: {}}
        for rx in self._patterns:
            if id(rx) in self._gated:
                continue
            read = leading_literals(rx)
            if read is None:
                continue  # scanned in full
            strings, rule = read
            self._gated.add(id(rx))
            for s in strings:
                # a string opening with a word character after (?:(?<!\w)|(?=\W)) is at a word start
                word_start = rule == "word" or (rule == "word_or_nonword" and _WORD_CHAR.match(s) is not None)
                strings_of[word_start].setdefault(s, set()).add(id(rx))
        self._indexes = [_Index(by, ws) for ws, by in strings_of.items() if by]
        self._gated_ids = frozenset(self._gated)
        # the others, where they need one of a list of words somewhere: run only where one is
        self._required: dict[int, tuple[str, ...]] = {}
        for rx in self._patterns:
            if id(rx) not in self._gated and id(rx) not in self._required:
                needed = required_literals(rx)
                if needed is not None:
                    self._required[id(rx)] = tuple(sorted(needed))

    def gates(self, rx: re.Pattern[str]) -> bool:
        """Whether *rx* is one of the gated patterns."""
        return id(rx) in self._gated

    def requires(self, rx: re.Pattern[str]) -> bool:
        """Whether *rx* is one of the ungated patterns run only where a word it needs is
        (:func:`required_literals`); :meth:`positions` lists it (with no starts) where one is."""
        return id(rx) in self._required

    @property
    def gated_ids(self) -> frozenset[int]:
        """The ``id`` of every gated pattern (for loops that test many patterns)."""
        return self._gated_ids

    def positions(self, text: str) -> dict[int, list[int]] | None:
        """Candidate match starts in *text* (ascending) by ``id`` of each gated pattern; absent: none.

        None when the text holds characters whose case folding the gate does not model (then
        every pattern must be scanned in full).
        """
        low = text.lower()
        if len(low) != len(text) or (
            not text.isascii() and (_SPECIAL_FOLDS is None or not _SPECIAL_FOLDS.isdisjoint(text))
        ):
            return None
        hits: dict[int, list[int]] = {}
        for index in self._indexes:
            index.scan(low, hits)
        if len(self._indexes) > 1:
            for pos in hits.values():
                pos.sort()
        for k, needed in self._required.items():
            if any(w in low for w in needed):
                hits[k] = []  # present: scanned in full (no start positions listed)
        return hits

    @staticmethod
    def flatten(positions: dict[int, list[int]] | None) -> tuple[list[int], list[int]] | None:
        """The candidate starts of :meth:`positions` as two parallel lists sorted by position
        (positions, pattern ids), for :meth:`within`."""
        if positions is None:
            return None
        pairs = sorted((i, k) for k, starts in positions.items() for i in starts)
        return [i for i, _ in pairs], [k for _, k in pairs]

    def within(
        self,
        text: str,
        positions: dict[int, list[int]] | None,
        flat: tuple[list[int], list[int]] | None,
        start: int,
        end: int,
    ) -> dict[int, list[int]] | None:
        """:meth:`positions` of ``text[start:end]``, read off those of the whole *text* when it can.

        Every candidate start of the part is among those of the whole text, as long as the part
        opens after a space (a word-start test then reads the same): the starts in
        ``[start, end)`` are a superset of the part's own (a listed string may run past its
        end), and a superset only means a few more ``match`` calls that fail.
        """
        if positions is None or flat is None or (start > 0 and not text[start - 1].isspace()):
            return self.positions(text[start:end])
        at, ids = flat
        out: dict[int, list[int]] = {}
        for n in range(bisect_left(at, start), bisect_left(at, end)):
            k = ids[n]
            if k in out:
                out[k].append(at[n] - start)
            else:
                out[k] = [at[n] - start]
        if self._required:
            low = text[start:end].lower()
            for k, needed in self._required.items():
                if k in positions and any(w in low for w in needed):
                    out[k] = []  # one of the words it needs is in the part: scanned in full
        return out

    def may_match(self, rx: re.Pattern[str], positions: dict[int, list[int]] | None) -> bool:
        """False only when *rx* surely has no match in the text *positions* were found in."""
        if positions is None:
            return True
        k = id(rx)
        return k in positions or (k not in self._gated and k not in self._required)

    def finditer(
        self, rx: re.Pattern[str], text: str, positions: dict[int, list[int]] | None
    ) -> list[re.Match[str]]:
        """``list(rx.finditer(text))``, trying only the candidate starts of :meth:`positions`.

        The same matches as ``finditer``: after a match, the next is looked for from its end;
        a candidate start is tried with ``rx.match(text, i)``, which sees the text before ``i``
        for lookbehinds as ``finditer`` does.
        """
        if positions is None:
            return list(rx.finditer(text))
        if id(rx) not in self._gated:
            if id(rx) in self._required and id(rx) not in positions:
                return []  # none of the words every match holds is in the text
            return list(rx.finditer(text))
        out: list[re.Match[str]] = []
        end = last = -1
        for i in positions.get(id(rx), ()):
            if i < end or i == last:
                continue
            last = i
            m = rx.match(text, i)
            if m is not None:
                out.append(m)
                end = max(m.end(), i + 1)
        return out
