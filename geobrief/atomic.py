"""All-or-previous output files.

Every file geobrief writes goes first to a hidden temporary name in its own
folder (``.places.tmp-<pid>-<token>.geojson``), is flushed to disk (fsync) and
only then renamed over the target. A set of files (a briefing's
``briefing.html`` and ``places.geojson``) is written whole as temporary files
first and renamed last, together: with the folder locked against another
geobrief doing the same, SIGINT and SIGTERM held back for the few renames, and
the previous files restored should a rename fail. A full disk, an error or a
kill while writing leaves the previous outputs byte-identical and no
temporary file behind (bar SIGKILL, which leaves a hidden ``.tmp-`` file
that no reader picks up).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def temp_name(target: Path) -> Path:
    """A fresh hidden temporary path beside *target*, with the same suffix (drivers such as
    GDAL's pick the format from it)."""
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    return target.with_name(f".{target.stem}.tmp-{token}{target.suffix}")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be synced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _held_signals() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (only the main thread receives them)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _folder_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on the folder, so two runs writing to it rename their sets one after the other."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


class AtomicFiles:
    """A set of output files that replace the previous ones together, or not at all.

    Examples
    --------
    >>> with AtomicFiles() as out:                                  # doctest: +SKIP
    ...     out.write_text(folder / "briefing.html", page)
    ...     out.write_with(folder / "places.gpkg", lambda tmp: frame.to_file(tmp))

    Leaving the block normally renames every file into place; leaving it by
    an exception removes the temporary files and leaves the targets untouched.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def temp_for(self, target: str | Path) -> Path:
        """Reserve and return a temporary path for *target*; write the file there."""
        target = Path(target)
        tmp = temp_name(target)
        self._pending.append((tmp, target))
        return tmp

    def write_bytes(self, target: str | Path, data: bytes) -> None:
        """Write *data* as the new content of *target*."""
        tmp = self.temp_for(target)
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    def write_text(self, target: str | Path, text: str, *, newline: str | None = None) -> None:
        """Write *text* (UTF-8) as the new content of *target*."""
        tmp = self.temp_for(target)
        with open(tmp, "x", encoding="utf-8", newline=newline) as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    def open_text(self, target: str | Path) -> IO[str]:
        """A text file (UTF-8) to stream the new content of *target* into; close it before the end."""
        return open(self.temp_for(target), "x", encoding="utf-8")  # noqa: SIM115

    def write_with(self, target: str | Path, writer: Callable[[Path], object]) -> None:
        """Let *writer* (e.g. a GDAL or Arrow writer) create the new *target* at the path it is given."""
        writer(self.temp_for(target))

    def abort(self) -> None:
        """Remove every temporary file; the targets stay as they were."""
        for tmp, _ in self._pending:
            for extra in ("", "-journal", "-wal", "-shm"):  # SQLite (GeoPackage) side files too
                with contextlib.suppress(OSError):
                    Path(f"{tmp}{extra}").unlink()
        self._pending.clear()

    def commit(self) -> None:
        """Sync every temporary file, then rename them all over their targets.

        Raises
        ------
        OSError
            If a file cannot be synced or renamed; the previous targets are
            then restored and the temporary files removed.
        """
        try:
            for tmp, _ in self._pending:
                _fsync_file(tmp)
        except BaseException:
            self.abort()
            raise
        folders = sorted({target.parent for _, target in self._pending})
        with contextlib.ExitStack() as stack:
            for folder in folders:
                stack.enter_context(_folder_lock(folder))
            stack.enter_context(_held_signals())
            self._rename_all()
        for folder in folders:
            _fsync_dir(folder)

    def _rename_all(self) -> None:
        backups: dict[Path, Path | None] = {}
        done: list[Path] = []
        try:
            for _, target in self._pending:
                backup = None
                if target.is_file():
                    backup = temp_name(target)
                    try:
                        os.link(target, backup)  # the previous file, to put back if a later rename fails
                    except OSError:
                        backup = None
                backups[target] = backup
            for tmp, target in self._pending:
                os.replace(tmp, target)
                done.append(target)
        except BaseException:
            for target in reversed(done):
                with contextlib.suppress(OSError):
                    previous = backups.get(target)
                    if previous is not None:
                        os.replace(previous, target)
                        backups[target] = None
                    else:
                        target.unlink()
            self.abort()
            raise
        finally:
            for backup in backups.values():
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
        self._pending.clear()


def write_atomic(target: str | Path, data: bytes | str) -> Path:
    """Write one file all-or-previous (see :class:`AtomicFiles`); return its path."""
    target = Path(target)
    with AtomicFiles() as out:
        if isinstance(data, bytes):
            out.write_bytes(target, data)
        else:
            out.write_text(target, data)
    return target
