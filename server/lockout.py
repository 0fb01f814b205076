"""Lockout after repeated failed sign-ins, per account and per source address.

A few mistakes are free. After that each further failure locks the account (or the
address) for twice as long as the last time, up to a ceiling; a success clears the
account's count, and a quiet hour clears either. The counts live in the database, so
every server behind a load balancer sees the same ones and a restart forgets nothing.
While locked, the password is not even checked: no argon2 work for a guesser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server.storage import Store

FORGET_AFTER_S = 3600.0


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    account_free: int = 5  # failed sign-ins to one account before it locks
    address_free: int = 20  # failed sign-ins from one address before it locks
    base_s: float = 30.0  # the first lock
    max_s: float = 900.0  # the longest lock

    def lock_for(self, failures: int, free: int) -> float:
        if failures <= free:
            return 0.0
        return float(min(self.max_s, self.base_s * 2 ** (failures - free - 1)))


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()[:128]}"


def address_key(address: str | None) -> str | None:
    return None if not address else f"address:{address}"


class Lockout:
    def __init__(self, store: Store, policy: LockoutPolicy) -> None:
        self.store = store
        self.policy = policy

    async def locked_for(self, username: str, address: str | None, now: float) -> float:
        """Seconds until a sign-in may be tried again (0: now)."""
        keys = [k for k in (account_key(username), address_key(address)) if k]
        found = await self.store.sign_in_failures(keys)
        return max((until - now for _n, _last, until in found.values()), default=0.0)

    async def failed(
        self, username: str, address: str | None, now: float
    ) -> list[tuple[str, float]]:
        """Count a failure; returns the keys that became locked, with how long."""
        locked = []
        for key, free in (
            (account_key(username), self.policy.account_free),
            (address_key(address), self.policy.address_free),
        ):
            if key is None:
                continue
            n, last, _until = (await self.store.sign_in_failures([key])).get(key, (0, 0.0, 0.0))
            if now - last > FORGET_AFTER_S:
                n = 0
            n += 1
            wait = self.policy.lock_for(n, free)
            await self.store.record_sign_in_failure(key, n, now, now + wait if wait else 0.0)
            if wait:
                locked.append((key, wait))
        return locked

    async def succeeded(self, username: str) -> None:
        await self.store.clear_sign_in_failures(account_key(username))


def say_seconds(seconds: float) -> str:
    return f"{math.ceil(seconds)} s"
