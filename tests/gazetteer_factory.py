"""Small made-up gazetteer entries for tests (shared by the test modules that build a Gazetteer)."""

from __future__ import annotations

from geobrief.model import Candidate


def candidate(
    gid: str, name: str, lat: float, lon: float, kind: str, cc: str, pop: int = 0, fcode: str = ""
) -> Candidate:
    """A candidate ``test:<gid>`` with no first-level area, from source ``"test"``."""
    return Candidate(f"test:{gid}", name, lat, lon, kind, fcode, cc, "", pop, "test")
