"""Made-up news articles for the tests of --jobs and of the store (no real text)."""

from __future__ import annotations

import random

from geobrief.model import Article

# Syria and Ukraine, so that a bounding box splits them
PLACES = ["Aleppo", "Homs", "Latakia", "Tartus", "Kharkiv", "Odesa", "Kherson", "Lviv"]
SENTENCES = [
    "Troops withdrew from {p} on Monday, officials said.",
    "Protesters gathered in the centre of {p} after the vote.",
    "Shelling hit a market in {p}, killing three people, according to local reports.",
    "The minister visited {p} and met the governor.",
    "Floods swept through villages near {p}.",
]


def made_up_articles(n: int, *, seed: int = 5, prefix: str = "s", copy: bool = True) -> list[Article]:
    """*n* articles of 2-4 random sentences, dated 2025-03-01 to -28, and (with *copy*) a syndicated
    copy of the first at the end (one source, two copies)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = " ".join(rng.choice(SENTENCES).format(p=rng.choice(PLACES)) for _ in range(rng.randint(2, 4)))
        published = f"2025-03-{1 + i % 28:02d}T08:00:00Z"
        out.append(Article(f"{prefix}{i:03d}", text, title=f"Story {i}", published=published))
    if copy:
        out.append(Article(f"{prefix}-copy", "From our wire: " + out[0].text, published="2025-03-02"))
    return out
