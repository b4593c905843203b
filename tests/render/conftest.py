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
        browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@dataclass
class Session:
    """One page, with everything it tried to do that it must not."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

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
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            session.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: session.errors.append(f"pageerror: {e}"))

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
