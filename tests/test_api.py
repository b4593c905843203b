"""The public Python API: stable names, no import cycle, a model free of rendering."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import geobrief
from geobrief.model import Article, Briefing, Claim, Evidence, Mention, Place

PACKAGE = Path(geobrief.__file__).parent


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _briefing() -> Briefing:
    text = "Troops withdrew from Qamishli on Monday."
    art = Article(id="a1", text=text, title="Withdrawal")
    ev = Evidence(article_id="a1", start=0, end=len(text), text=text, mention_start=21, mention_end=29)
    claim = Claim(place_id="p1", event="withdrawal", modality="asserted", evidence=(ev,))
    mention = Mention(article_id="a1", start=21, end=29, text="Qamishli")
    place = Place(
        id="p1", name="Qamishli", lat=37.05, lon=41.22, kind="city", claims=(claim,), mentions=(mention,)
    )
    return Briefing(articles=(art,), places=(place,), title="Test brief")


def test_geobrief_render_is_always_the_module():
    # Fresh sessions: before and after the map is drawn, in either order.
    out = _run(
        "import types, geobrief;"
        "print(isinstance(geobrief.render, types.ModuleType));"
        "print(callable(geobrief.render.briefing_fragment));"
        "import geobrief.render;"
        "print(geobrief.render is __import__('sys').modules['geobrief.render'])"
    )
    assert out.split() == ["True", "True", "True"]


def test_old_render_call_and_import_still_work_with_a_warning():
    b = _briefing()
    with pytest.warns(DeprecationWarning, match="to_map"):
        m = geobrief.render(b, tiles=False)
    assert "geobrief.load(" in m.get_root().render()
    with pytest.warns(DeprecationWarning, match="to_map"):
        from geobrief.render import render
    assert render is geobrief.render.to_map


def test_model_imports_no_rendering_and_old_methods_warn(tmp_path):
    source = (PACKAGE / "model.py").read_text(encoding="utf-8")
    imported = [n.module or "" for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)] + [
        a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names
    ]
    assert not [m for m in imported if m.startswith(("geobrief.render", "folium"))]
    b = _briefing()
    with pytest.warns(DeprecationWarning, match="save_briefing"):
        written = b.save(tmp_path)
    assert [p.name for p in written] == ["briefing.html", "places.geojson"]
    with pytest.warns(DeprecationWarning, match="briefing_layers"):
        assert len(b.layers()) >= 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Jupyter's view is not deprecated
        assert b._repr_html_().startswith('<div class="geobrief-fragment"')
    with pytest.raises(AttributeError):
        b.no_such_method  # noqa: B018


def test_print_briefing_is_a_short_summary():
    b = _briefing()
    text = str(b)
    assert text.splitlines()[0] == (
        "Test brief: 1 article, 1 place (1 with claims), 1 claim, 0 unresolved mentions, 0 failed inputs"
    )
    assert "Qamishli: withdrawal" in text
    assert repr(b) == "Briefing(title='Test brief', articles=1, places=1, claims=1, unresolved=0, failures=0)"
    many = Briefing(articles=b.articles, places=b.places * 40, title="x")
    assert len(str(many)) < 1_000 and "... and 30 more" in str(many)


def _modules() -> list[str]:
    names = []
    for f in sorted(PACKAGE.rglob("*.py")):
        parts = list(f.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


@pytest.mark.slow
def test_every_module_imports_alone():
    # Each in a fresh interpreter, so no earlier import hides an order dependency.
    skip = {"geobrief.recognize_spacy", "geobrief.__main__"}  # optional spaCy / runs the CLI
    code = (
        "import importlib, json, sys\n"
        "bad = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    import subprocess\n"
        "    r = subprocess.run([sys.executable, '-c', 'import ' + name], capture_output=True, text=True)\n"
        "    if r.returncode: bad[name] = r.stderr[-300:]\n"
        "print(json.dumps(bad))\n"
    )
    names = [m for m in _modules() if m not in skip]
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(names)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {}


def import_graph() -> dict[str, set[str]]:
    """Module -> geobrief modules it imports, at any depth of its code (lazy imports
    in functions count), leaving out imports under ``if TYPE_CHECKING:``."""
    mods = {m: PACKAGE.parent / (m.replace(".", "/") + ".py") for m in _modules()}
    for m, path in mods.items():
        if not path.exists():
            mods[m] = path.with_suffix("") / "__init__.py"
    graph: dict[str, set[str]] = {m: set() for m in mods}

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    for m, path in mods.items():
        package = m if path.name == "__init__.py" else m.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for t in targets:
                o = owner(t)
                if o and o != m:
                    graph[m].add(o)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_import_graph_has_no_cycle():
    graph = import_graph()
    assert "geobrief.render" in graph["geobrief.cli"]  # the graph sees lazy imports
    assert "geobrief.render" not in graph["geobrief.model"]
    assert cycles(graph) == []
