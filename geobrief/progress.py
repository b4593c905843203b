"""A progress line for long command-line runs (articles/s, places so far).

Shown on a terminal only, and only once a run has lasted ``after`` seconds:
short runs and piped or redirected output stay quiet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from geobrief.idset import IdSet

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.pipeline import ArticleAnalysis

#: Seconds a run lasts before its progress line appears.
AFTER = 2.0


class Progress:
    """Counts analysed articles and redraws one status line on *stream*.

    Parameters
    ----------
    total : int, optional
        Articles to analyse, when known.
    stream : file, optional
        Where to write (standard error by default); nothing is written
        unless it is a terminal.
    after : float, optional
        Seconds before the line first appears (:data:`AFTER`).
    quiet : bool
        Never write (e.g. the records themselves go to the same terminal).
    every : float
        Seconds between redraws.
    """

    def __init__(
        self,
        total: int | None = None,
        stream: TextIO | None = None,
        *,
        after: float | None = None,
        every: float = 0.2,
        quiet: bool = False,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.on = not quiet and bool(getattr(self.stream, "isatty", lambda: False)())
        self.after, self.every = (AFTER if after is None else after), every
        self.start = time.monotonic()
        self.last = 0.0
        self.done = 0
        # distinct places for the line, in bounded memory (a stream's approximate places,
        # name@town, keep coming); not kept at all when no line is shown
        self.places = IdSet()
        self.shown = False

    def __call__(self, analysis: ArticleAnalysis) -> None:
        """Count one analysed article (and its resolved places); redraw the line if due."""
        self.add(r.place.id for r in analysis.resolutions if r.place is not None)

    def add(self, place_ids: Iterable[str]) -> None:
        """Count one analysed article by the ids of its resolved places; redraw the line if due."""
        self.done += 1
        if self.on:
            self.places.update(place_ids)
        now = time.monotonic()
        if self.on and now - self.start >= self.after and now - self.last >= self.every:
            self.last = now
            self.shown = True
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The status line: articles done, articles per second, distinct places so far."""
        elapsed = max(1e-9, (now or time.monotonic()) - self.start)
        total = "" if self.total is None else f"/{self.total}"
        return f"{self.done}{total} articles, {self.done / elapsed:.0f} articles/s, {len(self.places)} places so far"

    def close(self) -> None:
        """Clear the line (if it was shown) so what follows starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self.places.close()
