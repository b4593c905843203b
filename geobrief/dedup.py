"""Exact and near-duplicate articles: which articles tell the same story.

A story syndicated to ten sites, or pasted into a feed twice, must count as one
source of a claim, not ten.  Each article gets a :class:`Signature`:

* ``digest``: a 128-bit BLAKE2b hash of its normalised words (the one name
  normalisation, :func:`geobrief.text.name_key`: case, accents, punctuation and
  white space do not matter): equal digests are exact copies;
* ``minhash``: :data:`NUM_PERM` minima of its word 5-gram shingles under as many
  hash functions.  The share of equal minima estimates the Jaccard similarity of
  two articles' shingle sets; a copy with its own header, byline or footer keeps
  most of its shingles (a 200-word story with 25 words of boilerplate scores about
  .85), while two different stories on the same event share few 5-grams (well
  under .2).  Two articles whose estimate reaches :data:`THRESHOLD` are the same
  story.

Candidates are found by locality-sensitive hashing (:data:`BANDS` bands of
:data:`ROWS` minima: two articles sharing any band are compared), so the work
grows with the number of articles, not its square.  Each article joins the story
of its most similar earlier article (ties to the earliest), so the result depends
only on the input order, and a stream can be deduplicated as it is read.

The hash functions are defined here (CRC-32 of the words and a SplitMix64 mix with
per-function seeds taken from BLAKE2b) rather than taken from a library, so a
signature written to a store today compares with one computed by a later version.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from geobrief.text import name_key

#: Words per shingle.
SHINGLE = 5
#: Hash functions (minima) per signature.
NUM_PERM = 128
#: LSH bands and rows per band (``BANDS * ROWS == NUM_PERM``); the candidate curve's midpoint
#: is about ``(1 / BANDS) ** (1 / ROWS)`` = .42, below :data:`THRESHOLD`, so true copies are
#: compared with near certainty (a pair at Jaccard .5 shares a band with probability .87,
#: at .6 with .99).
BANDS, ROWS = 32, 4
#: Estimated Jaccard similarity from which two articles are one story.
THRESHOLD = 0.5
#: Articles kept per LSH bucket: a story copied thousands of times is found through its first
#: copies; capping keeps the comparisons per article bounded.
BUCKET_CAP = 16

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _seeds(label: str, n: int) -> np.ndarray:
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(f"{label}{i}".encode(), digest_size=8).digest(), "little")
            for i in range(n)
        ],
        dtype=np.uint64,
    )


# Odd multipliers that make a shingle's hash depend on word order; per-function seeds.
_POSITION = _seeds("geobrief-dedup-position-", SHINGLE) | np.uint64(1)
_PERM = _seeds("geobrief-dedup-perm-", NUM_PERM)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective, well-mixing 64-bit hash (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@dataclass(frozen=True, slots=True)
class Signature:
    """The duplicate signature of one article.

    Attributes
    ----------
    digest : bytes
        16 bytes: BLAKE2b of the normalised words (exact copies share it).
    minhash : numpy.ndarray
        :data:`NUM_PERM` ``uint32`` minima of the word 5-gram shingles (all
        ``0xFFFFFFFF`` for a text without words).
    """

    digest: bytes
    minhash: np.ndarray

    def to_bytes(self) -> bytes:
        """The minhash as little-endian bytes (what a store keeps)."""
        return self.minhash.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, digest: bytes, minhash: bytes) -> Signature:
        """Rebuild a signature from :meth:`to_bytes` and the digest."""
        return cls(bytes(digest), np.frombuffer(minhash, dtype="<u4").astype(np.uint32))

    @property
    def empty(self) -> bool:
        return bool((self.minhash == np.uint32(0xFFFFFFFF)).all())


def words(text: str) -> list[str]:
    """The normalised words of a text (the name normalisation of :func:`geobrief.text.name_key`)."""
    # name_key.__wrapped__: the same normalisation without filling its cache with whole articles
    return name_key.__wrapped__(text).split()


def signature(text: str) -> Signature:
    """The duplicate signature of an article's text.

    Parameters
    ----------
    text : str
        The article text (the title is left out: syndicated copies often retitle).

    Returns
    -------
    Signature
    """
    toks = words(text)
    digest = hashlib.blake2b(" ".join(toks).encode("utf-8"), digest_size=16).digest()
    if not toks:
        return Signature(digest, np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32))
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for t in toks]
    # CRC-32 of each distinct word (fast, in C), spread over 64 bits by the mix
    word_hash = _mix(np.array([zlib.crc32(t.encode("utf-8")) for t in vocab], dtype=np.uint64))[ids]
    k = min(SHINGLE, len(toks))
    n = len(toks) - k + 1
    shingles = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        shingles += word_hash[j : j + n] * _POSITION[j]
    # np.unique's result (sorted, distinct), without np.unique: in NumPy 2 it imports numpy.ma (cold start)
    shingles.sort()
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(shingles[1:], shingles[:-1], out=keep[1:])
    shingles = shingles[keep]
    hashed = _mix(shingles[:, None] ^ _PERM[None, :])  # (shingles, NUM_PERM)
    minhash = (hashed.min(axis=0) >> np.uint64(32)).astype(np.uint32)
    return Signature(digest, minhash)


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two articles' shingle sets (1.0 for exact copies)."""
    if a.digest == b.digest:
        return 1.0
    if a.empty or b.empty:
        return 0.0
    return float(np.count_nonzero(a.minhash == b.minhash)) / NUM_PERM


class DuplicateIndex:
    """Stories seen so far; :meth:`add` tells which story a new article belongs to.

    Parameters
    ----------
    threshold : float
        Estimated Jaccard similarity from which an article is a copy.

    Examples
    --------
    >>> index = DuplicateIndex()
    >>> index.add("a", signature("Troops left the base at dawn on Monday, officials said."))
    'a'
    >>> index.add("b", signature("TROOPS left the base at dawn on Monday -- officials said"))
    'a'
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._story: list[str] = []  # story id of each added article
        self._sigs: list[Signature] = []
        self._exact: dict[bytes, int] = {}
        self._buckets: dict[tuple[int, bytes], list[int]] = {}

    def __len__(self) -> int:
        return len(self._story)

    def add(self, article_id: str, sig: Signature) -> str:
        """Add an article; return the id of its story (its own id when it is the first of it).

        Parameters
        ----------
        article_id : str
            The article's id.
        sig : Signature
            Its :func:`signature`.

        Returns
        -------
        str
            The id of the first article added of the same story.
        """
        exact = self._exact.get(sig.digest)
        if exact is not None:
            # an exact copy adds nothing to the buckets: its twin already stands there
            self._story.append(self._story[exact])
            self._sigs.append(sig)
            return self._story[exact]
        index = len(self._story)
        self._exact[sig.digest] = index
        keys = (
            [] if sig.empty else [(b, sig.minhash[b * ROWS : (b + 1) * ROWS].tobytes()) for b in range(BANDS)]
        )
        best, best_score = -1, self.threshold
        seen: set[int] = set()
        for key in keys:
            for other in self._buckets.get(key, ()):
                if other in seen:
                    continue
                seen.add(other)
                score = similarity(sig, self._sigs[other])
                if score > best_score or (score == best_score and (best < 0 or other < best)):
                    best, best_score = other, score
        story = self._story[best] if best >= 0 else article_id
        self._story.append(story)
        self._sigs.append(sig)
        for key in keys:
            bucket = self._buckets.setdefault(key, [])
            if len(bucket) < BUCKET_CAP:
                bucket.append(index)
        return story


def find_duplicates(
    items: Iterable[tuple[str, str | Signature]], *, threshold: float = THRESHOLD
) -> dict[str, str]:
    """Which articles are copies of an earlier one.

    Parameters
    ----------
    items : iterable of (article id, text or Signature)
        In input order: the first article of a story stands for it.
    threshold : float
        Estimated Jaccard similarity from which an article is a copy.

    Returns
    -------
    dict of str to str
        For each copy, the id of the first article of its story; articles
        that are the first (or only) of their story are not keys.
    """
    index = DuplicateIndex(threshold)
    copies: dict[str, str] = {}
    for article_id, item in items:
        sig = item if isinstance(item, Signature) else signature(item)
        story = index.add(article_id, sig)
        if story != article_id:
            copies[article_id] = story
    return copies
