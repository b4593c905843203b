"""Denials that refer back: a claim of one clause or sentence denied in the next.

News often states a claim and puts its denial in another clause or sentence
without naming the place or the event again: "Iran said its forces captured
Fish Island. Iraq denied it.", "..., a claim Ukrainian officials denied.",
"..., but the army rejected the report.", "Baghdad dismissed the claim as
lies."  The extractor links events to places within a sentence, so such a
denial leaves the claim as if nobody had contested it.

:func:`attach_denials` runs after extraction, per article: it finds the
denials whose object refers back (``rules/conflicts.json``, see
:func:`find_denials`), and gives each claim of the clause or sentence they
refer to one more evidence span, modality ``denied``, attributed to the
denying party.  The span runs from the claim's sentence to the end of the
denial, so it quotes both sides and still contains the place mention.  The
claims of that place and event in the article are then merged
(:func:`geobrief.claims.merge_claims`): the modality is the majority of the
evidence (ties to the more cautious, i.e. ``denied`` on one against one) and
the claim is ``conflicting``.

Not denials of the event: a denial of responsibility ("the group denied
involvement", or a denial after an accusation: spec convention 5), "denied
entry", "denied bail", a negated or hedged denial ("did not deny it", "would
neither confirm nor deny it"), a denial whose own sentence first names
another place or reports a speech act of its own (a new topic).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from geobrief.claims import precompiled, rules
from geobrief.claims.gate import Gate
from geobrief.claims.merge import merge_claims
from geobrief.claims.timex import find_times
from geobrief.model import Article, Claim, Evidence, Resolution
from geobrief.text import sentence_spans

__all__ = ["ConflictRules", "Denial", "DenialPattern", "attach_denials", "conflict_rules", "find_denials"]

_PLACEHOLDER = re.compile(r"\b(DENY|REJECT|PRONOUN|CLAIMNOUN|CLAIMS|FALSE|ADV|END)\b")
# a match may not start inside a word, unless it starts with punctuation (", a claim the army denied")
_START = r"(?:(?<![\w'’-])|(?=\W))"


@dataclass(frozen=True)
class DenialPattern:
    """One row of ``conflicts.json``."""

    id: str
    scope: str  # "back": own sentence before it, else the sentence before; "clause": own sentence only
    pattern: re.Pattern[str]
    example: str
    counter: str


@dataclass(frozen=True)
class ConflictRules:
    """The compiled ``conflicts.json``."""

    patterns: tuple[DenialPattern, ...]
    cancel_before: re.Pattern[str]  # matched against the text right before the denying verb
    cancel_clause: re.Pattern[str]  # a condition or question before the verb ("If it is denied, ...")
    responsibility: re.Pattern[str]
    party_stops: frozenset[str]
    party_skip: frozenset[str]
    party_strip: frozenset[str]
    party_pronouns: frozenset[str]
    party_max_words: int
    antecedent_modalities: frozenset[str]
    max_intro_words: int
    raw: dict[str, Any]  # the table as loaded (examples and counter-examples for the tests)


@dataclass(frozen=True)
class Denial:
    """A denial found in a sentence (offsets into the text searched)."""

    start: int  # the whole match (for "clause" patterns from the punctuation that opens it)
    end: int
    verb_start: int
    pattern: str  # DenialPattern.id
    scope: str
    party: str | None  # the denier, as written ("Iraq", "Ukrainian officials"); None if not named
    party_start: int  # span of the party in the text (start == end when none)
    party_end: int


def _expand(rx: str, placeholders: dict[str, str]) -> str:
    for _ in range(4):  # placeholders may use placeholders (CLAIMS uses CLAIMNOUN)
        rx = _PLACEHOLDER.sub(lambda m: placeholders[m.group(1)], rx)
    return rx


def _cue_alternation(cues: Sequence[str]) -> str:
    """Word cues as one alternation; "n't" may stick to its verb ("didn't"), other cues start a word."""
    body = []
    for cue in sorted(cues, key=len, reverse=True):
        rx = re.escape(cue).replace("'", "['’]")
        body.append(rx if cue.startswith("n'") else rf"(?<![\w'’-]){rx}")
    return "|".join(body)


@lru_cache(maxsize=1)
@precompiled.flushing
def conflict_rules() -> ConflictRules:
    """The compiled denial table ``rules/conflicts.json`` (cached; ``conflict_rules.cache_clear()``).

    Returns
    -------
    ConflictRules
        Patterns with their scope, the cancelling cues, the responsibility cues
        and the party rules.

    Raises
    ------
    geobrief.claims.rules.RulesError
        If the table is missing, not JSON, or holds a bad regex.
    """
    path = rules.RULES_DIR / "conflicts.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise rules.RulesError(f"cannot load rule table {path}: {exc}") from exc
    try:
        ph = {k: v for k, v in data["placeholders"].items() if not k.startswith("_")}
        # word placeholders start at a word boundary; END is a lookahead
        ph = {k: (v if k in ("END", "ADV") else rf"\b(?:{v})") for k, v in ph.items()}
        patterns = []
        for p in data["patterns"]:
            if p["scope"] not in ("back", "clause"):
                raise rules.RulesError(f"{path}: pattern {p['id']!r} has unknown scope {p['scope']!r}")
            rx = _START + "(?:" + _expand(p["regex"], ph) + ")"
            try:
                compiled = precompiled.compile(rx, re.IGNORECASE)
            except re.error as exc:
                raise rules.RulesError(f"{path}: bad regex in pattern {p['id']!r}: {exc}") from exc
            if "verb" not in compiled.groupindex:
                raise rules.RulesError(f"{path}: pattern {p['id']!r} captures no 'verb'")
            patterns.append(DenialPattern(p["id"], p["scope"], compiled, p["example"], p["counter"]))
        adv = ph["ADV"]
        cancel = precompiled.compile(
            rf"(?:{_cue_alternation(data['cancel_before']['cues'])})\s+{adv}$", re.IGNORECASE
        )
        cancel_clause = precompiled.compile(
            rf"(?:{_cue_alternation(data['cancel_clause']['cues'])})(?![\w'’-])", re.IGNORECASE
        )
        responsibility = precompiled.compile(
            rf"(?<![\w'’-])(?:{'|'.join(data['responsibility']['cues'])})(?![\w'’-])", re.IGNORECASE
        )
        party = data["party"]
        return ConflictRules(
            patterns=tuple(patterns),
            cancel_before=cancel,
            cancel_clause=cancel_clause,
            responsibility=responsibility,
            party_stops=frozenset(w.casefold() for w in party["stops"]),
            party_skip=frozenset(w.casefold() for w in party["skip"]),
            party_strip=frozenset(w.casefold() for w in party["strip"]),
            party_pronouns=frozenset(w.casefold() for w in party["pronouns"]),
            party_max_words=int(party.get("max_words", 7)),
            antecedent_modalities=frozenset(data["antecedent_modalities"]),
            max_intro_words=int(data.get("max_intro_words", 12)),
            raw=data,
        )
    except (KeyError, TypeError, re.error) as exc:
        raise rules.RulesError(f"{path}: malformed table: {exc!r}") from exc


# -- finding denials -------------------------------------------------------------------------------

_WORD = re.compile(r"[\w'’.-]+|[^\w\s]")


def _clean_party(text: str, r: ConflictRules) -> str | None:
    words = text.strip(" ,;:–—-\"“”'").split()
    while words and words[0].casefold() in r.party_strip | r.party_skip:
        words = words[1:]
    while words and words[-1].casefold() in r.party_skip:
        words = words[:-1]
    if not words or " ".join(words).casefold() in r.party_pronouns:
        return None
    return " ".join(words)


def _party_before(text: str, verb_start: int, lo: int, r: ConflictRules) -> tuple[str | None, int, int]:
    """The denier written right before the verb: "Iraq", "Ukrainian officials", "the army"."""
    spans = [(t.start, t.end) for t in find_times(text[lo:verb_start])]
    toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, lo, verb_start)]
    # drop the time expressions and skip words next to the verb ("Iraq on Monday flatly denied it")
    while toks and (
        toks[-1][2].casefold() in r.party_skip or any(a <= toks[-1][0] - lo < b for a, b in spans)
    ):
        toks.pop()
    taken: list[tuple[int, int, str]] = []
    while toks and len(taken) < r.party_max_words:
        a, b, w = toks[-1]
        if not (w[0].isalnum() or w[0] in "'’") or w.casefold() in r.party_stops:
            break
        if any(s <= a - lo < e for s, e in spans):
            break
        taken.insert(0, toks.pop())
    if not taken:
        return None, verb_start, verb_start
    start, end = taken[0][0], taken[-1][1]
    return _clean_party(text[start:end], r), start, end


@cache
@precompiled.flushing
def _denial_gate() -> Gate:
    return Gate(p.pattern for p in conflict_rules().patterns)


def find_denials(text: str, starts: Any = None) -> list[Denial]:
    """The denials in one sentence that refer back to a claim.

    Parameters
    ----------
    text : str
        One sentence (or any text: offsets are into it).
    starts : dict, optional
        The denial gate's candidate starts in *text* (read off a whole article's by
        :meth:`Gate.within`); scanned here when omitted.

    Returns
    -------
    list of Denial
        Non-overlapping matches of the patterns of ``conflicts.json``, in text
        order, without those whose verb is negated, refused or hedged
        (``cancel_before``: "did not deny it", "would neither confirm nor deny it").
    """
    r = conflict_rules()
    gate = _denial_gate()
    if starts is None:
        starts = gate.positions(text)  # only where a pattern's first words are
    hits: list[tuple[int, int, DenialPattern, re.Match[str]]] = []
    for p in r.patterns:
        for m in gate.finditer(p.pattern, text, starts):
            hits.append((m.start(), -(m.end() - m.start()), p, m))
    hits.sort(key=lambda h: (h[0], h[1]))
    out: list[Denial] = []
    for start, _neg, p, m in hits:
        end = m.end()
        if any(start < d.end and end > d.start for d in out):
            continue
        verb_start = m.start("verb")
        clause_start = max(text.rfind(c, 0, verb_start) for c in ",;:(") + 1
        if r.cancel_before.search(text[clause_start:verb_start]) or r.cancel_clause.search(
            text[clause_start:verb_start]
        ):
            continue
        if m.groupdict().get("party"):
            party = _clean_party(m.group("party"), r)
            pa, pb = m.span("party")
        elif p.pattern.groupindex.get("object") and m.start("object") < verb_start:
            party, pa, pb = None, verb_start, verb_start  # passive without "by ...": nobody named
        else:
            party, pa, pb = _party_before(text, verb_start, clause_start, r)
        out.append(Denial(start, end, verb_start, p.id, p.scope, party, pa, pb))
    out.sort(key=lambda d: d.start)
    return out


# -- attaching them to claims ----------------------------------------------------------------------


def _intro_ok(text: str, lo: int, hi: int, r: ConflictRules) -> bool:
    """Whether the words before a sentence-opening denial are only an introduction ("But on Monday,").

    Not when they report a speech act of their own ("Officials said the fighting had stopped, and
    the army denied the reports"): the denial then answers that.
    """
    intro = text[lo:hi]
    if len(intro.split()) > r.max_intro_words:
        return False
    return not any(f.pattern.search(intro) for f in rules.modality_rules().frames)


def _evidence_of(
    claims: Sequence[Claim], article_id: str, start: int, before: int
) -> list[tuple[int, Evidence]]:
    """(claim index, evidence) of the claims whose evidence sentence starts at *start*, place before *before*."""
    r = conflict_rules()
    return [
        (k, e)
        for k, c in enumerate(claims)
        for e in c.evidence
        if e.article_id == article_id
        and e.start == start
        and e.mention_end <= before
        and e.modality in r.antecedent_modalities
    ]


def attach_denials(
    article: Article,
    claims: Sequence[Claim],
    resolutions: Sequence[Resolution] = (),
    sentences: Sequence[tuple[int, int]] | None = None,
) -> list[Claim]:
    """Add the denials that refer back to the claims they deny (see the module docstring).

    Parameters
    ----------
    article : Article
        The article the claims were extracted from.
    claims : sequence of Claim
        Its claims, as :func:`geobrief.claims.extract_claims` makes them (evidence
        spans are sentence spans of *sentences*).
    resolutions : sequence of Resolution
        The article's place mentions: a denial whose own sentence names another
        place before it (outside the denier's name) is about something else.
    sentences : sequence of (start, end), optional
        The sentence spans the claims were extracted with;
        :func:`geobrief.text.sentence_spans` when omitted.

    Returns
    -------
    list of Claim
        The claims, in their order; where a denial was attached, the article's
        claims of that place and event are one merged claim (majority modality,
        ties to the more cautious; ``conflicting``) holding every evidence span
        of the article and the ``denied`` ones.
    """
    if not claims:
        return list(claims)
    r = conflict_rules()
    text = article.text
    spans = list(sentences) if sentences is not None else sentence_spans(text)
    mentions = [res for res in resolutions if res.place is not None]
    added: dict[int, list[Evidence]] = {}
    # a denial refers to claims of its own sentence or of the one before: only sentences that hold
    # such a claim, or follow one, are looked at (each with the denial gate's scan of it alone)
    antecedents = {
        e.start
        for c in claims
        for e in c.evidence
        if e.article_id == article.id and e.modality in r.antecedent_modalities
    }
    gate = _denial_gate()
    # when every denial pattern is gated, a sentence where the gate lists none has no denial
    listed = all(gate.gates(p.pattern) or gate.requires(p.pattern) for p in r.patterns)
    for si, (s_start, s_end) in enumerate(spans):
        if s_start not in antecedents and not (si > 0 and spans[si - 1][0] in antecedents):
            continue
        stext = text[s_start:s_end]
        own = gate.positions(stext)
        if listed and own is not None and not own:
            continue
        for d in find_denials(stext, own):
            a, b = s_start + d.start, s_start + d.end
            pa, pb = s_start + d.party_start, s_start + d.party_end
            if d.party_end > d.party_start and d.party_start < d.start:
                a = min(a, pa)
            # the claims referred to: of its own sentence before it, else (scope "back") of the one before
            targets = _evidence_of(claims, article.id, s_start, a)
            region = (s_start, a)  # where the antecedent is said
            if not targets and d.scope == "back" and si > 0:
                if not _intro_ok(text, s_start, a, r):
                    continue
                p_start = spans[si - 1][0]
                targets = _evidence_of(claims, article.id, p_start, s_start)
                region = (p_start, spans[si - 1][1])
            if not targets:
                continue
            if r.responsibility.search(text[region[0] : region[1]]):
                continue  # "accused X of ...; X denied it": the blame is denied, not the event
            places = {claims[k].place_id for k, _ in targets}
            # a place named before the denial in its own sentence (not the denier: "Iraq denied it")
            other = any(
                res.place.id not in places
                and s_start <= res.mention.start
                and res.mention.end <= b
                and not (pa <= res.mention.start and res.mention.end <= pb)
                and res.mention.start >= region[1]
                for res in mentions
            )
            if other:
                continue
            for k, e in targets:
                added.setdefault(k, []).append(
                    replace(
                        e,
                        end=s_end,
                        text=text[e.start : s_end],
                        modality="denied",
                        attribution=d.party,
                        inner_modality=None,
                    )
                )
    if not added:
        return list(claims)
    return _regroup(claims, added)


def _regroup(claims: Sequence[Claim], added: dict[int, list[Evidence]]) -> list[Claim]:
    """Merge the article's claims of each (place, event) that gained a denial into one claim."""
    touched = {(claims[k].place_id, claims[k].event) for k in added}
    out: list[Claim] = []
    done: set[tuple[str, str]] = set()
    for c in claims:
        key = (c.place_id, c.event)
        if key not in touched:
            out.append(c)
            continue
        if key in done:
            continue
        done.add(key)
        group = []
        for k, other in enumerate(claims):
            if (other.place_id, other.event) == key:
                group.append(other)
                if k in added:
                    denials = tuple(added[k])
                    group.append(
                        replace(
                            other, modality="denied", attribution=denials[0].attribution, evidence=denials
                        )
                    )
        out.extend(merge_claims(group))
    return out
