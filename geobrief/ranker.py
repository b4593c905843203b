"""The learned candidate ranker: its features, its shipped weights, and how it is trained.

Each candidate reading of a name gets a feature vector (:data:`FEATURES`, computed by
:meth:`geobrief.resolve.Resolver.table`): the hand-weighted terms the resolver used to add up
(importance prior, containment pattern, the article's country and area votes, list level,
spatial coherence), plus population, kind, capital or seat, how the name matched, a common
English word read as a minor place, a well-known place, the distance to the article's focus,
the share of the article's other names in the candidate's country, and how many namesakes
compete.  The score is the dot product with the weights of ``geobrief/rules/ranker.json``;
the highest score wins.

The weights come from a pairwise logistic regression (a name's right reading against its
strongest wrong ones, right meaning within 161 km of the gold point) over the gold corpora,
fitted by ``geobrief train-ranker`` (:mod:`geobrief.ranker_train`; SciPy's L-BFGS, installed
with the ``train`` extra).  Training is deterministic; the command also reports
leave-one-corpus-out and in-sample accuracy.  This module holds only what resolving needs, so
the resolver imports no training or evaluation code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from geobrief.errors import GeobriefError

#: Feature names, in the order of a candidate's vector and of the weights.
FEATURES: tuple[str, ...] = (
    "hand_prior",  # importance: kind, population, capital / seat, match kind and the text's area words
    "containment",  # "City, State" / "City, Country" pattern
    "support",  # the article's other names' countries and first-level areas
    "town_country",  # a country the story names, among comparable towns
    "list_level",  # list neighbours read at the same level
    "nearness",  # spatial coherence with the other names' readings
    "hand_margin",  # hand-weighted score minus the best of the name (<= 0)
    "hand_prob",  # softmax of the hand-weighted score within the name
    "log_pop",  # log10(population + 1)
    "kind_country",
    "kind_admin1",
    "kind_admin2",
    "kind_city",
    "kind_water",  # sea or river
    "kind_region",
    "kind_continent",
    "capital",  # national capital (PPLC)
    "seat",  # first- or second-level seat (PPLA, PPLA2)
    "match_alias",
    "match_abbrev",
    "match_demonym",
    "common_word_minor",  # the name is a common English word and the candidate not well known
    "well_known",  # continent, country, first-level area or city of 100,000+
    "focus_distance",  # ln(1 + km to the article's focus) / ln(20040)
    "country_share",  # share of the other names whose likeliest reading is in this country
    "namesakes_minor",  # ln(number of candidates) for a candidate that is not well known
    "gazetteer_rank",  # ln(1 + position in the gazetteer's own ordering)
    "dateline_distance",  # ln(1 + km to the reading of the story's dateline) / ln(20040)
)

_DEFAULT = "ranker.json"


def _read(path: Path | None) -> dict[str, Any]:
    try:
        if path is None:
            text = resources.files("geobrief").joinpath("rules", _DEFAULT).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise GeobriefError(f"cannot read the candidate ranker {path or _DEFAULT}: {exc}") from exc


@lru_cache(maxsize=8)
def load_weights(path: str | None = None) -> tuple[float, ...] | None:
    """Weights of the candidate ranker, in the order of :data:`FEATURES`.

    Parameters
    ----------
    path : str, optional
        A ranker JSON file; default the shipped ``geobrief/rules/ranker.json``.

    Returns
    -------
    tuple of float or None
        None when the shipped file is absent (the resolver then uses its hand-weighted score).

    Raises
    ------
    GeobriefError
        If the file cannot be read or its features differ from :data:`FEATURES`.
    """
    if path is None and not resources.files("geobrief").joinpath("rules", _DEFAULT).is_file():
        return None
    data = _read(None if path is None else Path(path))
    weights = data.get("weights", {})
    if sorted(weights) != sorted(FEATURES):
        raise GeobriefError(
            f"candidate ranker {path or _DEFAULT}: features differ from this version's; "
            "retrain it with `geobrief train-ranker`"
        )
    return tuple(float(weights[f]) for f in FEATURES)
