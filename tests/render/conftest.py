"""Fixtures for render tests: synthetic briefings and a real headless Chromium."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from render_factory import hostile_briefing, small_briefing

from geobrief.model import Briefing


@pytest.fixture
def briefing() -> Briefing:
    return small_briefing()


@pytest.fixture
def hostile() -> Briefing:
    return hostile_briefing()


def _unavailable(reason: str) -> None:
    # In CI a missing browser is a broken environment, not a reason to skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason} (set CI=true to make this an error)")


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven by Playwright (never downloads a browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    from geobrief.render import CHROMIUM_ARGS, chromium_executable

    exe = chromium_executable()
    if exe is None:
        _unavailable("no chromium executable (install Debian's chromium or set GEOBRIEF_CHROMIUM)")
    with sync_playwright() as pw:
        # No name resolves: even a request that slipped past the route below could not leave.
        args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"]
        browser = pw.chromium.launch(executable_path=exe, args=args)
        yield browser
        browser.close()


#: URL schemes that stay inside the page (everything else is "outside" and blocked).
INSIDE = ("file:", "data:", "about:", "blob:")


@dataclass
class Session:
    """One page, with everything it tried to do that it must not.

    ``requests`` holds every request the context saw (from any frame),
    ``blocked`` those the route aborted, ``served`` those a test answered
    itself (a stand-in CDN), ``errors`` console errors and page errors,
    ``dialogs`` any alert/confirm/prompt.
    """

    page: Any
    blocked: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_urls: list[str | None] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Every request the page (or its frames) tried to send outside itself.

        Requests a test answered itself (``served``) are left out; any other
        must have been blocked, or the assertion fails.
        """
        served = set(self.served)
        seen = [u for u in self.requests if not u.startswith(INSIDE) and u not in served]
        assert set(seen) == set(self.blocked), "a request went outside the page without being blocked"
        return seen

    def errors_but_blocked(self) -> list[str]:
        """Console errors, less the failed loads of requests this session blocked."""
        blocked = set(self.blocked)
        return [e for e, u in zip(self.errors, self.error_urls, strict=True) if u not in blocked]

    def open(self, path: Path, ready: bool = True) -> Any:
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load")
        if ready:
            self.page.wait_for_selector(".gb-map[data-gb-ready]", timeout=15_000)
            self.page.wait_for_selector(".gb-map[data-gb-visible]", state="attached", timeout=15_000)
        return self.page


@pytest.fixture
def browser_page(chromium):
    """A fresh offline page: non-file requests aborted and recorded; errors and dialogs recorded."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    session = Session(page)

    def route(r):
        if r.request.url.startswith(INSIDE):
            r.continue_()
        else:
            session.blocked.append(r.request.url)
            r.abort()

    def console(m):
        if m.type == "error":
            session.errors.append(m.text)
            session.error_urls.append((m.location or {}).get("url"))

    def page_error(e):
        session.errors.append(f"pageerror: {e}")
        session.error_urls.append(None)

    context.route("**/*", route)
    context.on("request", lambda r: session.requests.append(r.url))
    page.on("console", console)
    page.on("pageerror", page_error)

    def on_dialog(d):
        session.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    # A hook any injected code would trip: alert/confirm/prompt/eval report before doing anything.
    page.add_init_script(
        """
        window.__gbPwned = [];
        for (const f of ['alert', 'confirm', 'prompt']) {
          const orig = window[f];
          window[f] = function (...a) { window.__gbPwned.push(f + ':' + a.join(',')); return orig.apply(this, a); };
        }
        """
    )
    yield session
    context.close()
