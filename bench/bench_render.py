"""Benchmark the briefing page on a large synthetic briefing.

Builds a briefing of N synthetic places (default 5,000) over 50 articles,
renders ``briefing.html`` and measures:

* ``html_bytes`` - size of the self-contained page (``html_bytes_cdn`` with
  ``cdn=True``);
* ``build_s``    - time to build and render the page in Python (first call,
  including imports and reading assets); ``build_warm_s`` the second call;
* ``interactive_s`` - time from navigation until the map is interactive in
  headless Chromium: every marker placed in its cluster (the runtime sets
  ``data-gb-loaded="1"``) and the articles panel built;
  ``interactive_page_ms`` the same as the page's own clock measures it;
* ``popup_s``    - time to open one place's popup from the articles panel;
* ``toggle_s``   - time to hide an event layer and show it again, until every
  marker is back in its cluster.

Usage::

    python bench/bench_render.py [--places 5000] [--articles 50] [--out DIR]

Prints one JSON object.  Chromium timings are skipped (null) when Playwright
or Chromium is missing.  The page is opened offline (every request outside
it aborted).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "render"))

from render_factory import synthetic_briefing  # noqa: E402

from geobrief.render import CHROMIUM_ARGS, chromium_executable, offline_route, page_html  # noqa: E402


def open_interactive(pw: Any, exe: str, path: Path) -> tuple[Any, Any, float, float]:
    """Open a briefing offline in headless Chromium (1280x800) and wait until it is interactive.

    Returns the browser, the page, the seconds from navigation until the map and the panel are
    ready, and the page's own clock (``performance.now()``) then.  Shared with ``bench_sources.py``.
    """
    browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", offline_route)
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector('.gb-map[data-gb-loaded="1"]', state="attached", timeout=180_000)
    page.wait_for_selector(".gb-panel .gb-article", state="attached")
    return browser, page, time.perf_counter() - t0, page.evaluate("performance.now()")


def browser_timings(path: Path) -> dict[str, float | int | None]:
    """Load the page offline in headless Chromium and time it."""
    skipped: dict[str, float | int | None] = {
        "interactive_s": None,
        "interactive_page_ms": None,
        "popup_s": None,
        "toggle_s": None,
    }
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return skipped
    exe = chromium_executable()
    if exe is None:
        return skipped
    with sync_playwright() as pw:
        browser, page, interactive, page_ms = open_interactive(pw, exe, path)
        t1 = time.perf_counter()
        page.locator(".gb-mention").first.dispatch_event("click")
        page.wait_for_selector(".leaflet-popup .gb-popup", timeout=30_000)
        popup = time.perf_counter() - t1
        visible = int(page.locator(".gb-map").get_attribute("data-gb-visible"))
        # Toggle the first event layer off and on through the layer control.
        page.locator(".leaflet-control-layers").hover()
        box = page.locator(".leaflet-control-layers-overlays label input").nth(1)
        t2 = time.perf_counter()
        box.click()
        page.wait_for_selector('.gb-map[data-gb-loaded="1"]', state="attached", timeout=60_000)
        box.click()
        for _ in range(6000):
            if (
                page.locator(".gb-map").get_attribute("data-gb-loaded") == "1"
                and int(page.locator(".gb-map").get_attribute("data-gb-visible")) == visible
            ):
                break
            page.wait_for_timeout(10)
        toggle = time.perf_counter() - t2
        browser.close()
    return {
        "interactive_s": round(interactive, 3),
        "interactive_page_ms": round(page_ms),
        "popup_s": round(popup, 3),
        "toggle_s": round(toggle, 3),
        "markers": visible,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=5000)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None, help="keep briefing.html here")
    args = parser.parse_args(argv)

    briefing = synthetic_briefing(args.places, args.articles)
    t0 = time.perf_counter()
    html = page_html(briefing, tiles=False)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    page_html(briefing, tiles=False)
    warm = time.perf_counter() - t0
    out = args.out or Path(tempfile.mkdtemp(prefix="geobrief-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / "briefing.html"
    path.write_text(html, encoding="utf-8")
    cdn_bytes = len(page_html(briefing, tiles=False, cdn=True).encode("utf-8"))
    result = {
        "places": args.places,
        "articles": args.articles,
        "html_bytes": path.stat().st_size,
        "html_bytes_cdn": cdn_bytes,
        "build_s": round(build, 3),
        "build_warm_s": round(warm, 3),
        **browser_timings(path),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
