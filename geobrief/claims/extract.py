"""Rule-based status-claim extraction: the flow from an article's place mentions to its claims.

:func:`extract` reads the article sentence by sentence:

1. Its place mentions: the resolved ones, anaphors ("the town" for the place
   just named) and, except in the ``rules`` mode, restatements ("the
   country", "here"); see :mod:`geobrief.claims.anaphora`.  A sentence
   without a resolved place, or feed boilerplate ("The post ... appeared
   first on ..."), is skipped.
2. Tokens and clauses, each place mention one token, a parenthetical a
   clause of its own: :mod:`geobrief.claims.tokens`.
3. The role linker ties event cues to the places of their clause:
   :mod:`geobrief.claims.roles`.  It reads the sentence as written; the
   restatements join afterwards as candidate places only, with the linker's
   links carried over by their character offsets.
4. One candidate per (mention, event) pair (:mod:`geobrief.claims.candidates`)
   gets the scorer's probability (:mod:`geobrief.claims.scorer`); the mode
   (:data:`MODES`) decides which become claims.
5. Each accepted candidate gets its modality and attribution
   (:mod:`geobrief.claims.modality`) and the nearest time expression of its
   clause (:mod:`geobrief.claims.timex`), which may make it historical, and
   becomes evidence; the evidence of one (place, event, modality) is one
   claim.

The article's theme (disaster or attack, for cues that name neither) and
whether it names a wildfire are read once from the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from geobrief.claims import precompiled
from geobrief.claims.anaphora import _anaphors, _restatements, _story_places, adjectival
from geobrief.claims.gate import _SPECIAL_FOLDS, _trie, leading_literals, required_literals
from geobrief.claims.modality import PRESUPPOSED, _frames, _modality
from geobrief.claims.roles import _carry_links, _cue_plan, _find_links
from geobrief.claims.rules import EventRules, claim_gate, event_rules
from geobrief.claims.scorer import Scorer
from geobrief.claims.timex import TimeExpr, find_times, is_historical, latest_year
from geobrief.claims.tokens import _CLAUSE_BREAK_WORDS, _UNSET, _Sentence, _sentence
from geobrief.claims.tokens import _tokenise as _tokenise  # re-export: tests/claims/test_claims_lexicon.py
from geobrief.model import Article, Claim, Evidence, Resolution
from geobrief.text import sentence_spans

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.claims.lexicon import Lexicon


def _time_for(s: _Sentence, times: list[TimeExpr], a: int) -> TimeExpr | None:
    if not times:
        return None
    toks = s.toks
    clause = toks[a].clause
    best: tuple[int, TimeExpr] | None = None
    for t in times:
        rng = s.tok_range(t.start, t.end)
        if rng is None:
            continue
        if toks[rng[0]].clause != clause:
            continue
        d = abs(rng[0] - a)
        if best is None or d < best[0]:
            best = (d, t)
    return best[1] if best else None


def _since_clause(s: _Sentence, a: int) -> bool:
    """Whether the cue stands in a "since ..." clause (background of the article's present)."""
    toks = s.toks
    for j in range(a - 1, max(-1, a - 16), -1):
        if toks[j].low == "since":
            return True
        if toks[j].low in (";", ".") or toks[j].low in _CLAUSE_BREAK_WORDS:
            return False
    return False


#: A pair's best candidate in an article needs the scorer's threshold; its further evidence
#: (another sentence saying the same of the same place) needs this probability, where the
#: scorer is right about four times in five, unless the role linker links it: low-probability
#: repeats mostly added a second, wrong modality to a pair already found (dev, an ad-hoc run of
#: session 4: modality .828 -> .855 at the same pair F1).
FURTHER_EVIDENCE_PROBABILITY = 0.8

#: At most this many places of the sentence before join an event sentence that names none.
MAX_CARRIED = 3


def _carried(source: Sequence[Resolution]) -> list[Resolution]:
    """The places a sentence that names none takes from the sentence before: each place once
    (its last mention), the last :data:`MAX_CARRIED` of them."""
    last: dict[str, Resolution] = {}
    for r in source:
        if r.place is not None:
            last.pop(r.place.id, None)
            last[r.place.id] = r
    return list(last.values())[-MAX_CARRIED:]


def _boilerplate(sentence: str) -> bool:
    """Whether a sentence is feed or page boilerplate (``skip_sentences`` of ``events.json``)."""
    text = " ".join(sentence.split())
    return any(rx.match(text) for rx in event_rules().skip_sentences)


_SCAN: Any = object()  # default of _theme's ``starts``: scan the text


def _fire_article(text: str) -> bool:
    """Whether the article names a wildfire (``fire_articles`` of ``events.json``)."""
    rx = event_rules().fire_article
    if rx is None or not _may_hold(_required_words([rx]), _lower(text)):
        return False
    return rx.search(text) is not None


def _theme(text: str, fire: bool = False, starts: Any = _SCAN) -> str | None:
    rules = event_rules()
    ctx = rules.context
    gate = claim_gate()
    if starts is _SCAN:
        starts = gate.positions(text)  # the whole article: try the nouns only where their words start
    n_dis = len(gate.finditer(ctx["disaster"], text, starts))
    n_att = len(gate.finditer(ctx["attack"], text, starts))
    if fire and rules.fire_words is not None:
        n_dis += len(
            gate.finditer(rules.fire_words, text, starts)
        )  # "the blaze", "flames" in a wildfire story
    if n_dis == n_att == 0:
        return None
    return "disaster" if n_dis > n_att else "attack"


@lru_cache(maxsize=2)
def _cue_body(lex: Lexicon) -> tuple[str, bool]:
    """The lexicon's cues as one trie regex, their words apart by any white space (see
    :func:`_cue_phrases`), and whether a token start and end can be asserted around them."""
    cues = {" ".join(cue) for entry in lex.entries for cue in entry.cues}
    # the trie's text, slow to make in Python, is kept in the start-up cache
    trie = precompiled.remember("trie", tuple(sorted(cues)), 0, lambda: _trie(cues))
    body = trie.replace("\\ ", "\\s*") or "(?!)"
    # a cue opening with a sign ("'s") may follow a letter; a number may run into letters
    bounded = all(c[:1].isalnum() and not re.match(r"\d", c.rsplit(" ", 1)[-1]) for c in cues)
    return body, bounded


@lru_cache(maxsize=2)
@precompiled.flushing
def _cue_phrases(lex: Lexicon) -> re.Pattern[str]:
    """Every cue of the lexicon in a case-folded text ("’" read as "'") where a token can start and
    end, its words apart by any white space.

    A cue the lexicon finds is whole tokens in a row with only white space between them, and a
    token's lower case is its text case-folded, so the cue is in the sentence's case folding.  A
    token starts after white space, punctuation or a number ("2012floods"), or right after a place
    name (:func:`_has_cue` blanks the names out), never right after a letter, and a word's token
    ends before a character that is none of these.  Compiled on first use (it is a large pattern);
    :func:`_cue_anywhere` serves texts whose case folding is not one character per character.
    """
    body, bounded = _cue_body(lex)
    return precompiled.compile(rf"(?<![^\W\d])(?:{body})(?!\w)") if bounded else _cue_anywhere(lex)


@lru_cache(maxsize=2)
@precompiled.flushing
def _cue_anywhere(lex: Lexicon) -> re.Pattern[str]:
    """:func:`_cue_phrases` at any position (compiled only when a text needs it)."""
    return precompiled.compile(_cue_body(lex)[0])


def _has_cue(
    rules: EventRules,
    lex: Lexicon,
    stext: str,
    s_start: int,
    starts: dict[int, list[int]] | None,
    group: Sequence[Resolution],
    restated: Sequence[Resolution],
    found: dict[int, list[re.Match[str]]],
    fire: bool = True,
) -> bool:
    """Whether a sentence may hold an event cue; False only when it surely holds none (and so makes
    no candidate), checked before its tokens are made.

    The lexicon's cues by :func:`_cue_phrases`, outside the place names (*group* and *restated*:
    a place is one token, never part of a cue); the role linker's cue patterns where the keyword
    gate lets them (*starts*, the sentence's part of the article's scan), their matches kept in
    *found* for the sentence to reuse, a match across a name of *group* being none, wildfire cues
    only in a wildfire story (*fire*); ``self`` cues in the names of *group*.
    """
    folded = stext.casefold().replace("’", "'")
    named = [(r.mention.start - s_start, r.mention.end - s_start) for r in group]
    if len(folded) == len(stext) and (
        stext.isascii() or (_SPECIAL_FOLDS is not None and _SPECIAL_FOLDS.isdisjoint(stext))
    ):
        # one character per character: blank the names out (a token after a name starts after a blank)
        for a, b in named + [(r.mention.start - s_start, r.mention.end - s_start) for r in restated]:
            folded = folded[:a] + "\0" * (b - a) + folded[b:]
        rx = _cue_phrases(lex)
    else:  # a character folds to several or unusually ("ſ"): any position may start a token
        rx = _cue_anywhere(lex)
    if rx.search(folded) is not None or starts is None:
        return True
    gate = claim_gate()
    plan, always, by_id = _cue_plan(rules, gate)
    for k in starts:
        for i in by_id.get(k, ()):
            g, _, rx = plan[i]
            if g.needs_fire_article and not fire:
                continue  # the linker skips these cues outside a wildfire story
            hit = found.get(id(rx))
            if hit is None:
                hit = found[id(rx)] = gate.finditer(rx, stext, starts)
            if any(not any(a < m.end() and m.start() < b for a, b in named) for m in hit):
                return True
    for i in always:
        g, role, rx = plan[i]
        if g.needs_fire_article and not fire:
            continue
        if role == "self":
            if any(rx.search(r.mention.text.strip()) for r in group):
                return True
            continue
        hit = found.get(id(rx))
        if hit is None:
            hit = found[id(rx)] = gate.finditer(rx, stext, starts)
        if any(not any(a < m.end() and m.start() < b for a, b in named) for m in hit):
            return True
    return False


def _lower(text: str) -> str | None:
    """``text.lower()``, where a pattern's required words (:func:`_required_words`) can be looked
    up in it: None for texts whose case folding the keyword gate does not model."""
    low = text.lower()
    if len(low) != len(text) or not (
        text.isascii() or (_SPECIAL_FOLDS is not None and _SPECIAL_FOLDS.isdisjoint(text))
    ):
        return None
    return low


_REQUIRED: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def _required_words(patterns: Sequence[re.Pattern[str]]) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of any of *patterns* holds (None: cannot say).

    A text whose lower case holds none of them has no match (:func:`geobrief.claims.gate.required_literals`,
    else the words every match starts with: :func:`geobrief.claims.gate.leading_literals`).
    """
    out: list[str] = []
    for rx in patterns:
        hit = _REQUIRED.get(id(rx))
        if hit is None or hit[0] is not rx:
            needed = required_literals(rx)
            if needed is None:  # every match starts with one of these ("here")
                lead = leading_literals(rx)
                needed = lead[0] if lead is not None else None
            hit = _REQUIRED[id(rx)] = (rx, tuple(sorted(needed)) if needed is not None else None)
        if hit[1] is None:
            return None
        out += hit[1]
    return tuple(out)


def _may_hold(words: tuple[str, ...] | None, low: str | None) -> bool:
    """False only when *low* (a lower-cased text, None: unknown) surely holds none of *words*."""
    return words is None or low is None or any(w in low for w in words)


#: How candidates become claims: ``scored`` (the learned scorer decides, the default), ``rules``
#: (only what the role linker links, the extractor before the scorer) and ``candidates`` (every
#: candidate, to measure candidate recall).
MODES = ("scored", "rules", "candidates")


def extract(
    article: Article,
    resolutions: Sequence[Resolution],
    sentences: list[tuple[int, int]] | None = None,
    *,
    mode: str = "scored",
    collect: list | None = None,
    model: Scorer | None = None,
) -> list[Claim]:
    """Per-article claims; see :func:`geobrief.claims.extract_claims`.

    ``collect``, when given, receives one ``(resolution, candidate)`` pair per candidate (with
    its features and probability): the training table of :mod:`geobrief.claims.train`.  ``model``
    replaces the packaged scorer (cross-validation).
    """
    from geobrief.claims.candidates import article_features, carried_candidates, sentence_candidates
    from geobrief.claims.lexicon import lexicon
    from geobrief.claims.scorer import scorer

    if mode not in MODES:
        raise ValueError(f"unknown claim mode {mode!r}; known: {', '.join(MODES)}")
    if model is None:
        model = scorer()
    text = article.text
    spans = sentences if sentences is not None else sentence_spans(text)
    fire = _fire_article(text)
    # the keyword gate scans the whole article once; each sentence reads its part off it
    gate_starts = claim_gate().positions(text)
    gate_flat = claim_gate().flatten(gate_starts)
    theme = _theme(text, fire, gate_starts)
    ref_year: Any = _UNSET  # latest_year(text), read only for a dated claim of an undated article
    order = sorted(range(len(resolutions)), key=lambda k: resolutions[k].mention.start)
    by_key: dict[tuple[str, str, str], list[Evidence]] = {}
    attributions: dict[tuple[str, str, str], str | None] = {}
    ri = 0
    first_start = spans[0][0] if spans else -1
    known: dict[tuple[str, str], str] = {}  # (place id, event) -> modality of its first positive mention
    prev_group: list[Resolution] = []
    prev_named: list[Resolution] = []  # the places the sentence before names (a carry's source)
    prev_start = -1
    # per sentence with candidates: what the second pass (scores, modality, evidence) needs
    pending: list[tuple[Any, list[Resolution], list, set[int], int, int, str, bool, int]] = []
    story = _story_places(article, resolutions)
    definitional = lexicon().definitional
    place_counts: dict[str, int] = {}
    for r in resolutions:
        if r.place is not None:
            place_counts[r.place.id] = place_counts.get(r.place.id, 0) + 1
    rules, gate, lex = event_rules(), claim_gate(), lexicon()
    lower = _lower(text)
    anaphor_words = _required_words([rules.anaphors] if rules.anaphors is not None else [])
    restate_words = _required_words(list(lex.restatements.values()))
    for s_index, (s_start, s_end) in enumerate(spans):
        group: list[Resolution] = []
        while ri < len(order) and resolutions[order[ri]].mention.start < s_end:
            r = resolutions[order[ri]]
            if r.mention.start >= s_start and r.mention.end <= s_end:
                group.append(r)
            ri += 1
        stext = text[s_start:s_end]
        n_named = len(group)
        carry_source, carry_start = prev_named, prev_start
        prev_named = [r for r in group if r.place is not None and not adjectival(r)]
        prev_start = s_start
        # "the town", "the country", "here": looked for only where a word every match holds is
        low = lower[s_start:s_end] if lower is not None else None
        named = group
        if _may_hold(anaphor_words, low):
            group = group + _anaphors(article, stext, s_start, group, prev_group)
        prev_group = named
        restated = (
            _restatements(article, stext, s_start, group, story)
            if mode != "rules" and _may_hold(restate_words, low)
            else []
        )
        carried = False
        if not (group or restated) or not any(r.place is not None for r in group + restated):
            # an event sentence that names no place may be about the places of the sentence
            # before ("Fighting broke out in X. Three soldiers died."): those join as candidates
            # the scorer weighs apart (not in the rules mode, which reads each sentence alone)
            if mode == "rules" or not carry_source:
                continue
            group, restated, carried = _carried(carry_source), [], True
        # every candidate needs a cue: a sentence with none is left before its tokens are made
        starts = gate.within(text, gate_starts, gate_flat, s_start, s_end)  # as its tokens read it
        found: dict[int, list[Any]] = {}
        # (carried places stand outside the sentence: no name of its own to blank out)
        if not _has_cue(rules, lex, stext, s_start, starts, [] if carried else group, restated, found, fire):
            continue
        if _boilerplate(stext):
            continue  # feed boilerplate ("The post <title> appeared first on <site>.") is not evidence
        lede = s_start == first_start
        sent = _sentence(stext, s_start, s_end, group, lede, article.source)
        sent.share_positions(text, gate_starts, gate_flat, starts, found)
        links = [] if carried else _find_links(sent, theme, fire)
        if restated:
            # the role linker reads the sentence as written; the restatements ("the country") join
            # only as candidate places, its links carried over by their character offsets
            base, group = sent, group + restated
            sent = _sentence(stext, s_start, s_end, group, lede, article.source)
            sent.share_positions(text, gate_starts, gate_flat, starts, found)
            links = _carry_links(base, sent, links)
        adjective = {k for k, r in enumerate(group) if adjectival(r)}
        if carried:
            cands = carried_candidates(sent, theme, place_counts)
        else:
            cands = sentence_candidates(sent, links, theme, adjective, n_named, place_counts, s_index)
        pending.append((sent, group, cands, adjective, s_start, s_end, stext, carried, carry_start))
    # what the whole article says about each pair joins every candidate's features
    article_features([(group[c.mention], c) for _, group, cands, *_ in pending for c in cands])
    # every candidate's probability, and the best of each (place, event) pair in the article
    best_of: dict[tuple[str, str], float] = {}
    for _, group, cands, *_ in pending:
        for c in cands:
            c.probability = model.probability(c.features)
            if c.role in definitional:
                # the name itself says it ("X Air Base"): no article needs to teach the scorer that
                c.probability = max(c.probability, definitional[c.role])
            r = group[c.mention]
            if r.place is not None:
                key = (r.place.id, c.event)
                best_of[key] = max(best_of.get(key, 0.0), c.probability)
    for sent, group, cands, adjective, s_start, s_end, stext, carried, carry_start in pending:
        accepted = []
        for c in cands:
            if collect is not None:
                collect.append((group[c.mention], c, (s_start, s_end)))
            if mode == "candidates":
                accepted.append(c)
            elif mode == "rules":
                if c.role and not (c.mention in adjective and c.role != "demonym"):
                    accepted.append(c)
            elif model.accepts(c.probability, bool(c.role)) and (
                bool(c.role)
                or c.probability >= FURTHER_EVIDENCE_PROBABILITY
                or group[c.mention].place is None
                or c.probability >= best_of.get((group[c.mention].place.id, c.event), 0.0)
            ):
                accepted.append(c)
        if not accepted:
            continue
        frames = _frames(sent)
        times = [
            replace(t, start=t.start + s_start, end=t.end + s_start)
            for t in find_times(stext, article.published)
        ]
        for c in sorted(accepted, key=lambda c: (c.cue_start, c.mention)):
            lk = c.link()
            r = group[lk.mention]
            if r.place is None:
                continue
            modality, inner, attribution = _modality(sent, frames, lk)
            if inner == PRESUPPOSED:
                # "X said the attack in Y was ...": the attack the article has already stated keeps the
                # article's modality; a first mention stays the speaker's claim
                modality = known.get((r.place.id, lk.event), "claimed")
                inner = None
            if modality in ("asserted", "confirmed", "reported"):
                known.setdefault((r.place.id, lk.event), modality)
            t = _time_for(sent, times, lk.cue_start)
            if t is not None and modality == "planned" and t.kind == "weekday" and article.published:
                # a planned event "on Friday" is the coming Friday, not the last one
                ahead = find_times(stext, article.published, {t.start - s_start})
                t = next(
                    (replace(u, start=t.start, end=t.end) for u in ahead if u.start + s_start == t.start), t
                )
            historical = False
            if t is not None:
                if ref_year is _UNSET:
                    ref_year = latest_year(text) if not article.published else None
                historical = is_historical(t, article.published, ref_year)
                if (
                    not historical
                    and not article.published
                    and t.year is not None
                    and _since_clause(sent, lk.cue_start)
                ):
                    historical = True
            # a carried place's evidence reaches back to the sentence that names it
            ev_start = carry_start if carried else s_start
            ev = Evidence(
                article_id=article.id,
                start=ev_start,
                end=s_end,
                text=text[ev_start:s_end] if carried else stext,
                mention_start=r.mention.start,
                mention_end=r.mention.end,
                modality=modality,
                attribution=attribution,
                inner_modality=inner,
                time=t.text if t else None,
                time_start=t.time_start if t else None,
                time_end=t.time_end if t else None,
                historical=historical,
                confidence=round(c.probability, 4),
            )
            key = (r.place.id, lk.event, modality)
            by_key.setdefault(key, []).append(ev)
            if attributions.get(key) is None:
                attributions[key] = attribution
    claims = []
    for (place_id, event, modality), evidence in by_key.items():
        first_time = next((e for e in evidence if e.time), None)
        claims.append(
            Claim(
                place_id=place_id,
                event=event,
                modality=modality,
                attribution=attributions.get((place_id, event, modality)),
                evidence=tuple(evidence),
                historical=all(e.historical for e in evidence),
                time=first_time.time if first_time else None,
                confidence=max(e.confidence for e in evidence),
            )
        )
    return claims
