"""Desk search by a substitute's name: the search key of a delegate with a substitute.

``delegate.search_key`` now ends with the folded name of the delegate's substitute
(``conference.invitations.substitutes.delegate_search_key``), so the desk finds the
person who comes on an invitation by the name they give, on both engines (SQLite's
trigram table follows the key through its trigger). Only delegates with a substitute
change; the key is the application's own function, so this step writes what every
later write writes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Serial, Text
from piccolo.engine import engine_finder
from piccolo.table import Table

from conference.text import search_key

ID = "2026-12-04T01:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "desk search by a substitute's name: search_key with the substitute"


class Delegate(Table, tablename="delegate", schema=None):
    id = Serial(primary_key=True)
    full_name = Text()
    organization = Text()
    position = Text()
    substitute_name = Text()
    search_key = Text()


async def _rewrite(*, with_substitute: bool) -> None:
    # The engine is looked up when the step runs (one process may migrate several).
    Delegate._meta.db = engine_finder()
    rows = await Delegate.select(
        Delegate.id,
        Delegate.full_name,
        Delegate.organization,
        Delegate.position,
        Delegate.substitute_name,
    ).where(Delegate.substitute_name != "")
    for row in rows:
        parts = [row["full_name"], row["organization"], row["position"]]
        if with_substitute:
            parts.append(row["substitute_name"])
        await Delegate.update({Delegate.search_key: search_key(*parts)}).where(
            Delegate.id == row["id"]
        )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def upgrade():
        await _rewrite(with_substitute=True)

    async def downgrade():
        await _rewrite(with_substitute=False)

    manager.add_raw(upgrade)
    manager.add_raw_backwards(downgrade)
    return manager
