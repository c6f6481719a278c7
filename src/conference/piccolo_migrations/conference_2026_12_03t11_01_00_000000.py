"""Memberships, second step: one membership per account and event; the accounts already
there keep what they could do.

Before memberships every account reached every event and every organizer managed every
account: the organizers become department administrators, the desk and MC accounts
department-wide (the accounts of paired desk devices are left alone: they act for their
one event only). A raw step of its own, since Piccolo runs raw steps before table steps.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T11:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "membership_once; accounts before memberships keep every event"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def upgrade():
        engine = engine_finder()
        await engine.run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS membership_once ON membership ("user", event)'
        )
        await engine.run_ddl(
            'UPDATE app_user SET every_event = TRUE WHERE id NOT IN (SELECT "user" FROM desk_device)'
        )
        await engine.run_ddl(
            "UPDATE app_user SET administrator = TRUE WHERE role = 'organizer' "
            'AND id NOT IN (SELECT "user" FROM desk_device)'
        )

    async def downgrade():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS membership_once")

    manager.add_raw(upgrade)
    manager.add_raw_backwards(downgrade)
    return manager
