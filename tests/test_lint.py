"""The code base stays clean under ruff's lint rules and formatter (pyproject's settings)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module", autouse=True)
def _needs_ruff():
    pytest.importorskip("ruff", reason="ruff is part of the [test] extra")


def test_ruff_lint_passes():
    result = _ruff("check", "geobrief", "tests", "bench", "layers")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    result = _ruff("format", "--check", "geobrief", "tests", "bench", "layers")
    assert result.returncode == 0, result.stdout + result.stderr
