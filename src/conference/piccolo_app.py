"""Piccolo app configuration: one app, one migration history for every module."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from conference.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="conference",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)
