from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

ID = "2026-11-23T23:19:02:780667"
VERSION = "1.38.0"
DESCRIPTION = (
    "run sheet: hand-edited scripts, music and photo notes, recipients' titles, one live cue"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    # At most one live cue per event: a partial unique index (SQLite and PostgreSQL
    # both have them). Piccolo runs raw steps before column steps; this one uses
    # only columns that exist already. The engine is looked up when the step runs.
    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS cue_one_live ON cue (event) WHERE state = 'live'"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS cue_one_live")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)

    manager.add_column(
        table_class_name="Cue",
        tablename="cue",
        column_name="music",
        db_column_name="music",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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

    manager.add_column(
        table_class_name="Cue",
        tablename="cue",
        column_name="photo",
        db_column_name="photo",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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

    manager.add_column(
        table_class_name="Cue",
        tablename="cue",
        column_name="script_edited",
        db_column_name="script_edited",
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

    manager.add_column(
        table_class_name="AwardRecipient",
        tablename="award_recipient",
        column_name="organization",
        db_column_name="organization",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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

    manager.add_column(
        table_class_name="AwardRecipient",
        tablename="award_recipient",
        column_name="representative_name",
        db_column_name="representative_name",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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

    manager.add_column(
        table_class_name="AwardRecipient",
        tablename="award_recipient",
        column_name="title",
        db_column_name="title",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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
