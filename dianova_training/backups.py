"""Whole-database backup and restore, for `make backup` and `make restore FILE=...`.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (connection settings passed through the
environment, so no password ever appears in a process list). SQLite: the SQLite online backup API
(``sqlite3.Connection.backup``), which copies a consistent snapshot even while the app is writing.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
EXTENSIONS = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def default_backup_path(*, using: str = DEFAULT_DB_ALIAS) -> Path:
    """BACKUP_DIR/dianova-<vendor>-<UTC time>.<pgdump|sqlite3>."""
    vendor = _vendor(using)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_DIR) / f"dianova-{vendor}-{stamp}{EXTENSIONS[vendor]}"


def _postgres(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL command-line tools."""
    _args, extra_env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra_env or {})}
    args = []
    for option, key in (("--username", "USER"), ("--host", "HOST"), ("--port", "PORT")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
        [program, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _kind(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`.")


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the whole database to ``path`` and return it.

    The file appears under its name only once complete (written aside, then renamed), and an
    existing file is never overwritten.
    """
    vendor = _vendor(using)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose another name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = connections[using]
    try:
        if vendor == "postgresql":
            args, env = _postgres(connection.settings_dict)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    *args,
                    connection.settings_dict["NAME"],
                ],
                env,
            )
        else:
            # Through Django's own connection, so an in-memory test database works too.
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _check_sqlite_backup(path: Path) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (status,) = source.execute("PRAGMA quick_check").fetchone()
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite backup: {error}") from None
    finally:
        source.close()
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}")
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is not a backup of this application.")


def backup_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the contents of the database with the backup at ``path``.

    PostgreSQL restores in one transaction (a failure changes nothing) and drops the objects of
    the backup before recreating them. SQLite copies the backup over the database page by page.
    Run ``manage.py migrate`` afterwards when the backup is older than the code.
    """
    vendor = _vendor(using)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    kind = _kind(path)
    if kind != vendor:
        raise BackupError(f"{path} is a {kind} backup; this site's database is {vendor}.")
    connection = connections[using]
    if vendor == "postgresql":
        args, env = _postgres(connection.settings_dict)
        try:  # a readable archive, checked before anything changes
            _run(["pg_restore", "--list", str(path)], env)
        except BackupError as error:
            raise BackupError(f"{path} is not a readable PostgreSQL backup: {error}") from None
        connection.close()  # hold no lock on what pg_restore replaces
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env,
        )
    else:
        _check_sqlite_backup(path)
        connection.ensure_connection()
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
            connection.close()
