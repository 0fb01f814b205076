"""Onboarding and backup figures for admins: `user import` of N staff, and `backup`.

1. Import: the whole `yoriai-server user import` path (CSV check, initial passwords
   generated for 90%, argon2id with the server's real parameters on a thread pool of one
   thread per core, one transaction, the 0600 password file), against the baseline of
   hashing the same number of passwords one after another on one thread, in the same
   run. speedup = baseline seconds / import seconds.
2. Backup: `yoriai-server backup` of the resulting database (online backup API, fsync,
   integrity check of the copy, atomic rename), against a plain file copy of the same
   database in the same run. overhead_ratio = backup seconds / copy seconds.

    python bench/user_import.py [--users 4000] [--workers N]

Prints figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.backup import backup
from server.onboarding import generate_password, import_people, plan_import
from server.passwords import hash_password
from server.storage import Store
from tests.integration.test_user_import import staff_csv


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    n = args.users
    workers = args.workers or os.cpu_count() or 2
    print(f"{n} users, {workers} hashing threads, {os.cpu_count()} cores", flush=True)

    passwords = [generate_password() for _ in range(n)]
    started = time.perf_counter()
    for pw in passwords:
        hash_password(pw)
    baseline_s = time.perf_counter() - started
    print(f"baseline: {n} argon2id hashes on one thread: {baseline_s:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "staff.csv"
        csv_path.write_text(staff_csv(n), encoding="utf-8")
        started = time.perf_counter()
        store = await Store.open(folder / "office.db")
        try:
            plan = plan_import(csv_path.read_text(encoding="utf-8-sig"), str(csv_path), [])
            check_s = time.perf_counter() - started
            result = await import_people(
                store, plan, passwords_out=folder / "initial.csv", workers=workers
            )
        finally:
            await store.close()
        import_s = time.perf_counter() - started
        print(
            f"import: {result.imported} people ({result.generated} generated passwords)"
            f" in {import_s:.1f} s (file check {check_s * 1000:.0f} ms)"
            f"  speedup x{baseline_s / import_s:.2f}",
            flush=True,
        )

        db = folder / "office.db"
        copies, backups = [], []
        for i in range(5):
            started = time.perf_counter()
            shutil.copyfile(db, folder / f"copy{i}.db")
            copies.append(time.perf_counter() - started)
            started = time.perf_counter()
            made = backup(db, folder / f"backup{i}.db")
            backups.append(time.perf_counter() - started)
        copy_s, backup_s = min(copies), min(backups)
        print(
            f"backup: {made.size / 1e6:.2f} MB database with {made.people} people:"
            f" {backup_s * 1000:.0f} ms (plain copy {copy_s * 1000:.1f} ms,"
            f" x{backup_s / copy_s:.1f})",
            flush=True,
        )

    print(
        json.dumps(
            {
                "users": n,
                "workers": workers,
                "baseline_hash_s": round(baseline_s, 2),
                "import_s": round(import_s, 2),
                "speedup": round(baseline_s / import_s, 2),
                "per_user_ms": round(import_s / n * 1000, 2),
                "db_bytes": made.size,
                "backup_s": round(backup_s, 4),
                "copy_s": round(copy_s, 4),
                "backup_overhead_ratio": round(backup_s / copy_s, 2),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
