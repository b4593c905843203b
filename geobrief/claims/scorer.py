"""The learned candidate scorer: a logistic model over candidate features, shipped as JSON.

``rules/claim_scorer.json`` holds the feature weights, the intercept and the decision threshold,
written by ``geobrief train-claims`` (:mod:`geobrief.claims.train`); loading it takes a few
milliseconds and scoring is a sparse dot product, so results are deterministic.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from geobrief.errors import GeobriefError

__all__ = ["Scorer", "scorer", "DEFAULT_THRESHOLD"]

#: Decision threshold used when the model file names none.
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Scorer:
    """Logistic weights over named features: ``p = 1 / (1 + exp(-(b + sum w_f * x_f)))``."""

    weights: Mapping[str, float]
    intercept: float = 0.0
    threshold: float = DEFAULT_THRESHOLD
    meta: Mapping[str, object] = field(default_factory=dict)
    #: Threshold of candidates the role linker links (None: the same as ``threshold``).
    role_threshold: float | None = None

    def accepts(self, probability: float, role: bool) -> bool:
        """Whether a candidate of this probability (linked by a role or not) is a claim."""
        cut = self.role_threshold if role and self.role_threshold is not None else self.threshold
        return probability >= cut

    def probability(self, features: Mapping[str, float]) -> float:
        """Probability that a candidate is a claim the text makes."""
        z = self.intercept
        get = self.weights.get
        for name, value in features.items():
            z += get(name, 0.0) * value
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        ez = math.exp(z)
        return ez / (1.0 + ez)

    def to_data(self) -> dict:
        return {
            "intercept": self.intercept,
            "threshold": self.threshold,
            "role_threshold": self.role_threshold,
            "meta": dict(self.meta),
            "weights": {k: self.weights[k] for k in sorted(self.weights)},
        }

    @classmethod
    def from_data(cls, data: Mapping) -> Scorer:
        """Build from the JSON structure of ``rules/claim_scorer.json``.

        Raises
        ------
        GeobriefError
            If the weights are missing or not numbers.
        """
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            return cls(
                weights=weights,
                intercept=float(data.get("intercept", 0.0)),
                threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
                meta=dict(data.get("meta", {})),
                role_threshold=None if data.get("role_threshold") is None else float(data["role_threshold"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GeobriefError(f"claim scorer data is malformed: {exc}") from exc


@cache
def scorer() -> Scorer:
    """The packaged scorer (read once); ``GEOBRIEF_CLAIM_SCORER`` names another file."""
    override = os.environ.get("GEOBRIEF_CLAIM_SCORER")
    path = Path(override) if override else resources.files("geobrief").joinpath("rules", "claim_scorer.json")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GeobriefError(f"the claim scorer is missing ({exc}); run 'geobrief train-claims'") from exc
    return Scorer.from_data(json.loads(text))
