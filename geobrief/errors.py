"""One exception tree for geobrief, rooted at :class:`GeobriefError`.

Like geopy, each error also derives from the builtin it resembles, so callers
can catch either ``GeobriefError`` or the familiar builtin.  Third-party
errors are translated with ``raise ... from`` so the cause is kept.
"""

from __future__ import annotations


class GeobriefError(Exception):
    """Base class of every error geobrief raises on purpose."""


class InputError(GeobriefError, ValueError):
    """An article input cannot be read (missing, binary, empty, malformed)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class GazetteerError(GeobriefError, RuntimeError):
    """The offline gazetteer index cannot be built or loaded."""


class GeocoderError(GeobriefError, RuntimeError):
    """An online geocoder failed (network, quota, service error)."""


class GeocoderConfigError(GeocoderError, ValueError):
    """A geocoder is misconfigured (unknown service, missing user agent, bad option)."""


class GeocoderTimeout(GeocoderError, TimeoutError):
    """An online geocoder did not answer in time."""


class GeocoderRateLimited(GeocoderError):
    """An online geocoder refused a request because of its rate limit."""


class MissingDependencyError(GeobriefError, ImportError):
    """An optional dependency needed for the requested feature is missing."""

    def __init__(self, package: str, feature: str, extra: str | None = None) -> None:
        hint = f"pip install 'geobrief[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{feature} needs the package {package!r}: {hint}")
        self.package = package


class EvaluationError(GeobriefError, ValueError):
    """An evaluation file is malformed."""


class RenderError(GeobriefError, RuntimeError):
    """A briefing cannot be rendered or exported."""
