"""The `conference` command: set up the database, load the demo, serve, manage accounts."""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from conference import database
from conference.actors import EventRow
from conference.command_language import TranslatedGroup, command_locale
from conference.errors import N_, DomainError, NotFound
from conference.failures import database_failure
from conference.i18n import gettext, set_locale, translate_error
from conference.settings import Settings, served_base_url
from conference.tables import Role

T = TypeVar("T")
PRIVATE_UMASK = 0o077


def fail(message: str) -> NoReturn:
    """One line on stderr and a non-zero exit: how every user error ends."""
    click.echo(f"conference: {message}", err=True)
    sys.exit(1)


def run(work: Callable[[Settings], Awaitable[T]]) -> T:
    """Configure from the environment, open the database, run ``work``; errors as one line."""
    set_locale(command_locale())
    try:
        settings = Settings.from_env()
        engine = database.configure(settings)
    except DomainError as error:
        fail(translate_error(error))
    except Exception as error:
        fail(database_failure(error) or str(error))

    async def main() -> T:
        await database.open_pool(engine)
        try:
            return await work(settings)
        finally:
            await database.close_pool(engine)

    try:
        with warnings.catch_warnings():
            # Piccolo warns on stderr when it cannot connect; the one line below says it.
            warnings.simplefilter("ignore")
            return asyncio.run(main())
    except DomainError as error:
        fail(translate_error(error))
    except Exception as error:
        reason = database_failure(error)
        if reason is None:
            raise
        fail(reason)


@click.group(
    cls=TranslatedGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("Event management for official conferences: invitations, check-in, programme, awards."),
)
@click.version_option(package_name="conference")
def main() -> None:
    # Whatever this process writes (the SQLite database and its WAL, the outbox's e-mails,
    # backups) holds delegates' contacts and tokens: readable by the server's user only.
    os.umask(PRIVATE_UMASK)


async def event_or_fail(slug: str) -> EventRow:
    """The event with this slug, or one line and exit 1."""
    from conference.events import get_event

    try:
        return await get_event(slug)
    except NotFound:
        fail(gettext(N_("No event has the slug %(slug)s."), slug=slug))


@main.command(help=N_("Migrate the database (idempotent)."))
def init() -> None:
    async def work(settings: Settings) -> None:
        applied = await database.migrate()
        if applied:
            click.echo(
                gettext(
                    N_("Applied %(count)s migrations: %(names)s"),
                    count=len(applied),
                    names=", ".join(applied),
                )
            )
        else:
            click.echo(gettext(N_("The database is up to date.")))

    run(work)


@main.command(help=N_("Copy the whole database to FILE (a new file) while the server runs."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    from conference import backups

    async def work(settings: Settings) -> None:
        made = await backups.backup(settings.database, file)
        click.echo(
            gettext(
                N_("Backup written: %(file)s (%(size)s bytes, readable by this user only)."),
                file=str(made.path),
                size=made.size,
            )
        )

    run(work)


@main.command(help=N_("Load a backup made by `conference backup` into an empty database."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help=N_("Replace a database that is not empty."))
def restore(file: Path, replace: bool) -> None:
    from conference import backups

    async def work(settings: Settings) -> None:
        await backups.restore(settings.database, file, replace=replace)
        click.echo(gettext(N_("Restored from %(file)s."), file=str(file)))

    run(work)


@main.command(
    help=N_("Load the seed conference (slug nguoi-tot-viec-tot-2022) and one account per role."),
)
@click.option("--reset", is_flag=True, help=N_("Delete the demo event and load it again."))
def demo(reset: bool) -> None:
    from conference import demo as demo_loader

    async def work(settings: Settings) -> None:
        if settings.production:
            fail(
                gettext(
                    N_(
                        "The demo has known passwords and is refused when "
                        "CONFERENCE_ENV=production."
                    )
                )
            )
        await database.migrate()
        summary = await demo_loader.load(reset=reset)
        click.echo(summary.describe())

    run(work)


@main.command(
    help=N_("Run the web server (migrates the database at start-up); PORT sets the port too."),
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", default=8000, show_default=True, envvar="PORT", type=click.IntRange(1, 65535)
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help=N_("Server processes (PostgreSQL only above 1)."),
)
@click.option(
    "--certfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("TLS certificate (PEM), for https:// on the venue's network."),
)
@click.option(
    "--keyfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("The certificate's private key (PEM)."),
)
def serve(host: str, port: int, workers: int, certfile: Path | None, keyfile: Path | None) -> None:
    import uvicorn

    from conference import logs, startup

    set_locale(command_locale())
    # QR codes and e-mails carry the address this server answers on unless told otherwise
    # (read again by the application factory, in this process and in any worker).
    if (certfile is None) != (keyfile is None):
        fail(gettext(N_("--certfile and --keyfile go together: give both, or neither.")))
    if not os.environ.get("CONFERENCE_BASE_URL"):
        base = served_base_url(host, port)
        os.environ["CONFERENCE_BASE_URL"] = (
            base.replace("http://", "https://", 1) if certfile else base
        )
    try:
        settings = Settings.from_env()
    except DomainError as error:
        fail(translate_error(error))
    if workers > 1:
        if settings.database.backend != "postgres":
            fail(
                gettext(
                    N_(
                        "--workers above 1 needs PostgreSQL: SQLite takes one writer at a "
                        "time, so one process serves it best."
                    )
                )
            )
        # The workers' live updates cross processes (Redis when configured, else
        # PostgreSQL's LISTEN/NOTIFY); migrations and the sweep run here, once.
        if settings.channels == "memory":
            os.environ["CONFERENCE_CHANNELS"] = "postgres"

        async def once(_: Settings) -> None:
            await startup.start_up_once()

        run(once)
        startup.tell_workers()
    # The application reads X-Forwarded-For itself, from CONFERENCE_TRUSTED_PROXIES only:
    # uvicorn's own reading would believe any loopback client.
    log_format = os.environ.get("CONFERENCE_LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in {"text", "json"}:
        fail(gettext(N_("CONFERENCE_LOG_FORMAT must be text or json.")))
    uvicorn.run(
        "conference.app:create_app",
        factory=True,
        log_config=logs.uvicorn_log_config(json_lines=log_format == "json"),
        host=host,
        port=port,
        proxy_headers=False,
        workers=workers if workers > 1 else None,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        timeout_graceful_shutdown=8,
    )


@main.group(help=N_("Manage accounts."))
def user() -> None:
    """The `user` commands."""


@user.command("add", help=N_("Create the account NAME."))
@click.argument("name")
@click.option(
    "--role",
    required=True,
    metavar="|".join(role.value for role in Role),
    help=N_("What they may do."),
)
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="SLUG",
    help=N_(
        "An event the account is a member of (repeatable). An organizer without one "
        "is a department administrator; a desk or MC account without one reaches every event."
    ),
)
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard input."))
@click.option("--display-name", default="", help=N_("The person's name, as shown in pages."))
def user_add(
    name: str, role: str, events: tuple[str, ...], password_stdin: bool, display_name: str
) -> None:
    from conference import auth

    if role not in {r.value for r in Role}:
        fail(
            gettext(
                N_("Unknown role %(role)s: choose %(roles)s."),
                role=role,
                roles=", ".join(r.value for r in Role),
            )
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt(gettext(N_("Password")), hide_input=True, confirmation_prompt=True)
    else:
        fail(
            gettext(
                N_("No terminal to ask for the password: pass --password-stdin and pipe it in.")
            )
        )

    async def work(settings: Settings) -> None:
        await database.migrate()
        event_ids = [(await event_or_fail(slug))["id"] for slug in events] if events else None
        created = await auth.create_user(
            name, password, Role(role), display_name=display_name, events=event_ids
        )
        click.echo(
            gettext(
                N_("Created the %(role)s account %(username)s."),
                role=created.role.value,
                username=created.username,
            )
        )
        if event_ids is not None:
            click.echo(gettext(N_("Member of: %(events)s."), events=", ".join(events)))
        elif created.administrator:
            click.echo(gettext(N_("A department administrator: every event, every account.")))
        else:
            click.echo(
                gettext(
                    N_(
                        "Department-wide: reaches every event; --event SLUG restricts an "
                        "account to its events."
                    )
                )
            )

    run(work)


@main.group(help=N_("Manage API tokens."))
def token() -> None:
    """The `token` commands."""


@token.command("create", help=N_("Print a new API token for the account NAME."))
@click.argument("name")
@click.option("--label", default="", help=N_("What the token is for (a desk, a script)."))
@click.option(
    "--expires-days",
    type=click.IntRange(min=1),
    default=None,
    help=N_("Days the token works (default: until revoked)."),
)
def token_create(name: str, label: str, expires_days: int | None) -> None:
    from conference import auth

    async def work(settings: Settings) -> str:
        return await auth.create_token(name, label, expires_days=expires_days)

    click.echo(run(work))


@token.command(
    "list",
    help=N_(
        "List the API tokens (of the account NAME): id, account, name, created, last "
        "used, expiry, state."
    ),
)
@click.argument("name", required=False)
def token_list(name: str | None) -> None:
    from conference import auth
    from conference.tables import User

    async def work(settings: Settings) -> list[dict[str, object]]:
        user_ids = None
        if name is not None:
            row = await User.select(User.id).where(User.username == name.strip().lower()).first()
            if row is None:
                fail(gettext(N_("No account named %(name)s."), name=name))
            user_ids = [row["id"]]
        return await auth.list_tokens(user_ids)

    def when(value: object) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "-"

    rows = run(work)
    for row in rows:
        if row["working"]:
            state = gettext(N_("active"))
        elif row["revoked_at"] is not None:
            state = gettext(N_("revoked"))
        else:
            state = gettext(N_("expired"))
        click.echo(
            "\t".join(
                [
                    str(row["id"]),
                    str(row["username"]),
                    str(row["name"]),
                    when(row["created_at"]),
                    when(row["last_used_at"]),
                    when(row["expires_at"]),
                    state,
                ]
            )
        )


@token.command("revoke", help=N_("Revoke the API token ID (see `conference token list`)."))
@click.argument("token_id", metavar="ID", type=click.IntRange(min=1, max=2**31 - 1))
def token_revoke(token_id: int) -> None:
    from conference import auth

    async def work(settings: Settings) -> None:
        await auth.revoke_token(token_id)

    run(work)
    click.echo(gettext(N_("Token %(id)s revoked."), id=token_id))


@main.group(help=N_("Create events; carry one to another installation and back."))
def event() -> None:
    """The `event` commands."""


@event.command(
    "create",
    help=N_("Create the event SLUG (its organizers are added with `user add --event SLUG`)."),
)
@click.argument("slug")
@click.option("--title", required=True, help=N_("The event's title."))
@click.option(
    "--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help=N_("YYYY-MM-DD")
)
@click.option(
    "--copy-from",
    "copy_from",
    default=None,
    metavar="SLUG",
    help=N_("Copy the settings, programme, award forms and hall of this event (never its people)."),
)
def event_create(slug: str, title: str, day: object, copy_from: str | None) -> None:
    from conference import seating
    from conference.events import create_event_copy

    async def copy_hall(source_id: int, new_id: int) -> None:
        await seating.copy_hall(source_id, new_id, if_any=True)

    async def work(settings: Settings) -> None:
        await database.migrate()
        source = await event_or_fail(copy_from) if copy_from else None
        created = await create_event_copy(
            slug,
            title,
            day.date(),  # type: ignore[attr-defined]
            source,
            copy_also=[copy_hall],
        )
        click.echo(gettext(N_("Created event %(slug)s."), slug=created["slug"]))

    run(work)


@event.command(
    "export",
    help=N_(
        "Write the event SLUG whole to FILE (a new file), to carry it to another installation."
    ),
)
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def event_export(slug: str, file: Path) -> None:
    from conference.transfer import export_event

    async def work(settings: Settings) -> None:
        found = await event_or_fail(slug)
        made = await export_event(found["id"], file)
        click.echo(
            gettext(
                N_(
                    "Event %(slug)s exported to %(file)s (%(delegates)s delegates, %(size)s "
                    "bytes, readable by this user only: it holds the invitation tokens)."
                ),
                slug=slug,
                file=str(made.path),
                delegates=made.delegates,
                size=made.size,
            )
        )

    run(work)


@event.command(
    "import", help=N_("Load the event exported to FILE, or merge it into the same event here.")
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def event_import(file: Path) -> None:
    from conference.transfer import import_event

    async def work(settings: Settings) -> None:
        await database.migrate()
        done = await import_event(file)
        if done.unchanged:
            click.echo(
                gettext(
                    N_("%(file)s holds nothing this installation lacks: nothing changed."),
                    file=str(file),
                )
            )
            return
        summary = (
            N_(
                "Event %(slug)s created: %(added)s rows added, %(updated)s updated, "
                "%(arrivals)s arrivals brought in."
            )
            if done.created
            else N_(
                "Event %(slug)s merged: %(added)s rows added, %(updated)s updated, "
                "%(arrivals)s arrivals brought in."
            )
        )
        click.echo(
            gettext(
                summary,
                slug=done.slug,
                added=done.added,
                updated=done.updated,
                arrivals=done.arrivals,
            )
        )
        if done.accounts_added:
            click.echo(
                gettext(
                    N_(
                        "Accounts added without a password, disabled until an administrator "
                        "here sets one: %(names)s."
                    ),
                    names=", ".join(done.accounts_added),
                )
            )
        if done.deleted:
            click.echo(
                gettext(
                    N_("%(deleted)s rows deleted on the other installation were deleted here."),
                    deleted=done.deleted,
                )
            )
        for notice in done.notices:
            click.echo(
                gettext(
                    notice.message,
                    **{
                        key: gettext(value) if key.endswith("kind") and value else value
                        for key, value in notice.params.items()
                    },
                )
            )

    run(work)


@main.group(help=N_("Manage an event's delegate list."))
def delegates() -> None:
    """The `delegates` commands."""


@delegates.command(
    "import",
    help=N_(
        "Import the delegates of the event SLUG from FILE: CSV (UTF-8) or XLSX.\n\nRows "
        "match existing delegates by code, else by e-mail. A file with any bad row "
        "imports nothing: the bad rows are listed, with their row numbers."
    ),
)
@click.argument("slug")
@click.argument("file", type=click.Path())
@click.option(
    "--dry-run", is_flag=True, help=N_("Check the file and show what would change; write nothing.")
)
def delegates_import(slug: str, file: str, dry_run: bool) -> None:
    from pathlib import Path

    from conference.imports import BAD_ROWS, imported_message, plan_report
    from conference.invitations import apply_import, plan_import
    from conference.spreadsheets import read_file

    async def work(settings: Settings) -> None:
        await database.migrate()
        event = await event_or_fail(slug)
        path = Path(file)
        plan = await plan_import(event["id"], path.name, read_file(path))
        # The report (warnings and bad rows too) goes to stdout: stderr keeps its one
        # line for the failure.
        for line in plan_report(plan):
            click.echo(line)
        if not plan.ok:
            fail(gettext(BAD_ROWS, count=len(plan.bad_rows)))
        if dry_run:
            click.echo(gettext(N_("Dry run: nothing was written.")))
            return
        result = await apply_import(event["id"], plan)
        click.echo(imported_message(result))

    run(work)


@main.group(help=N_("Manage an event's award list."))
def awards() -> None:
    """The `awards` commands."""


@awards.command(
    "import",
    help=N_(
        "Import the award recipients of the event SLUG from FILE: CSV (UTF-8) or "
        "XLSX.\n\nThe web import's rules: each row names its award form (\"Hình thức "
        'khen thưởng", else --award-form), a recipient already listed for that form is '
        "updated, and a file with any bad row imports nothing: the bad rows are listed, "
        "with their numbers."
    ),
)
@click.argument("slug")
@click.argument("file", type=click.Path())
@click.option(
    "--dry-run", is_flag=True, help=N_("Check the file and show what would change; write nothing.")
)
@click.option(
    "--award-form",
    default="",
    help=N_("The award form (its title or decision number) of the rows that name none."),
)
def awards_import(slug: str, file: str, dry_run: bool, award_form: str) -> None:
    from pathlib import Path

    from conference.imports import BAD_ROWS, imported_message, plan_report
    from conference.program.awards import apply_import, form_by_label, plan_import
    from conference.spreadsheets import read_file

    async def work(settings: Settings) -> None:
        await database.migrate()
        event = await event_or_fail(slug)
        form_id = await form_by_label(event["id"], award_form) if award_form else None
        path = Path(file)
        plan = await plan_import(event["id"], path.name, read_file(path), default_form_id=form_id)
        # The report goes to stdout: stderr keeps its one line for the failure.
        for line in plan_report(plan):
            click.echo(line)
        if not plan.ok:
            fail(gettext(BAD_ROWS, count=len(plan.bad_rows)))
        if dry_run:
            click.echo(gettext(N_("Dry run: nothing was written.")))
            return
        result = await apply_import(event["id"], plan)
        click.echo(imported_message(result))

    run(work)


# The send command's lines, marked for the catalog.
NO_EMAIL = N_("%(count)s delegates have no e-mail: print their invitations or send their links.")
STOPPED = N_("the mail server stopped the run (%(reason)s); run the command again to continue")


@main.group(help=N_("Send the invitations of an event."))
def invitations() -> None:
    """The `invitations` commands."""


@invitations.command(
    "send",
    help=N_(
        "E-mail the invitations of the event SLUG, with a progress bar.\n\nEach delegate "
        "is sent their current invitation once: running the command again sends only to "
        "those not sent yet (those added, given a new invitation, or whose message "
        "failed), and an interrupted run is finished without a second message to anyone. "
        "--again sends everyone their invitation once more, on purpose. Without "
        "CONFERENCE_SMTP_URL the messages are written as .eml files to ./outbox/."
    ),
)
@click.argument("slug")
@click.option(
    "--only-unsent",
    is_flag=True,
    help=N_(
        "Only delegates not yet sent their current invitation, and those that failed "
        "(what a plain run does; kept for scripts)."
    ),
)
@click.option(
    "--again",
    is_flag=True,
    help=N_("Send everyone their invitation again, also those already sent (asks first)."),
)
@click.option("--yes", is_flag=True, help=N_("With --again: do not ask."))
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=None,
    help=N_("Messages a second (0: no limit)."),
)
def invitations_send(
    slug: str, only_unsent: bool, again: bool, yes: bool, rate: float | None
) -> None:
    if again and only_unsent:
        fail(gettext(N_("--again and --only-unsent cannot be used together")))
    if again and not yes:
        click.confirm(
            gettext(N_("Send the invitation again to everyone, also to those already sent?")),
            abort=True,
        )
    from email.headerregistry import Address

    # Not through conference.invitations: a letter carries the programme, and the
    # programme reads check-in, which uses invitations (the package would import itself).
    from conference.invitations.mail import make_mailer
    from conference.invitations.sending import outbox_status, queue_invitations, send_pending

    async def work(settings: Settings) -> None:
        await database.migrate()
        event = await event_or_fail(slug)
        mailer = make_mailer(settings.smtp_url, settings.outbox_dir)
        # Without --again nobody already sent their current invitation is sent it again.
        queued = await queue_invitations(event["id"], only_unsent=not again)
        status = await outbox_status(event["id"])
        if status.without_email:
            click.echo(
                gettext(
                    NO_EMAIL,
                    count=status.without_email,
                )
            )
        if queued == 0:
            click.echo(gettext(N_("Nothing to send: every invitation has been sent.")))
            return
        with click.progressbar(length=queued, label=gettext(N_("Sending"))) as bar:
            result = await send_pending(
                event["id"],
                mailer,
                base_url=settings.base_url,
                sender=Address(addr_spec=settings.mail_from),
                rate=settings.mail_rate if rate is None else rate,
                on_progress=lambda sent, failed: bar.update(1),
            )
        click.echo(
            gettext(
                N_("Sent: %(sent)s; failed: %(failed)s."), sent=result.sent, failed=result.failed
            )
        )
        if not settings.smtp_url:
            click.echo(
                gettext(N_("Written as .eml files to %(dir)s."), dir=str(settings.outbox_dir))
            )
        if result.uncertain:
            click.echo(
                gettext(
                    N_(
                        "%(count)s messages were being sent when an earlier run stopped; "
                        "they were sent again, and those people may have them twice."
                    ),
                    count=result.uncertain,
                )
            )
        if result.stopped_by:
            fail(
                gettext(
                    STOPPED,
                    reason=result.stopped_by,
                )
            )
        if result.failed:
            fail(
                gettext(
                    N_("%(count)s invitations failed; see their reasons on the invitations page"),
                    count=result.failed,
                )
            )

    try:
        run(work)
    finally:
        from conference.invitations import stop_workers

        stop_workers()  # the QR workers end with the run, not later


if __name__ == "__main__":  # pragma: no cover
    main()
