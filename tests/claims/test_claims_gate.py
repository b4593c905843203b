"""The keyword gate in front of the cue patterns: it skips work and never changes a match."""

from __future__ import annotations

import re

import pytest

from geobrief.claims.gate import Gate, leading_literals, required_literals
from geobrief.claims.rules import claim_gate

SENTENCES = [
    "Troops have arrived in the border town of Qusair after heavy fighting, officials said.",
    "The government denied the reports, calling them baseless.",
    "Floodwaters swept through the valley; rescuers evacuated hundreds of residents.",
    "Protesters marched on the capital, and police fired tear gas near the square.",
    "He said the army would not withdraw its forces from the region until talks resume.",
    "An earthquake struck off the coast early on Monday, the agency reported.",
    "STRIKES BY DOCKWORKERS HALTED THE PORT.",
    "Nothing happened here at all.",
    "Warships sailed into the Gulf while jets patrolled above.",
    "The minister, who visited the camp, said aid convoys were being blocked.",
    "Officials said it was not clear whether the ceasefire would hold in the north.",
    "\u017ftrikes and Kelvin \u212a: odd case folds must not fool the gate.",
]


def _all_claim_patterns() -> list[re.Pattern[str]]:
    from geobrief.claims.conflicts import conflict_rules
    from geobrief.claims.rules import event_rules, modality_rules

    events, modality = event_rules(), modality_rules()
    pats = [rx for g in events.groups for rx in g.patterns.values()]
    pats += list(events.context.values())
    pats += [f.pattern for f in modality.frames] + [c.pattern for c in modality.local]
    pats += [p.pattern for p in conflict_rules().patterns]
    return pats


def test_leading_literals_lists_the_words_a_match_starts_with() -> None:
    strings, rule = leading_literals(re.compile(r"(?<!\w)(?:troops?|forces) (?:arrived|came)", re.I))
    assert rule == "word"
    # up to eight characters: long enough that "forces" and "for" differ
    assert strings == {"troop ar", "troop ca", "troops a", "troops c", "forces a", "forces c"}


def test_leading_literals_stops_at_what_it_cannot_list_but_keeps_the_prefix() -> None:
    strings, _ = leading_literals(re.compile(r"(?<!\w)left (?:\w+ ){0,3}behind", re.I))
    assert strings == {"left "}


def test_unlistable_or_too_short_starts_are_not_gated() -> None:
    assert leading_literals(re.compile(r"\w+ed")) is None  # a leading \w
    assert leading_literals(re.compile(r"(?<!\w)(?:a|an)\s+attack", re.I)) is None  # "a": everywhere
    assert leading_literals(re.compile(r"(?<!\w)x?", re.I)) is None  # the empty match


@pytest.mark.parametrize("text", SENTENCES)
def test_gated_matches_equal_a_full_scan_for_every_claim_pattern(text: str) -> None:
    patterns = _all_claim_patterns()
    gate = Gate(patterns)  # the sentence gate's patterns and the denial patterns
    starts = gate.positions(text)
    for rx in patterns:
        assert [m.span() for m in gate.finditer(rx, text, starts)] == [m.span() for m in rx.finditer(text)]
        if not gate.may_match(rx, starts):
            assert rx.search(text) is None


def test_the_gate_skips_patterns_whose_words_are_absent() -> None:
    gate = Gate([re.compile(r"(?<!\w)(?:earthquakes?|quakes?)(?!\w)", re.I)])
    rx = gate._patterns[0]
    assert gate.may_match(rx, gate.positions("A quake hit the town."))
    assert not gate.may_match(rx, gate.positions("Talks resumed in the town."))
    assert not gate.may_match(rx, gate.positions("Bequake and aquake are no words."))  # only at word starts


def test_special_case_folds_fall_back_to_a_full_scan() -> None:
    gate = Gate([re.compile(r"(?<!\w)strikes(?!\w)", re.I)])
    rx = gate._patterns[0]
    text = "\u017ftrikes spread."  # long s: matches "s" case-insensitively, unlike its lower()
    assert rx.search(text) is not None
    assert gate.positions(text) is None
    assert [m.span() for m in gate.finditer(rx, text, gate.positions(text))] == [(0, 7)]


def test_overlapping_candidates_give_finditers_non_overlapping_matches() -> None:
    gate = Gate([re.compile(r"(?<!\w)(?:air strikes?|air)(?!\w)", re.I)])
    rx = gate._patterns[0]
    text = "air strikes and air raids; AIR STRIKE"
    assert [m.group() for m in gate.finditer(rx, text, gate.positions(text))] == [
        m.group() for m in rx.finditer(text)
    ]


def test_the_sentence_gate_reads_every_event_and_modality_pattern() -> None:
    from geobrief.claims.rules import event_rules

    gate = claim_gate()
    cue_patterns = [rx for g in event_rules().groups for role, rx in g.patterns.items() if role != "self"]
    assert all(gate.gates(rx) for rx in cue_patterns)  # so sentences without their words skip them


def test_required_literals_list_the_words_every_match_holds() -> None:
    rx = re.compile(r"[,;]\s*(?:the )?reports? (?:\w+ ){0,3}(?P<verb>denied|rejected)(?: by \w+)?", re.I)
    assert leading_literals(rx) is None  # its start cannot be listed: ", " or "; "
    # the verb is the most selective item every match passes through ("report" is shorter)
    assert required_literals(rx) == {"denied", "rejected"}
    assert required_literals(re.compile(r"\w+ (?:x|y)?")) is None  # nothing listable is required


def test_a_pattern_needing_absent_words_is_not_run_and_matches_stay_the_same() -> None:
    rx = re.compile(r"[,;]\s*(?P<object>claims?|reports?)\s+(?:\w+\s+){0,3}(?P<verb>denied|rejected)", re.I)
    gate = Gate([rx])
    assert not gate.gates(rx)
    for text in (
        "Police fired, reports they denied.",
        "Police fired; nothing was said.",
        "A; CLAIMS BY X REJECTED",
    ):
        starts = gate.positions(text)
        assert [m.span() for m in gate.finditer(rx, text, starts)] == [m.span() for m in rx.finditer(text)]
        assert gate.may_match(rx, starts) == (rx.search(text) is not None)


def test_a_sentence_reads_its_candidate_starts_off_the_whole_article() -> None:
    patterns = _all_claim_patterns()
    gate = Gate(patterns)
    text = " ".join(SENTENCES[:-1]) + " Glued:Troops arrived."  # the last part opens after no space
    starts = gate.positions(text)
    flat = Gate.flatten(starts)
    offset = 0
    parts = [*SENTENCES[:-1], "Glued:", "Troops arrived."]
    for part in parts:
        offset = text.index(part, offset)
        end = offset + len(part)
        own, read = gate.positions(part), gate.within(text, starts, flat, offset, end)
        assert read is not None and own is not None
        for rx in patterns:
            # a superset of the part's own starts: the same matches, and never "cannot match" wrongly
            assert set(own.get(id(rx), ())) <= set(read.get(id(rx), ()))
            assert [m.span() for m in gate.finditer(rx, part, read)] == [m.span() for m in rx.finditer(part)]
        offset = end


# sentences whose cues hide in odd token starts and ends: after a number, after a name ending inside
# a word, in curly quotes, across a line break, in capitals, inside longer words, with case folds
# that change length
CUE_SKIP_TEXTS = [
    "In 2012floods hit Qusair and troops arrived.",
    "Residents of Qusairfloods remember little.",
    "The Qusair\u2019s flood-hit streets were quiet. Qusair\u2019s army moved in.",
    "Floods hit Qusair, rescuers said, and the\nair strikes went on.",
    "STRIKES BY DOCKWORKERS HALTED QUSAIR'S PORT.",
    "Stra\u00dfe in Qusair: \u017ftrikes and the Kelvin \u212a were all that happened there.",
    "Talks in Qusair ended on Monday. The meeting was long. Qusair said nothing new.",
    "The city of Qusair was quiet; officials in Qusair said the town welcomed visitors.",
    "Qusair Air Base lies north of Idlib, which the country's army patrols here.",
    "Warnings of war in Qusair: the hitherto quiet town's floods-hit roads were shut.",
]


@pytest.mark.parametrize("text", CUE_SKIP_TEXTS)
@pytest.mark.parametrize("mode", ["candidates", "scored"])
def test_skipping_sentences_without_a_cue_never_changes_the_claims(text, mode, monkeypatch) -> None:
    from geobrief.claims import extract as extract_module
    from geobrief.claims.extract import extract
    from geobrief.model import Article, Candidate, Mention, Resolution

    article = Article(id="t", text=text)
    resolutions = []
    # every "Qusair" and "Idlib", also inside a longer word ("Qusairfloods": the name ends inside it)
    for name in ("Qusair Air Base", "Qusair", "Idlib"):
        for m in re.finditer(re.escape(name), text, re.IGNORECASE):
            if not any(r.mention.start <= m.start() < r.mention.end for r in resolutions):
                place = Candidate(f"test:{name}", name, 0.0, 0.0, "city")
                resolutions.append(Resolution(Mention("t", m.start(), m.end(), m.group()), place, 1.0))
    resolutions.sort(key=lambda r: r.mention.start)
    got: list = []
    claims = extract(article, resolutions, mode=mode, collect=got)
    monkeypatch.setattr(extract_module, "_has_cue", lambda *args: True)  # every sentence read in full
    want: list = []
    assert extract(article, resolutions, mode=mode, collect=want) == claims
    assert [(r.mention.start, repr(c)) for r, c, _ in got] == [(r.mention.start, repr(c)) for r, c, _ in want]
    assert want  # each text has a candidate the skip could lose
