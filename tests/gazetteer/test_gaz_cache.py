"""load_gazetteer: the on-disk index cache (built once, reloaded, rebuilt when stale or corrupt)."""

from __future__ import annotations

import time

import pytest

import geobrief.gazetteer as G
from geobrief.gazetteer import Gazetteer, build
from geobrief.model import Candidate


def small(progress: bool = True, **_: object) -> Gazetteer:
    if progress:
        bar = build.Progress(True, 2)
        bar.step("one")
        bar.step("two")
    c = Candidate(
        id="geonames:1", name="Smallville", lat=1.0, lon=2.0, kind="city", population=900, source="test"
    )
    return Gazetteer.from_entries([(c, [("Small Ville", "alias")])])


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch):
    """No process-wide cached gazetteer, and a counting stand-in for the (slow) real build."""
    calls: list[bool] = []

    def fake_build(*, progress: bool = True, **kw: object) -> Gazetteer:
        calls.append(progress)
        return small(progress)

    monkeypatch.setattr(G, "_LOADED", {})
    monkeypatch.setattr(G, "_FAST", {})
    monkeypatch.setattr(build, "build", fake_build)
    return calls


def test_first_load_builds_and_caches_with_progress(tmp_path, fresh, capsys) -> None:
    gaz = G.load_gazetteer(tmp_path)
    assert gaz.candidates("small ville")[0].name == "Smallville"
    files = list(tmp_path.glob("gazetteer-*.gbidx"))
    assert len(files) == 1 and gaz.path == files[0]
    assert files[0] == G.index_path(tmp_path)
    assert "building gazetteer" in capsys.readouterr().err
    assert fresh == [True]


def test_second_load_reads_the_file_without_building(tmp_path, fresh, monkeypatch) -> None:
    G.load_gazetteer(tmp_path, progress=False)
    monkeypatch.setattr(G, "_LOADED", {})  # as in a new process
    monkeypatch.setattr(G, "_FAST", {})
    gaz = G.load_gazetteer(tmp_path)
    assert fresh == [False]  # built once only
    assert gaz.lookup("smallville")[0].match == "name"
    assert G.load_gazetteer(tmp_path) is gaz  # process-wide cache
    t = time.perf_counter()
    for _ in range(1000):
        G.load_gazetteer(tmp_path)
    assert time.perf_counter() - t < 0.5  # cheap enough to call per article


def test_env_variable_chooses_the_cache_dir(tmp_path, fresh, monkeypatch) -> None:
    monkeypatch.setenv("GEOBRIEF_CACHE_DIR", str(tmp_path / "env"))
    G.load_gazetteer(progress=False)
    assert list((tmp_path / "env").glob("gazetteer-*.gbidx"))


def test_corrupt_index_is_rebuilt(tmp_path, fresh, monkeypatch) -> None:
    G.load_gazetteer(tmp_path, progress=False)
    G.index_path(tmp_path).write_bytes(b"garbage")
    monkeypatch.setattr(G, "_LOADED", {})
    monkeypatch.setattr(G, "_FAST", {})
    gaz = G.load_gazetteer(tmp_path, progress=False)
    assert "smallville" in gaz and len(fresh) == 2


def test_rebuild_flag_and_source_change(tmp_path, fresh, monkeypatch) -> None:
    G.load_gazetteer(tmp_path, progress=False)
    G.load_gazetteer(tmp_path, rebuild=True, progress=False)
    assert len(fresh) == 2
    # A change of the sources changes the file name: the stale index is replaced, not reused.
    old = G.index_path(tmp_path)
    monkeypatch.setattr(G, "BUILDER_VERSION", "changed")
    monkeypatch.setattr(G, "_LOADED", {})
    monkeypatch.setattr(G, "_FAST", {})
    assert G.index_path(tmp_path) != old
    G.load_gazetteer(tmp_path, progress=False)
    assert len(fresh) == 3
    assert [p.name for p in tmp_path.glob("gazetteer-*.gbidx")] == [G.index_path(tmp_path).name]


def test_unwritable_cache_still_gives_a_gazetteer(tmp_path, fresh) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    gaz = G.load_gazetteer(blocker / "sub", progress=False)
    assert "smallville" in gaz and gaz.path is None


@pytest.mark.slow
def test_small_real_build_round_trips(tmp_path) -> None:
    """The real builder on a subset of GeoNames cities, serialised and loaded back."""
    gaz = build.build(progress=False, city_limit=2000)
    again = Gazetteer.loads(gaz.dumps())
    assert len(again) == len(gaz) > 2000
    for key in ("andorra la vella", "europe", "united states", "u s", "russian", "hmeimim air base"):
        assert again.lookup(key) == gaz.lookup(key) != ()
