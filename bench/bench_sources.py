"""Benchmark the briefing page of a big feed: many articles about the same places.

Builds a synthetic briefing of N short stories (default 10,000; about 1 KB of
text each) that name two to four of 40 places with a claim, so one place's
claim gathers thousands of excerpts, renders ``briefing.html`` and measures:

* ``html_bytes``     - size of the self-contained page;
* ``build_s``        - time to build and render the page in Python (``build_cpu_s``
  its CPU time, less sensitive to other work on the machine);
* ``peak_rss_mb``    - peak memory of this process (the synthetic briefing and the page);
* ``interactive_s``  - time from navigation until the map is interactive in
  headless Chromium (markers placed, panel built; ``data-gb-loaded="1"``);
  ``interactive_page_ms`` the same by the page's own clock; ``interactive_busy_s``
  the renderer's main-thread busy time until then (Chromium's ``TaskDuration``:
  parsing, scripts, layout; wall time, stretched on a busy machine);
  ``interactive_cpu_s`` and ``interactive_thread_cpu_s`` the CPU time of the
  renderer process and of its main thread until then (``ProcessTime``,
  ``ThreadTime``): the page's cost, much less sensitive to other work on the
  machine than the wall times;
* ``click_popup_s``  - time from a real mouse click on a marker nothing covers until its
  popup is open and complete (just after the page became interactive);
* ``popup_s``        - time to open the popup of the place with the most
  excerpts (it shows three of them);
* ``show_all_s``     - time from "show all N excerpts" to the first page of
  the list in the panel;
* ``texts_page_ms``  - when every article text is inflated, by the page's clock
  (a compressed page inflates its first text block before drawing the map and
  the others after; ``data-gb-texts="1"``).

The browser timings are the median of ``--repeat`` runs (default 3), each in a freshly launched
Chromium left idle for two seconds first (``WARM_UP_S``: Chromium loads its own pages at
start-up, which would compete with the briefing for the CPU; ``--cold`` skips the wait);
``*_best*`` is the best run and ``interactive_runs_s`` every run.  ``load`` is the machine's
load average (1, 5, 15 minutes) when the page was built.

Usage::

    python bench/bench_sources.py [--articles 10000] [--filler words|repeat] [--out DIR]
                                  [--repeat 3] [--cold]

``--filler words`` (the default) fills each story with random words that compress like news
(deflate: about 37 % of their size), so the compressed page of a big feed is sized honestly;
``repeat`` is one sentence eight times (compresses to almost nothing).

Prints one JSON object; Chromium timings are null when Playwright or
Chromium is missing.  The page is opened offline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "render"))

from render_factory import many_sources_briefing  # noqa: E402

from geobrief.render import CHROMIUM_ARGS, chromium_executable, offline_route, page_html  # noqa: E402

#: Seconds a freshly launched Chromium is left idle before a run: at start-up it loads its own
#: pages (the omnibox WebUI renderer took 0.5 s of CPU in a trace), which would compete with the
#: briefing for the CPU.  A reader opens a briefing in a browser that is already running.
WARM_UP_S = 2.0


def one_run(pw: Any, exe: str, path: Path, place_id: str, *, warm: bool = True) -> dict[str, float | None]:
    """Open the page once, offline, in a fresh headless Chromium, and time it."""
    timings: dict[str, float | None] = {}
    # As bench_render.open_interactive, with Chromium's performance metrics on from the start.
    browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
    # One tab (a second one, left in front, slowed this one's animations to a crawl).
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    if warm:
        page.goto("about:blank")
        time.sleep(WARM_UP_S)
    page.route("**/*", offline_route)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector('.gb-map[data-gb-loaded="1"]', state="attached", timeout=180_000)
    page.wait_for_selector(".gb-panel .gb-article", state="attached")
    timings["interactive_s"] = round(time.perf_counter() - t0, 3)
    timings["interactive_page_ms"] = round(page.evaluate("performance.now()"))
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    timings["interactive_busy_s"] = round(metrics.get("TaskDuration", float("nan")), 3)
    timings["interactive_cpu_s"] = round(metrics.get("ProcessTime", float("nan")), 3)
    timings["interactive_thread_cpu_s"] = round(metrics.get("ThreadTime", float("nan")), 3)
    # Interactive means usable: a marker nothing covers opens its popup on a real click, and the
    # map pans.
    t1 = time.perf_counter()
    free = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-marker-icon[data-gb-place]')].findIndex(m => {
            const r = m.getBoundingClientRect();
            return m.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
        })"""
    )
    if free >= 0:
        page.locator(".leaflet-marker-icon[data-gb-place]").nth(free).click()
        page.wait_for_selector(".leaflet-popup .gb-popup", timeout=30_000)
        # complete: its evidence and excerpts in (a packed page inflates them just after drawing)
        page.wait_for_selector(".leaflet-popup .gb-loading", state="detached", timeout=30_000)
        timings["click_popup_s"] = round(time.perf_counter() - t1, 3)
        page.keyboard.press("Escape")
    page.evaluate("() => { geobrief.controllers()[0].map.panBy([40, 20], {animate: false}); }")
    t1 = time.perf_counter()
    page.evaluate(
        "id => { const c = geobrief.controllers()[0]; c.openPlace(geobrief.find(c, id)); }", place_id
    )
    page.wait_for_selector(".leaflet-popup .gb-show-all", timeout=30_000)
    timings["popup_s"] = round(time.perf_counter() - t1, 3)
    t2 = time.perf_counter()
    page.locator(".leaflet-popup .gb-show-all").first.dispatch_event("click")
    page.wait_for_selector(".gb-evidence .gb-ev", timeout=30_000)
    timings["show_all_s"] = round(time.perf_counter() - t2, 3)
    page.wait_for_selector('.gb-map[data-gb-texts="1"]', state="attached", timeout=120_000)
    timings["texts_page_ms"] = round(page.evaluate("performance.now()"))
    browser.close()
    return timings


def browser_timings(path: Path, place_id: str, repeat: int = 3, warm: bool = True) -> dict[str, Any]:
    """Open the page *repeat* times (a fresh browser each time); best and median of each timing."""
    names = (
        "interactive_s",
        "interactive_page_ms",
        "interactive_busy_s",
        "interactive_cpu_s",
        "interactive_thread_cpu_s",
        "click_popup_s",
        "popup_s",
        "show_all_s",
        "texts_page_ms",
    )
    timings: dict[str, Any] = dict.fromkeys(names)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return timings
    exe = chromium_executable()
    if exe is None:
        return timings
    runs = []
    with sync_playwright() as pw:
        for _ in range(repeat):
            runs.append(one_run(pw, exe, path, place_id, warm=warm))
    for name in names:
        values = sorted(r[name] for r in runs if r.get(name) is not None)
        if not values:
            continue
        timings[name] = statistics.median(values)
        timings[name.replace("_s", "_best_s") if name.endswith("_s") else name + "_best"] = values[0]
    timings["interactive_runs_s"] = [r["interactive_s"] for r in runs]
    return timings


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None, help="keep briefing.html here")

    parser.add_argument("--filler", choices=("words", "repeat"), default="words")
    parser.add_argument("--repeat", type=int, default=3, help="browser runs (median and best)")
    parser.add_argument("--cold", action="store_true", help="no warm-up: time from the browser's launch")
    args = parser.parse_args(argv)

    briefing = many_sources_briefing(args.articles, filler=args.filler)
    t0, c0 = time.perf_counter(), time.process_time()
    html = page_html(briefing, tiles=False)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    out = args.out or Path(tempfile.mkdtemp(prefix="geobrief-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / "briefing.html"
    path.write_text(html, encoding="utf-8")
    del html
    top = max(briefing.places, key=lambda p: max((len(c.evidence) for c in p.claims), default=0))
    result = {
        "articles": args.articles,
        "places": len(briefing.places),
        "most_excerpts": max(len(c.evidence) for c in top.claims),
        "html_bytes": path.stat().st_size,
        "text_chars": sum(len(a.text) for a in briefing.articles),
        "build_s": round(build, 3),
        "build_cpu_s": round(build_cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": [round(x, 2) for x in os.getloadavg()],
        **browser_timings(path, top.id, args.repeat, warm=not args.cold),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
