"""Long runs report progress on a terminal, and stay quiet when piped."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

import geobrief.progress as progress_module
from geobrief.cli import main
from geobrief.progress import Progress

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _analysis(*place_ids):
    return SimpleNamespace(
        resolutions=[SimpleNamespace(place=SimpleNamespace(id=i) if i else None) for i in place_ids]
    )


def test_progress_line_counts_articles_rate_and_distinct_places():
    term = FakeTerminal()
    meter = Progress(3, term, after=0, every=0)
    meter(_analysis("a", "b", None))
    meter(_analysis("b", "c"))
    assert meter.done == 2 and len(meter.places) == 3
    last = term.getvalue().split("\r")[-1]
    assert last.startswith("2/3 articles, ") and "articles/s, 3 places so far" in last
    meter.close()
    assert term.getvalue().endswith("\r\x1b[K")  # the line is cleared for what follows


def test_quiet_when_piped_short_or_asked():
    piped = io.StringIO()
    meter = Progress(3, piped, after=0, every=0)
    meter(_analysis("a"))
    meter.close()
    assert piped.getvalue() == ""
    term = FakeTerminal()
    short = Progress(3, term, every=0)  # the default: only once a run passes 2 s
    short(_analysis("a"))
    short.close()
    asked = Progress(3, term, after=0, every=0, quiet=True)
    asked(_analysis("a"))
    asked.close()
    assert term.getvalue() == ""


@pytest.mark.slow
@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_build_shows_progress_on_a_terminal_only(tmp_path, monkeypatch, capsys, tty):
    monkeypatch.setattr(progress_module, "AFTER", 0.0)  # as if the run were long
    stderr = FakeTerminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    assert main(["build", str(SEEDS), "--out", str(tmp_path)]) == 0
    assert ("articles/s" in stderr.getvalue()) is tty
    if tty:
        assert "places so far" in stderr.getvalue() and stderr.getvalue().endswith("\r\x1b[K")
        quiet = FakeTerminal()
        monkeypatch.setattr("sys.stderr", quiet)
        assert main(["build", str(SEEDS), "--out", str(tmp_path), "--quiet"]) == 0
        assert quiet.getvalue() == ""  # --quiet: errors only
