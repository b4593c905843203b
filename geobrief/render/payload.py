"""The JSON payload a briefing page is drawn from, and safe ways to embed it.

Nothing here imports folium: the payload is plain data.  Every string from an
article (text, titles, URLs, names, attributions) is passed as JSON data and
turned into DOM text by the runtime (``static/geobrief.js``), never into
markup; :func:`script_json` makes the JSON safe inside a ``<script>`` block.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import unicodedata
import zlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from geobrief.frames import valid_coordinates
from geobrief.model import (
    APPROXIMATE_KIND,
    APPROXIMATE_SOURCE,
    EVENTS,
    NEGATIVE_MODALITIES,
    event_label,
    main_claim,
)
from geobrief.text import excerpt, sentence_spans

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.model import Briefing, Claim, Place

#: Marker colour (hex) and glyph (SVG markup in a 16x16 box) per event type.
#: Constants only: the runtime puts these, and nothing from articles, into SVG.
STYLES: dict[str, tuple[str, str]] = {
    "military_presence": (
        "#5b3f99",
        '<path d="M8 2L13 4V8C13 11 10.5 13 8 14C5.5 13 3 11 3 8V4Z" stroke="none"/>',
    ),
    "withdrawal": (
        "#e67e22",
        '<path d="M3 3V13M5 8H13M10 5L13 8L10 11" fill="none" stroke-width="2"/>',
    ),
    "deployment": ("#1f6fb4", '<path d="M8 2V11M5 8L8 11L11 8M3 14H13" fill="none" stroke-width="2"/>'),
    "attack": (
        "#d62728",
        '<path d="M8 1L9.8 5.5L14.5 4.5L11.5 8.3L14.5 12L9.8 11L8 15L6.2 11L1.5 12L4.5 8.3L1.5 4.5L6.2 5.5Z" stroke="none"/>',
    ),
    "control_change": (
        "#2a9d3a",
        '<path d="M4 2V14" stroke-width="1.8" fill="none"/><path d="M4.5 2.5H13L11 5.5L13 8.5H4.5Z" stroke="none"/>',
    ),
    "visit": (
        "#8c564b",
        '<circle cx="8" cy="4.5" r="2.5" stroke="none"/><path d="M3.5 14C3.5 10 5.5 8 8 8S12.5 10 12.5 14Z" stroke="none"/>',
    ),
    "protest": (
        "#c2185b",
        '<path d="M8 2V10" stroke-width="2.4" fill="none"/><circle cx="8" cy="13" r="1.5" stroke="none"/>',
    ),
    "disaster": ("#b8860b", '<path d="M8 2L14.5 14H1.5Z" stroke="none"/>'),
    "mentioned": ("#7f8c8d", '<circle cx="8" cy="8" r="3" stroke="none"/>'),
}

#: Up to this many articles, each has a layer of its own in the layer control (and places
#: carry the "article" facet that layer filters on; a bigger feed is read in the panel).
ARTICLE_LAYERS = 50

#: Place kinds drawn as areal context (lighter ring symbol, "Countries & regions" layer).
AREA_KINDS = frozenset({"continent", "country", "admin1", "region", "sea", "river"})

#: Data credits shown on every briefing.
CREDITS: tuple[tuple[str, str], ...] = (
    ("Place names: GeoNames (CC BY 4.0)", "https://www.geonames.org/"),
    ("Airports: airportsdata (MIT)", "https://github.com/mborsetti/airportsdata"),
    ("Country outlines: Natural Earth (public domain)", "https://www.naturalearthdata.com/"),
    ("Map tiles: \u00a9 OpenStreetMap contributors (ODbL)", "https://www.openstreetmap.org/copyright"),
    ("Map library: Leaflet, Leaflet.markercluster", "https://leafletjs.com/"),
)

#: Words for a claim's confidence (``Claim.confidence``, a calibrated probability): the
#: first band whose lower bound the value reaches.  Below :data:`LOW_CONFIDENCE` a claim is
#: *low*: its marker is drawn lighter and its label greyed in the popup.
CONFIDENCE_BANDS: tuple[tuple[float, str], ...] = ((0.8, "high"), (0.5, "medium"), (0.0, "low"))
LOW_CONFIDENCE = 0.5
#: Step of the page's "Hide claims below confidence" slider.
CONFIDENCE_STEP = 0.05


def confidence_value(value: float | None, digits: int = 2) -> float | None:
    """A confidence as the page shows it: rounded, within 0-1; None if not a finite number.

    Parameters
    ----------
    value : float or None
        A probability, normally in 0-1.
    digits : int
        Decimals kept (the page shows two).

    Returns
    -------
    float or None
        The rounded value clamped to ``[0, 1]``, or None when *value* is
        missing or not finite (the page then shows no number and never hides
        the claim).
    """
    try:
        v = float(value)  # None raises TypeError
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    return round(min(1.0, max(0.0, v)), digits)


def confidence_band(value: float | None) -> str | None:
    """The word for a confidence: ``high`` (>= 0.8), ``medium`` (>= 0.5) or ``low``.

    Parameters
    ----------
    value : float or None
        A claim's (or evidence span's) confidence.

    Returns
    -------
    str or None
        The band of :data:`CONFIDENCE_BANDS` the value (rounded as shown,
        see :func:`confidence_value`) falls in; None if there is no value.
    """
    v = confidence_value(value)
    if v is None:
        return None
    return next(word for bound, word in CONFIDENCE_BANDS if v >= bound)


def claim_order(claims: tuple[Claim, ...] | list[Claim]) -> list[int]:
    """Indices of *claims* from the main claim down (the order of :func:`geobrief.model.main_claim`).

    The page hides claims below a confidence threshold and then draws a
    place by the first claim of this order that is still shown, so a
    marker always shows the main claim among the claims on view.

    Parameters
    ----------
    claims : sequence of Claim
        A place's claims.

    Returns
    -------
    list of int
        A permutation of ``range(len(claims))``; its first index is the
        place's main claim.
    """
    left = list(range(len(claims)))
    order: list[int] = []
    while left:
        best = main_claim(claims[i] for i in left)
        pick = next(i for i in left if claims[i] is best)
        order.append(pick)
        left.remove(pick)
    return order


_HEX = re.compile(r"^#[0-9a-f]{6}$")
assert all(_HEX.match(c) for c, _ in STYLES.values())

_JS_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
# "{" before "{", "%" or "#" only occurs inside JSON strings.  Folium re-parses
# rendered macro output as a Jinja template, so these must not survive.
_JS_ESCAPES["{"] = "\\u007b"
_JS_UNSAFE = re.compile("[<>&\u2028\u2029]|\\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON text that is safe to put inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so ``</script>``
    and ``<!--`` cannot occur), U+2028/U+2029 are escaped for old JS
    parsers, and ``{`` opening a Jinja delimiter (``{{``, ``{%``, ``{#``) is
    escaped because folium compiles rendered macro output as a template.  Output is deterministic (sorted keys, compact separators).

    Parameters
    ----------
    value : Any
        JSON-serialisable data.

    Returns
    -------
    str
        A JavaScript expression evaluating to *value*.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JS_UNSAFE.sub(lambda m: _JS_ESCAPES[m.group()], text)


def script_safe(json_text: str) -> str:
    """Make existing JSON text safe inside ``<script>`` (see :func:`script_json`)."""
    return _JS_UNSAFE.sub(lambda m: _JS_ESCAPES[m.group()], json_text)


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute ``http``/``https`` URL, else None.

    Rejects ``javascript:``, ``data:``, relative and protocol-relative URLs,
    and URLs with white space or control characters.
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def status_key(place: Place) -> str:
    """Style key of a place: its main claim's event, or ``mentioned``."""
    main = place.main_claim
    return main.event if main is not None and main.event in STYLES else "mentioned"


def is_area(place: Place) -> bool:
    """Whether the place is drawn as areal context rather than a point."""
    return place.kind in AREA_KINDS


def place_events(place: Place) -> list[str]:
    """The status facets a place belongs to (its claims' events, or ``mentioned``)."""
    events = [e for e in dict.fromkeys(c.event for c in place.claims) if e in STYLES]
    return events or ["mentioned"]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def date_range(briefing: Briefing) -> tuple[str | None, str | None]:
    """Earliest and latest ``Article.published`` date (``YYYY-MM-DD``), if any."""
    dates = sorted(
        m.group() for a in briefing.articles if a.published and (m := _DATE.match(a.published.strip()))
    )
    return (dates[0], dates[-1]) if dates else (None, None)


#: Letters NFKD does not decompose into a base letter and a mark.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ħ": "h",
        "Ħ": "H",
    }
)
#: Apostrophes and transliteration marks for ayin/hamza, dropped when comparing spellings.
_MARKS = re.compile("['\u2018\u2019\u02bb\u02bc\u02be\u02bf`\u00b4]")
#: Leading articles of transliterated names ("Al Qāmishlī" is written "Qamishli").
_ARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|ath|the) ")


def fold_name(text: str) -> str:
    """A spelling-insensitive key of a place name.

    Diacritics, apostrophes, case, hyphens and spacing are ignored, so
    ``"Ţarţūs"`` and ``"Tartus"`` or ``"Al-Qāmishlī"`` and ``"al Qamishli"``
    have the same key.

    Parameters
    ----------
    text : str
        A name.

    Returns
    -------
    str
        Lower-case ASCII-ish words separated by single spaces.
    """
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _MARKS.sub("", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def _same_name(a: str, b: str) -> bool:
    fa, fb = fold_name(a), fold_name(b)
    return bool(fa) and (fa == fb or _ARTICLE.sub("", fa) == _ARTICLE.sub("", fb))


def display_name(place: Place) -> str:
    """The name a marker and popup show: the articles' own spelling of the place.

    The gazetteer's name (``Place.name``, the GeoJSON ``name``) is often a
    transliteration with diacritics (``"Ţarţūs"``, ``"Al Qāmishlī"``) while
    the articles write ``"Tartus"`` and ``"Qamishli"``.  When the articles'
    most used spelling differs from the gazetteer name only by diacritics,
    apostrophes, case, hyphens or a leading article, that spelling is shown
    (the gazetteer name stays in the popup); otherwise the gazetteer name.

    Parameters
    ----------
    place : Place
        A resolved place.

    Returns
    -------
    str
        The name to display.
    """
    forms = Counter(m.text.strip() for m in place.mentions if m.text and m.text.strip())
    if not forms or place.name in forms:
        return place.name
    order: dict[str, int] = {}
    for i, m in enumerate(place.mentions):
        order.setdefault(m.text.strip(), i)
    for form, _ in sorted(forms.items(), key=lambda kv: (-kv[1], order[kv[0]])):
        # An all-capitals spelling (a headline) is no better than the gazetteer's.
        if _same_name(form, place.name) and not (form.isupper() and len(form) > 3):
            return form
    return place.name


def article_lead(text: str, limit: int = 72) -> str:
    """The opening words of an article, to label an article that has no title."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "\u2026"


def _page_excerpts(text: str, ev: Any) -> tuple[str, str]:
    """The passage of *ev* in its article, whole and as stored (cut around the place): when the
    evidence text is either, the page takes it from the article by its offsets."""
    passage = text[ev.start : ev.end]
    return passage, excerpt(passage, ev.start, ev.mention_start, ev.mention_end)


#: Characters outside the Basic Multilingual Plane: one code point in Python, two UTF-16 units in
#: JavaScript (emoji, some CJK, historic scripts).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_offsets(text: str) -> Callable[[int], int] | None:
    """A map from Python string offsets in *text* to JavaScript (UTF-16 code unit) offsets.

    Python indexes a string by code points; JavaScript by UTF-16 code units, in which a
    character outside the Basic Multilingual Plane (most emoji, some CJK) takes two.  The
    page slices article texts in JavaScript, so every offset into a text is converted once,
    when the payload is written.

    Parameters
    ----------
    text : str
        An article's text.

    Returns
    -------
    callable or None
        ``f(i)``: the UTF-16 offset of code point offset *i*; None when the text has no
        character outside the BMP (the offsets are then the same).
    """
    if text.isascii():
        return None
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return None
    # Each astral character before offset i adds one code unit.
    return lambda i: i + bisect_left(astral, i) if isinstance(i, int) else i


def _in(text: str, start: int, end: int) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)


def build_payload(briefing: Briefing, *, cluster: bool = False, panel_open: bool = True) -> dict[str, Any]:
    """The data the runtime draws a briefing from.

    Parameters
    ----------
    briefing : Briefing
        The briefing.
    cluster : bool
        Whether markers are clustered.
    panel_open : bool
        Whether the articles panel starts open.

    Returns
    -------
    dict
        JSON-serialisable payload; ``id`` is a content hash used to name
        DOM anchors and JavaScript variables deterministically.
    """
    articles = list(briefing.articles)
    index = {a.id: i for i, a in enumerate(articles)}
    texts = [a.text or "" for a in articles]
    # Offsets into a text go to the page in UTF-16 code units (JavaScript's string indices).
    units = [utf16_offsets(t) for t in texts]

    def js(ai: int | None, offset: int) -> int:
        f = units[ai] if ai is not None else None
        return f(offset) if f is not None else offset

    passages: list[set[tuple[int, int]]] = [set() for _ in articles]
    marks: list[dict[tuple[int, int], int]] = [{} for _ in articles]
    sentences: dict[int, list[tuple[int, int]]] = {}

    def sentence_of(ai: int, start: int, end: int) -> tuple[int, int]:
        spans = sentences.get(ai)
        if spans is None:
            spans = sentences[ai] = sentence_spans(texts[ai])
        for s, e in spans:
            if s <= start and end <= e:
                return s, e
        return start, end

    places_out: list[dict[str, Any]] = []
    used_styles: set[str] = {"mentioned"}
    # Location sources ("GeoNames cities500 via …") repeat across places: one table.
    sources: dict[str, int] = {}
    for pi, place in enumerate(p for p in briefing.places if valid_coordinates(p)):
        claims_out = []
        for claim in place.claims:
            evs = []
            for ev in claim.evidence:
                ai = index.get(ev.article_id)
                item: dict[str, Any] = {
                    "a": ai,
                    "s": js(ai, ev.start),
                    "e": js(ai, ev.end),
                    "ms": js(ai, ev.mention_start),
                    "me": js(ai, ev.mention_end),
                    "mod": ev.modality,
                    "attr": ev.attribution,
                    "time": ev.time,
                    "cf": confidence_value(ev.confidence),
                }
                ok = ai is not None and _in(texts[ai], ev.start, ev.end)
                if ok:
                    passages[ai].add((ev.start, ev.end))
                if not ok or ev.text not in _page_excerpts(texts[ai], ev):
                    item["t"] = ev.text
                evs.append(item)
            used_styles.add(claim.event if claim.event in STYLES else "mentioned")
            claims_out.append(
                {
                    "event": claim.event,
                    "modality": claim.modality,
                    "label": claim.label,
                    "attribution": claim.attribution,
                    "sources": claim.sources,
                    "conflicting": claim.conflicting,
                    "historical": claim.historical,
                    "time": claim.time,
                    "conf": confidence_value(claim.confidence),
                    "ev": evs,
                }
            )
        excerpts = []
        for m in place.mentions:
            ai = index.get(m.article_id)
            if ai is None or not _in(texts[ai], m.start, m.end) or m.start == m.end:
                continue
            marks[ai].setdefault((m.start, m.end), pi)
            if not place.claims and len(excerpts) < 3:
                if m.sentence_end > m.sentence_start and _in(texts[ai], m.sentence_start, m.sentence_end):
                    s, e = m.sentence_start, m.sentence_end
                else:
                    s, e = sentence_of(ai, m.start, m.end)
                if s <= m.start and m.end <= e:
                    excerpts.append([ai, js(ai, s), js(ai, e), js(ai, m.start), js(ai, m.end)])
                    passages[ai].add((s, e))
        article_ids = list(place.articles)
        for c in place.claims:
            article_ids.extend(ev.article_id for ev in c.evidence)
        art_idx = sorted({index[a] for a in article_ids if a in index})
        main = place.main_claim
        facets: dict[str, list[str]] = {"status": place_events(place)}
        if len(articles) <= ARTICLE_LAYERS:
            facets["article"] = [f"a{i}" for i in art_idx]
        if is_area(place):
            facets["scope"] = ["areas"]
        shown = display_name(place)
        entry: dict[str, Any] = {
            "id": place.id,
            "n": place.name,
            "la": round(float(place.lat), 6),
            "lo": round(float(place.lon), 6),
            "k": place.kind,
            "cc": place.country_code,
            "a1": place.admin1,
            "s": status_key(place),
            "area": is_area(place),
            "neg": bool(main is not None and main.modality in NEGATIVE_MODALITIES),
            "hist": bool(main is not None and main.historical),
            "c": claims_out,
            "m": len(place.mentions),
            "ar": art_idx,
            "x": excerpts,
            "f": facets,
        }
        if len(place.claims) > 1:
            order = claim_order(place.claims)
            if order != list(range(len(order))):
                entry["rk"] = order  # main claim first (the page's threshold draws by it)
        if shown != place.name:
            entry["d"] = shown
        if place.source:
            entry["src"] = sources.setdefault(place.source, len(sources))
        if place.confidence:
            entry["conf"] = round(float(place.confidence), 2)
        if place.kind == APPROXIMATE_KIND and place.source.startswith(APPROXIMATE_SOURCE):
            entry["ap"] = place.source[len(APPROXIMATE_SOURCE) :]  # the town it is placed at
        places_out.append(entry)

    unresolved = []
    for r in briefing.unresolved:
        m = r.mention
        ai = index.get(m.article_id)
        ok = ai is not None and _in(texts[ai], m.start, m.end) and m.start < m.end
        if ok:
            marks[ai].setdefault((m.start, m.end), -1)
        unresolved.append({"t": m.text, "a": ai if ok else None, "s": js(ai, m.start) if ok else m.start})

    articles_out = []
    for ai, a in enumerate(articles):
        articles_out.append(
            {
                "id": a.id,
                "title": a.title,
                "lead": None if a.title else article_lead(texts[ai]),
                "url": safe_url(a.url),
                "source": a.source,
                "published": a.published,
                "text": texts[ai],
                "passages": sorted([js(ai, s), js(ai, e)] for s, e in passages[ai]),
                "marks": sorted([js(ai, s), js(ai, e), pi] for (s, e), pi in marks[ai].items()),
            }
        )

    first, last = date_range(briefing)
    legend = [e for e in (*EVENTS, "mentioned") if e in used_styles]
    payload: dict[str, Any] = {
        "title": briefing.title,
        "stats": {
            "articles": len(articles),
            "places": len(places_out),
            "from": first,
            "to": last,
        },
        "styles": {
            k: {"color": c, "glyph": g, "label": "mentioned only" if k == "mentioned" else event_label(k)}
            for k, (c, g) in STYLES.items()
        },
        "legend": legend,
        "negative": sorted(NEGATIVE_MODALITIES),
        "confidence": {
            "bands": [list(b) for b in CONFIDENCE_BANDS],
            "low": LOW_CONFIDENCE,
            "step": CONFIDENCE_STEP,
        },
        "articles": articles_out,
        "places": places_out,
        "sources": list(sources),
        "unresolved": unresolved,
        "failures": [{"s": f.source, "r": f.reason} for f in briefing.failures],
        "credits": [list(c) for c in CREDITS],
        "opts": {"cluster": bool(cluster), "panelOpen": bool(panel_open)},
    }
    # The id names DOM anchors: a hash of the content (texts hashed apart, not serialised twice).
    digest = hashlib.sha1(_meta_json(payload).encode("utf-8"))
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    payload["id"] = f"gb{digest.hexdigest()[:10]}"
    return payload


#: Above this many characters of article text in all, a page embeds the texts (and the rest of
#: its data) deflate-compressed; the browser inflates them with ``DecompressionStream``.
COMPRESS_TEXTS_ABOVE = 500_000
#: Compression level of embedded data (6: zlib's default; 9 gains under 1 % on news text).
_DEFLATE_LEVEL = 6
#: Blocks of about this many bytes are compressed on two threads (zlib releases the GIL) and
#: form one raw deflate stream (each ends on a byte boundary, as pigz does).
_BLOCK_CHARS = 4_000_000
#: Article texts are packed in separately compressed blocks of about this many UTF-8 bytes: the
#: page inflates the first block before it draws and the others after, or when one is needed.
TEXT_BLOCK_BYTES = 1_000_000
#: The first block holds only the articles the panel shows at first (the runtime's
#: ``EAGER_ARTICLES``): it is the one block inflated before the map is drawn.
FIRST_BLOCK_ARTICLES = 40


#: The keys of an evidence item, in the order a packed payload lists their values.
EVIDENCE_KEYS = ("a", "s", "e", "ms", "me", "mod", "attr", "time", "cf", "t")


def _meta(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without its id and without the article texts."""
    meta = {k: v for k, v in payload.items() if k != "id"}
    meta["articles"] = [{k: v for k, v in a.items() if k != "text"} for a in payload["articles"]]
    return meta


def _meta_json(payload: dict[str, Any]) -> str:
    return json.dumps(
        _meta(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def _deflate_block(data: bytes, last: bool) -> bytes:
    comp = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def deflate(data: bytes) -> bytes:
    """Raw deflate (RFC 1951, what ``DecompressionStream("deflate-raw")`` reads) of *data*.

    Blocks of :data:`_BLOCK_CHARS` bytes are compressed independently on two threads and
    concatenated: all but the last end with a sync flush (no final-block bit), so together
    they are one valid stream.  The output depends only on *data*.

    Parameters
    ----------
    data : bytes
        What to compress.

    Returns
    -------
    bytes
        The raw deflate stream.
    """
    blocks = [data[i : i + _BLOCK_CHARS] for i in range(0, len(data), _BLOCK_CHARS)] or [b""]
    lasts = [i == len(blocks) - 1 for i in range(len(blocks))]
    if len(blocks) == 1:
        return _deflate_block(blocks[0], True)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return b"".join(pool.map(_deflate_block, blocks, lasts))


def page_data(payload: dict[str, Any], *, compress_above: int | None = None) -> str:
    """The text of a page's data block (``<script type="application/json">``) for *payload*.

    A small briefing's block is the payload itself (:func:`script_json`).  Above
    *compress_above* characters of article text it is ``{"id": ..., "packed": {"data": ...,
    "ev": ..., "texts": [...], "blocks": [...]}}``: the payload without texts and evidence
    (the articles as columns, ``ac``, their marks and passages flat); each claim's evidence
    items as one flat row of values (keys in ``evk``), a row per claim in order, packed apart
    (``ev``: the page draws the map without them and inflates them right after); and the
    texts end to end in UTF-8 in blocks of about
    :data:`TEXT_BLOCK_BYTES` (``blocks``: articles per block; the first holds only the
    :data:`FIRST_BLOCK_ARTICLES` the panel shows at first), each deflate-compressed
    (:func:`deflate`) and base64-encoded.  The runtime inflates the data and the first block
    with the browser's ``DecompressionStream`` before it draws, the other blocks after (or
    at once when a popup or the panel needs one), and decodes an article's text (its bytes:
    ``tb``) when it is first read.  News text takes about half its size this way (deflate
    leaves 37 %, base64 adds a third).

    Parameters
    ----------
    payload : dict
        From :func:`build_payload`.
    compress_above : int, optional
        Characters of article text above which the data is compressed (``-1``: always); by
        default :data:`COMPRESS_TEXTS_ABOVE`.

    Returns
    -------
    str
        JSON, safe inside a ``<script>`` element.
    """
    texts = [a["text"] for a in payload["articles"]]
    limit = COMPRESS_TEXTS_ABOVE if compress_above is None else compress_above
    if sum(len(t) for t in texts) <= limit:
        return script_json(payload)
    meta = _meta(payload)
    # "?" for a lone surrogate (UTF-8 cannot hold one): a text keeps its length.
    encoded = [t.encode("utf-8", "replace") for t in texts]
    blocks: list[list[bytes]] = [[]]
    size = 0
    for a, b in zip(meta["articles"], encoded, strict=True):
        a["tb"] = len(b)  # the text's UTF-8 bytes: the runtime decodes each text when first read
        if size >= TEXT_BLOCK_BYTES or (len(blocks) == 1 and len(blocks[0]) >= FIRST_BLOCK_ARTICLES):
            blocks.append([])
            size = 0
        blocks[-1].append(b)
        size += len(b)
    # Evidence items as one flat row of values per claim (EVIDENCE_KEYS each), and the articles
    # as columns (marks and passages flat): far fewer objects and arrays for the browser to parse.
    # The rows are packed apart ("ev", one per claim in order): only popups read them, so the
    # page draws the map without parsing them and inflates them just after.
    rows = [[ev.get(k) for ev in c["ev"] for k in EVIDENCE_KEYS] for p in meta["places"] for c in p["c"]]
    meta["places"] = [
        {**p, "c": [{k: v for k, v in c.items() if k != "ev"} for c in p["c"]]} for p in meta["places"]
    ]
    meta["evk"] = list(EVIDENCE_KEYS)
    articles = meta.pop("articles")
    columns: dict[str, list[Any]] = {
        k: [a.get(k) for a in articles] for k in sorted({k for a in articles for k in a})
    }
    for key in ("marks", "passages"):
        columns[key] = [[x for item in a[key] for x in item] for a in articles]
    meta["ac"] = columns
    data = json.dumps(meta, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        zipped = list(pool.map(lambda block: deflate(b"".join(block)), blocks))
    evidence = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    packed = {
        "data": base64.b64encode(deflate(data.encode("utf-8"))).decode("ascii"),
        "ev": base64.b64encode(deflate(evidence.encode("utf-8"))).decode("ascii"),
        "texts": [base64.b64encode(z).decode("ascii") for z in zipped],
        "blocks": [len(block) for block in blocks],  # articles per block, in order
    }
    return script_json({"id": payload["id"], "packed": packed})
