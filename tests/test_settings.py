"""Configuration from the environment, and start-up refusing what is wrong with one line."""

import pytest

from conference.errors import ConfigurationError
from conference.settings import DatabaseURL, Settings


def test_defaults_to_a_sqlite_file_and_a_generated_secret(tmp_path):
    settings = Settings.from_env({"CONFERENCE_INSTANCE_DIR": str(tmp_path)})
    assert settings.database.backend == "sqlite"
    assert str(settings.database.sqlite_path) == "conference.sqlite3"
    assert len(settings.secret_key) > 40
    # Generated once: the next start reads the same key back, so sessions survive.
    assert (
        Settings.from_env({"CONFERENCE_INSTANCE_DIR": str(tmp_path)}).secret_key
        == settings.secret_key
    )
    assert settings.base_url == "http://127.0.0.1:8000"


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigurationError, match="CONFERENCE_SECRET_KEY is required"):
        Settings.from_env(
            {"CONFERENCE_ENV": "production", "CONFERENCE_INSTANCE_DIR": str(tmp_path)}
        )
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/x",
        "sqlite://",
        "postgresql://",
        "postgresql://host:notaport/db",
        "nonsense",
    ],
)
def test_a_malformed_database_url_is_refused(url):
    with pytest.raises(ConfigurationError, match="CONFERENCE_DATABASE_URL"):
        DatabaseURL.parse(url)


def test_postgres_and_sqlite_urls_are_understood():
    assert DatabaseURL.parse("postgresql://u:p@127.0.0.1:5432/conf").backend == "postgres"
    assert str(DatabaseURL.parse("sqlite:////var/lib/conf.db").sqlite_path) == "/var/lib/conf.db"


def test_base_url_loses_its_trailing_slash(tmp_path):
    env = {
        "CONFERENCE_BASE_URL": "https://hoinghi.example.vn/",
        "CONFERENCE_INSTANCE_DIR": str(tmp_path),
    }
    assert Settings.from_env(env).base_url == "https://hoinghi.example.vn"
