"""All-or-previous outputs: a full disk, a kill mid-write or a second build never leaves a broken or
mixed set of files (issue 10, point 4)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import geobrief.atomic
from geobrief.atomic import AtomicFiles, write_atomic
from geobrief.cli import main
from geobrief.errors import RenderError
from geobrief.pipeline import brief
from geobrief.render import save_briefing

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OUTPUTS = ("briefing.html", "places.geojson")


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in *folder* (hidden temporary files included) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def seed_briefing():
    return brief([SEEDS])


def test_set_is_renamed_together_and_temporaries_are_hidden_until_then(tmp_path):
    (tmp_path / "a.txt").write_text("old a")
    with AtomicFiles() as out:
        out.write_text(tmp_path / "a.txt", "new a")
        out.write_bytes(tmp_path / "b.bin", b"new b")
        # nothing visible has changed yet; the new content waits in hidden files
        assert (tmp_path / "a.txt").read_text() == "old a" and not (tmp_path / "b.bin").exists()
        assert all(p.name.startswith(".") for p in tmp_path.iterdir() if p.name not in {"a.txt"})
    assert _snapshot(tmp_path) == {"a.txt": b"new a", "b.bin": b"new b"}


def test_an_error_inside_the_set_leaves_every_previous_file(tmp_path):
    write_atomic(tmp_path / "a.txt", "old a")
    before = _snapshot(tmp_path)
    with pytest.raises(ValueError), AtomicFiles() as out:
        out.write_text(tmp_path / "a.txt", "new a")
        raise ValueError("the second file could not be made")
    assert _snapshot(tmp_path) == before


def test_a_failed_rename_puts_back_the_files_already_replaced(tmp_path, monkeypatch):
    write_atomic(tmp_path / "a.txt", "old a")
    write_atomic(tmp_path / "b.txt", "old b")
    before = _snapshot(tmp_path)
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "I/O error")
        return real(src, dst)

    monkeypatch.setattr(geobrief.atomic.os, "replace", flaky)
    with pytest.raises(OSError), AtomicFiles() as out:
        out.write_text(tmp_path / "a.txt", "new a")
        out.write_text(tmp_path / "b.txt", "new b")
    monkeypatch.undo()
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("failing_call", [1, 2, 3], ids=["first-file", "second-file", "at-sync"])
def test_full_disk_injected_leaves_the_previous_briefing_byte_identical(
    seed_briefing, tmp_path, monkeypatch, failing_call
):
    """ENOSPC raised at the n-th write or sync of a save (runs anywhere; the tmpfs test below is the real disk)."""
    save_briefing(seed_briefing, tmp_path)
    before = _snapshot(tmp_path)
    counter = {"n": 0}
    real_fsync = os.fsync

    def full(fd):
        counter["n"] += 1
        if counter["n"] == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(geobrief.atomic.os, "fsync", full)
    with pytest.raises(RenderError, match="No space left"):
        save_briefing(seed_briefing, tmp_path, tiles=False)  # a different page, were it written
    assert _snapshot(tmp_path) == before


@contextlib.contextmanager
def _small_tmpfs(path: Path, size: str):
    path.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
        )
    except OSError as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path, leave: int, name: str = ".filler") -> None:
    """Fill the file system of *folder* until about *leave* bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / name, "wb") as f, contextlib.suppress(OSError):
        f.write(b"\0" * max(0, free - leave))


@pytest.mark.slow
def test_full_filesystem_leaves_previous_outputs_byte_identical(tmp_path):
    """A real full disk: a 2 MB tmpfs, filled up after a first good build."""
    with _small_tmpfs(tmp_path / "disk", "2m") as disk:
        out = disk / "out"
        gpkg = disk / "places.gpkg"
        geojson = disk / "export.geojson"
        assert main(["build", str(SEEDS), "--out", str(out), "--quiet"]) == 0
        assert main(["export", str(SEEDS), "-o", str(gpkg)]) == 0
        assert main(["export", str(SEEDS), "-o", str(geojson)]) == 0
        before = _snapshot(out)
        before_exports = (gpkg.read_bytes(), geojson.read_bytes())
        _fill(disk, leave=40_000)
        status = main(["build", str(SEEDS), "--out", str(out), "--quiet", "--title", "Second"])
        assert status == 3
        assert _snapshot(out) == before  # no truncated page, no temporary file
        _fill(disk, leave=0, name=".filler2")  # the exports are small: now not a byte is left
        for target in (gpkg, geojson):
            assert main(["export", str(SEEDS), "-o", str(target)]) == 3
        assert (gpkg.read_bytes(), geojson.read_bytes()) == before_exports
        assert sorted(p.name for p in disk.iterdir()) == [
            ".filler",
            ".filler2",
            "export.geojson",
            "out",
            "places.gpkg",
        ]


# A build that stops in the middle of writing places.geojson: half of it is on disk (in the
# temporary file), then it waits to be killed.
_SLOW_WRITE = """
import signal, sys, time
import geobrief.atomic as atomic
from geobrief.cli import main

real = atomic.AtomicFiles.write_text

def slow(self, target, text, **kw):
    if str(target).endswith("places.geojson"):
        tmp = self.temp_for(target)
        with open(tmp, "x", encoding="utf-8") as f:
            f.write(text[: len(text) // 2])
            f.flush()
            print("WRITING", flush=True)
            time.sleep(60)
    return real(self, target, text, **kw)

atomic.AtomicFiles.write_text = slow
# Ctrl-C as at a terminal, even when the test runs where SIGINT is ignored (a background job)
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.exit(main(["build", sys.argv[1], "--out", sys.argv[2], "--quiet", "--title", "Second"]))
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_kill_mid_write_leaves_previous_outputs_byte_identical(tmp_path, sig, status):
    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "--out", str(out), "--quiet"]) == 0
    before = _snapshot(out)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITE, str(SEEDS), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout.readline().strip() == "WRITING"
        # mid-write: the new page is complete in its temporary file, places.geojson half written
        assert any(p.name.startswith(".places.tmp-") for p in out.iterdir())
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == status
    assert "Traceback" not in err
    assert _snapshot(out) == before  # previous files as they were, temporary files removed


_CONCURRENT = """
import sys
from geobrief.cli import main
sys.exit(main(["build", *sys.argv[3:], "--out", sys.argv[1], "--quiet", "--title", sys.argv[2]]))
"""


@pytest.mark.slow
def test_two_concurrent_builds_leave_one_complete_consistent_set(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Floods cut roads around Dhaka on Monday.\n", encoding="utf-8")
    out = tmp_path / "out"
    runs = {"Seeds": [str(SEEDS)], "Other": [str(other)]}
    for _ in range(2):
        procs = {
            title: subprocess.Popen(
                [sys.executable, "-c", _CONCURRENT, str(out), title, *inputs],
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for title, inputs in runs.items()
        }
        for title, proc in procs.items():
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (title, err)
        assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)  # no temporary file left
        page = (out / "briefing.html").read_text(encoding="utf-8")
        geo = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
        articles = {a for f in geo["features"] for a in f["properties"]["articles"]}
        # both files come from the same build
        if articles == {"other"}:
            assert "<title>Other</title>" in page
        else:
            assert "other" not in articles and "<title>Seeds</title>" in page


def test_export_to_an_existing_file_replaces_it_whole_or_not_at_all(seed_briefing, tmp_path, monkeypatch):
    from geobrief.export import export

    for suffix in ("geojson", "gpkg", "csv", "kml"):
        target = tmp_path / f"places.{suffix}"
        export(seed_briefing, target)
        before = target.read_bytes()

        def broken(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(geobrief.atomic.os, "fsync", broken)
        with pytest.raises(RenderError):
            export(seed_briefing, target)
        monkeypatch.undo()
        assert target.read_bytes() == before
    assert all(not p.name.startswith(".") for p in tmp_path.iterdir())


def test_temporary_names_are_hidden_unique_and_keep_the_suffix(tmp_path):
    names = {geobrief.atomic.temp_name(tmp_path / "places.gpkg").name for _ in range(50)}
    assert len(names) == 50
    assert all(n.startswith(".places.tmp-") and n.endswith(".gpkg") for n in names)
