"""Synthetic briefings for render/export tests and the render benchmark.

Built from the data model only (no pipeline): a few places with claims,
evidence and mentions; a hostile variant whose every text field carries
script-injection attempts; and a large random one.
"""

from __future__ import annotations

import random
from dataclasses import replace

from geobrief.model import (
    EVENTS,
    Article,
    Briefing,
    Claim,
    Evidence,
    Failure,
    Mention,
    Place,
    Resolution,
)

#: Injection attempts; each alert/confirm carries a number so a leak is traceable.
HOSTILE: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "<svg onload=alert(4)>",
    '"><script>alert(5)</script>',
    "'><img src=x onerror=alert(6)>",
    "javascript:alert(7)",
    "JaVaScRiPt:alert(8)",
    "${alert(9)}",
    "`${alert(10)}`",
    '\\"; alert(11); //',
    "\\u003cscript\\u003ealert(12)\\u003c/script\\u003e",
    "line\u2028sep\u2029para alert(13)",
    "{{ 7*7 }} {% raw %}alert(14)",
    "{{ self.__init__.__globals__ }}",
    "<!-- <script>alert(15)</script> -->",
    "<iframe src=javascript:alert(16)>",
    '<a href="javascript:alert(17)">x</a>',
    "<body onload=alert(18)>",
    "<style>*{display:none}</style>",
    "]]><![CDATA[<script>alert(19)</script>",
    "&lt;script&gt;alert(20)&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(21)>",
    "'-alert(22)-'",
    '";alert(23);//',
    "</style><script>alert(24)</script>",
    "<details open ontoggle=alert(25)>",
    "data:text/html,<script>alert(26)</script>",
    "<input autofocus onfocus=alert(27)>",
    "<video><source onerror=alert(28)>",
    "%3Cscript%3Ealert(29)%3C/script%3E",
    '<base href="javascript:alert(30)//">',
    '<meta http-equiv=refresh content="0;url=javascript:alert(31)">',
    "</textarea><script>confirm(32)</script>",
    "<scr<script>ipt>alert(33)</scr</script>ipt>",
    "\\x3cscript\\x3ealert(34)\\x3c/script\\x3e",
)

HOSTILE_URLS: tuple[str, ...] = (
    "javascript:alert(40)",
    " javascript:alert(41)",
    "JAVASCRIPT:alert(42)",
    "data:text/html,<script>alert(43)</script>",
    "vbscript:msgbox(44)",
    "//evil.example/x",
    "java\tscript:alert(45)",
    "https://ok.example/a?q=<script>alert(46)</script>",
)


def _find(text: str, word: str, after: int = 0) -> tuple[int, int]:
    i = text.index(word, after)
    return i, i + len(word)


def _sentence(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (crudely: from ". " to ".")."""
    s = text.rfind(". ", 0, start)
    s = 0 if s < 0 else s + 2
    e = text.find(".", start if end is None else end)
    return s, (len(text) if e < 0 else e + 1)


def small_briefing(title: str = "Test briefing") -> Briefing:
    """Two articles, five places: claims (one conflicting), mentions, a country, unresolved."""
    t1 = (
        "Officials said troops withdrew from Northbridge on Monday. "
        "A naval base at Port Alder remains in use. "
        "Talks were held in Eastvale, near Quietville."
    )
    t2 = (
        "The ministry denied that troops withdrew from Northbridge. "
        "Protesters rallied in Eastvale and across Freedonia. "
        "Nobody knows where Zembla is."
    )
    a1 = Article(
        "art-1",
        t1,
        title="Troops leave Northbridge",
        url="https://news.example/1",
        source="Wire A",
        published="2024-03-01",
    )
    a2 = Article(
        "art-2",
        t2,
        title="Ministry denies withdrawal",
        url=None,
        source="Wire B",
        published="2024-03-04T10:00:00Z",
    )

    def mention(art: Article, word: str, after: int = 0) -> Mention:
        s, e = _find(art.text, word, after)
        ss, se = _sentence(art.text, s)
        return Mention(art.id, s, e, word, ss, se)

    def evidence(
        art: Article, m: Mention, modality: str = "asserted", attribution: str | None = None
    ) -> Evidence:
        return Evidence(
            art.id,
            m.sentence_start,
            m.sentence_end,
            art.text[m.sentence_start : m.sentence_end],
            m.start,
            m.end,
            modality=modality,
            attribution=attribution,
        )

    nb1, nb2 = mention(a1, "Northbridge"), mention(a2, "Northbridge")
    withdrawal = Claim(
        "p:northbridge",
        "withdrawal",
        "asserted",
        None,
        (evidence(a1, nb1, "asserted", "officials"), evidence(a2, nb2, "denied", "the ministry")),
        conflicting=True,
    )
    northbridge = Place(
        "p:northbridge",
        "Northbridge",
        36.2,
        37.1,
        "city",
        country_code="FD",
        mentions=(nb1, nb2),
        claims=(withdrawal,),
    )
    pa = mention(a1, "Port Alder")
    port = Place(
        "p:port-alder",
        "Port Alder",
        34.9,
        35.9,
        "facility",
        mentions=(pa,),
        claims=(Claim("p:port-alder", "military_presence", evidence=(evidence(a1, pa),)),),
    )
    ev1, ev2 = mention(a1, "Eastvale"), mention(a2, "Eastvale")
    eastvale = Place(
        "p:eastvale",
        "Eastvale",
        33.5,
        36.3,
        "city",
        mentions=(ev1, ev2),
        claims=(
            Claim("p:eastvale", "visit", evidence=(evidence(a1, ev1),)),
            Claim("p:eastvale", "protest", evidence=(evidence(a2, ev2),)),
        ),
    )
    fr = mention(a2, "Freedonia")
    freedonia = Place("p:freedonia", "Freedonia", 35.0, 38.0, "country", mentions=(fr,))
    # A place mentioned in one article only, with no claim.
    quiet = Place("p:quiet", "Quietville", 30.0, 31.0, "city", mentions=(mention(a1, "Quietville"),))
    zs, ze = _find(t2, "Zembla")
    unresolved = (Resolution(Mention("art-2", zs, ze, "Zembla"), None),)
    return Briefing(
        articles=(a1, a2),
        places=(northbridge, port, eastvale, freedonia, quiet),
        unresolved=unresolved,
        failures=(Failure("broken.pdf", "binary file"),),
        title=title,
    )


def astral_briefing() -> Briefing:
    """One article whose text has characters outside the BMP (two UTF-16 units each in JavaScript)
    before its places: emoji and a CJK Extension B ideograph, then Northbridge (a claim) and
    Eastvale (only mentioned)."""
    text = (
        "Crowds \U0001f389\U0001f1f8\U0001f1fe cheered as the \U00020b9f convoy arrived. "
        "Officials said troops withdrew from Northbridge on Monday \U0001f6a8. "
        "Families in Eastvale \U0001f3e0 waited."
    )
    art = Article("art-e", text, title="Convoy \U0001f69a leaves", source="Wire E", published="2024-05-01")
    s, e = _find(text, "Northbridge")
    ss, se = _sentence(text, s)
    nb = Mention(art.id, s, e, "Northbridge", ss, se)
    ev = Evidence(art.id, ss, se, text[ss:se], s, e, modality="reported", attribution="officials")
    north = Place(
        "p:northbridge",
        "Northbridge",
        36.2,
        37.1,
        "city",
        mentions=(nb,),
        claims=(Claim("p:northbridge", "withdrawal", "reported", None, (ev,)),),
    )
    s, e = _find(text, "Eastvale")
    ss, se = _sentence(text, s)
    east = Place(
        "p:eastvale", "Eastvale", 33.5, 36.3, "city", mentions=(Mention(art.id, s, e, "Eastvale", ss, se),)
    )
    return Briefing(articles=(art,), places=(north, east), title="Astral briefing")


def confidence_briefing(port_alder: float = 0.35, title: str = "Confidence briefing") -> Briefing:
    """:func:`small_briefing` with claims of different confidences.

    Northbridge: withdrawal 0.92 (its two evidence spans 0.92 and 0.61);
    Port Alder: military presence *port_alder* (low by default, so drawn
    lighter); Eastvale: visit 0.30 (low) and protest 0.85 (high).
    """
    from dataclasses import replace

    b = small_briefing(title)
    north, port, east, *rest = b.places
    (withdrawal,) = north.claims
    ev_for, ev_against = withdrawal.evidence
    north = replace(
        north,
        claims=(
            replace(
                withdrawal,
                confidence=0.92,
                evidence=(replace(ev_for, confidence=0.92), replace(ev_against, confidence=0.61)),
            ),
        ),
    )
    (presence,) = port.claims
    port = replace(port, claims=(replace(presence, confidence=port_alder),))
    visit, protest = east.claims
    east = replace(east, claims=(replace(visit, confidence=0.3), replace(protest, confidence=0.85)))
    return replace(b, places=(north, port, east, *rest))


def hostile_name(i: int) -> str:
    """The gazetteer name of hostile place *i* (its mentions spell it differently for i % 4 == 1)."""
    return ("\u00c9vil" if i % 4 == 1 else "Evil") + f"{i} {HOSTILE[i]}"


def hostile_briefing() -> Briefing:
    """Every text field a page shows carries injection attempts.

    Paths covered, each with every string of :data:`HOSTILE`: article text,
    title, id (shown when an article has neither title nor text), source,
    publication date (when not a date), URL (:data:`HOSTILE_URLS`); place
    names (gazetteer name, and a differing surface form that becomes the
    shown name), admin1, country code, location source; claim attribution
    and time, evidence attribution and time, evidence text that no longer
    matches the article (shown from the stored text), both sides of a
    conflicting claim; unresolved mentions; failed inputs (file name and
    reason); the briefing title; and the layer-control labels built from
    titles, sources and opening words.
    """
    articles = []
    places = []
    unresolved = []
    for i, bad in enumerate(HOSTILE):
        name = hostile_name(i)
        spelled = f"Evil{i} {bad}"  # what the article writes
        text = (
            f"Intro {bad} text. Troops withdrew from {spelled} today, said {bad}. "
            f"Others denied troops withdrew from {spelled}. Also {bad} near Nowhere{i}."
        )
        url = HOSTILE_URLS[i % len(HOSTILE_URLS)]
        art = Article(
            f"h{i} {bad}",
            text,
            # every third article is untitled: named by its opening words (and its id)
            title=None if i % 3 == 2 else f"Title {bad}",
            url=url,
            source=f"Source {bad}",
            published=("2024-05-0" + str(1 + i % 9)) if i % 2 else f"{bad}",
        )
        articles.append(art)
        s, e = _find(text, spelled)
        ss, se = _sentence(text, s, e)
        m = Mention(art.id, s, e, spelled, ss, se)
        s2, e2 = _find(text, spelled, e)
        ss2, se2 = _sentence(text, s2, e2)
        m2 = Mention(art.id, s2, e2, spelled, ss2, se2)
        ev = Evidence(
            art.id,
            ss,
            se,
            text[ss:se],
            s,
            e,
            modality="reported",
            attribution=f"Agency {bad}",
            time=f"when {bad}",
        )
        if i % 5 == 0:  # offsets that no longer fit: the stored text is shown instead
            ev = Evidence(
                art.id, 10_000, 10_050, f"Stored {bad}", 10_010, 10_020, attribution=f"Agency {bad}"
            )
        claims: tuple[Claim, ...] = ()
        if i % 3 == 1:
            against = Evidence(
                art.id, ss2, se2, text[ss2:se2], s2, e2, modality="denied", attribution=f"Ministry {bad}"
            )
            claims = (
                Claim(
                    f"h:{i}",
                    "withdrawal",
                    "reported",
                    f"Agency {bad}",
                    (ev, against),
                    conflicting=True,
                    time=f"at {bad}",
                ),
            )
        elif i % 3 == 2:
            claims = (
                Claim(
                    f"h:{i}", EVENTS[i % len(EVENTS)], "reported", f"Agency {bad}", (ev,), time=f"at {bad}"
                ),
            )
        places.append(
            Place(
                f"h:{i}",
                name,
                -60 + i * 3.3,
                -150 + i * 8.5,
                "city",
                admin1=bad,
                country_code=f"C{bad}",
                source=f"Gazetteer {bad}",
                confidence=0.5,
                mentions=(m, m2),
                claims=claims,
            )
        )
        us, ue = _find(text, f"Nowhere{i}")
        unresolved.append(Resolution(Mention(art.id, us, ue, f"Nowhere{i} {bad}"), None))
    # An article with no title and no text: shown by its id.
    articles.append(Article(f"empty {HOSTILE[0]}", "", title=None, source=HOSTILE[1]))
    return Briefing(
        articles=tuple(articles),
        places=tuple(places),
        unresolved=tuple(unresolved),
        failures=tuple(Failure(f"file {bad}.txt", f"reason {bad}") for bad in HOSTILE),
        title="Hostile <script>alert(99)</script> {{ title }}",
    )


def synthetic_briefing(n_places: int, n_articles: int = 50, seed: int = 7) -> Briefing:
    """A large random briefing: *n_places* places spread over *n_articles* articles."""
    rng = random.Random(seed)
    per_article: list[list[str]] = [[] for _ in range(n_articles)]
    names = [f"Place{i:05d}" for i in range(n_places)]
    for i, name in enumerate(names):
        per_article[i % n_articles].append(name)
    articles = []
    offsets: dict[str, tuple[str, int, int, int, int]] = {}
    for ai, chunk in enumerate(per_article):
        parts = []
        pos = 0
        for name in chunk:
            verb = rng.choice(
                [
                    "Troops withdrew from",
                    "Fighting was reported near",
                    "Officials visited",
                    "Crowds gathered in",
                ]
            )
            sentence = f"{verb} {name} on Tuesday. "
            start = pos + len(verb) + 1
            offsets[name] = (f"n{ai}", start, start + len(name), pos, pos + len(sentence) - 1)
            parts.append(sentence)
            pos += len(sentence)
        articles.append(
            Article(
                f"n{ai}",
                "".join(parts),
                title=f"Report {ai}",
                url=f"https://news.example/{ai}",
                source=f"Source {ai % 7}",
                published=f"2024-06-{1 + ai % 28:02d}",
            )
        )
    places = []
    for i, name in enumerate(names):
        aid, s, e, ss, se = offsets[name]
        text = articles[int(aid[1:])].text
        m = Mention(aid, s, e, name, ss, se)
        claims: tuple[Claim, ...] = ()
        if rng.random() < 0.7:
            ev = Evidence(
                aid, ss, se, text[ss:se], s, e, modality=rng.choice(["asserted", "reported", "claimed"])
            )
            claims = (Claim(f"s:{i}", rng.choice(EVENTS), ev.modality, None, (ev,)),)
        kind = "country" if i % 97 == 0 else "city"
        places.append(
            Place(
                f"s:{i}",
                name,
                rng.uniform(-55, 70),
                rng.uniform(-170, 170),
                kind,
                mentions=(m,),
                claims=claims,
            )
        )
    unresolved = tuple(Resolution(Mention(articles[0].id, 0, 6, "Troops"), None) for _ in range(1))
    return Briefing(
        articles=tuple(articles), places=tuple(places), unresolved=unresolved, title=f"Synthetic {n_places}"
    )


def _news_like_words(rng: random.Random, n: int = 5000) -> tuple[list[str], list[float]]:
    """A made-up vocabulary with Zipf frequencies: text drawn from it deflates to about 39 % of
    its size, as news does (37 % for the Reuters pool), so compressed pages are sized honestly."""
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    words = [
        "".join(
            rng.choice(letters[: rng.choice((10, 15, 20, 26))])
            for _ in range(max(1, min(12, int(rng.gauss(5, 2.2)))))
        )
        for _ in range(n)
    ]
    return words, [1 / (i + 1) for i in range(n)]


def many_sources_briefing(
    n_articles: int, n_places: int = 40, seed: int = 11, *, filler: str = "repeat"
) -> Briefing:
    """*n_articles* short stories about the same *n_places* places: each names two to four of
    them with a claim, so a place's merged claim gathers thousands of excerpts (as a big feed does).

    *filler* is the rest of each story (about 1 KB): ``"repeat"``, one sentence eight times, or
    ``"words"``, sentences of random words that compress like news (for size benchmarks)."""
    rng = random.Random(seed)
    vocab = _news_like_words(random.Random(seed + 1)) if filler == "words" else None
    verbs = [
        ("withdrawal", "Troops were reported to have withdrawn from", "reported"),
        ("withdrawal", "Troops withdrew from", "asserted"),
        ("attack", "Shelling hit", "asserted"),
        ("visit", "The minister visited", "asserted"),
        ("protest", "Crowds protested in", "claimed"),
    ]
    repeated = "Officials gave no further details and the situation remained unclear. " * 8
    coords = [(rng.uniform(25, 45), rng.uniform(25, 55)) for _ in range(n_places)]
    articles: list[Article] = []
    evidence: dict[tuple[int, str], list[Evidence]] = {}
    mentions: dict[int, list[Mention]] = {}
    for ai in range(n_articles):
        aid = f"m{ai:05d}"
        parts, pos = [], 0
        for pi in rng.sample(range(n_places), rng.randint(2, 4)):
            event, verb, modality = rng.choice(verbs[: 2 + pi % 4])
            name = f"Town{pi:02d}"
            sentence = f"{verb} {name} on day {ai % 30 + 1}. "
            ms = pos + len(verb) + 1
            text_so_far = sentence[:-1]
            ev = Evidence(
                aid, pos, pos + len(text_so_far), text_so_far, ms, ms + len(name), modality=modality
            )
            ev = replace(ev, confidence=round(rng.uniform(0.3, 0.99), 2))
            evidence.setdefault((pi, event), []).append(ev)
            mentions.setdefault(pi, []).append(
                Mention(aid, ms, ms + len(name), name, pos, pos + len(text_so_far))
            )
            parts.append(sentence)
            pos += len(sentence)
        if vocab is None:
            parts.append(repeated)
        else:
            words = rng.choices(vocab[0], vocab[1], k=170)
            parts.append(
                " ".join(" ".join(words[i : i + 17]).capitalize() + "." for i in range(0, len(words), 17))
            )
        articles.append(
            Article(aid, "".join(parts), title=f"Story {ai}", source=f"Wire {ai % 9}", published="2024-06-01")
        )
    places = []
    for pi in range(n_places):
        claims = []
        for (qi, event), evs in sorted(evidence.items()):
            if qi == pi:
                counts: dict[str, int] = {}
                for ev in evs:
                    counts[ev.modality] = counts.get(ev.modality, 0) + 1
                modality = max(sorted(counts), key=counts.__getitem__)
                claims.append(Claim(f"t:{pi}", event, modality, None, tuple(evs)))
        la, lo = coords[pi]
        places.append(
            Place(
                f"t:{pi}",
                f"Town{pi:02d}",
                la,
                lo,
                "city",
                mentions=tuple(mentions.get(pi, ())),
                claims=tuple(claims),
            )
        )
    return Briefing(
        articles=tuple(articles), places=tuple(places), title=f"Many sources ({n_articles} articles)"
    )
