"""A set of article ids whose memory does not grow with the input.

``extract`` makes repeated ids unique (``a``, ``a-2``) and ``extract --store``
counts the ids a batch replaces; both need every id seen so far. In a Python
``set`` an id costs 90-180 bytes (a short id, a URL), so a million articles
would hold 90-180 MB of ids and ten million would not fit the streaming
budget at all. :class:`IdSet` keeps the newest ids in memory and, past a
limit, moves them to an SQLite file in a temporary folder (standard library;
deleted when the set is closed or collected), so its memory stays bounded
whatever the number of ids.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path

#: Ids kept in memory before they move to disk: about 10-20 MB.
MEMORY_LIMIT = 100_000


def _cleanup(db: sqlite3.Connection, folder: str) -> None:
    db.close()
    shutil.rmtree(folder, ignore_errors=True)


class IdSet:
    """A set of strings that keeps at most *memory_limit* of them in memory, the rest on disk.

    Parameters
    ----------
    items : iterable of str, optional
        Initial members.
    memory_limit : int, optional
        Members held in memory (default :data:`MEMORY_LIMIT`); beyond it they move, all
        at once, to an SQLite file.
    directory : str or Path, optional
        Where the temporary SQLite file goes (default: the system's temporary folder).

    Notes
    -----
    Supports ``in``, ``add``, ``len`` and iteration (in no particular order). Lookups
    of ids on disk cost a few microseconds: nothing beside an article's analysis.
    """

    def __init__(
        self,
        items: Iterable[str] = (),
        *,
        memory_limit: int | None = None,
        directory: str | Path | None = None,
    ) -> None:
        if memory_limit is None:
            memory_limit = MEMORY_LIMIT
        if memory_limit < 1:
            raise ValueError(f"memory_limit must be at least 1, not {memory_limit}")
        self._memory: set[str] = set()
        self._limit = memory_limit
        self._directory = directory
        self._db: sqlite3.Connection | None = None
        self._on_disk = 0
        self._finalizer: weakref.finalize | None = None
        for item in items:
            self.add(item)

    def __contains__(self, item: object) -> bool:
        if item in self._memory:
            return True
        if self._db is None or not isinstance(item, str):
            return False
        return self._db.execute("SELECT 1 FROM ids WHERE id = ?", (item,)).fetchone() is not None

    def add(self, item: str) -> None:
        """Add *item* (nothing happens if it is already a member)."""
        if item in self:
            return
        self._memory.add(item)
        if len(self._memory) >= self._limit:
            self._spill()

    def update(self, items: Iterable[str]) -> None:
        """Add every item of *items*."""
        for item in items:
            self.add(item)

    def __len__(self) -> int:
        return len(self._memory) + self._on_disk

    def __iter__(self):  # noqa: ANN204 - an iterator of str
        yield from list(self._memory)
        if self._db is not None:
            for (item,) in self._db.execute("SELECT id FROM ids"):
                yield item

    @property
    def on_disk(self) -> bool:
        """Whether some members have moved to the SQLite file."""
        return self._db is not None

    def _spill(self) -> None:
        if self._db is None:
            folder = tempfile.mkdtemp(prefix="geobrief-ids-", dir=self._directory)
            # No journal: the file is a scratch copy that dies with the set. Calls come one at
            # a time but not always from the thread that made it (a generator fed to workers).
            self._db = sqlite3.connect(
                str(Path(folder) / "ids.sqlite"), isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("PRAGMA cache_size = -8192")  # 8 MiB of page cache
            self._db.execute("CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
            self._finalizer = weakref.finalize(self, _cleanup, self._db, folder)
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR IGNORE INTO ids VALUES (?)", ((item,) for item in self._memory))
        self._db.execute("COMMIT")
        self._on_disk += len(self._memory)
        self._memory = set()

    def close(self) -> None:
        """Delete the SQLite file, if any, and forget every member."""
        if self._finalizer is not None:
            self._finalizer()
        self._db, self._finalizer, self._on_disk = None, None, 0
        self._memory = set()

    def __enter__(self) -> IdSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
