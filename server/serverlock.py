"""One server per database: `serve` holds an advisory lock beside the database file.

`restore` takes the same lock, so it cannot swap a database out from under a running
server, and a second `serve` on the same file is refused instead of fighting the first.
The lock is `flock(2)` on `<db>.lock`: the kernel drops it when the process dies, so a
killed server never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process (a running server) holds the database's lock."""


def match_owner(path: Path) -> None:
    """Give a file root just made to whoever owns its folder (the service's user).

    Admins run commands as root; a database, lock or copy left owned by root in the
    service's state folder would stop the service (which runs as its own user) later.
    """
    if sys.platform != "win32" and os.geteuid() == 0:
        folder = path.parent.stat()
        if folder.st_uid != 0 or folder.st_gid != 0:
            os.chown(path, folder.st_uid, folder.st_gid)


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


@contextlib.contextmanager
def hold(db: Path, purpose: str = "serve") -> Iterator[None]:
    """Hold the database's lock for the duration, or raise DatabaseInUse at once."""
    if sys.platform == "win32":  # the server runs on Linux; Windows has no flock
        yield
        return
    import fcntl

    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    match_owner(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise DatabaseInUse(
                f"{db} is in use by {holder}: stop the server first (systemctl stop yoriai-server)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{purpose} pid {os.getpid()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
