"""`pip install .` (not only an editable install) gives a working geobrief: the wheel carries its data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("geobrief-*.whl")
    return path


def test_wheel_carries_layers_rules_and_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    layers = [n for n in names if n.startswith("geobrief/layers/") and n.endswith(".geojson")]
    assert len(layers) >= 3, names
    assert {Path(n).name for n in layers} == {p.name for p in (ROOT / "layers").glob("*.geojson")}
    for folder in ("rules", "data"):
        shipped = {Path(n).name for n in names if n.startswith(f"geobrief/{folder}/")}
        on_disk = {
            p.name for p in (ROOT / "geobrief" / folder).iterdir() if p.is_file() and p.suffix != ".py"
        }
        assert on_disk <= shipped, f"{folder}: missing {on_disk - shipped}"
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_builds_the_seed_briefing_from_elsewhere(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = tmp_path / "out"
    # Run from an empty folder so the source checkout cannot be imported by accident.
    work = tmp_path / "cwd"
    work.mkdir()
    probe = subprocess.run(
        [str(py), "-c", "import geobrief, sys; print(geobrief.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in probe.stdout
    done = subprocess.run(
        [str(venv / "bin" / "geobrief"), "build", str(ROOT / "seeds"), "--out", str(out), "-q"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "briefing.html").stat().st_size > 10_000
    assert (out / "places.geojson").is_file()
