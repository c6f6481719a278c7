"""Configuration from the environment (the CONFERENCE_* variables of DESIGN.md)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from conference.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./conference.sqlite3"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed ``CONFERENCE_DATABASE_URL``: SQLite file or PostgreSQL DSN."""

    raw: str
    backend: str  # "sqlite" | "postgres"
    sqlite_path: Path | None = None

    @classmethod
    def parse(cls, raw: str) -> DatabaseURL:
        parts = urlsplit(raw)
        if parts.scheme == "sqlite":
            # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy writes them.
            path = raw[len("sqlite:///") :] if raw.startswith("sqlite:///") else ""
            if not path:
                raise ConfigurationError(
                    "CONFERENCE_DATABASE_URL: a SQLite URL needs a file path, "
                    "like sqlite:///./conference.sqlite3"
                )
            return cls(raw=raw, backend="sqlite", sqlite_path=Path(path))
        if parts.scheme in {"postgresql", "postgres"}:
            if not parts.hostname or not parts.path.strip("/"):
                raise ConfigurationError(
                    "CONFERENCE_DATABASE_URL: a PostgreSQL URL needs a host and a database, "
                    "like postgresql://user:pass@127.0.0.1:5432/conference"
                )
            try:
                parts.port  # noqa: B018 - validates the port number
            except ValueError as exc:
                raise ConfigurationError(
                    "CONFERENCE_DATABASE_URL: the port is not a number"
                ) from exc
            return cls(raw=raw, backend="postgres")
        raise ConfigurationError(
            "CONFERENCE_DATABASE_URL must start with sqlite:/// or postgresql:// (got %(url)r)",
            url=raw[:60],
        )


def served_base_url(host: str, port: int) -> str:
    """The address a server started on ``host``:``port`` answers on, for QR codes and
    e-mails when CONFERENCE_BASE_URL does not say (``conference serve``, ``make run``).

    A server listening on every interface is reached here at 127.0.0.1.
    """
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - a name for "every interface"
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


# A production secret key at least this long: it signs every session and CSRF token.
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    database: DatabaseURL
    secret_key: str
    base_url: str = DEFAULT_BASE_URL
    smtp_url: str | None = None
    mail_from: str = "hoinghi@localhost"
    mail_rate: float = 5.0  # messages per second; 0 sends as fast as the server takes them
    redis_url: str | None = None
    environment: str = "development"
    instance_dir: Path = field(default_factory=lambda: Path("instance"))
    outbox_dir: Path = field(default_factory=lambda: Path("outbox"))
    # The reverse proxies whose X-Forwarded-For is believed (none by default: then the
    # client address is the connection's, whatever a header says).
    # Networks as written by ipaddress ("127.0.0.1/32"): plain strings, so the settings
    # stay a type Litestar can inject.
    trusted_proxies: tuple[str, ...] = ()
    # Anonymous live streams (hall screens) a process serves, in all and from one address
    # (None: in all what the open-file limit allows; see conference.stream_caps).
    public_streams: int | None = None
    public_streams_per_address: int | None = None
    # How live updates reach the other server processes: "memory" (one process),
    # "redis" (CONFERENCE_REDIS_URL) or "postgres" (LISTEN/NOTIFY on the database).
    channels: str = "memory"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read the settings; raise ConfigurationError with one clear line when wrong."""
        env = dict(os.environ if environ is None else environ)
        environment = env.get("CONFERENCE_ENV", "development").strip() or "development"
        if environment not in {"development", "production", "test"}:
            raise ConfigurationError(
                "CONFERENCE_ENV must be development, production or test (got %(env)r)",
                env=environment,
            )
        database = DatabaseURL.parse(env.get("CONFERENCE_DATABASE_URL") or DEFAULT_DATABASE_URL)
        instance_dir = Path(env.get("CONFERENCE_INSTANCE_DIR") or "instance")
        secret_key = env.get("CONFERENCE_SECRET_KEY", "").strip()
        if not secret_key:
            if environment == "production":
                raise ConfigurationError(
                    "CONFERENCE_SECRET_KEY is required when CONFERENCE_ENV=production"
                )
            secret_key = _development_secret(instance_dir)
        if environment == "production" and len(secret_key.encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                "CONFERENCE_SECRET_KEY must be at least 32 bytes in production "
                "(for instance: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        base_url = (env.get("CONFERENCE_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if urlsplit(base_url).scheme not in {"http", "https"}:
            raise ConfigurationError(
                "CONFERENCE_BASE_URL must be an http:// or https:// address (got %(url)r)",
                url=base_url[:60],
            )
        try:
            mail_rate = float(env.get("CONFERENCE_MAIL_RATE") or 5)
        except ValueError:
            mail_rate = -1
        if mail_rate < 0:
            raise ConfigurationError(
                "CONFERENCE_MAIL_RATE must be a number of messages per second, 0 for no limit"
            )
        mail_from = (env.get("CONFERENCE_MAIL_FROM") or "hoinghi@localhost").strip()
        if "@" not in mail_from:
            raise ConfigurationError("CONFERENCE_MAIL_FROM must be an e-mail address")
        trusted_proxies = _networks(env.get("CONFERENCE_TRUSTED_PROXIES", ""))
        public_streams = _count(env, "CONFERENCE_PUBLIC_STREAMS")
        public_streams_per_address = _count(env, "CONFERENCE_PUBLIC_STREAMS_PER_ADDRESS")
        redis_url = env.get("CONFERENCE_REDIS_URL") or None
        channels = _channels(env.get("CONFERENCE_CHANNELS", ""), redis_url, database)
        return cls(
            database=database,
            secret_key=secret_key,
            base_url=base_url,
            smtp_url=env.get("CONFERENCE_SMTP_URL") or None,
            mail_from=mail_from,
            mail_rate=mail_rate,
            redis_url=redis_url,
            environment=environment,
            instance_dir=instance_dir,
            outbox_dir=Path(env.get("CONFERENCE_OUTBOX_DIR") or "outbox"),
            trusted_proxies=trusted_proxies,
            public_streams=public_streams,
            public_streams_per_address=public_streams_per_address,
            channels=channels,
        )


def _channels(raw: str, redis_url: str | None, database: DatabaseURL) -> str:
    """CONFERENCE_CHANNELS: by default Redis when it is configured, else this process only."""
    chosen = raw.strip().lower() or ("redis" if redis_url else "memory")
    if chosen not in {"memory", "redis", "postgres"}:
        raise ConfigurationError(
            "CONFERENCE_CHANNELS must be memory, redis or postgres (got %(value)r)",
            value=raw[:30],
        )
    if chosen == "redis" and not redis_url:
        raise ConfigurationError("CONFERENCE_CHANNELS=redis needs CONFERENCE_REDIS_URL")
    if chosen == "postgres" and database.backend != "postgres":
        raise ConfigurationError(
            "CONFERENCE_CHANNELS=postgres needs a PostgreSQL CONFERENCE_DATABASE_URL"
        )
    return chosen


def _count(env: dict[str, str], name: str) -> int | None:
    """A positive whole number from the environment, or None when unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise ConfigurationError("%(name)s must be a whole number above 0", name=name)
    return int(raw)


def _networks(raw: str) -> tuple[str, ...]:
    """CONFERENCE_TRUSTED_PROXIES: addresses or networks, separated by commas."""
    try:
        return tuple(
            str(ipaddress.ip_network(part.strip(), strict=False))
            for part in raw.split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise ConfigurationError(
            "CONFERENCE_TRUSTED_PROXIES must list IP addresses or networks separated by "
            "commas, like 127.0.0.1,10.0.0.0/8"
        ) from exc


def _development_secret(instance_dir: Path) -> str:
    """A secret generated once into the instance folder, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
