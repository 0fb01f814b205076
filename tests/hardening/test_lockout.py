"""Lockout after repeated failed sign-ins: per account and per address, with a growing
lock, audited, and lifted by time; a locked account's right password is refused too."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from client.session import Session, SessionError, Status
from server.config import Limits
from server.demo import DEMO_PASSWORD
from server.lockout import LockoutPolicy
from tests.integration.support import Office


async def _try(office: Office, user: str, password: str) -> SessionError | None:
    s = Session(office.url, username=user, password=password, reconnect=False)
    try:
        await s.connect()
    except SessionError as exc:
        return exc
    finally:
        await s.close()
    return None


def test_the_lock_doubles_up_to_a_ceiling() -> None:
    p = LockoutPolicy(account_free=3, base_s=10, max_s=60)
    assert [p.lock_for(n, 3) for n in range(1, 8)] == [0, 0, 0, 10, 20, 40, 60]


async def test_an_account_locks_after_repeated_failures_and_unlocks_in_time(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    limits = Limits(lockout_account_free=3, lockout_base_s=1.0, lockout_max_s=4.0)
    office = await start_office(limits=limits)
    for _ in range(3):
        failure = await _try(office, "yui", "wrong password!")
        assert failure is not None and failure.code == "bad_credentials"
    # The fourth failure locks the account...
    failure = await _try(office, "yui", "wrong password!")
    assert failure is not None and failure.code == "bad_credentials"
    # ...so even the right password is refused, with how long to wait.
    locked = await _try(office, "yui", DEMO_PASSWORD)
    assert locked is not None and locked.code == "locked_out"
    assert "try again in" in locked.message
    # Others are not affected.
    assert await _try(office, "haruto", DEMO_PASSWORD) is None
    entries = await office.server.store.audit_entries()
    assert any(e.actor == "account:yui" and e.action == "signin.lockout" for e in entries)

    await asyncio.sleep(1.2)
    assert await _try(office, "yui", DEMO_PASSWORD) is None
    # A success clears the count: three more mistakes are free again.
    for _ in range(3):
        failure = await _try(office, "yui", "wrong password!")
        assert failure is not None and failure.code == "bad_credentials"
    assert await _try(office, "yui", DEMO_PASSWORD) is None


async def test_one_address_guessing_many_accounts_is_locked_out(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    limits = Limits(lockout_account_free=50, lockout_address_free=4, lockout_base_s=30.0)
    office = await start_office(limits=limits)
    for user in ("yui", "haruto", "mei", "sota", "riku"):
        failure = await _try(office, user, "guess-guess-guess")
        assert failure is not None and failure.code == "bad_credentials"
    locked = await _try(office, "kenji", DEMO_PASSWORD)
    assert locked is not None and locked.code == "locked_out"
    entries = await office.server.store.audit_entries()
    assert any(e.actor == "address:127.0.0.1" for e in entries)


async def test_a_locked_out_session_stops_retrying(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    office = await start_office(limits=Limits(lockout_account_free=0, lockout_base_s=60.0))
    assert (await _try(office, "mei", "nope-nope-nope")) is not None
    s = Session(office.url, username="mei", password=DEMO_PASSWORD)
    with pytest.raises(SessionError) as refused:
        await s.connect()
    assert refused.value.code == "locked_out"
    assert s.status is Status.FAILED
