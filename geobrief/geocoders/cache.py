"""A persistent on-disk cache of geocoder answers (SQLite, WAL, one commit per write).

Online services are slow and rate-limited, and their terms ask clients not
to repeat queries, so every answer (including "no result") is kept.  Each
write is its own committed transaction in a write-ahead-logged database:
a process killed right after a write loses nothing already answered.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from geobrief.errors import GeocoderError

__all__ = ["GeocodeCache", "cache_key", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """``geocode.sqlite`` in ``$GEOBRIEF_CACHE_DIR``, else the user cache directory (platformdirs).

    The same folder as the gazetteer's cached index.
    """
    env = os.environ.get("GEOBRIEF_CACHE_DIR")
    if env:
        return Path(env) / "geocode.sqlite"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("geobrief")) / "geocode.sqlite"


def cache_key(service: str, query: str, params: dict[str, Any]) -> str:
    """A stable key for one request: service (and endpoint), query and parameters."""
    blob = json.dumps([service, query, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class GeocodeCache:
    """Geocoder answers stored in SQLite, safe across threads and crashes.

    An answer is a JSON-serialisable list of ``[address, lat, lon, alt, raw]``
    rows (empty for "no result").

    Parameters
    ----------
    path : Path
        The database file; its folder is created if needed.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): every INSERT commits at once.
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL+NORMAL: durable across process crashes
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise GeocoderError(f"cannot open the geocoder cache {self.path}: {error}") from error

    def get(self, key: str) -> list[list[Any]] | None:
        """The stored answer for *key*, or None when it was never stored."""
        with self._lock:
            try:
                row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as error:
                raise GeocoderError(f"cannot read the geocoder cache {self.path}: {error}") from error
        return None if row is None else json.loads(row[0])

    def put(
        self, key: str, service: str, query: str, params: dict[str, Any], answer: list[list[Any]]
    ) -> None:
        """Store (or replace) the answer for *key*, committed before returning."""
        row = (
            key,
            service,
            query,
            json.dumps(params, sort_keys=True, default=str),
            json.dumps(answer, default=str),
            time.time(),
        )
        with self._lock:
            try:
                self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)", row)
            except sqlite3.Error as error:
                raise GeocoderError(f"cannot write the geocoder cache {self.path}: {error}") from error

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        """Close the database (answers are already committed)."""
        with self._lock:
            self._db.close()
