"""`yoriai-server`: run the presence server and administer its directory."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
import time
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

import msgspec

from rooms.captions import DAY, check_keep
from rooms.office import Rules, valid_ident
from rooms.people import Person, Role
from rooms.room import Access, Room
from rooms.site import DEFAULT_TIME_ZONE, Site, local_day, site_problems, zone
from rooms.telework import ReportName, to_csv
from server.config import DEFAULT_PORT, ServerConfig, default_db_path
from server.demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_ROOMS, DEMO_SITES
from server.passwords import MIN_PASSWORD_LENGTH, hash_password
from server.postgres import is_postgres_url
from server.reports import ReportError
from server.storage import RETENTION_KEY, StorageError, Store
from server.stores import open_store, report_reader

MAX_RETENTION_DAYS = 3650


class CliError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yoriai-server", description=__doc__)
    p.add_argument(
        "--db",
        default=None,
        help=f"SQLite database file (default: $YORIAI_DB or {default_db_path()}), or a"
        " PostgreSQL URL postgresql://user@host/db for many servers",
    )
    sub = p.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create (or upgrade) the database")
    init.add_argument("--demo", action="store_true", help="fill it with the demo office")

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate chain, to serve wss://")
    serve.add_argument("--tls-key", type=Path, help="PEM private key for --tls-cert")
    serve.add_argument("--log-level", default="INFO")
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
        default=Rules().reconnect_grace,
        help="seconds a dropped link keeps its room before the person goes offline",
    )
    serve.add_argument(
        "--lease",
        type=float,
        default=3.0,
        help="seconds before a dead leader is replaced (many servers)",
    )
    serve.add_argument(
        "--node-ttl",
        type=float,
        default=5.0,
        help="seconds before a dead server's people lose their link (many servers)",
    )
    serve.add_argument(
        "--time-zone",
        default=DEFAULT_TIME_ZONE,
        help="the office's clock for check-ins away from sites (IANA name)",
    )

    demo = sub.add_parser("demo", help="create the demo office if needed and serve it locally")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)

    user = sub.add_parser("user", help="manage people").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="add a person")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--team", default="")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.MEMBER.value)
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
    passwd = user.add_parser("passwd", help="set a person's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")
    for verb in ("disable", "enable"):
        user.add_parser(verb, help=f"{verb} a person's account").add_argument("username")
    user.add_parser("list", help="list people")

    room = sub.add_parser("room", help="manage rooms").add_subparsers(dest="action", required=True)
    radd = room.add_parser("add", help="add a room")
    radd.add_argument("id")
    radd.add_argument("--name", required=True)
    radd.add_argument("--capacity", type=int, default=10)
    radd.add_argument("--private", metavar="MEMBERS", help="comma-separated members")
    radd.add_argument("--locked", action="store_true")
    room.add_parser("remove", help="remove a room").add_argument("id")
    room.add_parser("list", help="list rooms")
    rcap = room.add_parser("captions", help="a room's transcript policy (saving, retention)")
    rcap.add_argument("id")
    rcap.add_argument("--saving", choices=["on", "off"], help="may participants save transcripts?")
    keep = rcap.add_mutually_exclusive_group()
    keep.add_argument("--keep-days", type=float, help="keep final captions this many days")
    keep.add_argument("--keep-seconds", type=int, help="keep final captions this many seconds")

    site = sub.add_parser("site", help="manage satellite sites").add_subparsers(
        dest="action", required=True
    )
    sadd = site.add_parser("add", help="add a site")
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
    return p


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


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


def main(argv: Sequence[str] | None = None) -> int:
    from server.app import run

    args = _parser().parse_args(argv)
    db: str = args.db or str(default_db_path())
    postgres = is_postgres_url(db)
    try:
        if args.command == "serve":
            logging.basicConfig(
                level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s"
            )
            # One line per connection drowns the log of a busy office.
            logging.getLogger("websockets").setLevel(logging.WARNING)
            if (args.tls_cert is None) != (args.tls_key is None):
                raise CliError("--tls-cert and --tls-key go together")
            try:
                zone(args.time_zone)
            except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                raise CliError(f"unknown time zone {args.time_zone!r}") from None
            if args.redis is not None and not postgres:
                raise CliError("--redis (many servers) needs a PostgreSQL --db URL")
            config = ServerConfig(
                host=args.host,
                port=args.port,
                db_path=Path(db) if not postgres else default_db_path(),
                database_url=db if postgres else None,
                redis_url=args.redis,
                node_id=args.node_id,
                lease_s=args.lease,
                node_ttl_s=args.node_ttl,
                tls_cert=args.tls_cert,
                tls_key=args.tls_key,
                rules=Rules(time_zone=args.time_zone, reconnect_grace=args.reconnect_grace),
            )
            asyncio.run(run(config))
            return 0
        if args.command == "demo":
            logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(message)s")
            logging.getLogger("websockets").setLevel(logging.WARNING)
            if postgres:
                raise CliError("the demo runs on SQLite: leave out --db or give a file")
            demo_db = Path(db)
            if args.db is None and "YORIAI_DB" not in os.environ:
                demo_db = demo_db.with_name("demo.db")
            asyncio.run(_demo(demo_db, args.port))
            return 0
        return asyncio.run(_admin(args, db))
    except CliError as exc:
        print(f"yoriai-server: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"yoriai-server: database error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _demo(db: Path, port: int) -> None:
    from server.app import YoriaiServer

    store = await Store.open(db)
    await create_demo(store)
    await store.close()
    server = await YoriaiServer.open(ServerConfig(port=port, db_path=db))
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
