"""The command line: fast start, help with examples, exit statuses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geobrief.cli import main


def test_help_answers_without_importing_heavy_modules():
    code = (
        "import sys\n"
        "from geobrief.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('geopandas', 'folium', 'pandas', 'shapely', 'spacy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "usage: geobrief" in out
    assert "HEAVY []" in out


@pytest.mark.parametrize(
    "command", ["build", "extract", "export", "snapshot", "eval", "eval-claims", "geocode", "gazetteer"]
)
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"geobrief {command}" in out


def test_no_command_prints_help_and_fails_as_usage_error(capsys):
    assert main([]) == 2
    assert "usage: geobrief" in capsys.readouterr().out


def test_build_with_only_unreadable_inputs_fails_and_names_them(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    status = main(["build", str(empty), str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 3
    assert "empty.txt" in err and "nope.txt" in err
    assert not (tmp_path / "out" / "briefing.html").exists()
