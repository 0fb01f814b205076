"""Password hashing with argon2id.

Parameters follow OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 25 ms per
check here, so a snow-day surge of 400 sign-ins fits in a few seconds on two cores.
Hashes made with other parameters still verify, and are upgraded on the next sign-in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# argon2-cffi releases the GIL, so a small pool keeps hashing off the event loop.
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")

# Verified against when the user does not exist, so timing does not reveal who exists.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def verify_password_async(
    password_hash: str | None, password: str, wanted: Callable[[], bool] | None = None
) -> bool:
    """Check a password off the event loop. `wanted` is asked when the check's turn comes
    (in a surge the queue is long): if the caller has gone, the hashing is skipped."""

    def check() -> bool:
        if wanted is not None and not wanted():
            return False
        return verify_password(password_hash, password)

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, check)


async def hash_password_async(password: str) -> str:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, hash_password, password)
