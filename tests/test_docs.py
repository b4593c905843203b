"""The README and docs/ say what the code does: their examples run here.

Python blocks run in order, per file, in a fresh interpreter (deprecated API
calls are errors); shell commands run (``pip install`` needs the network and
``pytest`` is this suite: for those, the extras they name must exist); the
command synopsis names only options the commands have; the ``extract``
example is a real record of the seed articles.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from geobrief.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(path: Path, lang: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(path.read_text(encoding="utf-8")) if m.group(1) == lang]


def indented_commands(path: Path) -> list[str]:
    """Commands shown as indented lines (4 spaces) outside fences, starting with ``geobrief``."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.startswith("    geobrief ")]


def shell_commands() -> list[str]:
    out = []
    for path in DOCS:
        for block in blocks(path, "sh"):
            for line in block.splitlines():
                out.extend(part.strip() for part in line.split("&&") if part.strip())
        out.extend(indented_commands(path))
    return out


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    return tmp_path


def test_docs_have_examples_to_run():
    assert blocks(ROOT / "README.md", "python") and shell_commands()


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in DOCS if blocks(p, "python")], ids=lambda p: p.name)
def test_python_blocks_run(path, workdir):
    script = workdir / "example.py"
    script.write_text("\n".join(blocks(path, "python")), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning:__main__", str(script)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_install_commands_name_real_extras():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    named = set()
    for cmd in shell_commands():
        if cmd.startswith("pip install"):
            named.update(re.findall(r"\[(\w+)\]", cmd))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named.update(re.findall(r"pip install [^`]*'\.\[(\w+)\]'", readme))
    assert named and named <= extras


@pytest.mark.slow
@pytest.mark.browser
def test_shell_commands_run(workdir):
    ran = 0
    for cmd in shell_commands():
        if cmd.startswith(("pip install", "pytest")):
            continue  # the network / this very suite (see test_install_commands_name_real_extras)
        argv = shlex.split(cmd)
        assert argv[0] in ("geobrief", "python"), cmd
        if argv[0] == "geobrief":
            argv = [sys.executable, "-m", "geobrief", *argv[1:]]
        else:
            argv = [sys.executable, *argv[1:]]
        run = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, (cmd, run.stderr[-2000:])
        ran += 1
    assert ran >= 3


def test_synopsis_names_only_real_options(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    synopsis = next(b for b in blocks(ROOT / "README.md", "") if b.startswith("geobrief build"))
    assert synopsis in readme
    for line in synopsis.splitlines():
        command = line.split()[1]
        with pytest.raises(SystemExit):
            main([command, "--help"])
        help_text = capsys.readouterr().out
        for option in re.findall(r"--[\w-]+", line):
            assert option in help_text, (command, option)


def _matches(example, actual) -> bool:
    """Whether *actual* holds everything *example* shows ("..." stands for anything)."""
    if example == "...":
        return True
    if isinstance(example, dict):
        return isinstance(actual, dict) and all(
            k == "..." or (k in actual and _matches(v, actual[k])) for k, v in example.items()
        )
    if isinstance(example, list):  # each shown item is one of the actual items
        return isinstance(actual, list) and all(any(_matches(e, a) for a in actual) for e in example)
    if isinstance(example, float):
        return isinstance(actual, float) and abs(example - actual) < 1e-9
    return example == actual


@pytest.mark.slow
def test_extract_example_is_a_real_record(workdir):
    example = json.loads(blocks(ROOT / "README.md", "json")[0])
    run = subprocess.run(
        [sys.executable, "-m", "geobrief", "extract", "seeds/", "--jsonl"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    records = {r["id"]: r for r in map(json.loads, run.stdout.splitlines())}
    assert example["id"] in records
    assert _matches(example, records[example["id"]])
    assert not _matches({**example, "id": "no-such-article"}, records[example["id"]])  # the check can fail
