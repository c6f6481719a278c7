"""Accounts, roles, guards and API tokens: who is asking, and whether they may.

Every route declares who may use it in its ``opt``: ``allow(Role.organizer, …)``
or ``PUBLIC``. One app-wide guard reads that declaration and refuses a route that
declares nothing, so a route added later without a declaration fails closed. The
same guard keeps an actor that belongs to some events only (``Actor.events``: a
paired desk device today) out of every other event: such a route answers 404, as
for an event that does not exist.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import re
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from conference import audit, live
from conference.actors import Actor
from conference.errors import Conflict, InvalidInput, NotFound
from conference.tables import ApiToken, DeskDevice, Membership, Role, User
from conference.text import nfc

SESSION_USER_KEY = "user_id"
# The account's session generation at login: a session of an older one has ended.
SESSION_GENERATION_KEY = "generation"
# A paired desk device's session: [device id, the pairing number it was signed in by].
SESSION_DEVICE_KEY = "desk_device"
# A paired phone's own key (its SHA-256 is ``DeskDevice.key_hash``): the phone is known by
# it where the session it got at pairing is not (a venue laptop the event was carried to).
DEVICE_KEY_COOKIE = "conference_desk_device"
DEVICE_KEY_MAX_AGE_S = 14 * 24 * 3600
# The app's state holds, under this name, the function from an event's slug to its id
# (None when there is no such event): the event guard's one question to the events.
EVENT_ID_OF_SLUG = "event_id_of_slug"
EventIdOfSlug = Callable[[str], Awaitable[int | None]]
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD_LENGTH = 8
_TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


# The request user is the Actor services take: one type, no conversion.
CurrentUser = Actor


_ACCOUNT_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.role,
    User.administrator,
    User.every_event,
    User.session_generation,
)


async def _current(row: dict[str, Any]) -> CurrentUser:
    """The actor of an account row (``_ACCOUNT_COLUMNS``), with its memberships: read
    here once, so that a remembered actor answers every event's question."""
    role = Role(row["role"])
    events: frozenset[int] | None = None
    event_roles: dict[int, Role] | None = None
    if not (row["administrator"] or row["every_event"]):
        memberships = await Membership.select(Membership.event, Membership.role).where(
            Membership.user == row["id"]
        )
        events = frozenset(m["event"] for m in memberships)
        event_roles = {
            m["event"]: Role(m["role"]) for m in memberships if Role(m["role"]) is not role
        }
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role.organizer if row["administrator"] else role,
        events=events,
        administrator=bool(row["administrator"]),
        event_roles=event_roles or None,
        generation=row["session_generation"] or 0,
    )


# ------------------------------------------------------------------ route declarations

PUBLIC: dict[str, Any] = {"public": True}


def allow(*roles: Role) -> dict[str, Any]:
    """The ``opt`` of a route that the given roles may use."""
    return {"roles": frozenset(roles)}


ANY_ROLE = allow(Role.organizer, Role.desk, Role.mc)
ORGANIZER = allow(Role.organizer)
# For department administrators only (creating events).
ADMINISTRATOR = {**ORGANIZER, "administrator": True}


def declared_roles(handler: BaseRouteHandler) -> frozenset[Role] | None:
    """The roles a route declares, or None when it declares itself public."""
    if handler.opt.get("public"):
        return None
    return frozenset(handler.opt.get("roles") or ())


async def role_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """App-wide guard: a route is refused unless it is public or the user's role is declared.

    The one place where membership is enforced: on a route of an event (its ``{slug}``)
    an actor that is not a member of that event is refused as not found, the very answer
    an event that does not exist gets, and the role that counts is the actor's role in
    that event (handed on as ``request.user.role``). Elsewhere any role the actor holds
    counts. A route whose ``opt`` says ``administrator`` is for department administrators.

    Async only so that Litestar calls it in the loop (a plain function goes to a thread).
    """
    roles = declared_roles(handler)
    if roles is None:
        return
    user: CurrentUser | None = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("login required")
    slug = connection.path_params.get("slug")
    if slug is not None and user.events is not None:
        role = await _role_in_event(connection, user, str(slug))
        if role is not user.role:
            user = dataclasses.replace(user, role=role)
            connection.scope["user"] = user
        held: frozenset[Role] = frozenset({role})
    else:
        held = user.roles_anywhere()
    if not roles & held:
        raise PermissionDeniedException("this role may not use this page")
    if handler.opt.get("administrator") and not user.administrator:
        raise PermissionDeniedException("only a department administrator may use this page")


async def _role_in_event(
    connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser, slug: str
) -> Role:
    """The actor's role in the event at ``slug``; NotFound (404) when not a member."""
    event_id_of: EventIdOfSlug | None = connection.app.state.get(EVENT_ID_OF_SLUG)
    event_id = await event_id_of(slug) if event_id_of is not None else None
    role = user.role_in(event_id) if event_id is not None else None
    if role is None:
        # The very refusal an unknown event gets: nothing tells that this one exists.
        raise NotFound("There is no event at this address.")
    return role


# ------------------------------------------------------------------ passwords and users


# Argon2 takes tens of milliseconds of CPU and 64 MiB a hash by design: it runs in a
# worker thread (argon2-cffi lets go of the GIL), so the event loop keeps answering
# scans while logins are checked, and at most this many run at once, so a burst of
# failed logins queues here instead of taking every core and the memory: half the
# cores, so the event loop always has one.
MAX_CONCURRENT_HASHES = max(1, (os.cpu_count() or 2) // 2)
_T = TypeVar("_T")
_hash_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _hash_slots.get(loop)
    if slots is None:
        slots = _hash_slots[loop] = asyncio.Semaphore(MAX_CONCURRENT_HASHES)
    return slots


async def _off_loop(work: Callable[[], _T]) -> _T:
    async with _slots():
        return await asyncio.to_thread(work)


def hash_password(password: str) -> str:
    """The Argon2 hash of ``password``, computed here (for code outside the event loop)."""
    return _hasher.hash(password)


async def hash_password_off_loop(password: str) -> str:
    """The Argon2 hash of ``password``, computed in a worker thread."""
    return await _off_loop(lambda: _hasher.hash(password))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "The password must have at least %(n)s characters.",
            n=MIN_PASSWORD_LENGTH,
            refusal="password_too_short",
        )


async def authenticate(username: str, password: str) -> CurrentUser | None:
    """The active user with this username and password, or None.

    An unknown user and a wrong password take the same time and give the same
    answer, so a login form does not tell which usernames exist.
    """
    row = (
        await User.select(*_ACCOUNT_COLUMNS, User.password_hash, User.active)
        .where(User.username == username.strip().lower())
        .first()
        .run()
    )
    stored = row["password_hash"] if row else _DUMMY_HASH
    if not await _off_loop(lambda: _verify(stored, password)):
        return None
    if row is None or not row["active"]:
        return None
    updates: dict[Any, Any] = {User.last_login_at: datetime.now(UTC)}
    if _hasher.check_needs_rehash(stored):
        updates[User.password_hash] = await hash_password_off_loop(password)
    await User.update(updates).where(User.id == row["id"]).run()
    return await _current(row)


# ------------------------------------------------------------------ who is asking, remembered

# A desk scans several times a second with the same token or session, and the
# account behind it changes rarely: each answer is remembered this long, so a scan
# costs no query to learn who sent it. Disabling an account or revoking a device
# forgets every answer at once, here and, through the live channels, in every other
# server process (one that misses the message notices within this time).
AUTH_CACHE_S = 10.0
_AUTH_CACHE_SIZE = 1000
_remembered: dict[tuple[str, Any], tuple[float, CurrentUser]] = {}
_clock = time.monotonic


def _recall(key: tuple[str, Any]) -> CurrentUser | None:
    entry = _remembered.get(key)
    if entry is None or entry[0] < _clock():
        return None
    return entry[1]


def _remember(key: tuple[str, Any], user: CurrentUser) -> CurrentUser:
    if len(_remembered) >= _AUTH_CACHE_SIZE:
        _remembered.clear()
    _remembered[key] = (_clock() + AUTH_CACHE_S, user)
    return user


def _forget_here() -> None:
    _remembered.clear()


def forget_remembered_users() -> None:
    """Drop every remembered answer, in every server process: an account, a token or a
    device just changed."""
    _forget_here()
    live.broadcast("forget_users")


live.on_broadcast("forget_users", _forget_here)


async def get_active_user(user_id: int) -> CurrentUser | None:
    """The active account ``user_id`` (remembered for ``AUTH_CACHE_S``), or None."""
    remembered = _recall(("user", user_id))
    if remembered is not None:
        return remembered
    row = (
        await User.select(*_ACCOUNT_COLUMNS)
        .where((User.id == user_id) & (User.active.eq(True)))
        .first()
        .run()
    )
    return _remember(("user", user_id), await _current(row)) if row else None


async def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    by: CurrentUser | None = None,
    events: Collection[int] | None = None,
) -> CurrentUser:
    """Create an account; raise InvalidInput for a bad name or password, Conflict if taken.

    With ``events``, the account is a member of those events, with ``role`` in each.
    Without, it is department-wide: an organizer is a department administrator, a desk
    or MC account reaches every event.
    """
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            "A username has 2 to 64 characters: Latin letters without marks, digits, "
            "dots, dashes and underscores.",
            refusal="invalid_username",
        )
    check_password_strength(password)
    if await User.exists().where(User.username == name).run():
        raise Conflict(
            "The username %(name)s is already taken.", name=name, refusal="username_taken"
        )
    department_wide = events is None
    row = User(
        username=name,
        display_name=nfc(display_name),
        password_hash=await hash_password_off_loop(password),
        role=role,
        every_event=department_wide,
        administrator=department_wide and role is Role.organizer,
    )
    async with User._meta.db.transaction():
        await row.save().run()
        for event_id in sorted(set(events or ())):
            await Membership(user=row.id, event=event_id, role=role).save().run()
    await audit.record(
        "user.create",
        by=by,
        target=name,
        role=role.value,
        events=sorted(set(events)) if events is not None else "all",
    )
    return await _current(
        {
            "id": row.id,
            "username": name,
            "display_name": row.display_name,
            "role": role,
            "administrator": row.administrator,
            "every_event": row.every_event,
            "session_generation": 0,
        }
    )


async def end_sessions(user_id: int, *, tokens: bool = True) -> None:
    """End every session (and, with ``tokens``, every API token) of the account, for
    good: its session generation goes up, so a session of an older one is refused and
    re-enabling the account does not bring it back; its tokens are revoked."""
    await (
        User.update({User.session_generation: User.session_generation + 1})
        .where(User.id == user_id)
        .run()
    )
    if tokens:
        await (
            ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)})
            .where((ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
            .run()
        )
    forget_remembered_users()


async def set_password(user_id: int, password: str, *, by: CurrentUser | None = None) -> None:
    """Set a new password; every session and token of the account ends."""
    check_password_strength(password)
    updated = (
        await User.update({User.password_hash: await hash_password_off_loop(password)})
        .where(User.id == user_id)
        .returning(User.id)
        .run()
    )
    if not updated:
        raise NotFound("No such account.")
    await end_sessions(user_id)
    await audit.record("user.password", by=by, target=str(user_id))


async def set_active(user_id: int, active: bool, *, by: CurrentUser) -> None:
    """Enable or disable an account; disabling ends its sessions and tokens for good."""
    if user_id == by.id and not active:
        raise InvalidInput("You cannot disable your own account.", refusal="disable_own_account")
    updated = (
        await User.update({User.active: active}).where(User.id == user_id).returning(User.id).run()
    )
    if not updated:
        raise NotFound("No such account.")
    if not active:
        await end_sessions(user_id)
    forget_remembered_users()
    await audit.record("user.enable" if active else "user.disable", by=by, target=str(user_id))


async def list_users() -> list[dict[str, Any]]:
    """The people's accounts (not the accounts paired desk devices act through)."""
    return (
        await User.select(
            User.id,
            User.username,
            User.display_name,
            User.role,
            User.active,
            User.created_at,
            User.last_login_at,
            User.administrator,
            User.every_event,
        )
        .where(User.id.not_in(DeskDevice.select(DeskDevice.user)))
        .order_by(User.role)
        .order_by(User.username)
        .run()
    )


# ------------------------------------------------------------------ API tokens


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    username: str,
    name: str = "",
    *,
    expires_days: int | None = None,
    by: CurrentUser | None = None,
) -> str:
    """Make a new bearer token for ``username``, named ``name`` (the username when
    empty), valid for ``expires_days`` days (None: until revoked); only its digest is
    stored."""
    user = await User.select(User.id).where(User.username == username.strip().lower()).first()
    if user is None:
        raise NotFound("No account named %(name)s.", name=username)
    if expires_days is not None and expires_days < 1:
        raise InvalidInput("A token lasts at least one day.", refusal="token_expiry_too_short")
    label = " ".join(nfc(name).split()) or username.strip().lower()
    if len(label) > TOKEN_NAME_LENGTH:
        raise InvalidInput(
            "A token's name has at most %(n)s characters.",
            n=TOKEN_NAME_LENGTH,
            refusal="token_name_too_long",
        )
    token = secrets.token_urlsafe(32)
    expires_at = (
        datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    )
    row = ApiToken(
        user=user["id"], name=label, token_hash=_token_digest(token), expires_at=expires_at
    )
    await row.save().run()
    await audit.record("token.create", by=by, target=str(row.id), user=user["id"])
    return token


TOKEN_NAME_LENGTH = 100  # api_token.name


async def list_tokens(user_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """API tokens, the newest first (of the accounts ``user_ids`` only, when given):
    id, name, account, created, last used, expiry, revocation and whether it works."""
    query = ApiToken.select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.user.id.as_alias("user_id"),
        ApiToken.user.username.as_alias("username"),
        ApiToken.created_at,
        ApiToken.last_used_at,
        ApiToken.expires_at,
        ApiToken.revoked_at,
    ).order_by(ApiToken.id, ascending=False)
    if user_ids is not None:
        query = query.where(ApiToken.user.is_in(list(user_ids) or [0]))
    rows = await query.run()
    now = datetime.now(UTC)
    for row in rows:
        row["working"] = row["revoked_at"] is None and (
            row["expires_at"] is None or row["expires_at"] > now
        )
    return rows


async def token_owner(token_id: int) -> int:
    """The account a token belongs to; NotFound when there is no such token."""
    row = await ApiToken.select(ApiToken.user).where(ApiToken.id == token_id).first().run()
    if row is None:
        raise NotFound("No such token.")
    return int(row["user"])


async def revoke_token(token_id: int, *, by: CurrentUser | None = None) -> None:
    """Revoke a token at once (here, and within ``AUTH_CACHE_S`` in other processes);
    revoking one already revoked changes nothing. NotFound when there is no such token."""
    await token_owner(token_id)
    await (
        ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)})
        .where((ApiToken.id == token_id) & ApiToken.revoked_at.is_null())
        .run()
    )
    forget_remembered_users()
    await audit.record("token.revoke", by=by, target=str(token_id))


async def user_for_token(token: str) -> CurrentUser | None:
    """The active account a working bearer token belongs to (remembered for
    ``AUTH_CACHE_S``); None for an unknown, revoked or expired token."""
    digest = _token_digest(token)
    remembered = _recall(("token", digest))
    if remembered is not None:
        return remembered
    now = datetime.now(UTC)
    row = (
        await ApiToken.select(
            ApiToken.id.as_alias("token_id"),
            ApiToken.last_used_at,
            ApiToken.user.id.as_alias("id"),
            ApiToken.user.username.as_alias("username"),
            ApiToken.user.display_name.as_alias("display_name"),
            ApiToken.user.role.as_alias("role"),
            ApiToken.user.administrator.as_alias("administrator"),
            ApiToken.user.every_event.as_alias("every_event"),
            ApiToken.user.session_generation.as_alias("session_generation"),
        )
        .where(
            (ApiToken.token_hash == digest)
            & ApiToken.revoked_at.is_null()
            & (ApiToken.expires_at.is_null() | (ApiToken.expires_at > now))
            & ApiToken.user._.active.eq(True)
        )
        .first()
        .run()
    )
    if row is None:
        return None
    # Writing on every request would put a write on the scan path; minutes are enough.
    if row["last_used_at"] is None or now - row["last_used_at"] > _TOKEN_TOUCH_INTERVAL:
        await (
            ApiToken.update({ApiToken.last_used_at: now})
            .where(ApiToken.id == row["token_id"])
            .run()
        )
    return _remember(("token", digest), await _current(row))


# ------------------------------------------------------------------ paired desk devices


async def get_paired_device(device_id: int, pairing: int) -> CurrentUser | None:
    """The desk device ``device_id`` as signed in by its pairing number ``pairing``, or
    None once it is revoked or paired again on another phone (remembered for
    ``AUTH_CACHE_S``; revoking forgets at once in this process).

    It acts as a desk of its one event, under its label.
    """
    return await _active_device(
        ("device", (device_id, pairing)),
        (DeskDevice.id == device_id) & (DeskDevice.pairings == pairing),
    )


async def get_device_by_key(key: str) -> CurrentUser | None:
    """The desk device whose phone keeps ``key`` (its cookie), or None once the device is
    revoked or paired again on another phone (remembered for ``AUTH_CACHE_S``)."""
    digest = hashlib.sha256(key[:200].encode()).hexdigest()
    return await _active_device(("device_key", digest), DeskDevice.key_hash == digest)


async def _active_device(cache_key: tuple[str, Any], which: Any) -> CurrentUser | None:
    """The desk device ``which`` selects, if not revoked, as the desk of its one event
    under its label (remembered under ``cache_key`` for ``AUTH_CACHE_S``)."""
    remembered = _recall(cache_key)
    if remembered is not None:
        return remembered
    row = (
        await DeskDevice.select(
            DeskDevice.id,
            DeskDevice.event,
            DeskDevice.label,
            DeskDevice.user.id.as_alias("user_id"),
            DeskDevice.user.username.as_alias("username"),
        )
        .where(which & DeskDevice.revoked_at.is_null())
        .first()
        .run()
    )
    if row is None:
        return None
    device = CurrentUser(
        id=row["user_id"],
        username=row["username"],
        display_name=row["label"],
        role=Role.desk,
        events=frozenset({row["event"]}),
        device=row["id"],
    )
    return _remember(cache_key, device)


def device_key_cookie(key: str, *, secure: bool) -> Cookie:
    """The cookie a phone keeps its device key in: sent to this host only, never to scripts."""
    return Cookie(
        key=DEVICE_KEY_COOKIE,
        value=key,
        max_age=DEVICE_KEY_MAX_AGE_S,
        path="/",
        httponly=True,
        secure=secure,
        samesite="lax",
    )


def _cookie(scope: Scope, name: str) -> str | None:
    """The value of the request's cookie ``name`` (read before any middleware parses them)."""
    for header, value in scope.get("headers", ()):
        if header == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
            if name in jar and jar[name].value:
                return jar[name].value
    return None


def device_session(device_id: int, pairing: int) -> dict[str, Any]:
    """What a session holds for a phone signed in as a paired desk device."""
    return {SESSION_DEVICE_KEY: [device_id, pairing]}


def _device_of_session(session: Any) -> tuple[int, int] | None:
    value = session.get(SESSION_DEVICE_KEY) if isinstance(session, dict) else None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        return value[0], value[1]
    return None


# ------------------------------------------------------------------ middleware


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


async def _who(scope: Scope) -> tuple[CurrentUser | None, str | None]:
    """Who sent a request, and how: a bearer token, a paired device's session or an
    account's session; (None, None) for nobody. Raises NotAuthorizedException for a
    bearer token that is not valid."""
    token = bearer_token(scope)
    if token is not None:
        user = await user_for_token(token)
        if user is None:
            raise NotAuthorizedException("invalid API token")
        return user, "token"
    session = scope.get("session")
    device = _device_of_session(session)
    if device is not None:
        user = await get_paired_device(*device)
        return (user, "device") if user is not None else (None, None)
    held: dict[str, Any] = session if isinstance(session, dict) else {}
    user_id = held.get(SESSION_USER_KEY)
    if isinstance(user_id, int):
        user = await get_active_user(user_id)
        # A session of an older generation was ended (a password reset, a disable, a
        # membership change): for good, whatever happens to the account later.
        if user is not None and held.get(SESSION_GENERATION_KEY, 0) == user.generation:
            return user, "session"
        return None, None
    key = _cookie(scope, DEVICE_KEY_COOKIE)
    if key is not None:
        user = await get_device_by_key(key)
        if user is not None:
            return user, "device"
    return None, None


def user_session(user: CurrentUser) -> dict[str, Any]:
    """What a session holds for an account signed in with its password."""
    return {SESSION_USER_KEY: user.id, SESSION_GENERATION_KEY: user.generation}


async def still_signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether the request would still be let in as the same actor: asked now and then
    by a long-lived answer (the live stream), after a device is revoked or an account
    disabled. Remembered answers count: another process notices within ``AUTH_CACHE_S``.
    """
    try:
        user, _ = await _who(connection.scope)
    except NotAuthorizedException:
        return False
    current = connection.scope.get("user")
    # The guard may have handed on the actor with its role in the event: compare who.
    return (
        user is not None
        and current is not None
        and (user.id, user.device, user.generation)
        == (current.id, current.device, current.generation)
    )


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Sets ``request.user`` from a bearer token or the session; None when anonymous."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        user, how = await _who(connection.scope)
        session = connection.scope.get("session")
        # A device revoked or paired again on another phone, an account disabled or its
        # sessions ended: the session ends here (deleted from the store).
        if (
            user is None
            and isinstance(session, dict)
            and (_device_of_session(session) is not None or SESSION_USER_KEY in session)
        ):
            connection.scope["session"] = {}
        return AuthenticationResult(user=user, auth=how)


class CSRFUnlessBearerMiddleware(CSRFMiddleware):
    """CSRF for browsers; a request carrying a bearer token has no ambient credential.

    A page read with a CSRF cookie another installation signed (a phone paired on the
    central server, now at the venue laptop answering at the same address) is sent a
    fresh one: Litestar would keep the foreign cookie and refuse every form after it.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and bearer_token(scope) is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == ScopeType.HTTP and scope["method"] in self.config.safe_methods:
            cookie = _cookie(scope, self.config.cookie_name)
            if cookie is not None and self._decode_csrf_token(cookie) is None:
                token = generate_csrf_token(secret=self.config.secret)
                ScopeState.from_scope(scope).csrf_token = token
                await self.app(
                    scope,
                    receive,
                    self.create_send_wrapper(send=send, csrf_cookie=None, token=token),
                )
                return
        await super().__call__(scope, receive, send)
