"""load_gazetteer: the on-disk index cache (built once, reloaded, rebuilt when stale or corrupt)."""

from __future__ import annotations

import os
import random
import time

import pytest

import geobrief.gazetteer as G
from geobrief.errors import GazetteerError
from geobrief.gazetteer import Gazetteer, build
from geobrief.gazetteer.index import check_index
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
    # the previous version stays (another installation may share the folder), up to a limit
    assert sorted(p.name for p in tmp_path.glob("gazetteer-*.gbidx")) == sorted(
        [G.index_path(tmp_path).name, old.name]
    )

    for version in ("v2", "v3"):
        monkeypatch.setattr(G, "BUILDER_VERSION", version)
        monkeypatch.setattr(G, "_LOADED", {})
        monkeypatch.setattr(G, "_FAST", {})
        G.load_gazetteer(tmp_path, progress=False)

    kept = sorted(p.name for p in tmp_path.glob("gazetteer-*.gbidx"))
    assert len(kept) == 1 + G.KEEP_OTHER_VERSIONS and old.name not in kept  # the oldest went
    assert G.index_path(tmp_path).name in kept


def test_unwritable_cache_still_gives_a_gazetteer_and_one_warning(tmp_path, fresh, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    gaz = G.load_gazetteer(blocker / "sub", progress=False)
    assert "smallville" in gaz and gaz.path is None
    G.load_gazetteer(blocker / "sub", progress=False)  # the same process: no second build or warning
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "GEOBRIEF_CACHE_DIR" in err[0] and str(blocker / "sub") in err[0]
    assert fresh == [False]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_cache_folder_warns_with_the_variable_to_set(tmp_path, fresh, capsys) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        gaz = G.load_gazetteer(folder, progress=False)
    finally:
        folder.chmod(0o755)
    assert "smallville" in gaz and gaz.path is None and not list(folder.iterdir())
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert str(folder) in line and "GEOBRIEF_CACHE_DIR" in line


def _damage_zero(data: bytes) -> bytes:
    return bytes(len(data))


def _damage_truncate(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def _damage_flip(data: bytes) -> bytes:
    out = bytearray(data)
    out[len(out) - 5] ^= 0x10  # one bit of the last section, past every structural check
    return bytes(out)


def _damage_random(data: bytes) -> bytes:
    return random.Random(7).randbytes(len(data))


@pytest.mark.parametrize("damage", [_damage_zero, _damage_truncate, _damage_flip, _damage_random])
def test_damaged_index_is_detected_and_rebuilt_with_one_notice(
    tmp_path, fresh, monkeypatch, capsys, damage
) -> None:
    G.load_gazetteer(tmp_path, progress=False)
    path = G.index_path(tmp_path)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    assert G.verify_index(path) is not None
    monkeypatch.setattr(G, "_LOADED", {})  # as in a new process
    monkeypatch.setattr(G, "_FAST", {})
    capsys.readouterr()
    gaz = G.load_gazetteer(tmp_path, progress=False)
    assert gaz.lookup("smallville")[0].candidate.name == "Smallville"
    assert len(fresh) == 2  # rebuilt, not used
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "damaged" in line and str(path) in line and "Traceback" not in line
    assert path.read_bytes() == good  # the rebuilt file replaced the damaged one
    assert G.verify_index(path) is None


def test_every_single_bit_flip_is_refused_never_an_index_error() -> None:
    data = small(progress=False).dumps()
    rng = random.Random(1)
    for pos in [*range(0, 16), *rng.sample(range(16, len(data)), 300)]:
        bad = bytearray(data)
        bad[pos] ^= 1 << rng.randrange(8)
        with pytest.raises(GazetteerError):
            Gazetteer.loads(bytes(bad))


def test_an_intact_index_passes_the_check_and_the_same_entries_give_the_same_bytes() -> None:
    data = small(progress=False).dumps()
    assert data == small(progress=False).dumps()  # byte-identical builds
    assert check_index(data) > 0
    assert Gazetteer.loads(data).candidates("small ville")[0].name == "Smallville"


def test_cache_key_follows_versions_and_contents_not_modification_times(tmp_path, monkeypatch) -> None:
    from geobrief.gazetteer import sources

    site = tmp_path / "site"
    (site / "pkg" / "data").mkdir(parents=True)
    data = site / "pkg" / "data" / "cities.json"
    data.write_text("[1, 2, 3]")
    info = site / "pkg-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("pkg/data/cities.json,sha256=AAA,9\npkg/__pycache__/x.pyc,sha256=P1,5\n")
    monkeypatch.setattr(sources, "SOURCE_DATA", (("pkg", "data/cities.json"),))
    monkeypatch.setattr(sources, "package_dir", lambda name: site / name)
    key = G.sources_hash()
    assert "pkg==1.0" in sources.source_fingerprint()
    os.utime(data, (1_000_000, 1_000_000))  # a reinstall of the same data: new times only
    (info / "RECORD").write_text("pkg/data/cities.json,sha256=AAA,9\npkg/__pycache__/x.pyc,sha256=P2,5\n")
    assert G.sources_hash() == key
    (info / "RECORD").write_text("pkg/data/cities.json,sha256=BBB,9\n")
    assert G.sources_hash() != key  # other data
    info.rename(site / "pkg-1.1.dist-info")
    (site / "pkg-1.1.dist-info" / "RECORD").write_text("pkg/data/cities.json,sha256=AAA,9\n")
    assert G.sources_hash() != key  # another version
    (site / "pkg-1.1.dist-info" / "RECORD").unlink()
    size_key = G.sources_hash()  # no RECORD: the size stands in
    data.write_text("[1, 2, 3, 4]")
    assert G.sources_hash() != size_key


def test_cli_gazetteer_reports_a_damaged_index_and_rebuilds_it(tmp_path, fresh, monkeypatch, capsys) -> None:
    from geobrief.cli import main

    monkeypatch.setenv("GEOBRIEF_CACHE_DIR", str(tmp_path))
    assert main(["gazetteer"]) == 0
    out = capsys.readouterr().out
    assert "checksum: ok" in out and "damaged" not in out
    path = G.index_path()
    path.write_bytes(_damage_flip(path.read_bytes()))
    monkeypatch.setattr(G, "_LOADED", {})
    monkeypatch.setattr(G, "_FAST", {})
    assert main(["gazetteer"]) == 0
    captured = capsys.readouterr()
    assert "found damaged (checksum mismatch" in captured.out and "checksum: ok" in captured.out
    assert "Traceback" not in captured.err
    assert G.verify_index(path) is None and len(fresh) == 2


@pytest.mark.slow
def test_small_real_build_is_byte_identical() -> None:
    """Two builds of the same sources give the same file (no build time or set order inside)."""
    assert (
        build.build(progress=False, city_limit=500).dumps()
        == build.build(progress=False, city_limit=500).dumps()
    )


@pytest.mark.slow
def test_small_real_build_round_trips(tmp_path) -> None:
    """The real builder on a subset of GeoNames cities, serialised and loaded back."""
    gaz = build.build(progress=False, city_limit=2000)
    again = Gazetteer.loads(gaz.dumps())
    assert len(again) == len(gaz) > 2000
    for key in ("andorra la vella", "europe", "united states", "u s", "russian", "hmeimim air base"):
        assert again.lookup(key) == gaz.lookup(key) != ()
