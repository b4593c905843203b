"""Text utilities shared by every stage: name keys and sentence spans.

``name_key`` is the one normalisation of place names: the gazetteer indexes
by it and the recogniser looks names up by it, so both must use this function.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "ʻ": "'", "´": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212-]+")
_NON_WORD = re.compile(r"[^\w' ]+")
_SPACES = re.compile(r"\s+")


class _StripCombining(dict[int, int | None]):
    """``str.translate`` table deleting combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_STRIP_COMBINING = _StripCombining()


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Normalised lookup key of a place name.

    Case-folded, diacritics removed, dashes and punctuation turned into
    spaces (apostrophes kept, unified), white space folded.  ``"Al-Ḩasakah"``
    and ``"al Hasakah"`` share a key; ``"St. Louis"`` becomes ``"st louis"``.

    Parameters
    ----------
    name : str
        A surface form or gazetteer name.

    Returns
    -------
    str
        The key; empty if the name has no letters or digits.
    """
    s = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    s = s.translate(_STRIP_COMBINING)  # a table lookup per character, not a Python loop
    s = _DASHES.sub(" ", s.casefold())
    s = _NON_WORD.sub(" ", s).replace("'", "'")
    s = _SPACES.sub(" ", s).strip(" '")
    return s


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cmdr",
        "adm",
        "sgt",
        "cpl",
        "pvt",
        "rep",
        "sen",
        "gov",
        "pres",
        "rev",
        "hon",
        "messrs",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ala",
        "ariz",
        "ark",
        "calif",
        "colo",
        "conn",
        "del",
        "fla",
        "ga",
        "ill",
        "ind",
        "kan",
        "kans",
        "ky",
        "la",
        "md",
        "mass",
        "mich",
        "minn",
        "miss",
        "mo",
        "mont",
        "neb",
        "nev",
        "okla",
        "ore",
        "pa",
        "tenn",
        "tex",
        "va",
        "vt",
        "wash",
        "wis",
        "wyo",
        "approx",
        "est",
        "fig",
        "al",
        "e",
        "g",
        "i",
    ]
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)|\n\s*\n|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into sentence spans ``(start, end)``, stripped of white space.

    A rule-based splitter: ends at ``. ! ?`` followed by space, and at line
    breaks; not after known abbreviations ("Mr.", "Gen.", "Dec."), single
    capitals ("U.S.", initials) or before a lower-case continuation.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    wrapped = is_hard_wrapped(text)
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if wrapped and m.group() == "\n" and not text.startswith((" ", "\t"), end):
            continue  # a wrapped line goes on; an indented line starts a paragraph
        is_stop = m.group().startswith((".", "!", "?")) and "\n" not in m.group()
        if is_stop and not _ends_sentence(text, m.start(), end):
            continue
        _add_span(text, start, end, spans)
        start = end
    if start < n:
        _add_span(text, start, n, spans)
    return spans


_TERMINATED_LINE = re.compile(r"[.!?:;\"”'’)\]]$")


def is_hard_wrapped(text: str) -> bool:
    """Whether the text is hard-wrapped (wire copy, e-mail): its line breaks cut sentences.

    Such text has at least four lines, none longer than 100 characters, and most of its lines of
    40 or more characters end without sentence punctuation.
    """
    if text.count("\n") < 3:
        return False
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if len(lines) < 4 or max(len(line) for line in lines) > 100:
        return False
    longish = [line for line in lines if len(line.strip()) >= 40]
    if len(longish) < 3:
        return False
    open_ended = sum(1 for line in longish if not _TERMINATED_LINE.search(line))
    return open_ended * 2 >= len(longish)


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    if text[dot] == ".":
        word = re.search(r"([A-Za-z]+)\.?$", text[max(0, dot - 12) : dot + 1])
        if word:
            w = word.group(1)
            if w.casefold() in _ABBREVIATIONS or (len(w) == 1 and w.isupper()):
                return False
            # "U.S." / "a.m.": letter-dot sequences
            if re.search(r"(?:\b[A-Za-z]\.){2,}$", text[max(0, dot - 8) : dot + 1]):
                nxt = re.match(r"\s+(\S)", text[after:])
                if nxt and not nxt.group(1).isupper():
                    return False
                return bool(nxt) and _next_word_starts_sentence(text, after)
    nxt = re.match(r"\s*(\S)", text[after:])
    return not (nxt and nxt.group(1).islower())


def _next_word_starts_sentence(text: str, after: int) -> bool:
    m = re.match(r"\s+([A-Z][a-z]*)", text[after:])
    # After "U.S." a capitalised function word starts a new sentence; a name usually doesn't.
    return bool(m) and m.group(1) in {
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "In",
        "But",
        "This",
        "That",
        "I",
    }


#: Longest sentence span (characters). Real news sentences stay far below it (the longest of the
#: eval corpora and the Reuters pool: 614); a page without full stops is cut into windows of at
#: most this size at white space, so the per-sentence work of recognition and claims stays
#: bounded and the time linear in the text's length.
MAX_SENTENCE_CHARS = 1500


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        # a window ending at the last white space before the limit (mid-word only when there is none)
        cut = start + MAX_SENTENCE_CHARS
        space = max(
            text.rfind(" ", start + 1, cut),
            text.rfind("\n", start + 1, cut),
            text.rfind("\t", start + 1, cut),
        )
        cut = space if space > start else cut
        _add_span(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence span containing *offset* (binary search over ``spans``)."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if offset < s:
            hi = mid - 1
        elif offset >= e:
            lo = mid + 1
        else:
            return s, e
    return (offset, offset)


# -- sanitising text from outside ----------------------------------------------
# Lone surrogates cannot be encoded as UTF-8 (JSON "\ud800", Python strings built by hand,
# file names decoded with surrogateescape); C0/C1 control characters other than line breaks
# and tabs mean nothing in news text and reach terminals raw. Both are replaced one for one,
# so offsets into the cleaned text are offsets into the original.
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_FIELD_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\\s]+")
_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Article text safe for every later stage, with the same length (offsets keep their meaning).

    Lone surrogates become U+FFFD; NUL and other control characters (all but
    tab, line feed, form feed and carriage return) become spaces.

    Parameters
    ----------
    text : str
        Text as read or as given through the Python API.

    Returns
    -------
    str
        The cleaned text (the same object when nothing needed cleaning).
    """
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = _SURROGATES.sub("\ufffd", text)
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(" ", text)
    return text


def clean_field(value: str | None) -> str | None:
    """A one-line display field (title, URL, source, date, id): cleaned, white space folded.

    Returns None for a missing or blank value.
    """
    if value is None:
        return None
    value = _FIELD_JUNK.sub(" ", clean_text(value)).strip()
    return value or None


def printable(name: str) -> str:
    """*name* (a file name, a record's place) with control characters and undecodable bytes
    escaped (``\\x1b``, ``\\udcff``), safe to print to a terminal or encode as UTF-8."""
    return _ESCAPE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), name)


#: Longest evidence excerpt, and how much of it goes before and after the place (as the
#: briefing page's popups cut them, so a page excerpt and a stored excerpt agree).
EXCERPT_CHARS, EXCERPT_BEFORE, EXCERPT_AFTER = 320, 140, 160


def excerpt(text: str, start: int, mention_start: int, mention_end: int) -> str:
    """*text* (a passage that begins at article offset *start*) cut to at most about
    :data:`EXCERPT_CHARS` characters around the mention, with an ellipsis where it was cut.

    Returns *text* itself when it is short enough.
    """
    if len(text) <= EXCERPT_CHARS:
        return text
    rs, re_ = mention_start - start, mention_end - start
    if 0 <= rs < re_ <= len(text):
        lo, hi = max(0, rs - EXCERPT_BEFORE), min(len(text), re_ + EXCERPT_AFTER)
    else:
        lo, hi = 0, EXCERPT_CHARS
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
