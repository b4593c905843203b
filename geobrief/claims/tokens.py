"""Tokens and clauses of one sentence, as the role linker and the modality reader see them.

Per sentence, the text is tokenised (each place mention becomes one token)
and split into clauses.  A parenthetical between commas (", which witnesses
said ...,") is a clause of its own, so neither its words nor its frames come
between an event noun and its place.

The word sets here are shared by :mod:`geobrief.claims.roles`,
:mod:`geobrief.claims.modality`, :mod:`geobrief.claims.anaphora` and
:mod:`geobrief.claims.extract`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geobrief.claims.rules import claim_gate
from geobrief.model import Resolution

_TOKEN = re.compile(r"\d[\d,.]*\d|[\w’'][\w’'.-]*[\w]|[\w]|[^\w\s]")
_CLAUSE_BREAK_WORDS = frozenset({"but", "whereas", "although", "though", "while", "meanwhile", "however"})
# words that end the noun phrase between a preposition and the place
_NP_STOP = frozenset(
    [
        "and",
        "or",
        "but",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "to",
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "had",
        "been",
        "be",
        "being",
        "will",
        "would",
        "said",
        "says",
        "after",
        "before",
        "when",
        "while",
        "then",
        "as",
        "than",
        "if",
        "because",
        "since",
        "by",
        "with",
        "for",
        "from",
        "into",
        "onto",
    ]
)
_GAP_STOP = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "but",
        "said",
        "says",
        "say",
        "told",
        "while",
        "when",
        "because",
        "if",
    ]
)
_AUX = frozenset(
    ["was", "were", "is", "are", "been", "being", "be", "get", "gets", "got", "has", "have", "had"]
)


_PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "who",
        "which",
    ]
)


# any preposition that may close a multi-word cue ("control over", "spread to", "pulled ... out of")
_PREPS = frozenset(
    [
        "in",
        "at",
        "near",
        "of",
        "on",
        "over",
        "to",
        "into",
        "onto",
        "from",
        "out",
        "through",
        "across",
        "toward",
        "towards",
        "around",
        "off",
        "against",
        "for",
    ]
)
_DETERMINERS = frozenset({"the", "a", "an"})
_QUOTES = frozenset({'"', "“", "”"})


_UNSET: Any = object()  # share_positions: the sentence's own starts not given


@dataclass(slots=True)  # slots: tokens are made and read by the hundred per sentence
class _Tok:
    start: int  # article offsets
    end: int
    low: str
    mention: int = -1  # index into the sentence's mentions, or -1
    clause: int = 0

    @property
    def is_word(self) -> bool:
        return self.mention < 0 and (self.low[0].isalnum() or self.low[0] in "'’")


@dataclass
class _Sentence:
    start: int
    end: int
    text: str  # the sentence text
    toks: list[_Tok]
    mentions: list[Resolution]
    mention_tok: list[int]  # token index of each mention
    cue_spans: tuple[tuple[int, int, str], ...] = ()  # linked event cues: (token start, end, event)
    lede: bool = False  # the article's first sentence
    source: str | None = None  # the publishing outlet, when the article names it

    def __post_init__(self) -> None:
        self._starts = [t.start for t in self.toks]
        self._positions: dict[int, list[int]] | None = None
        self._scanned = False
        self._article: tuple[str, Any, Any] | None = None
        self._found: dict[int, list[re.Match[str]]] = {}  # by id(pattern): hashing a pattern is slow

    def share_positions(
        self,
        article_text: str,
        positions: Any,
        flat: Any,
        own: Any = _UNSET,
        found: dict[int, list[re.Match[str]]] | None = None,
    ) -> None:
        """Read the gate's candidate starts off those of the whole article (one scan per article).

        ``positions`` and ``flat`` are ``claim_gate().positions(article_text)`` and
        :meth:`Gate.flatten` of it; the sentence must be ``article_text[start:end]``.  ``own``,
        when given, is the sentence's part of them, already read (:meth:`Gate.within`), and
        ``found`` the matches of :meth:`finditer` already made with those starts (shared, so it
        grows with this sentence's).
        """
        self._article = (article_text, positions, flat)
        if own is not _UNSET:
            self._positions, self._scanned = own, True
            if found is not None:
                self._found = found

    def _candidate_starts(self) -> dict[int, list[int]] | None:
        if not self._scanned:
            art = self._article
            if art is not None:
                self._positions = claim_gate().within(art[0], art[1], art[2], self.start, self.end)
            else:
                self._positions = claim_gate().positions(self.text)
            self._scanned = True
        return self._positions

    def may_match(self, rx: re.Pattern[str]) -> bool:
        """Whether a claim pattern can match this sentence (False only when it surely cannot)."""
        return claim_gate().may_match(rx, self._candidate_starts())

    def finditer(self, rx: re.Pattern[str]) -> list[re.Match[str]]:
        """``list(rx.finditer(self.text))``, computed once per pattern, trying only where the gate allows."""
        hit = self._found.get(id(rx))
        if hit is None:
            hit = self._found[id(rx)] = claim_gate().finditer(rx, self.text, self._candidate_starts())
        return hit

    def tok_range(self, a: int, b: int) -> tuple[int, int] | None:
        """Token index range covering article offsets [a, b), or None if it cuts a mention."""
        starts = self._starts
        i = max(
            0, bisect_right(starts, a) - 1
        )  # the token containing a ("demonstration" in "counter-demonstration")
        if i < len(self.toks) and self.toks[i].end <= a:
            i += 1
        j = bisect_right(starts, b - 1)
        if i >= j:
            return None
        if any(t.mention >= 0 for t in self.toks[i:j]):
            return None
        return i, j


def _tokenise(text: str, offset: int, mentions: Sequence[Resolution]) -> tuple[list[_Tok], list[int]]:
    spans = sorted(((r.mention.start, r.mention.end, k) for k, r in enumerate(mentions)), key=lambda s: s[0])
    out: list[_Tok] = []
    append = out.append
    mention_tok = [-1] * len(mentions)
    si = 0
    pos = 0
    n_spans = len(spans)
    curly = "’" in text  # only then does a word need its apostrophes straightened
    while pos < len(text):
        a = offset + pos
        if si < n_spans and spans[si][0] <= a:
            ms, me, k = spans[si]
            si += 1
            if me <= a:
                continue
            mention_tok[k] = len(out)
            append(_Tok(ms, me, text[ms - offset : me - offset].casefold().replace("’", "'"), k))
            pos = max(pos, me - offset)
            continue
        # the words up to the next mention, in one regex pass
        nxt = spans[si][0] - offset if si < n_spans else len(text)
        for m in _TOKEN.finditer(text, pos):
            w0, w1 = m.span()
            if w0 >= nxt:
                break
            end = w1 if w1 < nxt else nxt
            word = text[w0:end]
            # a trailing full stop belongs to the sentence, not the word ("Idlib." / "U.S." kept)
            if word[-1] == "." and len(word) > 1 and word.count(".") == 1:
                low, wend = word[:-1].casefold(), offset + end - 1
                stop = True
            else:
                low, wend, stop = word.casefold(), offset + end, False
            if low[-1:] == "s" and len(low) > 2 and low[-2] in "'’":
                # split possessive "'s" off words ("Syria's" -> "syria" "'s")
                append(_Tok(offset + w0, wend - 2, low[:-2].replace("’", "'") if curly else low[:-2]))
                append(_Tok(wend - 2, wend, "'s"))
            else:
                append(_Tok(offset + w0, wend, low.replace("’", "'") if curly else low))
            if stop:
                append(_Tok(offset + end - 1, offset + end, "."))
            if w1 >= nxt:
                break  # cut at the mention
        pos = nxt
    return out, mention_tok


def _split_clauses(toks: list[_Tok]) -> None:
    clause = 0
    for i, t in enumerate(toks):
        if t.low in _MAY_BREAK and t.mention < 0 and i > 0:
            prev = toks[i - 1].low
            if (
                t.low in (";", "—", "–")
                or (t.low in _CLAUSE_BREAK_WORDS and not (t.low == "but" and _not_only(toks, i)))
                or t.low in ("after", "before", "as", "which", "when")
                and prev == ","
                or t.low == "and"
                and prev == ","
                and i + 1 < len(toks)
                and toks[i + 1].low in _PRONOUNS
            ):
                clause += 1
        t.clause = clause
    _mark_parentheticals(toks)


#: Every word that can open a clause in :func:`_split_clauses` (any other word never does).
_MAY_BREAK = frozenset({";", "—", "–", "after", "before", "as", "which", "when", "and"}) | _CLAUSE_BREAK_WORDS

#: Clause ids from here on mark parentheticals (", which witnesses said was caused by a car bomb,").
PAREN_CLAUSE = 10_000
_RELATIVE_OPENERS = frozenset({"which", "who", "whom", "whose"})
_IRREGULAR_PARTICIPLES = frozenset(
    [
        "made",
        "held",
        "built",
        "led",
        "found",
        "known",
        "seen",
        "set",
        "hit",
        "run",
        "won",
        "lost",
        "left",
        "kept",
        "sent",
        "caught",
        "brought",
        "fought",
        "taught",
        "sold",
        "told",
        "put",
        "shot",
        "struck",
    ]
)
_FINITE = frozenset(
    [
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "did",
        "does",
        "do",
        "remains",
        "remained",
        "took",
        "came",
        "began",
        "fell",
        "broke",
        "went",
        "struck",
        "ran",
        "saw",
        "won",
        "lost",
    ]
)


_NOT_PARTICIPLES = frozenset(
    [
        "including",
        "according",
        "excluding",
        "regarding",
        "concerning",
        "following",
        "during",
        "notwithstanding",
    ]
)


def _participle(word: str) -> bool:
    if word in _NOT_PARTICIPLES:
        return False
    return word.endswith(("ed", "en", "ing")) or word in _IRREGULAR_PARTICIPLES


def _mark_parentheticals(toks: list[_Tok]) -> None:
    """Give a parenthetical between commas its own clause; the clause around it resumes after it.

    "The blast, which witnesses said was caused by a car bomb, occurred near X" and "The attack,
    made using a knife, occurred at X": the event noun and the place belong to one clause, the
    relative or participial clause between the commas to another.  The parenthetical must open
    with a relative pronoun or a participle after a word, and be followed by a finite verb.
    """
    n = len(toks)
    i = 1
    while i + 2 < n:
        t = toks[i]
        if t.low != ",":
            i += 1
            continue
        nxt = toks[i + 1]
        if not (
            t.low == ","
            and (toks[i - 1].is_word or toks[i - 1].mention >= 0)
            and nxt.mention < 0
            and (nxt.low in _RELATIVE_OPENERS or _participle(nxt.low))
        ):
            i += 1
            continue
        j = next(
            (k for k in range(i + 2, min(len(toks) - 1, i + 16)) if toks[k].low in (",", ";", "—", "–", ".")),
            None,
        )
        if j is None or toks[j].low != "," or j + 1 >= len(toks):
            i += 1
            continue
        after = toks[j + 1]
        if after.mention >= 0 or not (after.low in _FINITE or after.low.endswith("ed")):
            i += 1
            continue
        outer, inner = toks[i - 1].clause, toks[j].clause
        for k in range(i + 1, j + 1):
            toks[k].clause = PAREN_CLAUSE + i
        k = j + 1
        while inner != outer and k < len(toks) and toks[k].clause == inner:
            toks[k].clause = outer
            k += 1
        i = j + 1


def _not_only(toks: list[_Tok], i: int) -> bool:
    return any(toks[j].low == "only" and toks[j - 1].low == "not" for j in range(max(1, i - 8), i))


def _sentence(
    stext: str, s_start: int, s_end: int, group: list[Resolution], lede: bool, source: str | None
) -> _Sentence:
    toks, mention_tok = _tokenise(stext, s_start, group)
    _split_clauses(toks)
    return _Sentence(s_start, s_end, stext, toks, group, mention_tok, lede=lede, source=source)
