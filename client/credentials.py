"""The session token, kept in the OS keyring, never in a file of ours.

Keyed by server URL and user name, so one person can use several offices. When the
machine has no keyring (a bare server, some CI), nothing is remembered and the app
asks for the password next time; it never falls back to writing the token elsewhere.
"""

from __future__ import annotations

import logging
from types import ModuleType

log = logging.getLogger("yoriai.credentials")

SERVICE = "yoriai"


def _keyring() -> ModuleType:
    # Imported on first use: loading keyring's backends costs a tenth of a second at
    # start-up, which a sign-in with a password does not need before the window shows.
    import keyring

    return keyring


def _errors() -> tuple[type[Exception], ...]:
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError)


def _key(server_url: str, user: str) -> str:
    return f"{user}@{server_url}"


def save_token(server_url: str, user: str, token: str) -> bool:
    """Remember the token. False when there is no keyring to keep it in."""
    try:
        _keyring().set_password(SERVICE, _key(server_url, user), token)
    except _errors() as exc:
        log.warning("the session is not remembered: no usable keyring (%s)", exc)
        return False
    return True


def load_token(server_url: str, user: str) -> str | None:
    try:
        token: str | None = _keyring().get_password(SERVICE, _key(server_url, user))
    except _errors() as exc:
        log.info("no keyring to read a saved session from (%s)", exc)
        return None
    return token


def delete_token(server_url: str, user: str) -> None:
    from keyring.errors import PasswordDeleteError

    try:
        _keyring().delete_password(SERVICE, _key(server_url, user))
    except PasswordDeleteError:
        pass  # nothing was saved
    except _errors() as exc:
        log.warning("could not remove the saved session: %s", exc)
