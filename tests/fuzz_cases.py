"""What the fuzz test (tests/test_fuzz.py) and the long fuzz run (bench/fuzz.py) share: the hostile
characters, the words of runs without full stops, and the check that a read article is clean."""

from __future__ import annotations

from geobrief.model import Article

#: Lone surrogates, NUL, terminal escapes, bidi overrides, BOMs, line separators, markup.
HOSTILE_CHARS = ["\ud800", "\udfff", "\udc80", "\x00", "\x1b[2J", "\x07", "\x7f", "\x85", "\u202e", "\ufeff"]
HOSTILE_CHARS += [
    "\u2028",
    "\r",
    "\r\n",
    "\t",
    "\n",
    ".",
    '"',
    "<script>",
    "&amp;",
    "\\",
    "\U0001f600",
    "e\u0301",
]

#: Place names, claim cues and abbreviations: runs of them without full stops are the costly shape.
WORDS = [
    "Aleppo",
    "Homs",
    "Syria",
    "Damascus",
    "Kabul",
    "troops",
    "withdrew",
    "from",
    "attacked",
    "protest",
    "near",
    "in",
    "the",
    "Gulf",
    "Mr",
    "St.",
]


def check_clean(article: Article) -> None:
    """Fail unless every field of *article* encodes as UTF-8 (no lone surrogate) and the one-line
    fields hold no control character."""
    for value in (article.id, article.text, article.title, article.url, article.source, article.published):
        if value is not None:
            value.encode("utf-8")
    for value in (article.id, article.title, article.url, article.source, article.published):
        if value is not None and any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value):
            raise AssertionError(f"control character left in a one-line field: {value!r}")
