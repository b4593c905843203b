"""Benchmark of spaCy's small NER as a toponym recogniser, against and combined with the default one.

Usage::

    python bench/bench_spacy.py [--eval DIR] [--systems spacy,gazetteer,vote,union] [--limit N] [--json PATH]

Systems (each run in a fresh process, so load time and peak memory are its own):

* ``spacy``: spaCy's English small pipeline, NER only, ``GPE``/``LOC``/``FAC``
  entities with a leading "the" stripped (``SpacyRecognizer(mode="spacy")``);
* ``gazetteer``: the default recogniser (``geobrief.recognize.Recognizer``);
* ``vote`` / ``union``: the two combinations of ``geobrief.recognize_spacy``.

Measures per corpus (``../shared/eval/{lgl,tr_news,geovirus}.jsonl``, read at
run time only; absent corpora are skipped): strict-span precision, recall
and F1 against the gold toponym spans, and articles per second of
recognition alone (model / gazetteer load and sentence splitting excluded).
Per system: load time and peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPORA = ("lgl", "tr_news", "geovirus")
SYSTEMS = ("spacy", "gazetteer", "vote", "union")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def make_recognizer(system: str) -> Any:
    """The recogniser a system name stands for (loads its model / gazetteer)."""
    if system == "gazetteer":
        from geobrief.gazetteer import load_gazetteer
        from geobrief.recognize import Recognizer

        return Recognizer(load_gazetteer(progress=False))
    from geobrief.recognize_spacy import SpacyRecognizer

    if system == "spacy":
        return SpacyRecognizer(None, mode="spacy")
    from geobrief.gazetteer import load_gazetteer

    return SpacyRecognizer(load_gazetteer(progress=False), mode=system)


def score(pred: list[set[tuple[int, int]]], gold: list[set[tuple[int, int]]]) -> dict[str, float]:
    """Strict-span micro precision, recall and F1."""
    tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
    n_pred = sum(map(len, pred))
    n_gold = sum(map(len, gold))
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": n_pred, "gold": n_gold}


def worker(system: str, paths: list[Path], limit: int | None) -> dict[str, Any]:
    """Run one system over the corpora in this process and return its figures."""
    from geobrief.evaluate import read_corpus
    from geobrief.text import sentence_spans

    t0 = time.perf_counter()
    rec = make_recognizer(system)
    rec.recognize("Officials in Paris met delegates from Georgia.", "warm-up")  # first-call setup, not timed
    load_s = time.perf_counter() - t0
    rss_load = _rss_mb()
    out: dict[str, Any] = {"system": system, "load_s": load_s, "rss_after_load_mb": rss_load, "corpora": {}}
    for path in paths:
        docs = list(read_corpus(path))[:limit]
        pred: list[set[tuple[int, int]]] = []
        gold: list[set[tuple[int, int]]] = []
        elapsed = 0.0
        for doc in docs:
            text = doc["text"]
            sentences = sentence_spans(text)
            t = time.perf_counter()
            mentions = rec.recognize(text, str(doc["id"]), sentences)
            elapsed += time.perf_counter() - t
            assert all(text[m.start : m.end] == m.text for m in mentions)
            pred.append({(m.start, m.end) for m in mentions})
            gold.append({(int(g["start"]), int(g["end"])) for g in doc.get("toponyms", [])})
        res = score(pred, gold)
        res["articles"] = len(docs)
        res["articles_per_s"] = len(docs) / elapsed if elapsed > 0 else None
        out["corpora"][path.stem] = res
    out["peak_rss_mb"] = _rss_mb()
    return out


def run_system(system: str, paths: list[Path], limit: int | None) -> dict[str, Any]:
    """Run a system in a fresh interpreter, so its memory and load time are measured alone."""
    cmd = [sys.executable, __file__, "--worker", system, "--paths", *map(str, paths)]
    if limit:
        cmd += ["--limit", str(limit)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"system": system, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def format_table(results: list[dict[str, Any]]) -> str:
    """Plain-text table: one line per system and corpus."""
    head = f"{'system':<10}{'corpus':<10}{'P':>7}{'R':>7}{'F1':>7}{'art/s':>9}{'load s':>8}{'peak MB':>9}"
    lines = [head, "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['system']:<10}unavailable: {r['error']}")
            continue
        for corpus, c in r["corpora"].items():
            aps = f"{c['articles_per_s']:.1f}" if c["articles_per_s"] else "-"
            lines.append(
                f"{r['system']:<10}{corpus:<10}{c['precision']:>7.3f}{c['recall']:>7.3f}{c['f1']:>7.3f}"
                f"{aps:>9}{r['load_s']:>8.2f}{r['peak_rss_mb']:>9.0f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--eval", type=Path, default=ROOT.parent / "shared" / "eval", help="folder of the corpora"
    )
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, of {', '.join(SYSTEMS)}")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles of each corpus")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--paths", nargs="*", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.paths or [], args.limit)))
        return 0

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")
    paths = [args.eval / f"{c}.jsonl" for c in CORPORA if (args.eval / f"{c}.jsonl").is_file()]
    if not paths:
        print(f"no corpora in {args.eval}: nothing to measure")
        return 0
    if any(s != "spacy" for s in systems):
        # Build the gazetteer index cache first if the sources changed, so "load s" is a load, not a build.
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        code = "from geobrief.gazetteer import load_gazetteer; load_gazetteer(progress=False)"
        subprocess.run([sys.executable, "-c", code], env=env, check=False)
    results = []
    for system in systems:
        print(f"running {system} ...", file=sys.stderr, flush=True)
        results.append(run_system(system, paths, args.limit))
    print(format_table(results))
    print("\nart/s: recognition only (load and sentence splitting excluded); peak MB: the process's peak RSS")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
