"""Fuzz the readers and the pipeline with hostile input and count the crashes (issue 10).

A longer run than the standing test (tests/test_fuzz.py): by default 50_000 cases, each one of

- ``file``: an input file of a random supported type holding random bytes, JSON Lines with hostile
  records (lone surrogate escapes, integers of thousands of digits, deep nesting, raw binary) or a
  mutated seed article (bytes flipped, cut, repeated), read with ``geobrief.io.iter_inputs``;
- ``article``: an ``Article`` built through the Python API with lone surrogates, control
  characters, huge tokens and runs without full stops in its text, title, URL, source and date,
  analysed with ``Pipeline.analyse`` (not the isolating ``analyse_safely``), then turned into
  GeoJSON and the page payload, both encoded as UTF-8.

A crash is any exception escaping, or text with a lone surrogate or a control character leaving
the reader; a hang is a case over ``--case-seconds`` of CPU time (counted apart). Each crash is saved (``--save DIR``) with its traceback so it can be replayed.

    nice python bench/fuzz.py                   # 50,000 cases
    python bench/fuzz.py --cases 2000 --seed 7  # a quick run
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_cases import HOSTILE_CHARS as HOSTILE  # noqa: E402
from fuzz_cases import WORDS, check_clean  # noqa: E402

from geobrief.frames import places_geojson  # noqa: E402
from geobrief.io import SUPPORTED_SUFFIXES, iter_inputs  # noqa: E402
from geobrief.model import Article, Failure  # noqa: E402
from geobrief.pipeline import Pipeline, assemble  # noqa: E402
from geobrief.render.payload import build_payload, script_json  # noqa: E402

SUFFIXES = sorted(SUPPORTED_SUFFIXES)


def hostile_text(rng: random.Random, limit: int = 3000) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        if kind < 0.3:
            parts.append("".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 20))))
        elif kind < 0.5:
            parts.append(rng.choice(["A", "x", "9", "é", "\ud800", "-", "Aleppo"]) * rng.randint(1, 5000))
        elif kind < 0.8:  # a run of place names and cue words without full stops
            # (kept short: claim linking on such runs is not yet linear, issue 10 point 2)
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 60))))
        else:
            parts.append("".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 80))))
    return " ".join(parts)[:limit]


def hostile_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.random()
    if kind < 0.4 or depth > 2:
        return hostile_text(rng, 400)
    if kind < 0.55:
        return rng.choice([None, True, 1.5e308, -0.0, 2**70, float("nan")])
    if kind < 0.75:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {hostile_text(rng, 8): hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def hostile_line(rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.5:
        rec = {"text": hostile_text(rng) if rng.random() < 0.8 else hostile_value(rng)}
        for key in ("id", "title", "url", "source", "published"):
            if rng.random() < 0.5:
                rec[key] = hostile_value(rng)
        return json.dumps(rec).encode()  # lone surrogates as \\ud800 escapes
    if kind < 0.6:
        return b"[" * rng.randint(1000, 200_000) + b"]" * rng.randint(0, 1000)
    if kind < 0.7:
        return b'{"text": "Talks in Doha.", "n": ' + b"7" * rng.randint(4000, 20_000) + b"}"
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        if not buf:
            break
        i = rng.randrange(len(buf))
        if op < 0.5:
            buf[i] = rng.getrandbits(8)
        elif op < 0.7:
            del buf[i : i + rng.randint(1, 200)]
        elif op < 0.9:
            buf[i:i] = bytes(rng.choice([0, 0xFF, 0xED, 0xA0, 0x80, 0x1B, 0x0A])) * rng.randint(1, 8)
        else:
            buf[i:i] = buf[i : i + rng.randint(1, 500)] * rng.randint(1, 20)
    return bytes(buf)


def file_case(rng: random.Random, folder: Path, seeds: list[bytes]) -> tuple[Path, bytes]:
    suffix = rng.choice(SUFFIXES)
    kind = rng.random()
    if kind < 0.35:
        data = b"\n".join(hostile_line(rng) for _ in range(rng.randint(1, 5)))
    elif kind < 0.6:
        data = mutate(rng.choice(seeds), rng)
    elif kind < 0.8:
        enc = rng.choice(["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1"])
        data = hostile_text(rng).encode(enc, "surrogatepass" if enc.startswith("utf") else "replace")
    else:
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 2000)))
    path = folder / f"case{suffix}"
    path.write_bytes(data)
    return path, data


class _Hang(BaseException):
    """A case ran longer than --case-seconds (BaseException: no ``except Exception`` inside swallows it)."""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--articles", type=float, default=0.2, help="share of pipeline cases (default 0.2)")
    ap.add_argument("--max-chars", type=int, default=3000, help="longest article text (default 3000)")
    ap.add_argument("--save", type=Path, default=None, help="folder for the crashing cases")
    ap.add_argument("--case-seconds", type=int, default=30, help="CPU seconds before a case is a hang")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = [p.read_bytes() for p in sorted((ROOT / "seeds").iterdir()) if p.is_file()]
    seeds += [json.dumps({"text": s.decode("utf-8", "replace"), "id": "x"}).encode() for s in seeds]
    pipeline = Pipeline()
    counts = {"file": 0, "article": 0}
    crashes: list[tuple[str, str, object]] = []
    hangs = 0

    def too_long(signum: int, frame: object) -> None:
        raise _Hang()

    signal.signal(signal.SIGVTALRM, too_long)  # CPU time of this process: fair on a shared machine
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="geobrief-fuzz-") as tmp:
        folder = Path(tmp)
        for n in range(args.cases):
            kind = "article" if rng.random() < args.articles else "file"
            counts[kind] += 1
            case: object = None
            signal.setitimer(signal.ITIMER_VIRTUAL, args.case_seconds)
            try:
                if kind == "file":
                    path, case = file_case(rng, folder, seeds)
                    for item in iter_inputs([path]):
                        if isinstance(item, Article):
                            check_clean(item)
                        elif not isinstance(item, Failure):
                            raise AssertionError(f"reader yielded {type(item).__name__}")
                    path.unlink()
                else:
                    fields = [hostile_text(rng, 300) if rng.random() < 0.5 else None for _ in range(4)]
                    case = Article(hostile_text(rng, 60) or "x", hostile_text(rng, args.max_chars), *fields)
                    analysis = pipeline.analyse(case)
                    check_clean(analysis.article)
                    briefing = assemble([analysis])
                    json.dumps(places_geojson(briefing), ensure_ascii=False).encode("utf-8")
                    script_json(build_payload(briefing)).encode("utf-8")
            except _Hang:
                hangs += 1
                crashes.append((f"{kind} hang", traceback.format_exc(), case))
            except Exception:
                crashes.append((kind, traceback.format_exc(), case))
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"crash-{len(crashes)}.txt").write_text(
                        f"{traceback.format_exc()}\n{case!r}\n", encoding="utf-8", errors="backslashreplace"
                    )
            finally:
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            if (n + 1) % 1000 == 0:
                elapsed = time.perf_counter() - started
                print(
                    f"{n + 1} cases, {len(crashes) - hangs} crashes, {hangs} hangs, {elapsed:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "cases": args.cases,
                "file_cases": counts["file"],
                "article_cases": counts["article"],
                "crashes": len(crashes) - hangs,
                "hangs": hangs,
                "seed": args.seed,
                "seconds": round(elapsed, 1),
            }
        )
    )
    for kind, tb, _ in crashes[:5]:
        print(f"--- {kind} crash\n{tb}", file=sys.stderr)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
