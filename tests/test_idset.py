"""The id set behind unique ids and the store's replaced count: a set whose memory is bounded."""

from __future__ import annotations

import json

import pytest

from geobrief import idset
from geobrief.idset import IdSet
from geobrief.io import read_inputs


def test_members_moved_to_disk_are_still_members():
    items = [f"https://news.example/{i}" for i in range(25)]
    with IdSet(memory_limit=4) as ids:
        for item in items:
            ids.add(item)
        ids.update(items[::3])  # repeats, some of them already on disk
        assert ids.on_disk
        assert len(ids) == 25
        assert all(item in ids for item in items)
        assert "https://news.example/25" not in ids and 7 not in ids
        assert sorted(ids) == sorted(items)


def test_close_deletes_the_file_and_empties_the_set(tmp_path):
    ids = IdSet(["a", "b", "c"], memory_limit=2, directory=tmp_path)
    assert ids.on_disk and list(tmp_path.iterdir())
    ids.close()
    assert not list(tmp_path.iterdir())
    assert len(ids) == 0 and "a" not in ids


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        IdSet(memory_limit=0)


def test_repeated_ids_far_apart_are_made_unique_once_the_ids_are_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(idset, "MEMORY_LIMIT", 3)
    ids = ["a", "b", "c", "d", "e", "a", "b", "a-2", "f", "a"]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "text": f"Text {k}."}) + "\n" for k, i in enumerate(ids)))
    articles, failures = read_inputs([feed])
    assert not failures
    assert [a.id for a in articles] == ["a", "b", "c", "d", "e", "a-2", "b-2", "a-2-2", "f", "a-3"]
