"""Choose the real articles for claim annotation and split them into dev and lockbox.

Run once, before any annotation or tuning (``python tools/claims_select.py``); the output,
``tests/data/claims_real/selection.json``, holds only ids. The choice is deterministic: articles
with at least a few event words (a generic list, not tuned on any text), then a seeded random
sample; the split into ``dev`` and ``lockbox`` is a second seeded random draw.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "tests" / "data" / "claims_real" / "selection.json"

# Generic event vocabulary, one stem a word: used only to skip articles with no event at all.
EVENT_WORDS = re.compile(
    r"\b(?:troops?|forces?|soldiers?|army|navy|naval|warships?|military|base|attack\w*|kill\w*|"
    r"shell\w*|bomb\w*|fighting|clash\w*|rebels?|guerrillas?|captur\w*|seiz\w*|protest\w*|"
    r"demonstrat\w*|strik\w*|riot\w*|earthquake|quake|flood\w*|storm|cyclone|hurricane|typhoon|"
    r"drought|outbreak|epidemic|evacuat\w*|withdr\w*|deploy\w*|visit\w*|talks|arriv\w*)\b",
    re.I,
)


def _score(text: str) -> int:
    return len(EVENT_WORDS.findall(text))


def _eval_ids(corpus: str, excluded: set[str], keep: Callable[[str], bool]) -> list[str]:
    """Sorted ids ("<corpus>-<id>") of a shared eval corpus outside *excluded* whose text *keep* accepts."""
    rows = [json.loads(line) for line in (SHARED / "eval" / f"{corpus}.jsonl").open()]
    return sorted(
        f"{corpus}-{r['id']}" for r in rows if f"{corpus}-{r['id']}" not in excluded and keep(r["text"])
    )


def main() -> None:
    rng = random.Random(20261203)
    status_dev = {json.loads(line)["id"] for line in (SHARED / "eval" / "status_dev.jsonl").open()}
    pool = [json.loads(line) for line in (SHARED / "news" / "reuters_pool.jsonl").open()]
    reuters = sorted(r["id"] for r in pool if _score(r["text"]) >= 4)
    chosen = rng.sample(reuters, 130)
    # (corpus, articles, least event words): TR-News has few event-heavy stories left outside status_dev
    quotas = {"tr_news": (12, 2), "geovirus": (14, 4), "lgl": (14, 4)}
    for corpus, (quota, least) in quotas.items():
        eligible = _eval_ids(
            corpus, status_dev, lambda text, least=least: _score(text) >= least and len(text) < 6000
        )
        chosen += rng.sample(eligible, quota)
    order = sorted(chosen)
    rng.shuffle(order)
    lockbox = sorted(order[:70])
    dev = sorted(order[70:])
    second = sorted(rng.sample(order, 20))
    # Round 2 (drawn when round 1 proved to hold about 2.5 required pairs an article, too few for
    # 700): every other Reuters story of the pool and more event-rich LGL / GeoVirus stories, split
    # by a new seeded draw, again before any of them was annotated.
    rng2 = random.Random(20261204)
    taken = set(chosen)
    extra = sorted(r["id"] for r in pool if r["id"] not in taken)
    for corpus, quota in (("geovirus", 15), ("lgl", 15)):
        eligible = _eval_ids(corpus, status_dev | taken, lambda text: _score(text) >= 5 and len(text) < 6000)
        extra += rng2.sample(eligible, quota)
    rng2.shuffle(extra)
    cut = round(len(extra) * 0.4)
    lockbox2, dev2 = sorted(extra[:cut]), sorted(extra[cut:])
    # Round 3 (round 1 and 2 held 696 required pairs, just short of 700): every other LGL /
    # TR-News / GeoVirus story with at least five event words, split by a third seeded draw.
    rng3 = random.Random(20261205)
    taken |= set(extra)
    extra3 = []
    for corpus in ("geovirus", "lgl", "tr_news"):
        extra3 += _eval_ids(corpus, status_dev | taken, lambda text: _score(text) >= 5 and len(text) < 6000)
    rng3.shuffle(extra3)
    cut3 = round(len(extra3) * 0.4)
    lockbox2 += extra3[:cut3]
    dev2 += extra3[cut3:]
    # Round 4 (session 3, drawn after the lockbox was fixed, so it goes to dev only): every other
    # LGL / TR-News / GeoVirus story with three or more event words (under 6,000 characters) or five
    # or more (any length). More dev pairs for the scorer; the lockbox stays as it was.
    taken |= set(extra3)
    round4 = []
    for corpus in ("geovirus", "lgl", "tr_news"):
        round4 += _eval_ids(
            corpus,
            status_dev | taken,
            lambda text: (_score(text) >= 3 and len(text) < 6000) or _score(text) >= 5,
        )
    dev2 += round4
    # Round 5 (session 4, again after the lockbox was fixed, so dev only): every other LGL /
    # TR-News / GeoVirus story with two or more event words. Few claims each, but real counter-
    # examples (event words used in other senses) for the scorer.
    taken |= set(round4)
    round5 = []
    for corpus in ("geovirus", "lgl", "tr_news"):
        round5 += _eval_ids(corpus, status_dev | taken, lambda text: _score(text) >= 2)
    dev2 += round5
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "seed": 20261203,
                "dev": sorted(dev + dev2),
                "lockbox": sorted(lockbox + lockbox2),
                "second_annotator": second,
                "round1": sorted(order),
                "round2": sorted(extra),
                "round3": sorted(extra3),
                "round4": sorted(round4),
                "round5": sorted(round5),
            },
            indent=1,
        )
        + "\n"
    )
    print(
        f"{len(dev + dev2)} dev, {len(lockbox + lockbox2)} lockbox, {len(second)} doubly annotated -> {OUT}"
    )


if __name__ == "__main__":
    main()
