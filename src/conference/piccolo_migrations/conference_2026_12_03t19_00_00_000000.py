"""Seats published: the invitation page and e-mail show a delegate's seat only once the
organizer publishes the seating (off by default)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the event's seats_published setting"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Event",
        tablename="event",
        column_name="seats_published",
        db_column_name="seats_published",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
