"""Benchmark of the offline gazetteer: build time, load time, memory, lookup speed, coverage.

Usage::

    python bench/bench_gazetteer.py [--rebuild] [--misses N] [--eval DIR]

Coverage: over the gold toponyms with coordinates of the evaluation corpora
(``../shared/eval/{lgl,tr_news,geovirus}.jsonl``, read at run time only), the
share whose key (``name_key`` of the span, also tried without a leading "the"
and a possessive "'s", as a recogniser would) has at least one candidate
within 161 km of the gold point.  Also reports how often the *first*
candidate is within 161 km (a naive prior, not the resolver's accuracy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geobrief.geo import haversine_km  # noqa: E402
from geobrief.text import name_key  # noqa: E402

CORPORA = ("lgl", "tr_news", "geovirus")


def key_variants(span: str) -> list[str]:
    """Keys a recogniser would try for a span: as is, without leading "the", without possessive."""
    out = [name_key(span)]
    s = span.replace("’", "'")
    if s.endswith("'s") or s.endswith("s'"):
        out.append(name_key(s[:-2] if s.endswith("'s") else s[:-1]))
    for k in list(out):
        if k.startswith("the "):
            out.append(k[4:])
    return list(dict.fromkeys(k for k in out if k))


_CHILD = """
import json, sys, time
t = time.perf_counter()
from geobrief.gazetteer import load_gazetteer
g = load_gazetteer(progress=False)
t_load = time.perf_counter() - t
from geobrief.text import name_key
texts = json.load(open(sys.argv[1], encoding="utf-8"))
t = time.perf_counter()
n = hits = 0
for text in texts:
    words = text.split()
    for i in range(len(words)):
        for k in range(1, 5):  # the recogniser's n-grams, up to 4 words
            key = name_key(" ".join(words[i : i + k]))
            n += 1
            hits += bool(g.lookup(key))
t_lookup = time.perf_counter() - t
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print(json.dumps({"load_s": t_load, "lookups": n, "hits": hits, "lookup_s": t_lookup, "articles": len(texts),
                  "peak_rss_mb": hwm / 1024}))
"""


def measure_load(cache: str, eval_dir: Path) -> dict[str, float]:
    """Load time, n-gram lookup speed and peak RSS of a fresh process that loads the cached index."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    tr = eval_dir / "tr_news.jsonl"
    if tr.is_file():  # a realistic workload: every 1-4-gram of every TR-News article
        with open(tr, encoding="utf-8") as f:  # not splitlines(): texts contain U+2028
            texts += [json.loads(line)["text"] for line in f]
    fd, name = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    Path(name).write_text(json.dumps(texts), encoding="utf-8")
    env = {**os.environ, "GEOBRIEF_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, name], env=env, capture_output=True, text=True, check=True
    )
    Path(name).unlink()
    return json.loads(out.stdout)


def coverage(gaz, eval_dir: Path, show_misses: int) -> None:
    for corpus in CORPORA:
        path = eval_dir / f"{corpus}.jsonl"
        if not path.is_file():
            print(f"{corpus}: absent")
            continue
        total = covered = first = nokey = 0
        misses: Counter[str] = Counter()
        with open(path, encoding="utf-8") as f:
            for line in f:
                art = json.loads(line)
                for t in art["toponyms"]:
                    if t.get("lat") is None or t.get("lon") is None:
                        continue
                    total += 1
                    cands = []
                    for k in key_variants(t["name"]):
                        cands += gaz.candidates(k)
                    if not cands:
                        nokey += 1
                    dists = [haversine_km(c.lat, c.lon, t["lat"], t["lon"]) for c in cands]
                    if dists and min(dists) <= 161:
                        covered += 1
                        first += dists[0] <= 161
                    else:
                        misses[
                            f"{t['name']} [{t.get('fcode') or '-'}]{' (no key)' if not cands else ''}"
                        ] += 1
        print(
            f"{corpus:9s} gold={total:5d} covered={covered / total:6.1%} missing={1 - covered / total:6.1%} "
            f"(no key {nokey / total:5.1%}) first-candidate@161km={first / total:6.1%}"
        )
        if show_misses:
            print(
                "   misses:",
                ", ".join(f"{n}×{c}" if c > 1 else n for n, c in misses.most_common(show_misses)),
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rebuild", action="store_true", help="build the index again (in a temporary cache dir)")
    ap.add_argument("--misses", type=int, default=0, help="print the N most frequent misses per corpus")
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"), help="folder of the eval corpora")
    args = ap.parse_args()

    from geobrief.gazetteer import cache_dir, load_gazetteer

    cache = tempfile.mkdtemp(prefix="geobrief-bench-") if args.rebuild else str(cache_dir())
    t = time.perf_counter()
    gaz = load_gazetteer(cache, progress=False)
    t_first = time.perf_counter() - t
    print(f"index: {gaz!r}, max_tokens={gaz.max_tokens}")
    label = "build+save" if args.rebuild else "first load (builds if not cached)"
    print(
        f"{label}: {t_first:.2f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    m = measure_load(cache, Path(args.eval))
    print(
        f"fresh process: load {m['load_s']:.3f} s; {m['lookups']} n-gram lookups (name_key + lookup, {m['hits']} hits) "
        f"in {m['lookup_s']:.2f} s = {1e6 * m['lookup_s'] / m['lookups']:.2f} µs each, "
        f"{m['articles'] / m['lookup_s']:.0f} articles/s; peak RSS {m['peak_rss_mb']:.0f} MB"
    )
    coverage(gaz, Path(args.eval), args.misses)
    if args.rebuild:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
