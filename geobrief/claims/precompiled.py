"""The start-up cache: the claim tables' regular expressions compiled once per installation.

Compiling the few hundred cue alternations of ``geobrief/rules/`` and reading the keyword gate's
strings out of them (:mod:`geobrief.claims.gate`) was most of a cold start: Python's ``re`` parses
a pattern and generates its program in Python code, every process, every time.  This module keeps
what that work produces -- each pattern's program (the integer code ``re`` hands to its C
engine), the gate's readings and trie, and other derived start-up tables (the recogniser's word
lists, :func:`geobrief.recognize._tables`) -- in one file next to the gazetteer index
(:func:`geobrief.gazetteer.cache_dir`), so a fresh process only loads it and builds the pattern
objects in C.  The file is :mod:`marshal` data (no code is run to read it).

Why it can be trusted:

* every entry is keyed by the exact pattern text and flags it was made from (a table by the
  hash of its sources), so a changed table never reads an old program, whatever the file name
  says;
* the file name carries a hash of the package version, the Python version and its regex engine
  (``_sre.MAGIC``), the rule tables and the code that derives the entries (this module and
  :mod:`geobrief.claims.gate`), so a new version or an edited table starts a new file;
* the file carries a CRC-32 of its contents, checked on load: a damaged, truncated or foreign
  file is ignored (and replaced at the next :func:`flush`), never used;
* anything unexpected (an unreadable folder, a Python whose ``re`` internals differ) falls
  back to plain ``re.compile``: the cache only ever saves time, it never changes a result.

Missing entries are computed as usual and written by :func:`flush` (the table builders call it
once they are done), atomically, so concurrent processes never see a half-written file.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
import threading
import zlib
from array import array
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

try:  # the pieces of re.compile: parse, generate the program, build the pattern object in C
    import _sre
    from re import _compiler as _sre_compile
    from re import _parser as _sre_parse

    _CODE_TYPE = next(t for t in "IL" if array(t).itemsize == _sre.CODESIZE)
    _ENGINE = f"{_sre.MAGIC}|{_sre.CODESIZE}"
except (ImportError, AttributeError, StopIteration):  # pragma: no cover - another Python
    _sre = None  # type: ignore[assignment]
    _CODE_TYPE = "I"
    _ENGINE = ""

__all__ = ["compile", "remember", "flush", "flushing", "cache_path", "clear"]

T = TypeVar("T")

#: Bumped when the file layout or an entry's meaning changes.
FORMAT = 1
_HEADER = b"GBRE%d\n" % FORMAT
_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
#: Cache files of other versions kept in the folder (the newest), for installations that share it.
KEEP_OTHER_VERSIONS = 2

_LOCK = threading.RLock()
_entries: dict[tuple[str, Any, int], Any] | None = None
_dirty = False
_path: Path | None = None
_path_env: str | None = None
_loaded_from: Path | None = None  # the file _entries were read from


def _key() -> str:
    """Hash of everything an entry's meaning depends on besides its own pattern."""
    from geobrief import __version__

    h = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version}|{_ENGINE}".encode())
    for path in sorted(_RULES_DIR.glob("*.json")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    here = Path(__file__).resolve().parent
    for name in ("precompiled.py", "gate.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def cache_path() -> Path | None:
    """The cache file for this installation (None when no cache folder can be named)."""
    global _path, _path_env
    env = os.environ.get("GEOBRIEF_CACHE_DIR")
    if _path is None or env != _path_env:
        try:
            from geobrief.gazetteer import cache_dir

            _path = cache_dir() / f"claims-{_key()}.gbre"
        except Exception:  # noqa: BLE001 - no platformdirs, unreadable rules: run uncached
            _path = None
        _path_env = env
    return _path


def _read(path: Path | None) -> dict[tuple[str, Any, int], Any] | None:
    """The entries of a cache file, or None when it is missing or not an intact file of this format."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return _read_entries(data)


def _read_entries(data: bytes) -> dict[tuple[str, Any, int], Any] | None:
    """The entries of a cache file's bytes, or None unless its header and checksum are right."""
    n = len(_HEADER)
    if len(data) < n + 4 or not data.startswith(_HEADER):
        return None
    body = data[n + 4 :]
    if zlib.crc32(body) != int.from_bytes(data[n : n + 4], "little"):
        return None
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return entries if isinstance(entries, dict) else None


def _store() -> dict[tuple[str, Any, int], Any]:
    """The entries of the current cache file, read on first use (call with the lock held)."""
    global _entries, _dirty, _loaded_from
    path = cache_path()
    if _entries is None or path != _loaded_from:
        read = _read(path)
        # a damaged or missing file is rewritten at the next flush, even if nothing new is computed
        _entries, _dirty, _loaded_from = (read if read is not None else {}), read is None, path
    return _entries


def remember(
    kind: str, pattern: Hashable, flags: int, compute: Callable[[], T], *, replace: bool = False
) -> T:
    """``compute()``, cached on disk under (*kind*, *pattern*, *flags*).

    *pattern* is a pattern's text, or what else the value is made from (a tuple of strings); it
    and the value must be made of what :mod:`marshal` stores (str, int, float, tuples, dicts,
    sets, None...), and the value must depend only on them and the code of this package.
    *replace*: a new value drops the other entries of its *kind* (one table kept under the hash
    of its sources, not one per edit of them).
    """
    key = (kind, pattern, flags)
    with _LOCK:
        store = _store()
        if key in store:
            return _unpack(store[key])  # type: ignore[no-any-return]
    value = compute()
    with _LOCK:
        global _dirty
        store = _store()
        if replace:
            for old in [k for k in store if k[0] == kind]:
                del store[old]
        store[key] = _pack(value)
        _dirty = True
    return value


# marshal sorts the members of a set to write it (3.11+), ten times the time of a tuple: sets are
# stored as tuples after a marker
_SET, _FROZENSET = "\0set", "\0frozenset"


def _pack(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return (_FROZENSET if isinstance(value, frozenset) else _SET, tuple(value))
    if isinstance(value, tuple):
        return tuple(_pack(v) for v in value)
    if isinstance(value, dict):
        return {k: _pack(v) for k, v in value.items()}
    return value


def _unpack(value: Any) -> Any:
    if type(value) is tuple:
        if len(value) == 2 and type(value[1]) is tuple and value[0] in (_SET, _FROZENSET):
            return frozenset(value[1]) if value[0] == _FROZENSET else set(value[1])
        return tuple(_unpack(v) if type(v) in _NESTED else v for v in value)
    if type(value) is dict:
        return {k: _unpack(v) if type(v) in _NESTED else v for k, v in value.items()}
    return value


_NESTED = (tuple, dict)


def _program(pattern: str, flags: int) -> tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` for *pattern* (its steps, in order)."""
    p = _sre_parse.parse(pattern, flags)
    code = _sre_compile._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    return (
        flags | p.state.flags,
        array(_CODE_TYPE, code).tobytes(),
        p.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name on purpose
    """``re.compile(pattern, flags)``, from the cached program when there is one.

    Raises
    ------
    re.error
        If the pattern is not a valid regular expression (never cached).
    """
    flags = int(flags)
    if _sre is None or not isinstance(pattern, str):  # pragma: no cover - another Python
        return re.compile(pattern, flags)
    try:
        entry = remember("re", pattern, flags, lambda: _program(pattern, flags))
        final_flags, code, groups, groupindex, indexgroup = entry
        program = array(_CODE_TYPE)
        program.frombytes(code)
        return _sre.compile(pattern, final_flags, program.tolist(), groups, groupindex, indexgroup)  # type: ignore[no-any-return]
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - an unexpected entry or engine: the plain way is always right
        return re.compile(pattern, flags)


def flush() -> None:
    """Write the cache file if this process computed entries it lacked (atomically; errors ignored)."""
    global _dirty
    with _LOCK:
        if not _dirty or _entries is None or _loaded_from is None:
            return
        path = _loaded_from
        body = marshal.dumps(_entries)
        data = _HEADER + zlib.crc32(body).to_bytes(4, "little") + body
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}.{threading.get_ident()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:  # a read-only or full cache folder: the next run computes them again
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return
        _dirty = False
        _prune(path)


def _prune(current: Path) -> None:
    """Delete cache files of other versions but the newest few (shared cache folders keep some)."""
    with contextlib.suppress(OSError):
        others = [p for p in current.parent.glob("claims-*.gbre") if p != current]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[KEEP_OTHER_VERSIONS:]:
            old.unlink(missing_ok=True)


def clear() -> None:
    """Forget the entries loaded in this process (the next use reads the file again)."""
    global _entries, _dirty, _path, _loaded_from
    with _LOCK:
        _entries, _dirty, _path, _loaded_from = None, False, None, None


_depth = threading.local()


def flushing(build: Callable[..., T]) -> Callable[..., T]:
    """Decorate a table builder: :func:`flush` once it is done (what it compiled is then on disk).

    Builders that call others (``claim_gate`` -> ``event_rules``) write once, when the outermost
    one is done.
    """
    import functools

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        _depth.n = getattr(_depth, "n", 0) + 1
        try:
            return build(*args, **kwargs)
        finally:
            _depth.n -= 1
            if not _depth.n:
                flush()

    return wrapper
