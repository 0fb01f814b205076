"""Onboarding staff in bulk from a CSV file (`yoriai-server user import users.csv`).

The file is checked whole before anything is written: every bad row is reported with
its line number, and if there is one, nothing is imported. Then the passwords are
hashed on a thread pool (argon2-cffi releases the GIL, so the threads use every core)
and everyone is added in one transaction: a file is imported entirely or not at all.

People without a password in the file get a generated initial password, written to a
file only the admin can read (0600) for the admin to hand out; closed networks often
have no mail, so there are no e-mailed invitations.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rooms.office import valid_ident
from rooms.people import Person, Role
from server.passwords import MIN_PASSWORD_LENGTH, hash_password
from server.storage import Store

COLUMNS: Final = ("username", "display_name", "team", "role", "language", "password")
REQUIRED: Final = ("username", "display_name")
MAX_DISPLAY_NAME: Final = 100
MAX_TEAM: Final = 64
MAX_ROWS: Final = 100_000
DEFAULT_LANGUAGE: Final = "ja"
_LANGUAGE_TAG: Final = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Generated passwords avoid look-alikes (0/O, 1/l/I) so they can be read out or typed
# from a printed slip; 3 groups of 4 from 31 symbols is about 59 bits.
_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyz23456789"


class ImportRejected(Exception):
    """The file has problems; nothing was imported. `problems` lists each with its line."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"{source}: {len(problems)} {noun}; nothing was imported\n" + "\n".join(problems)
        )


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    person: Person
    password: str | None  # None: generate one


@dataclass(slots=True)
class ImportPlan:
    rows: list[Row]
    skipped: list[str] = field(default_factory=list)  # existing people left untouched

    @property
    def generated(self) -> int:
        return sum(r.password is None for r in self.rows)


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    skipped: int
    generated: int
    seconds: float


def generate_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def read_csv(path: Path, encoding: str = "utf-8-sig") -> str:
    """The file's text. Excel saves UTF-8 with a BOM, or Shift_JIS (`--encoding cp932`)."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise ImportRejected(str(path), ["no such file"]) from None
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            str(path),
            [
                f"not {encoding} text (byte {exc.start}); a file saved by Excel in Japanese"
                " is often Shift_JIS: try --encoding cp932"
            ],
        ) from None
    except LookupError:
        raise ImportRejected(str(path), [f"unknown encoding {encoding!r}"]) from None


def _check_row(cells: dict[str, str], line: int) -> tuple[Row | None, list[str]]:
    problems: list[str] = []

    def bad(message: str) -> None:
        problems.append(f"line {line}: {message}")

    username = cells.get("username", "").strip()
    if not username:
        bad("username is empty")
    elif not valid_ident(username):
        bad(f"username {username!r} must be 1-64 letters, digits, '-', '_' or '.'")
    display_name = cells.get("display_name", "").strip()
    if not display_name:
        bad("display_name is empty")
    elif len(display_name) > MAX_DISPLAY_NAME:
        bad(f"display_name is longer than {MAX_DISPLAY_NAME} characters")
    team = cells.get("team", "").strip()
    if len(team) > MAX_TEAM:
        bad(f"team is longer than {MAX_TEAM} characters")
    role_text = cells.get("role", "").strip().lower() or Role.MEMBER.value
    # Guests come by invitation link only: an account is never a guest.
    accounts = [r for r in Role if r is not Role.GUEST]
    role = next((r for r in accounts if r.value == role_text), Role.MEMBER)
    if role.value != role_text:
        bad(f"role {role_text!r} is not one of {', '.join(r.value for r in accounts)}")
    language = cells.get("language", "").strip() or DEFAULT_LANGUAGE
    if not _LANGUAGE_TAG.match(language):
        bad(f"language {language!r} is not a language tag such as ja, en or pt-BR")
    password = cells.get("password", "")
    if password and len(password) < MIN_PASSWORD_LENGTH:
        bad(f"password is shorter than {MIN_PASSWORD_LENGTH} characters")
    if problems:
        return None, problems
    person = Person(id=username, display_name=display_name, team=team, role=role, language=language)
    return Row(line, person, password or None), []


def plan_import(
    text: str, source: str, existing: Iterable[str], *, skip_existing: bool = False
) -> ImportPlan:
    """Check every row. Raises ImportRejected listing every problem, or returns the plan."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(source, ["the file is empty"]) from None
    problems: list[str] = []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(
            f"line 1: unknown column(s) {', '.join(map(repr, unknown))};"
            f" the columns are {', '.join(COLUMNS)}"
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if len(set(header)) != len(header):
        problems.append("line 1: a column appears twice")
    if problems:
        raise ImportRejected(source, problems)

    known = set(existing)
    first_line: dict[str, int] = {}
    plan = ImportPlan(rows=[])
    try:
        end = reader.line_num
        for cells in reader:
            # A row starts on the line after the last one ended (a quoted cell may span lines).
            line, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    f"line {line}: {len(cells)} cells where the header has {len(header)}"
                )
                continue
            row, row_problems = _check_row(dict(zip(header, cells, strict=True)), line)
            problems.extend(row_problems)
            if row is None:
                continue
            name = row.person.id
            if name in first_line:
                problems.append(
                    f"line {line}: username {name!r} is also on line {first_line[name]}"
                )
                continue
            first_line[name] = line
            if name in known:
                if skip_existing:
                    plan.skipped.append(name)
                else:
                    problems.append(
                        f"line {line}: username {name!r} exists already"
                        " (use --skip-existing to leave existing people as they are)"
                    )
                continue
            plan.rows.append(row)
            if len(plan.rows) > MAX_ROWS:
                raise ImportRejected(source, [f"more than {MAX_ROWS} people in one file"])
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: not valid CSV: {exc}")
    if problems:
        raise ImportRejected(source, problems)
    return plan


def hash_all(
    passwords: Sequence[str],
    *,
    hasher: Callable[[str], str] = hash_password,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Hash every password on a thread pool, in order, reporting progress as they finish."""
    workers = workers or os.cpu_count() or 2
    total = len(passwords)
    hashes: list[str] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import-argon2") as pool:
        for done, digest in enumerate(pool.map(hasher, passwords), start=1):
            hashes.append(digest)
            if progress is not None:
                progress(done, total)
    return hashes


def _open_secret_file(path: Path) -> int:
    """Create the initial-password file for writing, 0600, refusing to overwrite one."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ImportRejected(
            str(path), ["exists already; choose a new file for the initial passwords"]
        ) from None
    except OSError as exc:
        raise ImportRejected(str(path), [f"cannot create it: {exc.strerror}"]) from None


async def import_people(
    store: Store,
    plan: ImportPlan,
    *,
    passwords_out: Path | None = None,
    hasher: Callable[[str], str] = hash_password,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor: str = "yoriai-server",
) -> ImportResult:
    """Hash and add everyone in `plan` in one transaction; write generated passwords."""
    started = time.perf_counter()
    if plan.generated and passwords_out is None:
        raise ImportRejected(
            "import",
            [
                f"{plan.generated} people have no password in the file:"
                " give --passwords-out FILE to generate initial passwords"
            ],
        )
    fd = _open_secret_file(passwords_out) if plan.generated and passwords_out else None
    committed = False
    try:
        passwords = [r.password or generate_password() for r in plan.rows]
        hashes = await asyncio.to_thread(
            hash_all, passwords, hasher=hasher, workers=workers, progress=progress
        )
        if fd is not None:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["username", "display_name", "initial_password"])
            for row, password in zip(plan.rows, passwords, strict=True):
                if row.password is None:
                    writer.writerow([row.person.id, row.person.display_name, password])
            os.write(fd, out.getvalue().encode())
            os.fsync(fd)
        await store.add_people(
            (row.person, digest) for row, digest in zip(plan.rows, hashes, strict=True)
        )
        committed = True
        await store.audit(
            time.time(),
            actor,
            "user.import",
            f"{len(plan.rows)} people, {len(plan.skipped)} skipped",
        )
    finally:
        if fd is not None:
            os.close(fd)
            if not committed and passwords_out is not None:
                os.unlink(passwords_out)
    return ImportResult(
        len(plan.rows), len(plan.skipped), plan.generated, time.perf_counter() - started
    )
