"""Geoparsing evaluation against a gold JSON-lines corpus (``geobrief eval``).

The corpus has one article per line::

    {"id": str, "text": str, "toponyms": [{"start", "end", "name", "lat", "lon", ...}]}

Measures (Gritta et al. 2018): strict-span recognition precision / recall /
F1; resolution accuracy within 161 km, mean and median error in km and the
AUC of the error curve (mean of ln(1 + km) / ln(20039 + 1), lower is
better), given the gold spans and end-to-end over the gold spans that
recognition found; and articles per second of recognition + resolution
(gazetteer load excluded).
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geobrief.errors import EvaluationError
from geobrief.geo import haversine_km
from geobrief.model import Mention
from geobrief.text import sentence_at, sentence_spans

#: Half the Earth's circumference, the largest possible error (km).
MAX_ERROR_KM = 20039.0
#: Accuracy radius: 100 miles.
ACC_KM = 161.0


def read_corpus(path: str | Path) -> Iterator[dict[str, Any]]:
    """Articles of a gold JSON-lines file, checked.

    Raises
    ------
    EvaluationError
        If the file cannot be read, a line is not JSON, or a toponym's
        offsets do not match its name.
    """
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8")
    except OSError as exc:
        raise EvaluationError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{p}:{lineno}: not JSON: {exc.msg}") from exc
            if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
                raise EvaluationError(f"{p}:{lineno}: an article needs a 'text' string")
            tops = doc.get("toponyms", [])
            if not isinstance(tops, list):
                raise EvaluationError(f"{p}:{lineno}: 'toponyms' must be a list")
            text = doc["text"]
            for t in tops:
                try:
                    s, e = int(t["start"]), int(t["end"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise EvaluationError(f"{p}:{lineno}: toponym without integer start/end") from exc
                if not (0 <= s < e <= len(text)) or ("name" in t and text[s:e] != t["name"]):
                    raise EvaluationError(
                        f"{p}:{lineno}: toponym {t.get('name')!r} does not match text[{s}:{e}]"
                    )
            doc.setdefault("id", str(lineno))
            yield doc


def gold_mentions(
    doc: dict[str, Any], sentences: list[tuple[int, int]] | None = None
) -> tuple[list[Mention], list[tuple[float, float] | None]]:
    """The gold spans of an article as mentions (in text order), with their gold points.

    Parameters
    ----------
    doc : dict
        An article of :func:`read_corpus`.
    sentences : list of (start, end), optional
        Its sentence spans (computed when not given).

    Returns
    -------
    mentions, points
        One mention per distinct gold span, and its gold (lat, lon) or None without coordinates.
    """
    text = doc["text"]
    aid = str(doc["id"])
    if sentences is None:
        sentences = sentence_spans(text)
    spans = {(int(t["start"]), int(t["end"])): t for t in doc.get("toponyms", [])}
    mentions: list[Mention] = []
    points: list[tuple[float, float] | None] = []
    for s, e in sorted(spans):
        t = spans[(s, e)]
        mentions.append(Mention(aid, s, e, text[s:e], *sentence_at(sentences, s)))
        ok = t.get("lat") is not None and t.get("lon") is not None
        points.append((float(t["lat"]), float(t["lon"])) if ok else None)
    return mentions, points


def _resolution_stats(errors_km: list[float]) -> dict[str, Any]:
    n = len(errors_km)
    if n == 0:
        return {"acc161": None, "mean_km": None, "median_km": None, "auc": None, "n": 0}
    return {
        "acc161": sum(e <= ACC_KM for e in errors_km) / n,
        "mean_km": statistics.fmean(errors_km),
        "median_km": statistics.median(errors_km),
        "auc": statistics.fmean(math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in errors_km),
        "n": n,
    }


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": n_pred, "gold": n_gold}


def _error_km(place: Any, lat: float, lon: float) -> float:
    """Error of a resolution; an unresolved toponym counts as the largest error."""
    if place is None:
        return MAX_ERROR_KM
    return haversine_km(place.lat, place.lon, lat, lon)


def evaluate_geoparsing(
    path: str | Path,
    *,
    gold_spans_only: bool = False,
    errors: int = 0,
    recognizer: Any = None,
    resolver: Any = None,
    approximate: bool = True,
) -> dict[str, Any]:
    """Evaluate recognition and resolution on a gold corpus.

    Parameters
    ----------
    path : str or Path
        JSON-lines corpus (``shared/eval`` format).
    gold_spans_only : bool
        Only resolve the gold spans (skip recognition and end-to-end).
    errors : int
        List up to this many of each error class in ``result["errors"]``:
        the most frequent missed and spurious names (with a count and the
        first context) and the largest resolution errors beyond 161 km.
    recognizer, resolver : optional
        Components to evaluate; default the gazetteer recogniser and the
        context resolver over :func:`geobrief.gazetteer.load_gazetteer`.
    approximate : bool
        Whether the default resolver places streets, buildings and neighbourhoods at their town
        (they then count as resolved and are scored like any other).

    Returns
    -------
    dict
        ``recognition`` (precision, recall, f1) or None,
        ``resolution_gold_spans`` and ``resolution_end_to_end`` (acc161,
        mean_km, median_km, auc, n; end-to-end None with gold spans only);
        ``resolution_gold_spans["by_class"]`` counts the gold-span toponyms
        with no candidate, resolved to a wrong namesake (beyond 161 km), and right,
        ``articles``, ``articles_per_second`` and ``errors``.
        Unresolved toponyms count with the largest error (20039 km).
    """
    docs = list(read_corpus(path))
    if (recognizer is None and not gold_spans_only) or resolver is None:
        from geobrief.gazetteer import load_gazetteer

        gaz = load_gazetteer(progress=False)
        if recognizer is None and not gold_spans_only:
            from geobrief.recognize import Recognizer

            recognizer = Recognizer(gaz)
        if resolver is None:
            from geobrief.resolve import Resolver

            resolver = Resolver(gaz, approximate=approximate)

    seen_errors: list[dict[str, Any]] = []

    def note(kind: str, doc: dict[str, Any], **info: Any) -> None:
        if errors > 0:
            seen_errors.append({"type": kind, "article": str(doc["id"]), **info})

    gold_errors: list[float] = []
    # why each gold-span toponym with coordinates is right or wrong (issue 9's three classes)
    by_class = {"no_candidate": 0, "wrong_namesake": 0, "right": 0}
    e2e_errors: list[float] = []
    tp = n_pred = n_gold = 0
    elapsed = 0.0
    for doc in docs:
        text = doc["text"]
        aid = str(doc["id"])
        sentences = sentence_spans(text)
        gold_spans = {(int(t["start"]), int(t["end"])): t for t in doc.get("toponyms", [])}
        # resolution given the gold spans
        gms, _ = gold_mentions(doc, sentences)
        gres = resolver.resolve(text, gms)
        for r in gres:
            t = gold_spans[(r.mention.start, r.mention.end)]
            if t.get("lat") is None or t.get("lon") is None:
                continue
            err = _error_km(r.place, float(t["lat"]), float(t["lon"]))
            gold_errors.append(err)
            by_class[_error_class(r.place, err)] += 1
            if err > ACC_KM:
                note(
                    "far",
                    doc,
                    name=r.mention.text,
                    start=r.mention.start,
                    gold=[t["lat"], t["lon"]],
                    predicted=None
                    if r.place is None
                    else [r.place.lat, r.place.lon, r.place.id, r.place.name],
                    km=round(err, 1),
                )
        if gold_spans_only:
            continue
        # end to end: recognise, then resolve what was recognised
        t0 = time.perf_counter()
        mentions = recognizer.recognize(text, aid, sentences)
        res = resolver.resolve(text, mentions)
        elapsed += time.perf_counter() - t0
        pred = {(r.mention.start, r.mention.end): r for r in res}
        n_pred += len(pred)
        n_gold += len(gold_spans)
        for span, t in gold_spans.items():
            r = pred.get(span)
            if r is None:
                note(
                    "missed",
                    doc,
                    name=t.get("name", text[span[0] : span[1]]),
                    start=span[0],
                    context=_ctx(text, *span),
                )
                continue
            tp += 1
            if t.get("lat") is not None and t.get("lon") is not None:
                e2e_errors.append(_error_km(r.place, float(t["lat"]), float(t["lon"])))
        for span in pred:
            if span not in gold_spans:
                note("spurious", doc, name=text[span[0] : span[1]], start=span[0], context=_ctx(text, *span))

    gold_stats = _resolution_stats(gold_errors)
    gold_stats["by_class"] = by_class
    result: dict[str, Any] = {
        "corpus": str(path),
        "articles": len(docs),
        "recognition": None if gold_spans_only else _prf(tp, n_pred, n_gold),
        "resolution_gold_spans": gold_stats,
        "resolution_end_to_end": None if gold_spans_only else _resolution_stats(e2e_errors),
        "articles_per_second": None if gold_spans_only or elapsed <= 0 else len(docs) / elapsed,
        "errors": _worst(seen_errors, errors),
    }
    return result


def _error_class(place: Any, err: float) -> str:
    """``no_candidate`` (unresolved), ``wrong_namesake`` (resolved beyond 161 km) or ``right``."""
    if place is None:
        return "no_candidate"
    return "right" if err <= ACC_KM else "wrong_namesake"


def _worst(found: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The n largest resolution errors, and the n most frequent missed and spurious names.

    A missed or spurious name is listed once, with its count and its first context.
    """
    if n <= 0:
        return []
    far = sorted((e for e in found if e["type"] == "far"), key=lambda e: -e["km"])[:n]
    out: list[dict[str, Any]] = []
    for kind in ("missed", "spurious"):
        by_name: dict[str, dict[str, Any]] = {}
        for e in found:
            if e["type"] != kind:
                continue
            first = by_name.setdefault(e["name"], {**e, "count": 0})
            first["count"] += 1
        out.extend(sorted(by_name.values(), key=lambda e: -e["count"])[:n])
    return out + far


def _ctx(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"{left}[{text[start:end]}]{right}"


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def format_report(result: dict[str, Any]) -> str:
    """A human-readable report of :func:`evaluate_geoparsing`'s result.

    Parameters
    ----------
    result : dict
        As returned by :func:`evaluate_geoparsing`.

    Returns
    -------
    str
        Plain-text tables, one line per measure.
    """
    lines = [f"corpus: {result.get('corpus', '')}  articles: {result.get('articles', '')}", ""]
    rec = result.get("recognition")
    if rec:
        lines += [
            "recognition (strict spans)",
            f"  precision {_fmt(rec['precision'])}  recall {_fmt(rec['recall'])}  F1 {_fmt(rec['f1'])}"
            f"  (tp {rec['tp']}, predicted {rec['predicted']}, gold {rec['gold']})",
            "",
        ]
    header = f"  {'resolution':<16}{'acc@161':>9}{'mean km':>10}{'median km':>11}{'AUC':>7}{'n':>7}"
    lines.append(header)
    for label, key in (("gold spans", "resolution_gold_spans"), ("end to end", "resolution_end_to_end")):
        r = result.get(key)
        if not r:
            continue
        lines.append(
            f"  {label:<16}{_fmt(r['acc161']):>9}{_fmt(r['mean_km'], 0):>10}{_fmt(r['median_km'], 1):>11}"
            f"{_fmt(r['auc']):>7}{r['n']:>7}"
        )
        classes = r.get("by_class")
        if classes:
            lines.append("    " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in classes.items()))
    aps = result.get("articles_per_second")
    if aps is not None:
        lines += ["", f"speed: {aps:.0f} articles/s (recognition + resolution, index load excluded)"]
    errs = result.get("errors") or []
    if errs:
        lines += ["", "errors:"]
        for e in errs:
            if e["type"] == "far":
                lines.append(
                    f"  far      {e['article']}: {e['name']!r} gold {e['gold']} -> {e['predicted']} ({e['km']} km)"
                )
            else:
                lines.append(f"  {e['type']:<8} x{e['count']:<3} {e['article']}: {e['context']}")
    return "\n".join(lines)
