"""`yoriai-server`: run the presence server and administer its directory."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import getpass
import logging
import os
import signal
import ssl
import sys
import time
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from rooms.captions import DAY, check_keep
from rooms.office import Rules, valid_ident
from rooms.people import Person, Role
from rooms.room import Access, Room
from rooms.site import DEFAULT_TIME_ZONE, Site, local_day, site_problems, zone
from rooms.telework import ReportName, to_csv
from server import backup as backups
from server import configfile, serverlock
from server.config import (
    DEFAULT_ENCODE_THREADS,
    DEFAULT_PORT,
    IceServerConfig,
    ServerConfig,
    VoiceSettings,
    default_db_path,
)
from server.configfile import LOG_LEVELS, ConfigError, FileSettings
from server.demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_ROOMS, DEMO_SITES
from server.onboarding import COLUMNS, ImportRejected, import_people, plan_import, read_csv
from server.passwords import MIN_PASSWORD_LENGTH, hash_password
from server.postgres import is_postgres_url
from server.reports import ReportError
from server.storage import RETENTION_KEY, StorageError, Store
from server.stores import open_store, report_reader

MAX_RETENTION_DAYS = 3650


class CliError(Exception):
    pass


def _common() -> argparse.ArgumentParser:
    # --config and --db are accepted before or after the command (`serve --config X`);
    # SUPPRESS keeps a command's parser from resetting what the top level already read.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="TOML configuration file (default: $YORIAI_CONFIG, else none)",
    )
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="SQLite database file (default: the config's db_path, $YORIAI_DB or"
        f" {default_db_path()}), or a PostgreSQL URL postgresql://user@host/db for many"
        " servers (default: the config's database_url)",
    )
    return common


_COMMON = _common()


def _cmd(sub: Any, name: str, **kw: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, parents=[_COMMON], **kw)
    return parser


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yoriai-server", description=__doc__, parents=[_COMMON])
    sub = p.add_subparsers(dest="command", required=True)

    init = _cmd(sub, "init", help="create (or upgrade) the database")
    init.add_argument("--demo", action="store_true", help="fill it with the demo office")

    serve = _cmd(sub, "serve", help="run the server")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate chain, to serve wss://")
    serve.add_argument("--tls-key", type=Path, help="PEM private key for --tls-cert")
    serve.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, help="default INFO")
    serve.add_argument(
        "--redis",
        metavar="URL",
        help="redis://host:port/0: run as one of many servers behind a load balancer"
        " (needs a PostgreSQL --db)",
    )
    serve.add_argument("--node-id", help="this server's name among many (default: unique)")
    serve.add_argument(
        "--reconnect-grace",
        type=float,
        help="seconds a dropped link keeps its room before the person goes offline"
        f" (default {Rules().reconnect_grace})",
    )
    serve.add_argument(
        "--lease",
        type=float,
        help="seconds before a dead leader is replaced (many servers; default 3)",
    )
    serve.add_argument(
        "--node-ttl",
        type=float,
        help="seconds before a dead server's people lose their link (many servers; default 5)",
    )
    serve.add_argument(
        "--time-zone",
        default=None,
        help="the office's clock for check-ins away from sites (IANA name; default Asia/Tokyo)",
    )
    _voice_options(serve)

    config = _cmd(sub, "config", help="check the configuration file").add_subparsers(
        dest="action", required=True
    )
    _cmd(config, "check", help="validate it and print the settings in force")

    demo = _cmd(sub, "demo", help="create the demo office if needed and serve it locally")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    _voice_options(demo)

    user = _cmd(sub, "user", help="manage people").add_subparsers(dest="action", required=True)
    add = _cmd(user, "add", help="add a person")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--team", default="")
    add.add_argument(
        "--role", choices=[r.value for r in Role if r is not Role.GUEST], default=Role.MEMBER.value
    )
    add.add_argument("--language", default="ja")
    add.add_argument("--tenant", default="", help="the employer, where one office serves several")
    add.add_argument("--manages", default="", help="further teams a manager looks after (a,b)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    uset = user.add_parser("set", help="change a person's name, team, employer or role")
    uset.add_argument("username")
    uset.add_argument("--name", help="display name")
    uset.add_argument("--team")
    uset.add_argument("--tenant")
    uset.add_argument("--role", choices=[r.value for r in Role])
    uset.add_argument("--language")
    uset.add_argument("--manages", help="further teams a manager looks after (a,b; '' for none)")
    passwd = _cmd(user, "passwd", help="set a person's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")
    for verb in ("disable", "enable"):
        _cmd(user, verb, help=f"{verb} a person's account").add_argument("username")
    _cmd(user, "list", help="list people")
    imp = _cmd(
        user,
        "import",
        help="add many people from a CSV file, all or none",
        description=f"Columns (header row): {', '.join(COLUMNS)}. username and display_name"
        " are required; role is member, manager or admin (default member); language"
        " defaults to ja; people without a password get a generated initial password,"
        " written to --passwords-out.",
    )
    imp.add_argument("csv", type=Path, help="the CSV file")
    imp.add_argument(
        "--passwords-out",
        type=Path,
        help="new file (0600) for the generated initial passwords of people without one",
    )
    imp.add_argument("--skip-existing", action="store_true", help="leave existing people alone")
    imp.add_argument("--encoding", default="utf-8-sig", help="e.g. cp932 for Shift_JIS")
    imp.add_argument("--dry-run", action="store_true", help="check the file, import nothing")
    imp.add_argument("--workers", type=int, help="hashing threads (default: one per core)")

    room = _cmd(sub, "room", help="manage rooms").add_subparsers(dest="action", required=True)
    radd = _cmd(room, "add", help="add a room")
    radd.add_argument("id")
    radd.add_argument("--name", required=True)
    radd.add_argument("--capacity", type=int, default=10)
    radd.add_argument("--private", metavar="MEMBERS", help="comma-separated members")
    radd.add_argument("--locked", action="store_true")
    _cmd(room, "remove", help="remove a room").add_argument("id")
    _cmd(room, "list", help="list rooms")
    rcap = _cmd(room, "captions", help="a room's transcript policy (saving, retention)")
    rcap.add_argument("id")
    rcap.add_argument("--saving", choices=["on", "off"], help="may participants save transcripts?")
    keep = rcap.add_mutually_exclusive_group()
    keep.add_argument("--keep-days", type=float, help="keep final captions this many days")
    keep.add_argument("--keep-seconds", type=int, help="keep final captions this many seconds")

    site = _cmd(sub, "site", help="manage satellite sites").add_subparsers(
        dest="action", required=True
    )
    sadd = _cmd(site, "add", help="add a site")
    sadd.add_argument("id")
    sadd.add_argument("--name", required=True)
    sadd.add_argument("--region", default="")
    sadd.add_argument("--seats", type=int, default=0)
    sadd.add_argument("--time-zone", default=DEFAULT_TIME_ZONE, help="IANA name, e.g. Asia/Tokyo")
    sadd.add_argument("--operator", default="", help="who runs the site")
    sadd.add_argument("--seat-names", default="", help="named hot desks: A1,A2,...")
    sadd.add_argument("--tenants", default="", help="employers served: a,b (default: everyone)")
    sadd.add_argument("--networks", default="", help="the site's address ranges: 192.0.2.0/24,...")
    sadd.add_argument("--closes", default="", help="closing time HH:MM; check-ins end then")
    site.add_parser("remove", help="remove a site").add_argument("id")
    site.add_parser("list", help="list sites")

    report = sub.add_parser("report", help="telework figures as CSV on stdout")
    report.add_argument("name", choices=[r.value for r in ReportName])
    report.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    report.add_argument("--core-day", help="telework-days: the core day (default: --from)")
    report.add_argument("--tenant", help="only this employer's people")
    report.add_argument("--team", help="only this team's people")

    retention = sub.add_parser("retention", help="how long check-in history is kept")
    retention.add_argument("days", nargs="?", type=int, help="set the period, in days")
    retention.add_argument("--default", action="store_true", help="go back to the default")
    purge = sub.add_parser("purge", help="delete history older than the retention period now")
    purge.add_argument("--dry-run", action="store_true", help="only say what would go")

    bak = _cmd(sub, "backup", help="copy the database safely, even while the server runs")
    bak.add_argument(
        "dest", help="a file, or a folder (existing, or ending in /) for a time-stamped file"
    )
    res = _cmd(sub, "restore", help="replace the database with a backup (server stopped)")
    res.add_argument("src", type=Path, help="a file made by backup")
    return p


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def _voice_options(p: argparse.ArgumentParser) -> None:
    v = p.add_argument_group("voice rooms and guests")
    v.add_argument(
        "--ice-server",
        action="append",
        default=[],
        metavar="URL[,URL...]",
        help="a STUN or TURN server for clients, e.g. turn:turn.example.jp:3478?transport=tcp"
        " (repeatable; see docs/admin/turn.md)",
    )
    v.add_argument("--turn-user", help="a static TURN user name (coturn `user=`)")
    v.add_argument("--turn-password-file", type=Path, help="a file holding its password")
    v.add_argument(
        "--turn-secret-file",
        type=Path,
        help="coturn's static-auth-secret, to give each person short-lived TURN credentials",
    )
    v.add_argument(
        "--media-address",
        action="append",
        default=None,
        metavar="IP",
        help="address the server offers for audio (repeatable; default: every interface"
        " but loopback). Give the address clients reach the server at.",
    )
    v.add_argument(
        "--encode-threads",
        type=int,
        default=DEFAULT_ENCODE_THREADS,
        metavar="N",
        help="threads that encode the rooms' audio beside the event loop (0: none)",
    )
    v.add_argument(
        "--public-url", help="how people reach this server, for invitation links (https://...)"
    )


def _voice_settings(args: argparse.Namespace) -> VoiceSettings:
    password = None
    if args.turn_password_file is not None:
        password = args.turn_password_file.read_text().strip()
    if (args.turn_user is None) != (password is None):
        raise CliError("--turn-user and --turn-password-file go together")
    secret = args.turn_secret_file.read_text().strip() if args.turn_secret_file else None
    servers = tuple(
        IceServerConfig(
            urls=tuple(u.strip() for u in spec.split(",") if u.strip()),
            username=args.turn_user if spec.startswith("turn") else None,
            credential=password if spec.startswith("turn") else None,
        )
        for spec in args.ice_server
    )
    for server in servers:
        for url in server.urls:
            if not url.startswith(("stun:", "stuns:", "turn:", "turns:")):
                raise CliError(f"not a STUN or TURN URL: {url}")
    addresses = tuple(args.media_address) if args.media_address else None
    if args.encode_threads < 0:
        raise CliError("--encode-threads cannot be negative")
    return VoiceSettings(
        ice_servers=servers,
        turn_secret=secret,
        media_addresses=addresses,
        encode_threads=args.encode_threads,
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise CliError("the passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CliError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _ident(value: str, what: str) -> str:
    if not valid_ident(value):
        raise CliError(f"a {what} id is 1-64 letters, digits, '-', '_' or '.'")
    return value


async def create_demo(store: Store) -> bool:
    """Fill an empty database with the demo office. False if it already has people."""
    if await store.people(include_disabled=True):
        return False
    digest = hash_password(DEMO_PASSWORD)
    await store.add_people((p, digest) for p in DEMO_PEOPLE)
    for room in DEMO_ROOMS:
        await store.save_room(room)
    for site in DEMO_SITES:
        await store.save_site(site)
    await store.audit(time.time(), "yoriai-server", "init.demo")
    return True


def print_demo_credentials(url: str) -> None:
    print(f"\nYoriai demo office at {url}")
    print(f"Every demo person's password is: {DEMO_PASSWORD}")
    for p in DEMO_PEOPLE:
        print(f"  {p.id:<8} {p.role.value:<8} {p.team:<8} {p.display_name}")


async def _admin(args: argparse.Namespace, db: str) -> int:
    store = await open_store(db)
    try:
        return await _admin_with(store, args)
    finally:
        await store.close()


async def _admin_with(store: Store, args: argparse.Namespace) -> int:
    now = time.time()
    if args.command == "init":
        print(f"database {store.path} at schema {await store.schema_version()}")
        if args.demo:
            if await create_demo(store):
                print_demo_credentials(f"ws://127.0.0.1:{DEFAULT_PORT}")
            else:
                print("the database already has people; the demo office was not added")
        return 0
    if args.command == "user":
        if args.action == "import":
            return await _import(store, args)
        if args.action == "list":
            for p in await store.people(include_disabled=True):
                creds = await store.credentials(p.id)
                state = " (disabled)" if creds and creds.disabled else ""
                print(f"{p.id}\t{p.role.value}\t{p.team}\t{p.language}\t{p.display_name}{state}")
            return 0
        if args.action == "add":
            person = Person(
                id=_ident(args.username, "user"),
                display_name=args.name,
                team=args.team,
                role=Role(args.role),
                language=args.language,
                tenant=args.tenant,
                manages=frozenset(_names(args.manages)),
            )
            if await store.credentials(person.id) is not None:
                raise CliError(f"{person.id} exists already")
            await store.add_person(person, hash_password(_read_password(args.password_stdin)))
        elif args.action == "set":
            creds = await store.credentials(args.username)
            if creds is None:
                raise CliError(f"no such user: {args.username}")
            changes = {
                k: v
                for k, v in {
                    "display_name": args.name,
                    "team": args.team,
                    "tenant": args.tenant,
                    "role": Role(args.role) if args.role else None,
                    "language": args.language,
                    "manages": None if args.manages is None else frozenset(_names(args.manages)),
                }.items()
                if v is not None
            }
            await store.update_person(msgspec.structs.replace(creds.person, **changes))
        elif args.action == "passwd":
            digest = hash_password(_read_password(args.password_stdin))
            if not await store.set_password(args.username, digest):
                raise CliError(f"no such user: {args.username}")
            await store.revoke_sessions_of(args.username)
        elif not await store.set_disabled(args.username, args.action == "disable"):
            raise CliError(f"no such user: {args.username}")
        await store.audit(now, "yoriai-server", f"user.{args.action}", args.username)
        print(f"{args.action}: {args.username}")
        return 0
    if args.command == "room":
        if args.action == "list":
            for r in await store.rooms():
                flags = [r.access.value] + (["locked"] if r.locked else [])
                if r.captions.saving:
                    flags.append("transcripts")
                if r.captions.keep_s:
                    flags.append(f"keeps-captions-{r.captions.keep_s}s")
                print(f"{r.id}\t{r.capacity}\t{','.join(flags)}\t{r.name}")
            return 0
        if args.action == "add":
            if not 1 <= args.capacity <= 500:
                raise CliError("capacity is 1-500")
            members = frozenset(m.strip() for m in (args.private or "").split(",") if m.strip())
            await store.save_room(
                Room(
                    id=_ident(args.id, "room"),
                    name=args.name,
                    capacity=args.capacity,
                    access=Access.PRIVATE if args.private is not None else Access.OPEN,
                    locked=args.locked,
                    members=members,
                )
            )
        elif args.action == "captions":
            await _room_captions(store, args)
        elif not await store.delete_room(args.id):
            raise CliError(f"no such room: {args.id}")
        await store.audit(now, "yoriai-server", f"room.{args.action}", args.id)
        print(f"room {args.action}: {args.id}")
        return 0
    if args.command == "site":
        if args.action == "list":
            for s in await store.sites():
                extra = [s.time_zone, f"closes {s.closes}" if s.closes else "", s.operator]
                extra += [f"tenants {','.join(sorted(s.tenants))}" if s.tenants else ""]
                extra += [f"networks {','.join(s.networks)}" if s.networks else ""]
                print(f"{s.id}\t{s.seats}\t{s.region}\t{s.name}\t" + "\t".join(extra).strip())
            return 0
        if args.action == "add":
            site = Site(
                id=_ident(args.id, "site"),
                name=args.name,
                region=args.region,
                seats=args.seats,
                time_zone=args.time_zone,
                operator=args.operator,
                seat_names=tuple(_names(args.seat_names)),
                tenants=frozenset(_names(args.tenants)),
                networks=tuple(_names(args.networks)),
                closes=args.closes,
            )
            problems = site_problems(site)
            if problems:
                raise CliError("; ".join(problems))
            await store.save_site(site)
        elif not await store.delete_site(args.id):
            raise CliError(f"no such site: {args.id}")
        await store.audit(now, "yoriai-server", f"site.{args.action}", args.id)
        print(f"site {args.action}: {args.id}")
        return 0
    if args.command == "report":
        return await _report(store, args)
    if args.command == "retention":
        return await _retention(store, args, now)
    if args.command == "purge":
        days = await store.retention_days()
        before = now - days * 86400
        before_day = local_day(before, DEFAULT_TIME_ZONE)
        if args.dry_run:
            n = await store.purgeable(before_day)
            print(f"would delete {n} check-ins older than {days} days")
            return 0
        counts = await store.purge(before, before_day)
        await store.audit(now, "yoriai-server", "retention.purge", str(counts))
        print(
            f"deleted {counts['checkins']} check-ins and {counts['rollcalls']} roll-calls"
            f" older than {days} days"
        )
        return 0
    raise CliError(f"unknown command {args.command}")


def _progress(done: int, total: int) -> None:
    # A terminal gets one updating line; a log gets a line per tenth.
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rhashing passwords: {done}/{total}", end=end, file=sys.stderr, flush=True)
    elif done == total or done % max(1, total // 10) == 0:
        print(f"hashing passwords: {done}/{total}", file=sys.stderr, flush=True)


async def _import(store: Store, args: argparse.Namespace) -> int:
    text = read_csv(args.csv, args.encoding)
    existing = [p.id for p in await store.people(include_disabled=True)]
    plan = plan_import(text, str(args.csv), existing, skip_existing=args.skip_existing)
    teams = sorted({r.person.team for r in plan.rows if r.person.team})
    summary = (
        f"{len(plan.rows)} people in {len(teams)} teams"
        f" ({plan.generated} with generated passwords), {len(plan.skipped)} existing skipped"
    )
    if args.dry_run:
        print(f"{args.csv} is fine: {summary}; nothing imported (--dry-run)")
        return 0
    if args.workers is not None and not 1 <= args.workers <= 256:
        raise CliError("--workers is 1-256")
    result = await import_people(
        store, plan, passwords_out=args.passwords_out, workers=args.workers, progress=_progress
    )
    print(f"imported {summary} in {result.seconds:.1f} s")
    if result.generated:
        print(f"initial passwords are in {args.passwords_out} (readable by you only)")
    return 0


async def _room_captions(store: Store, args: argparse.Namespace) -> None:
    room = next((r for r in await store.rooms() if r.id == args.id), None)
    if room is None:
        raise CliError(f"no such room: {args.id}")
    policy = room.captions
    if args.saving is not None:
        policy = msgspec.structs.replace(policy, saving=args.saving == "on")
    keep_s = args.keep_seconds
    if args.keep_days is not None:
        keep_s = round(args.keep_days * DAY)
    if keep_s is not None:
        try:
            check_keep(keep_s)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        policy = msgspec.structs.replace(policy, keep_s=keep_s)
    await store.save_room(msgspec.structs.replace(room, captions=policy))
    saving = "participants may save transcripts" if policy.saving else "no saving"
    kept = f"server keeps finals {policy.keep_s} s" if policy.keep_s else "server keeps none"
    print(f"{room.id}: {saving}; {kept}")


async def _report(store: Store, args: argparse.Namespace) -> int:
    people: list[str] | None = None
    if args.tenant is not None or args.team is not None:
        people = [
            p.id
            for p in await store.people(include_disabled=True)
            if (args.tenant is None or p.tenant == args.tenant)
            and (args.team is None or p.team == args.team)
        ]
    reader = report_reader(store)
    try:
        table = await reader.run_async(
            ReportName(args.name), args.start, args.end, people=people, core_day=args.core_day
        )
    except ReportError as exc:
        raise CliError(str(exc)) from None
    finally:
        reader.close()
    await store.audit(
        time.time(), "yoriai-server", "report.read", f"{args.name} {args.start}..{args.end}"
    )
    sys.stdout.write(to_csv(table))
    return 0


async def _retention(store: Store, args: argparse.Namespace, now: float) -> int:
    if args.default:
        await store.set_setting(RETENTION_KEY, None)
    elif args.days is not None:
        if not 1 <= args.days <= MAX_RETENTION_DAYS:
            raise CliError(f"the retention period is 1-{MAX_RETENTION_DAYS} days")
        await store.set_setting(RETENTION_KEY, str(args.days))
    if args.default or args.days is not None:
        await store.audit(now, "yoriai-server", "retention.set", str(args.days or "default"))
    days = await store.retention_days()
    print(f"check-in history is kept for {days} days (a running server purges hourly)")
    return 0


def _settings(args: argparse.Namespace) -> FileSettings | None:
    path: Path | None = getattr(args, "config", None)
    if path is None and os.environ.get("YORIAI_CONFIG"):
        path = Path(os.environ["YORIAI_CONFIG"])
    return configfile.load(path) if path is not None else None


def _db(args: argparse.Namespace, settings: FileSettings | None) -> str:
    """--db, else the config file's database_url or db_path, else $YORIAI_DB, else the
    per-user default. A PostgreSQL URL, or a SQLite file's path."""
    flag: str | None = getattr(args, "db", None)
    if flag is not None:
        return flag
    if settings is not None and settings.server.get("database_url"):
        return str(settings.server["database_url"])
    if settings is not None and "db_path" in settings.server:
        return str(settings.server["db_path"])
    return str(default_db_path())


def _db_flags(args: argparse.Namespace) -> dict[str, Any]:
    """--db as ServerConfig fields: a PostgreSQL URL or a SQLite file (None: not given)."""
    flag: str | None = getattr(args, "db", None)
    if flag is None:
        return {"db_path": None}
    if is_postgres_url(flag):
        return {"database_url": flag}
    return {"db_path": Path(flag)}


def _serve_config(args: argparse.Namespace, settings: FileSettings | None) -> ServerConfig:
    if (args.tls_cert is None) != (args.tls_key is None):
        raise CliError("--tls-cert and --tls-key go together")
    config = configfile.build(
        settings,
        host=args.host,
        port=args.port,
        **_db_flags(args),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        redis_url=args.redis,
        node_id=args.node_id,
        lease_s=args.lease,
        node_ttl_s=args.node_ttl,
    )
    try:
        config.ssl_context()  # a bad certificate is an error now, not at the first client
    except (OSError, ssl.SSLError) as exc:
        raise CliError(f"cannot load the TLS certificate {config.tls_cert}: {exc}") from None
    return config


def _log_level(args: argparse.Namespace, settings: FileSettings | None) -> str:
    return getattr(args, "log_level", None) or (settings and settings.log_level) or "INFO"


def _backup(args: argparse.Namespace, target: str) -> int:
    if is_postgres_url(target):
        # The backup copies and checks SQLite files; PostgreSQL has its own tools.
        raise CliError(
            f"{args.command} works on a SQLite database file; for PostgreSQL use"
            " pg_dump and pg_restore (docs/admin/scale-out.md)"
        )
    db = Path(target)
    started = time.perf_counter()
    if args.command == "backup":
        dest = Path(args.dest)
        if args.dest.endswith(("/", os.sep)):
            dest.mkdir(parents=True, exist_ok=True)
        made = backups.backup(db, dest)
        print(
            f"backed up {db} to {made.path}: schema {made.schema}, {made.people} people,"
            f" {made.rooms} rooms, {made.size} bytes in {time.perf_counter() - started:.2f} s"
        )
        return 0
    restored, kept = backups.restore(args.src, db)
    if kept is not None:
        print(f"the database that was there is kept as {kept}")
    print(
        f"restored {args.src} to {db}: schema {restored.schema}, {restored.people} people,"
        f" {restored.rooms} rooms"
    )
    return 0


async def _serve_until_stopped(config: ServerConfig) -> None:
    """Serve until SIGTERM (systemctl stop) or SIGINT, then close cleanly: clients get a
    1001 "going away" and reconnect, and the database is closed, its WAL checkpointed."""
    from server.app import run

    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
            loop.add_signal_handler(sig, task.cancel)
    try:
        await run(config)
    except asyncio.CancelledError:
        logging.getLogger("yoriai.server").info("stopped")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
        db = _db(args, settings)
        if args.command == "serve":
            config = _serve_config(args, settings)
            logging.basicConfig(
                level=_log_level(args, settings), format="%(asctime)s %(name)s %(message)s"
            )
            # One line per connection drowns the log of a busy office.
            logging.getLogger("websockets").setLevel(logging.WARNING)
            if args.time_zone is not None:
                try:
                    zone(args.time_zone)
                except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                    raise CliError(f"unknown time zone {args.time_zone!r}") from None
                config = dataclasses.replace(
                    config, rules=dataclasses.replace(config.rules, time_zone=args.time_zone)
                )
            if args.reconnect_grace is not None:
                config = dataclasses.replace(
                    config,
                    rules=dataclasses.replace(config.rules, reconnect_grace=args.reconnect_grace),
                )
            if config.redis_url is not None and config.database_url is None:
                raise CliError("--redis (many servers) needs a PostgreSQL --db URL")
            config = dataclasses.replace(
                config, voice=_voice_settings(args), public_url=args.public_url
            )
            # Many servers share one PostgreSQL database: the file lock is for SQLite.
            lock = (
                contextlib.nullcontext()
                if config.database_url is not None
                else serverlock.hold(config.db_path)
            )
            with lock:
                asyncio.run(_serve_until_stopped(config))
            return 0
        if args.command == "config":
            config = configfile.build(settings, **_db_flags(args))
            source = settings.path if settings else "no configuration file"
            print(f"# the settings in force ({source}; defaults where it is silent)")
            print(configfile.render(config, _log_level(args, settings)), end="")
            return 0
        if args.command == "demo":
            logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(message)s")
            logging.getLogger("websockets").setLevel(logging.WARNING)
            if is_postgres_url(db):
                raise CliError("the demo runs on SQLite: leave out --db or give a file")
            demo_db = Path(db)
            if (
                getattr(args, "db", None) is None
                and settings is None
                and "YORIAI_DB" not in os.environ
            ):
                demo_db = demo_db.with_name("demo.db")
            with serverlock.hold(demo_db):
                asyncio.run(_demo(demo_db, args.port, _voice_settings(args)))
            return 0
        if args.command in ("backup", "restore"):
            return _backup(args, db)
        return asyncio.run(_admin(args, db))
    except (CliError, ConfigError) as exc:
        print(f"yoriai-server: {exc}", file=sys.stderr)
        return 2
    except ImportRejected as exc:
        print(f"yoriai-server: {exc}", file=sys.stderr)
        return 3
    except (backups.BackupError, serverlock.DatabaseInUse) as exc:
        print(f"yoriai-server: {exc}", file=sys.stderr)
        return 1
    except StorageError as exc:
        print(f"yoriai-server: database error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _demo(db: Path, port: int, voice: VoiceSettings) -> None:
    from server.app import YoriaiServer

    store = await Store.open(db)
    await create_demo(store)
    await store.close()
    server = await YoriaiServer.open(ServerConfig(port=port, db_path=db, voice=voice))
    try:
        host, bound = await server.start()
        print_demo_credentials(f"ws://{host}:{bound}")
        print(f"\nDatabase: {db}")
        print(f"Health:   http://{host}:{bound}/healthz   Metrics: http://{host}:{bound}/metrics")
        print("Connect with the headless session, for example:")
        print(f"  python -m client.session ws://{host}:{bound} yui {DEMO_PASSWORD}")
        print("Press Ctrl+C to stop.", flush=True)
        await server.serve_forever()
    finally:
        await server.close()


if __name__ == "__main__":
    raise SystemExit(main())
