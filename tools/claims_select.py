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


def main() -> None:
    rng = random.Random(20261203)
    status_dev = {json.loads(line)["id"] for line in (SHARED / "eval" / "status_dev.jsonl").open()}
    pool = [json.loads(line) for line in (SHARED / "news" / "reuters_pool.jsonl").open()]
    reuters = sorted(r["id"] for r in pool if _score(r["text"]) >= 4)
    chosen = rng.sample(reuters, 130)
    # (corpus, articles, least event words): TR-News has few event-heavy stories left outside status_dev
    quotas = {"tr_news": (12, 2), "geovirus": (14, 4), "lgl": (14, 4)}
    for corpus, (quota, least) in quotas.items():
        rows = [json.loads(line) for line in (SHARED / "eval" / f"{corpus}.jsonl").open()]
        eligible = sorted(
            f"{corpus}-{r['id']}"
            for r in rows
            if f"{corpus}-{r['id']}" not in status_dev
            and _score(r["text"]) >= least
            and len(r["text"]) < 6000
        )
        chosen += rng.sample(eligible, quota)
    order = sorted(chosen)
    rng.shuffle(order)
    lockbox = sorted(order[:70])
    dev = sorted(order[70:])
    second = sorted(rng.sample(order, 20))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"seed": 20261203, "dev": dev, "lockbox": lockbox, "second_annotator": second}, indent=1)
        + "\n"
    )
    print(f"{len(dev)} dev, {len(lockbox)} lockbox, {len(second)} doubly annotated -> {OUT}")


if __name__ == "__main__":
    main()
