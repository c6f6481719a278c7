"""Vietnamese collation: every delegate's ``name_sort_key`` computed again.

The key was the folded name, so "Thắng" (thang) came before "Thanh" and Đ among the
D's. ``conference.text.name_sort_key`` now writes a Vietnamese collation key (the
letters ă, â, đ, ê, ô, ơ, ư in their places, tones after letters) that still compares
by code point, so the ``delegate_search`` index and ``ORDER BY`` keep working on both
engines; the column and the index stay as they are, only the values change. The key
is the application's own function, so this step writes what every later write writes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Serial, Text
from piccolo.engine import engine_finder
from piccolo.table import Table

from conference.text import fold, name_sort_key

ID = "2026-12-03T19:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Vietnamese collation: name_sort_key computed again"

_BATCH = 500


class Delegate(Table, tablename="delegate", schema=None):
    id = Serial(primary_key=True)
    full_name = Text()
    name_sort_key = Text()


async def _rewrite(key) -> None:
    # The engine is looked up when the step runs (one process may migrate several).
    Delegate._meta.db = engine_finder()
    last = 0
    while True:
        rows = await (
            Delegate.select(Delegate.id, Delegate.full_name)
            .where(Delegate.id > last)
            .order_by(Delegate.id)
            .limit(_BATCH)
        )
        if not rows:
            return
        for row in rows:
            await Delegate.update({Delegate.name_sort_key: key(row["full_name"])}).where(
                Delegate.id == row["id"]
            )
        last = rows[-1]["id"]


def _folded_key(full_name: str) -> str:
    """The key before this migration: the folded given, middle and family name."""
    words = full_name.split(" ")
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    return fold(" ".join(words))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def upgrade():
        await _rewrite(name_sort_key)

    async def downgrade():
        await _rewrite(_folded_key)

    manager.add_raw(upgrade)
    manager.add_raw_backwards(downgrade)
    return manager
