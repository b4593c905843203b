"""geobrief snapshot loads the briefing file and data:/blob: URLs only: no other file, no network."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geobrief.errors import RenderError
from geobrief.render import _snapshot_route, launch_chromium, snapshot
from geobrief.render.png import decode_rgb

pytestmark = pytest.mark.browser

SECRET = "/etc/passwd"

# A page that tries to read another file of the disk and to reach the network: an iframe,
# fetch and an image (remote scripts have their own refusal: see test_browser.py).  Anything
# that succeeds paints the page black; the red mark shows the page itself was drawn.
GREEDY = """<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0;background:#fff">
<div id="mark" style="width:300px;height:200px;background:rgb(255,0,0)"></div>
<iframe id="fr" src="file://{secret}" width="400" height="200"></iframe>
<img src="http://127.0.0.1:9/pixel.png" onload="document.body.style.background='#000'">
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" id="inline">
<script>
const pwned = () => {{ document.body.style.background = "#000"; document.getElementById("mark").remove(); }};
fetch("file://{secret}").then(r => r.text()).then(pwned, () => {{}});
fetch("http://127.0.0.1:9/").then(pwned, () => {{}});
const blob = URL.createObjectURL(new Blob(["ok"], {{type: "text/plain"}}));
fetch(blob).then(r => r.text()).then(t => {{ document.title = "blob " + t; }});
</script>{extra}</body></html>"""

LEAVING = '<script>setTimeout(() => {{ location.href = "{target}"; }}, 30);</script>'


def _page(tmp_path: Path, extra: str = "") -> Path:
    page = tmp_path / "briefing.html"
    page.write_text(GREEDY.format(secret=SECRET, extra=extra), encoding="utf-8")
    return page


def test_snapshot_draws_the_page_but_nothing_it_tried_to_load(tmp_path, chromium):
    png = snapshot(_page(tmp_path), tmp_path / "shot.png", width=500, height=450)
    viewer = chromium.new_page()
    try:
        rgb = decode_rgb(png.read_bytes(), viewer)
    finally:
        viewer.close()
    red = (rgb[:, :, 0] > 200) & (rgb[:, :, 1] < 60) & (rgb[:, :, 2] < 60)
    black = (rgb.sum(axis=2) < 30).mean()
    assert red[:200, :300].mean() > 0.95  # the page itself was drawn
    assert black < 0.2  # no fetch, image or script from outside succeeded


@pytest.mark.parametrize("target", [f"file://{SECRET}", "http://127.0.0.1:9/"])
def test_snapshot_of_a_page_that_navigates_away_is_refused(tmp_path, chromium, target):
    page = _page(tmp_path, LEAVING.format(target=target))
    with pytest.raises(RenderError, match="tried to leave itself") as info:
        snapshot(page, tmp_path / "shot.png", width=400, height=300)
    assert target in str(info.value)
    assert not (tmp_path / "shot.png").exists()


def test_the_snapshot_route_lets_only_the_page_data_and_blob_through(tmp_path, chromium):
    page_path = _page(tmp_path)
    context = chromium.new_context()
    try:
        blocked: list[str] = []
        context.route("**/*", _snapshot_route(page_path.resolve().as_uri(), blocked))
        page = context.new_page()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.wait_for_function("document.title === 'blob ok'", timeout=10_000)  # blob: still works
        frame = next(f for f in page.frames if f != page.main_frame)
        assert "root:" not in frame.content()  # the iframe got nothing of the file
        assert page.evaluate("document.getElementById('inline').naturalWidth") == 1  # data: loads
        assert f"file://{SECRET}" in blocked
        assert {"http://127.0.0.1:9/pixel.png", "http://127.0.0.1:9/"} <= set(blocked)
        assert not any(u.startswith(("data:", "blob:")) for u in blocked)
    finally:
        context.close()


def test_chromium_runs_sandboxed_unless_it_cannot_and_says_so(caplog):
    from playwright.sync_api import sync_playwright

    from geobrief.render import chromium_executable

    exe = chromium_executable()
    if exe is None:
        pytest.skip("no chromium")
    caplog.set_level(logging.WARNING, logger="geobrief.render")

    def run() -> int:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, exe)
            try:
                return browser.new_page().evaluate("1 + 1")
            finally:
                browser.close()

    # A thread of its own: the session's Chromium fixture holds this thread's Playwright loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(run).result() == 2
    notes = [r.getMessage() for r in caplog.records if "sandbox" in r.getMessage()]
    if os.geteuid() == 0:
        assert notes and "running as root" in notes[0]
    else:  # sandboxed, or a note that says why not
        assert not notes or "did not start" in notes[0]
