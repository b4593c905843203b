"""The on-disk cache of the claim tables' compiled patterns: used when intact, rebuilt otherwise, never a different result."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geobrief.claims import gate, precompiled

# Patterns like the claim tables' own: a cue alternation, named groups, a lookbehind, flags
PATTERNS = [
    (r"(?<!\w)(?:(?:troops?|forces) (?:arrived|came)|air base)(?![\w])", re.IGNORECASE),
    (r"(?P<subject>\w+) (?P<verb>denied|rejected)\b", re.IGNORECASE | re.DOTALL),
    (r"[,;]\s*(?:\w+ ){0,3}(?:evacuated|fled)", re.IGNORECASE),
    (r"^(?:since|until) (?P<year>(?:19|20)\d\d)$", 0),
]
TEXT = "Troops arrived at the air base; officials DENIED it, residents fled, since 2019"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private, empty cache folder; this process's entries forgotten before and after."""
    monkeypatch.setenv("GEOBRIEF_CACHE_DIR", str(tmp_path))
    precompiled.clear()
    yield tmp_path
    precompiled.clear()


def _compile_all() -> list[re.Pattern[str]]:
    out = [precompiled.compile(p, f) for p, f in PATTERNS]
    precompiled.flush()
    return out


def _results(patterns: list[re.Pattern[str]]) -> list[object]:
    return [
        ([m.span() for m in rx.finditer(TEXT)], [m.groupdict() for m in rx.finditer(TEXT)], rx.groupindex)
        for rx in patterns
    ] + [(gate.leading_literals(rx), gate.required_literals(rx)) for rx in patterns]


def _plain() -> list[object]:
    return _results([re.compile(p, f) for p, f in PATTERNS])


def test_a_cached_pattern_is_the_pattern_re_compiles(cache):
    first = _compile_all()  # computed, then written
    precompiled.clear()
    second = _compile_all()  # read back from the file
    for (p, f), a, b in zip(PATTERNS, first, second, strict=True):
        # Pattern equality compares the text, the flags and the compiled program
        assert a == re.compile(p, f) and b == re.compile(p, f)
        assert b.flags == re.compile(p, f).flags and b.groups == re.compile(p, f).groups
    assert _results(second) == _plain()


def test_a_missing_cache_is_written_and_then_used_without_recompiling(cache, monkeypatch):
    assert not list(cache.glob("claims-*.gbre"))
    _compile_all()
    assert [p.name for p in cache.glob("claims-*.gbre")] == [precompiled.cache_path().name]
    precompiled.clear()

    def no_compiling(*args):
        raise AssertionError("the cached program should have been used")

    monkeypatch.setattr(precompiled, "_program", no_compiling)
    assert _results(_compile_all()) == _plain()


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated (a crash while copying, a full disk)
        lambda b: b[:-40] + bytes(x ^ 0xFF for x in b[-40:]),  # flipped bytes
        lambda b: b"",  # empty
        lambda b: b"not a cache file at all",
        lambda b: b[:6] + b"\0\0\0\0" + b[10:],  # intact body, wrong checksum
    ],
    ids=["truncated", "flipped", "empty", "foreign", "bad-checksum"],
)
def test_a_damaged_cache_is_never_used_but_rebuilt(cache, monkeypatch, damage):
    _compile_all()
    path = precompiled.cache_path()
    path.write_bytes(damage(path.read_bytes()))
    precompiled.clear()
    compiled: list[str] = []
    real = precompiled._program
    monkeypatch.setattr(precompiled, "_program", lambda p, f: compiled.append(p) or real(p, f))
    assert _results(_compile_all()) == _plain()
    assert len(compiled) == len(PATTERNS)  # every program made again from the text
    # ... and the file is whole again: the next process reads it
    precompiled.clear()
    monkeypatch.setattr(precompiled, "_program", lambda p, f: pytest.fail("rebuilt file not used"))
    assert _results(_compile_all()) == _plain()


def test_an_edited_rule_table_gets_a_new_cache_file_and_its_own_programs(cache, tmp_path, monkeypatch):
    _compile_all()
    old = precompiled.cache_path()
    rules_copy = tmp_path / "rules"
    shutil.copytree(precompiled._RULES_DIR, rules_copy)
    events = json.loads((rules_copy / "events.json").read_text(encoding="utf-8"))
    events["_edited"] = True
    (rules_copy / "events.json").write_text(json.dumps(events), encoding="utf-8")
    monkeypatch.setattr(precompiled, "_RULES_DIR", rules_copy)
    precompiled.clear()
    assert precompiled.cache_path() != old  # stale: another key
    edited = PATTERNS[0][0].replace("air base", "airbase|air field")
    rx = precompiled.compile(edited, re.IGNORECASE)
    precompiled.flush()
    assert rx == re.compile(edited, re.IGNORECASE)
    assert rx.search("the air field") and not re.compile(PATTERNS[0][0], re.I).search("the air field")
    assert precompiled.cache_path().is_file() and old.is_file()  # the other version is kept


def test_an_entry_for_another_pattern_text_or_flags_is_never_served(cache):
    """Entries are keyed by the exact pattern text and flags, whatever file they are found in."""
    for pattern, flags in [(r"floods?", re.IGNORECASE), (r"floods?", 0), (r"flood", re.IGNORECASE)]:
        precompiled.compile(pattern, flags)
    precompiled.flush()
    precompiled.clear()
    assert precompiled.compile(r"floods?", re.IGNORECASE).fullmatch("FLOODS")
    assert precompiled.compile(r"floods?", 0).fullmatch("FLOODS") is None
    assert precompiled.compile(r"flood", re.IGNORECASE).fullmatch("floods") is None


def test_a_bad_pattern_is_still_an_error(cache):
    with pytest.raises(re.error):
        precompiled.compile(r"(?:unclosed", re.IGNORECASE)


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("GEOBRIEF_CACHE_DIR", str(blocked / "cache"))
    precompiled.clear()
    try:
        assert _results(_compile_all()) == _plain()
    finally:
        precompiled.clear()


def _extract_seeds(cache_dir: Path) -> str:
    env = {**os.environ, "GEOBRIEF_CACHE_DIR": str(cache_dir)}
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "geobrief", "extract", "--jsonl", "--jobs", "1", str(root / "seeds")]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=root).stdout


def test_the_claims_are_the_same_with_a_missing_warm_or_damaged_cache(tmp_path):
    from geobrief.gazetteer import load_gazetteer

    gaz = load_gazetteer()  # shared, not rebuilt: the folder below links to it
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / gaz.path.name).symlink_to(gaz.path)
    missing = _extract_seeds(folder)
    [written] = folder.glob("claims-*.gbre")
    warm = _extract_seeds(folder)
    data = written.read_bytes()
    written.write_bytes(data[: len(data) // 3])
    damaged = _extract_seeds(folder)
    assert '"claims": [{' in missing  # the seeds do make claims
    assert missing == warm == damaged
    # rebuilt whole (the same entries; a set's members are written in the order of that process)
    rebuilt, first = precompiled._read(written), precompiled._read_entries(data)
    assert rebuilt is not None and first is not None
    assert {k: precompiled._unpack(v) for k, v in rebuilt.items()} == {
        k: precompiled._unpack(v) for k, v in first.items()
    }


def test_remembered_values_come_back_equal_and_of_the_same_types(cache):
    value = {
        "words": {"flood", "fire"},
        "names": frozenset({"Anna", "Omar"}),
        "zipf": {"the": 7.7, "of": 7.4},
        "nested": (frozenset({"a b"}), ("x", None, 3), "word"),
    }
    assert precompiled.remember("test", "key", 0, lambda: value) == value
    precompiled.flush()
    precompiled.clear()
    back = precompiled.remember("test", "key", 0, lambda: pytest.fail("not read from the file"))
    assert back == value
    assert [type(back[k]) for k in value] == [set, frozenset, dict, tuple]
    assert type(back["nested"][0]) is frozenset


def test_the_recogniser_tables_from_the_cache_equal_the_parsed_files(cache, monkeypatch):
    from geobrief import recognize

    parsed = recognize._read_tables()
    recognize._tables.cache_clear()
    try:
        first = recognize._tables()  # parsed, then written
        recognize._tables.cache_clear()
        precompiled.clear()
        monkeypatch.setattr(recognize, "_read_tables", lambda: pytest.fail("not read from the file"))
        cached = recognize._tables()  # read back
        assert cached == first == parsed
    finally:
        recognize._tables.cache_clear()
