"""The broad cue lexicon (rules/lexicon.json): every entry matches its example and not its counter-example."""

from __future__ import annotations

import re

import pytest

from geobrief.claims.lexicon import Lexicon, lexicon
from geobrief.errors import GeobriefError
from geobrief.model import EVENTS


def _words(text: str) -> tuple[list[str], list[str]]:
    # the extractor's own tokenizer, without place mentions
    from geobrief.claims.extract import _tokenise

    toks, _ = _tokenise(text, 0, [])
    return [t.low for t in toks], [text[t.start : t.end] for t in toks]


def _matches(entry_id: str, text: str) -> bool:
    words, raw = _words(text)
    return any(h.entry.id == entry_id for h in lexicon().find(words, raw))


ENTRIES = lexicon().entries


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_every_entry_matches_its_example(entry):
    assert entry.example and _matches(entry.id, entry.example), entry.example


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_no_entry_matches_its_counter_example(entry):
    assert entry.counter and not _matches(entry.id, entry.counter), entry.counter


def test_entries_cover_every_event_and_have_unique_ids():
    assert {e.event for e in ENTRIES} == set(EVENTS)
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("kind", sorted(lexicon().restatements))
def test_restatement_patterns_match_their_examples_only(kind):
    import json
    from importlib import resources

    data = json.loads(resources.files("geobrief").joinpath("rules", "lexicon.json").read_text())
    spec = data["restatements"][kind]
    rx = lexicon().restatements[kind]
    assert all(rx.search(x) for x in spec["examples"]), spec["examples"]
    assert not any(rx.search(x) for x in spec["counters"]), spec["counters"]


def test_vetoes_lower_case_and_multiword_cues():
    lex = Lexicon.from_data(
        {
            "entries": [
                {
                    "id": "t",
                    "event": "protest",
                    "cues": ["march", "sit in"],
                    "unless_prev": ["on the"],
                    "unless_next": ["madness"],
                    "lowercase_only": True,
                }
            ]
        }
    )

    def hits(text: str) -> list[str]:
        words, raw = _words(text)
        return [" ".join(words[h.start : h.end]) for h in lex.find(words, raw)]

    assert hits("a march through Seoul") == ["march"]
    assert hits("on March 3 in Seoul") == []  # the month, written with a capital
    assert hits("march madness") == []  # vetoed by the next word
    assert hits("on the march") == []  # vetoed by the words before
    assert hits("a sit in at the mill") == ["sit in"]  # a cue of two words


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entries": [{"id": "x", "event": "party", "cues": ["a"]}]}, "unknown event"),
        ({"entries": [{"id": "x", "event": "attack", "cues": []}]}, "no cue"),
    ],
)
def test_a_bad_entry_is_a_clear_error(data, message):
    with pytest.raises(GeobriefError, match=re.escape(message)):
        Lexicon.from_data(data)
