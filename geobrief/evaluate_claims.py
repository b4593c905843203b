"""Scoring status claims against a hand-annotated development set.

The gold format and the scoring rules are those of the status-claim
development set (``status_dev.jsonl``): one article a line with its places and
their claims.  Predictions are one dict per article::

    {"id": str, "places": [{"name": str, "lat": float, "lon": float,
                            "claims": [{"event": str, "modality": str}]}]}

The unit is the (gold place, event) pair, scored as micro precision, recall
and F1 over all articles; modality accuracy is measured on the true-positive
pairs.  ``evaluate_claims`` runs a predictor (by default the full geobrief
pipeline) over the gold articles and scores it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geobrief.errors import EvaluationError, GeobriefError
from geobrief.geo import haversine_km
from geobrief.model import EVENTS, Article, Candidate, Mention, Resolution
from geobrief.shortnames import DIRECTION
from geobrief.text import name_key

__all__ = [
    "score_claims",
    "evaluate_claims",
    "format_claims_report",
    "gold_places_predictor",
    "gold_place_resolutions",
    "analysis_to_prediction",
    "load_gold",
    "attach_texts",
    "check_gold_record",
]

# "northern Mali", "south-central Kansas": a compass word before a place name
_COMPASS_PREFIX = re.compile(rf"^\s*(?:the\s+)?{DIRECTION}\s+(?=\S)", re.IGNORECASE)

#: Maximum distance (km) at which an unnamed prediction matches a gold place.
MATCH_RADIUS_KM = 50.0

# Arabic article prefixes ("al-Hasakah", "el Arish", "ad-Dana") and the
# designators a name may carry or drop ("Zaire province", "Karak district").
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|an|at|az|ash|ad|ed|es|er|et)\s+(?=\S)")
_DESIGNATORS = frozenset(
    [
        "province",
        "provinces",
        "district",
        "districts",
        "county",
        "governorate",
        "governate",
        "region",
        "state",
        "city",
        "town",
        "village",
        "municipality",
        "prefecture",
        "oblast",
        "department",
        "canton",
        "parish",
        "borough",
        "township",
        "subdistrict",
        "emirate",
        "territory",
        "krai",
        "okrug",
    ]
)


def match_key(name: str) -> str:
    """Name key for matching a predicted place to a gold place.

    :func:`geobrief.text.name_key` (case, diacritics, punctuation), then
    without a leading "the", Arabic article prefixes and designators such as
    "province" or "district".
    """
    words = name_key(name).replace("'", " ").split()
    if words and words[0] == "the":
        words = words[1:]
    words = [w for w in words if w not in _DESIGNATORS] or words
    key = " ".join(words)
    key = _ARTICLE_PREFIX.sub("", key)
    # "al Hasakah" and "alhasakah" are rare; inner articles ("Deir el Zor") are kept
    return key


# -- gold ------------------------------------------------------------------------------------------


@dataclass
class _GoldPair:
    required: bool = False
    modalities: set[str] = field(default_factory=set)  # of all its claims, with modality_alt
    required_modalities: set[str] = field(default_factory=set)  # exact-set reference
    alt_events: set[str] = field(default_factory=set)


@dataclass
class _GoldPlace:
    name: str
    lat: float
    lon: float
    keys: set[str]
    pairs: dict[str, _GoldPair]
    part_keys: set[str] = field(default_factory=set)  # "southwest Kansas" -> "kansas"


def load_gold(gold_path: str | Path) -> list[dict[str, Any]]:
    """Read a gold JSONL file (one article a line).

    Raises
    ------
    EvaluationError
        If the file is missing or a line is not a valid gold article.
    """
    path = Path(gold_path)
    try:
        # split on "\n" only: str.splitlines() would also break at U+2028 inside texts
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise EvaluationError(f"cannot read gold file {path}: {exc}") from exc
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{n}: not JSON: {exc}") from exc
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("places"), list):
            raise EvaluationError(f"{path}:{n}: a gold line needs 'id' and a 'places' list")
        records.append(rec)
    if any("text" not in rec for rec in records):
        attach_texts(records, search_from=path)
    return records


# -- texts of annotations kept without them ------------------------------------------------------

#: Where the text of a gold record without ``text`` lives, by the prefix of its id: the shared
#: corpora are read at run time, never copied into the project.
_TEXT_SOURCES = {
    "reuters": ("news", "reuters_pool.jsonl"),
    "lgl": ("eval", "lgl.jsonl"),
    "tr_news": ("eval", "tr_news.jsonl"),
    "geovirus": ("eval", "geovirus.jsonl"),
}


def shared_dir(search_from: str | Path | None = None) -> Path | None:
    """The ``shared/`` folder beside the checkout (``GEOBRIEF_SHARED`` overrides), or None."""
    import os

    env = os.environ.get("GEOBRIEF_SHARED")
    if env:
        return Path(env)
    starts = [Path(search_from).resolve()] if search_from else []
    starts += [Path.cwd(), Path(__file__).resolve()]
    for start in starts:
        for folder in [start, *start.parents]:
            if (folder / "shared" / "news").is_dir() or (folder / "shared" / "eval").is_dir():
                return folder / "shared"
    return None


def attach_texts(records: list[dict[str, Any]], search_from: str | Path | None = None) -> None:
    """Give every gold record without ``text`` the text of its article from ``shared/``.

    Ids are ``reuters-N`` (``shared/news/reuters_pool.jsonl``, same id) or ``<corpus>-<id>``
    for LGL, TR-News and GeoVirus (``shared/eval/<corpus>.jsonl``).

    Raises
    ------
    EvaluationError
        If ``shared/`` or an article cannot be found.
    """
    base = shared_dir(search_from)
    if base is None:
        raise EvaluationError("gold records without text need the shared corpora (set GEOBRIEF_SHARED)")
    wanted: dict[str, dict[str, Any]] = {}
    for rec in records:
        if "text" in rec:
            continue
        prefix = str(rec["id"]).split("-", 1)[0]
        if prefix not in _TEXT_SOURCES:
            raise EvaluationError(f"gold record {rec['id']!r}: no text and no known corpus prefix")
        wanted[rec["id"]] = rec
    for prefix, (folder, name) in _TEXT_SOURCES.items():
        if not any(i.split("-", 1)[0] == prefix for i in wanted):
            continue
        source = base / folder / name
        try:
            handle = source.open(encoding="utf-8")
        except OSError as exc:
            raise EvaluationError(f"cannot read {source}: {exc}") from exc
        with handle:
            for line in handle:
                row = json.loads(line)
                key = row["id"] if prefix == "reuters" else f"{prefix}-{row['id']}"
                rec = wanted.get(key)
                if rec is not None:
                    rec["text"] = row["text"]
                    rec.setdefault("title", row.get("title"))
                    if row.get("published"):
                        rec.setdefault("published", row["published"])
                    rec.setdefault("corpus", row.get("corpus") or prefix)
    missing = [i for i, rec in wanted.items() if "text" not in rec]
    if missing:
        raise EvaluationError(f"articles not found in {base}: {', '.join(missing[:5])}")


def check_gold_record(rec: Mapping[str, Any]) -> list[str]:
    """Problems of one gold record (with its text): names, vocabulary and verbatim evidence."""
    from geobrief.model import MODALITIES

    problems = []
    text = rec.get("text", "")
    flat = " ".join(text.split())
    for place in rec.get("places", []):
        names = [place.get("name", ""), *place.get("aliases", [])]
        if not any(re.search(_name_pattern(n).pattern, text, re.I) for n in names if n):
            problems.append(f"place {place.get('name')!r}: name not in the text")
        if not isinstance(place.get("lat"), (int, float)) or not isinstance(place.get("lon"), (int, float)):
            problems.append(f"place {place.get('name')!r}: lat/lon missing")
        for claim in place.get("claims", []):
            where = f"{place.get('name')!r} {claim.get('event')}"
            if claim.get("event") not in EVENTS:
                problems.append(f"{where}: unknown event")
            mods = [claim.get("modality"), *claim.get("modality_alt", [])]
            if any(m not in MODALITIES for m in mods):
                problems.append(f"{where}: unknown modality {mods}")
            if any(e not in EVENTS for e in claim.get("event_alt", [])):
                problems.append(f"{where}: unknown event_alt")
            evidence = " ".join(str(claim.get("evidence", "")).split())
            if not evidence or evidence not in flat:
                problems.append(f"{where}: evidence not verbatim in the text: {evidence[:60]!r}")
            elif len(evidence.split()) > 20:
                problems.append(f"{where}: evidence longer than 20 words")
    return problems


def _gold_places(record: Mapping[str, Any]) -> list[_GoldPlace]:
    places = []
    for p in record["places"]:
        try:
            name, lat, lon = p["name"], float(p["lat"]), float(p["lon"])
        except (KeyError, TypeError, ValueError) as exc:
            raise EvaluationError(f"{record['id']}: bad gold place {p!r}") from exc
        keys = {match_key(name)} | {match_key(a) for a in p.get("aliases", [])}
        # a compass part names its place (spec convention 2: "a car bomb in northern Iraq" is a
        # claim on Iraq), so a prediction of the whole place matches it when nothing else does
        part_keys = {match_key(_COMPASS_PREFIX.sub("", n)) for n in (name, *p.get("aliases", []))}
        pairs: dict[str, _GoldPair] = {}
        for c in p.get("claims", []):
            pair = pairs.setdefault(c["event"], _GoldPair())
            mods = {c.get("modality", "asserted"), *c.get("modality_alt", [])}
            pair.modalities |= mods
            pair.alt_events |= set(c.get("event_alt", []))
            if not c.get("optional", False):
                pair.required = True
                pair.required_modalities.add(c.get("modality", "asserted"))
        places.append(_GoldPlace(name, lat, lon, keys - {""}, pairs, part_keys - keys - {""}))
    return places


def _match_place(pred: Mapping[str, Any], gold: Sequence[_GoldPlace]) -> _GoldPlace | None:
    key = match_key(str(pred.get("name", "")))
    if key:
        for g in gold:
            if key in g.keys:
                return g
        for g in gold:
            if key in g.part_keys:
                return g
    try:
        lat, lon = float(pred["lat"]), float(pred["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    best, best_d = None, MATCH_RADIUS_KM
    for g in gold:
        d = haversine_km(lat, lon, g.lat, g.lon)
        if d <= best_d:
            best, best_d = g, d
    return best


# -- scoring ---------------------------------------------------------------------------------------


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_claims(
    gold_path: str | Path,
    predictions: Iterable[Mapping[str, Any]],
    *,
    gold: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Score predicted claims against a gold file.

    Parameters
    ----------
    gold_path : str or Path
        Gold JSONL in the format of ``status_dev.jsonl``.
    predictions : iterable of dict
        One dict per article: ``{"id", "places": [{"name", "lat", "lon",
        "claims": [{"event", "modality"}]}]}``.  Articles without a
        prediction count as predicting nothing.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (micro, over (place, event) pairs),
        ``tp``, ``fp``, ``fn``, ``modality_accuracy`` (predicted modalities a
        subset of the gold pair's modalities and ``modality_alt``, on TP pairs),
        ``modality_exact`` (predicted set equal to the required claims'
        modalities), ``per_event`` ({event: precision, recall, f1, support}),
        ``n_articles`` and ``errors`` (the FP and FN pairs, and the TP pairs whose
        modalities are wrong (``modality``, with ``predicted`` and ``gold``), for inspection),
        and ``calibration``: predicted pairs binned by their ``confidence`` (when predictions
        carry one), with the observed precision of each bin.
    """
    if gold is None:
        gold = load_gold(gold_path)
    preds: dict[str, Mapping[str, Any]] = {}
    for pred in predictions:
        if not isinstance(pred, Mapping) or "id" not in pred:
            raise EvaluationError(f"a prediction needs an 'id': {pred!r}")
        preds[str(pred["id"])] = pred

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # event -> tp, fp, fn
    mod_ok = mod_exact = n_tp = 0
    errors: list[dict[str, Any]] = []
    calib: list[tuple[float, bool]] = []  # (confidence, correct) of every scored predicted pair
    for rec in gold:
        places = _gold_places(rec)
        # predicted modalities per (gold place index, gold event); unmatched predictions are FPs
        predicted: dict[tuple[int, str], set[str]] = defaultdict(set)
        confidence: dict[tuple[int, str], float] = {}
        for p in preds.get(str(rec["id"]), {}).get("places", []) or []:
            claims = p.get("claims", []) or []
            if not claims:
                continue
            g = _match_place(p, places)
            for c in claims:
                event, modality = c.get("event"), c.get("modality", "asserted")
                if g is None:
                    counts[event][1] += 1
                    errors.append({"id": rec["id"], "place": p.get("name"), "event": event, "error": "fp"})
                    if c.get("confidence") is not None:
                        calib.append((float(c["confidence"]), False))
                    continue
                target = event
                if event not in g.pairs:
                    # an accepted alternative event of a gold claim scores as that claim's event
                    target = next((e for e, pr in g.pairs.items() if event in pr.alt_events), event)
                predicted[(places.index(g), target)].add(modality)
                if c.get("confidence") is not None:
                    key = (places.index(g), target)
                    confidence[key] = max(confidence.get(key, 0.0), float(c["confidence"]))
        for (gi, event), mods in predicted.items():
            pair = places[gi].pairs.get(event)
            if (gi, event) in confidence and (pair is None or pair.required):
                calib.append((confidence[(gi, event)], pair is not None))
            if pair is None:
                counts[event][1] += 1
                errors.append({"id": rec["id"], "place": places[gi].name, "event": event, "error": "fp"})
            elif pair.required:
                counts[event][0] += 1
                n_tp += 1
                mod_ok += mods <= pair.modalities
                mod_exact += mods == pair.required_modalities
                if not mods <= pair.modalities:
                    errors.append(
                        {
                            "id": rec["id"],
                            "place": places[gi].name,
                            "event": event,
                            "error": "modality",
                            "predicted": sorted(mods),
                            "gold": sorted(pair.modalities),
                        }
                    )
            # optional-only pairs count neither way
        for gi, g in enumerate(places):
            for event, pair in g.pairs.items():
                if pair.required and (gi, event) not in predicted:
                    counts[event][2] += 1
                    errors.append({"id": rec["id"], "place": g.name, "event": event, "error": "fn"})

    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    p, r, f = _prf(tp, fp, fn)
    per_event = {}
    for event in [*EVENTS, *sorted(set(counts) - set(EVENTS), key=str)]:
        if event not in counts:
            continue
        etp, efp, efn = counts[event]
        ep, er, ef = _prf(etp, efp, efn)
        per_event[event] = {"precision": ep, "recall": er, "f1": ef, "support": etp + efn}
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "modality_accuracy": mod_ok / n_tp if n_tp else 0.0,
        "modality_exact": mod_exact / n_tp if n_tp else 0.0,
        "per_event": per_event,
        "n_articles": len(gold),
        "calibration": _calibration(calib),
        "errors": errors,
    }


#: Confidence bins of the calibration table.
CALIBRATION_BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _calibration(pairs: Sequence[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Predicted pairs binned by confidence: count, mean confidence and observed precision."""
    table = []
    for lo, hi in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:], strict=False):
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (hi == 1.0 and c == 1.0)]
        if not inside:
            continue
        table.append(
            {
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": len(inside),
                "mean_confidence": sum(c for c, _ in inside) / len(inside),
                "precision": sum(ok for _, ok in inside) / len(inside),
            }
        )
    return table


# -- prediction ------------------------------------------------------------------------------------


def analysis_to_prediction(article: Article, resolutions: Sequence[Resolution], claims: Iterable) -> dict:
    """The prediction line of one article from its resolutions and (per-article) claims."""
    by_place = prediction_places(resolutions)
    for c in claims:
        entry = by_place.get(c.place_id)
        if entry is None:
            continue
        item = {"event": c.event, "modality": c.modality, "confidence": c.confidence}
        if item not in entry["claims"]:
            entry["claims"].append(item)
    return {"id": article.id, "places": list(by_place.values())}


def prediction_places(resolutions: Sequence[Resolution]) -> dict[str, dict[str, Any]]:
    """Place id -> ``{"name", "lat", "lon", "claims": []}`` as a prediction line names it."""
    from geobrief.claims.anaphora import adjectival

    surfaces: dict[str, list[Resolution]] = {}
    for r in resolutions:
        if r.place is not None:
            surfaces.setdefault(r.place.id, []).append(r)
    by_place: dict[str, dict[str, Any]] = {}
    for place_id, rs in surfaces.items():
        place = rs[0].place
        assert place is not None
        # the name as the article writes it, not a demonym ("Jordan", not "Jordanian")
        named = [r.mention.text for r in rs if not adjectival(r)]
        exact = [t for t in named if name_key(t) == name_key(place.name)]
        name = (exact or named or [place.name])[0]
        by_place[place_id] = {"name": name, "lat": place.lat, "lon": place.lon, "claims": []}
    return by_place


def _pipeline_predict(article: Article, mode: str = "scored") -> dict:
    try:
        from geobrief import pipeline
    except ImportError as exc:
        raise EvaluationError("the geobrief pipeline (geobrief.pipeline) is not available") from exc
    if mode not in _PIPELINES:  # one pipeline per claim mode, built once
        _PIPELINES[mode] = pipeline.Pipeline(claims=mode)
    analysis = _PIPELINES[mode].analyse(article)
    return analysis_to_prediction(article, analysis.resolutions, analysis.claims)


_PIPELINES: dict[str, Any] = {}


def _name_pattern(name: str) -> re.Pattern[str]:
    # a gold name may span a line break in the text: any white space matches any white space
    parts = [re.escape(w) for w in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def gold_place_resolutions(article: Article, places: Sequence[Mapping[str, Any]]) -> list[Resolution]:
    """Resolutions built from gold places: every occurrence of a name or alias.

    Longer names win over the shorter names they contain; the candidate
    carries the gold coordinates and an id ``gold:<name>``.
    """
    found: list[tuple[int, int, Mapping[str, Any]]] = []
    for p in places:
        for name in {p["name"], *p.get("aliases", [])}:
            if not name.strip():
                continue
            for m in _name_pattern(name).finditer(article.text):
                found.append((m.start(), m.end(), p))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    resolutions: list[Resolution] = []
    last_end = -1
    for start, end, p in found:
        if start < last_end:
            continue
        last_end = end
        cand = Candidate(
            id=f"gold:{p['name']}", name=p["name"], lat=float(p["lat"]), lon=float(p["lon"]), kind="city"
        )
        mention = Mention(article.id, start, end, article.text[start:end])
        resolutions.append(Resolution(mention, cand, 1.0))
    return resolutions


def gold_places_predictor(
    article: Article, places: Sequence[Mapping[str, Any]] | None = None, mode: str = "scored"
) -> dict:
    """Predict claims for the gold places of an article (claim extraction alone).

    The gold places are found in the text (:func:`gold_place_resolutions`)
    instead of being recognised and resolved, so the score measures claim
    extraction without recognition and resolution errors.  Pass it to
    :func:`evaluate_claims` as ``predict=gold_places_predictor``: the
    evaluation then supplies each article's gold places.

    Raises
    ------
    EvaluationError
        If called without gold places.
    """
    if places is None:
        raise EvaluationError("gold_places_predictor needs the gold places: use it through evaluate_claims")
    from geobrief.claims import extract_claims

    resolutions = gold_place_resolutions(article, places)
    claims = extract_claims(article, resolutions, mode=mode)
    return analysis_to_prediction(article, resolutions, claims)


def evaluate_claims(
    gold_path: str | Path,
    predict: Callable[[Article], dict] | str | None = None,
    *,
    mode: str = "scored",
    candidate_recall: bool = False,
) -> dict[str, Any]:
    """Run a predictor on every gold article and score it.

    Parameters
    ----------
    gold_path : str or Path
        Gold JSONL (``status_dev.jsonl`` format).
    predict : callable, "gold-places" or None
        Article -> prediction dict.  None runs the full geobrief pipeline
        (``geobrief.pipeline.analyse_article``); :func:`gold_places_predictor`
        (or ``"gold-places"``) extracts claims for the gold places of the file.
    mode : {"scored", "rules", "candidates"}
        Claim mode of the built-in predictors (:func:`geobrief.claims.extract_claims`).
    candidate_recall : bool
        Also run the built-in predictor in ``candidates`` mode and report, as
        ``candidate_recall``, the share of required gold pairs that become a candidate.

    Returns
    -------
    dict
        The result of :func:`score_claims`.
    """
    gold = load_gold(gold_path)
    result = score_claims(gold_path, _predict_all(gold, predict, mode), gold=gold)
    builtin = predict is None or predict is gold_places_predictor or predict == "gold-places"
    if candidate_recall and builtin:
        result["candidate_recall"] = score_claims(
            gold_path, _predict_all(gold, predict, "candidates"), gold=gold
        )["recall"]
    return result


def _predict_all(gold: list[dict[str, Any]], predict: Any, mode: str) -> list[dict]:
    if predict is None:

        def predict(article: Article) -> dict:
            return _pipeline_predict(article, mode)

    elif predict is gold_places_predictor or predict == "gold-places":
        places_by_id = {str(r["id"]): r["places"] for r in gold}

        def predict(article: Article) -> dict:
            return gold_places_predictor(article, places_by_id.get(article.id, []), mode)

    elif not callable(predict):
        raise EvaluationError(f"unknown predictor {predict!r}")
    predictions = []
    for rec in gold:
        article = Article(
            id=str(rec["id"]),
            text=rec.get("text", ""),
            title=rec.get("title"),
            url=rec.get("url"),
            published=rec.get("published"),
        )
        try:
            predictions.append(predict(article))
        except GeobriefError:
            raise
        except Exception as exc:  # a predictor bug should name the article it failed on
            raise EvaluationError(f"prediction failed on {article.id}: {exc}") from exc
    return predictions


def format_claims_report(result: Mapping[str, Any]) -> str:
    """A plain-text report of a :func:`score_claims` result."""
    lines = [
        f"articles: {result['n_articles']}",
        f"(place, event) pairs: P {result['precision']:.3f}  R {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}  (TP {result.get('tp', 0)}, FP {result.get('fp', 0)}, FN {result.get('fn', 0)})",
        f"modality accuracy (subset): {result['modality_accuracy']:.3f}   exact set: {result['modality_exact']:.3f}",
        "",
        f"{'event':<18} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}",
    ]
    for event, s in result["per_event"].items():
        lines.append(
            f"{event:<18} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>8}"
        )
    if "candidate_recall" in result:
        lines.insert(
            3, f"candidate recall (gold pairs that become candidates): {result['candidate_recall']:.3f}"
        )
    if result.get("calibration"):
        lines += ["", f"{'confidence':<12} {'pairs':>6} {'mean conf':>10} {'precision':>10}"]
        for row in result["calibration"]:
            lines.append(
                f"{row['bin']:<12} {row['n']:>6} {row['mean_confidence']:>10.3f} {row['precision']:>10.3f}"
            )
    return "\n".join(lines)
