"""A migrated SQLite test database kept in var/test-db/, copied into each test process's
in-memory database before Django sets it up: the real migrations are applied once, not by
every pytest-xdist worker on every run (about two minutes a worker on CI's machine;
decision 0625).

The copy is named after a digest of every installed app's migration files, the settings
modules, SQLite's and Django's versions: a new or edited migration, ours or a library's,
makes a new copy, built by applying the migrations. The first process that needs a copy
builds it while the others wait for it. Django still runs ``migrate`` on the copy (it finds
nothing to apply) and its post-migrate steps. ``--create-db`` and ``--nomigrations`` leave
the copy alone, and PostgreSQL runs (CI's second pass) always apply the migrations."""

import fcntl
import hashlib
import importlib
import os
import sqlite3
from pathlib import Path

FOLDER_NAME = "test-db"


class MigratedTemplate:
    """The copy for the default database, when its tests run on in-memory SQLite."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / f"migrated-{migrations_digest()}.sqlite3"
        self._lock = None
        self._holder = None

    @classmethod
    def for_default_database(cls, config):
        """The template for this run, or None when the run must apply the migrations."""
        from django.conf import settings
        from django.db import connections

        if config.getvalue("create_db") or config.getvalue("nomigrations"):
            return None
        connection = connections["default"]
        if connection.vendor != "sqlite":
            return None
        if not connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
            return None
        return cls(Path(settings.BASE_DIR) / "var" / FOLDER_NAME)

    @staticmethod
    def memory_database_name() -> str:
        from django.db import connections

        return connections["default"].creation._get_test_db_name()

    def restore_or_claim(self) -> bool:
        """Copy the template into the in-memory test database and return True; or, when
        there is no template yet, hold the lock (until ``save``) and return False so that
        this process applies the migrations and saves the result."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.folder / ".lock", "w")  # noqa: SIM115 (held until save)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if not self.path.exists():
            return False
        try:
            source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            # Kept open until Django's own connection to the shared in-memory database is.
            self._holder = sqlite3.connect(self.memory_database_name(), uri=True)
            source.backup(self._holder)
            source.close()
        finally:
            self._release()
        return True

    def save(self, connection) -> None:
        """Write the freshly migrated test database as the template; remove older ones."""
        try:
            partial = self.path.with_suffix(f".{os.getpid()}.partial")
            target = sqlite3.connect(partial)
            connection.connection.backup(target)
            target.close()
            os.replace(partial, self.path)
            for older in self.folder.glob("migrated-*.sqlite3"):
                if older != self.path:
                    older.unlink(missing_ok=True)
        finally:
            self._release()

    def done(self) -> None:
        """Django's connection now keeps the in-memory database alive."""
        if self._holder is not None:
            self._holder.close()
            self._holder = None
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def migrations_digest() -> str:
    """A digest of what the migrations make: every installed app's migration files (the
    project's and the libraries'), the settings modules (data migrations read settings such
    as ``LANGUAGE_CODE``), and the versions of SQLite and Django applying them."""
    import sys

    import django
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"{sqlite3.sqlite_version} {django.__version__}".encode())
    settings_package = settings.SETTINGS_MODULE.rpartition(".")[0]
    for name, module in sorted(sys.modules.items()):
        if name.startswith(f"{settings_package}.") and getattr(module, "__file__", None):
            digest.update(Path(module.__file__).read_bytes())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        digest.update(f"{app.label}\n".encode())
        module_name, _explicit = MigrationLoader.migrations_module(app.label)
        if module_name is None:
            continue
        try:
            package = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for folder in getattr(package, "__path__", []):
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{app.label}/{path.name}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
