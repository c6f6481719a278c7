"""Login throttling and the account rules behind the accounts page."""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.stores.base import Store

from conference import audit, auth
from conference.auth import CurrentUser
from conference.errors import Conflict, DomainError, InvalidInput, NotFound
from conference.tables import DeskDevice, Event, Membership, Role, User


class TooManyAttempts(DomainError):
    code = "too_many_attempts"


class LoginFailed(DomainError):
    code = "login_failed"


# Failed logins allowed within one window of FAILURE_WINDOW_S (see LoginThrottle).
PAIR_LIMIT = 5  # at one account from one address
ACCOUNT_LIMIT = 20  # at one account from every address together
ADDRESS_LIMIT = 50  # from one address at every account together
FAILURE_WINDOW_S = 15 * 60
# How long an account's successful login from an address is remembered.
KNOWN_ADDRESS_S = 30 * 24 * 3600


def _slot_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class LoginThrottle:
    """Counts failed logins in a shared store (database or Redis), three ways at once.

    The rules, and why:

    * **One account from one address** (``PAIR_LIMIT``): the plain guesser. Someone
      behind the venue's NAT who keeps mistyping their own password stops only their
      own account from that address; every other staff member behind the same address
      still logs in.
    * **One account from every address** (``ACCOUNT_LIMIT``): guesses spread over many
      addresses. Past it, only an address that has not failed in the window is still
      heard, once: so 120 guesses at one account from 30 addresses are not all
      evaluated (at most ``ACCOUNT_LIMIT`` plus one per address), and the staff
      member at a desk that has not failed still gets in with the right password.
    * **One address at every account** (``ADDRESS_LIMIT``, much higher than the
      pair's): password spraying. Past it an account that has logged in from that
      address before (in ``KNOWN_ADDRESS_S``) is still heard, within its own pair limit,
      so a sprayer behind the NAT does not lock out the staff who work there.

    Windows are fixed (``FAILURE_WINDOW_S``, aligned to the clock): a failure never
    restarts one, so the wait is known and ends. A successful login takes back only
    its own attempt, never the failures before it: another account's guesses from the
    same address (or one's own) still count. An attempt is counted *before* its
    password is checked (and taken back on success), under a lock, so a burst of
    simultaneous guesses in one process cannot all slip past the check; several
    server processes may each let in a few more.
    """

    store: Store
    pair_limit: int = PAIR_LIMIT
    account_limit: int = ACCOUNT_LIMIT
    address_limit: int = ADDRESS_LIMIT
    window_s: int = FAILURE_WINDOW_S
    clock: Callable[[], float] = time.time

    def _window(self) -> tuple[int, int]:
        """This window's number and the seconds left in it."""
        now = self.clock()
        number = int(now // self.window_s)
        return number, max(1, int((number + 1) * self.window_s - now))

    def _keys(self, account: str, address: str, number: int) -> dict[str, str]:
        return {
            "pair": f"pair:{number}:{account}:{address}",
            "account": f"account:{number}:{account}",
            "address": f"address:{number}:{address}",
        }

    async def _count(self, key: str) -> int:
        raw = await self.store.get(key)
        return int(json.loads(raw)) if raw else 0

    async def _add(self, key: str, delta: int, expires_in: int) -> None:
        count = max(0, await self._count(key) + delta)
        await self.store.set(key, json.dumps(count), expires_in=expires_in)

    async def failures(self, account: str, address: str) -> dict[str, int]:
        """This window's failures of the pair, of the account and of the address."""
        number, _ = self._window()
        keys = self._keys(_account(account), address, number)
        return {kind: await self._count(key) for kind, key in keys.items()}

    async def admit(self, account: str, address: str) -> None:
        """Count an attempt at ``account`` from ``address``, or raise TooManyAttempts
        (without counting) while one of the rules says wait."""
        account = _account(account)
        number, left = self._window()
        keys = self._keys(account, address, number)
        async with _slot_lock():
            counts = {kind: await self._count(key) for kind, key in keys.items()}
            refused = counts["pair"] >= self.pair_limit
            if not refused and counts["account"] >= self.account_limit:
                refused = counts["address"] > 0
            if not refused and counts["address"] >= self.address_limit:
                refused = not await self.store.exists(f"known:{account}:{address}")
            if refused:
                raise TooManyAttempts(
                    "Too many failed logins. Try again in %(minutes)s minutes.",
                    minutes=max(1, (left + 59) // 60),
                )
            for key in keys.values():
                await self._add(key, 1, left + 1)

    async def succeeded(self, account: str, address: str) -> None:
        """The attempt admitted was the right password: take back that attempt only, and
        remember that this account logs in from this address."""
        account = _account(account)
        number, left = self._window()
        async with _slot_lock():
            for key in self._keys(account, address, number).values():
                await self._add(key, -1, left + 1)
        await self.store.set(f"known:{account}:{address}", b"1", expires_in=KNOWN_ADDRESS_S)


def _account(username: str) -> str:
    return username.strip().lower()


async def log_in(
    throttle: LoginThrottle, address: str, username: str, password: str
) -> CurrentUser:
    """Authenticate, within the throttle's rules (see LoginThrottle).

    Raises TooManyAttempts while the account or the address must wait, and LoginFailed
    with the same message for an unknown user, a wrong password or a disabled account.
    """
    await throttle.admit(username, address)
    user = await auth.authenticate(username, password)
    if user is None:
        raise LoginFailed("Wrong username or password.")
    await throttle.succeeded(username, address)
    return user


STAFF_ROLES = (Role.desk, Role.mc, Role.organizer)


# ------------------------------------------------------------------ whose staff is whose
#
# A department administrator manages every account. An organizer of events manages the
# staff of those events: an account that is a member of them only (never an
# administrator, a department-wide account or a member of another event, whose
# organizers it also answers to). Any other account is, to them, one that does not exist.


def managed_events(by: CurrentUser) -> frozenset[int] | None:
    """The events whose staff ``by`` manages; None for every event (an administrator)."""
    if by.administrator:
        return None
    return by.events_as(Role.organizer) or frozenset()


async def _memberships(user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Membership.select(
            Membership.user,
            Membership.role,
            Membership.event.id.as_alias("event_id"),
            Membership.event.slug.as_alias("slug"),
            Membership.event.title.as_alias("title"),
        )
        .where(Membership.user.is_in(user_ids or [0]))
        .order_by(Membership.event.date, ascending=False)
        .run()
    )
    by_user: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_user.setdefault(row["user"], []).append(row)
    return by_user


def _manages(events: frozenset[int] | None, account: dict[str, Any]) -> bool:
    if events is None:
        return True
    if account["administrator"] or account["every_event"]:
        return False
    theirs = {m["event_id"] for m in account["memberships"]}
    return bool(theirs) and theirs <= events


async def list_accounts(by: CurrentUser) -> list[dict[str, Any]]:
    """The accounts ``by`` manages, each with its events (``memberships``) and when it
    was last used (its last login or its tokens' last use, whichever is later)."""
    users = await auth.list_users()
    memberships = await _memberships([u["id"] for u in users])
    tokens = await auth.list_tokens([u["id"] for u in users])
    events = managed_events(by)
    accounts = []
    for account in users:
        account["memberships"] = memberships.get(account["id"], [])
        if not _manages(events, account):
            continue
        used = [t["last_used_at"] for t in tokens if t["user_id"] == account["id"]]
        used = [u for u in [account["last_login_at"], *used] if u is not None]
        account["last_used_at"] = max(used) if used else None
        accounts.append(account)
    return accounts


async def managed_account(by: CurrentUser, user_id: int) -> dict[str, Any]:
    """The account ``user_id`` if ``by`` manages it; NotFound (as if there were none)."""
    row = (
        await User.select(
            User.id, User.username, User.role, User.active, User.administrator, User.every_event
        )
        .where((User.id == user_id) & User.id.not_in(DeskDevice.select(DeskDevice.user)))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("No such account.")
    row["memberships"] = (await _memberships([user_id])).get(user_id, [])
    if not _manages(managed_events(by), row):
        raise NotFound("No such account.")
    return row


async def events_to_staff(by: CurrentUser) -> list[dict[str, Any]]:
    """The events ``by`` may give staff to (id, slug, title), the coming ones first."""
    events = managed_events(by)
    query = Event.select(Event.id, Event.slug, Event.title).order_by(Event.date, ascending=False)
    if events is not None:
        query = query.where(Event.id.is_in(list(events) or [0]))
    return await query.run()


async def _managed_event(by: CurrentUser, event_id: int) -> None:
    events = managed_events(by)
    exists = await Event.exists().where(Event.id == event_id).run()
    if not exists or (events is not None and event_id not in events):
        raise NotFound("There is no event at this address.")


async def create_account(
    by: CurrentUser,
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    event_id: int | None = None,
) -> CurrentUser:
    """An account for the staff of the event ``event_id``; with no event (an
    administrator only), a department-wide one (an organizer: an administrator)."""
    if event_id is None:
        if not by.administrator:
            raise InvalidInput("Choose the event.", refusal="no_event")
        return await auth.create_user(username, password, role, display_name=display_name, by=by)
    await _managed_event(by, event_id)
    return await auth.create_user(
        username, password, role, display_name=display_name, by=by, events=[event_id]
    )


async def _keep_an_administrator(user_id: int) -> None:
    """Refuse taking away the last active administrator: nobody could create an event
    or manage the department's accounts after."""
    others = await User.count().where(
        (User.administrator.eq(True)) & (User.active.eq(True)) & (User.id != user_id)
    )
    if not others:
        raise InvalidInput(
            "This is the last department administrator: make another one first.",
            refusal="last_administrator",
        )


async def set_account_active(by: CurrentUser, user_id: int, active: bool) -> None:
    """Enable or disable a managed account (disabling ends its sessions and tokens)."""
    account = await managed_account(by, user_id)
    if not active and account["administrator"] and user_id != by.id:
        await _keep_an_administrator(user_id)
    await auth.set_active(user_id, active, by=by)


async def reset_password(by: CurrentUser, user_id: int, password: str) -> None:
    """Give a managed account a new password; its sessions and tokens end."""
    await managed_account(by, user_id)
    await auth.set_password(user_id, password, by=by)


async def set_administrator(by: CurrentUser, user_id: int, administrator: bool) -> None:
    """Make an account a department administrator or no longer one (administrators
    only); either way its sessions end. The last one stays."""
    if not by.administrator:
        raise NotFound("No such account.")
    account = await managed_account(by, user_id)
    if account["administrator"] == administrator:
        return
    if not administrator:
        await _keep_an_administrator(user_id)
    values: dict[Any, Any] = {User.administrator: administrator}
    if administrator:
        values[User.role] = Role.organizer
    else:
        # No longer every event's organizer: the events it is a member of remain.
        values[User.every_event] = False
    await User.update(values).where(User.id == user_id).run()
    await auth.end_sessions(user_id, tokens=False)
    await audit.record(
        "user.administrator" if administrator else "user.not_administrator",
        by=by,
        target=str(user_id),
    )


async def add_membership(by: CurrentUser, user_id: int, event_id: int, role: Role) -> None:
    """Make a managed account a member of a managed event with ``role`` (or change its
    role there); its sessions end, and its next login has the new rights."""
    account = await managed_account(by, user_id)
    await _managed_event(by, event_id)
    if account["administrator"] or account["every_event"]:
        raise InvalidInput(
            "This account already reaches every event.", refusal="already_every_event"
        )
    existing = (
        await Membership.select(Membership.id)
        .where((Membership.user == user_id) & (Membership.event == event_id))
        .first()
    )
    if existing is None:
        try:
            await Membership(user=user_id, event=event_id, role=role).save().run()
        except Exception as error:  # the unique index: someone added it in between
            if not await Membership.exists().where(
                (Membership.user == user_id) & (Membership.event == event_id)
            ):
                raise
            raise Conflict("This account is already a member of that event.") from error
    else:
        await (
            Membership.update({Membership.role: role}).where(Membership.id == existing["id"]).run()
        )
    await auth.end_sessions(user_id, tokens=False)
    await audit.record(
        "membership.add", by=by, event_id=event_id, target=str(user_id), role=role.value
    )


async def remove_membership(by: CurrentUser, user_id: int, event_id: int) -> None:
    """Take a managed account out of a managed event; its sessions end."""
    await managed_account(by, user_id)
    await _managed_event(by, event_id)
    if user_id == by.id and not by.administrator:
        raise InvalidInput(
            "You cannot take yourself out of an event.", refusal="remove_own_membership"
        )
    removed = (
        await Membership.delete()
        .where((Membership.user == user_id) & (Membership.event == event_id))
        .returning(Membership.id)
        .run()
    )
    if not removed:
        raise NotFound("No such account.")
    await auth.end_sessions(user_id, tokens=False)
    await audit.record("membership.remove", by=by, event_id=event_id, target=str(user_id))


async def list_account_tokens(by: CurrentUser) -> list[dict[str, Any]]:
    """The API tokens of the accounts ``by`` manages."""
    accounts = await list_accounts(by)
    return await auth.list_tokens([a["id"] for a in accounts])


async def create_account_token(
    by: CurrentUser, user_id: int, name: str, expires_days: int | None
) -> str:
    """A new API token for a managed account: the token, shown once."""
    account = await managed_account(by, user_id)
    return await auth.create_token(account["username"], name, expires_days=expires_days, by=by)


async def revoke_account_token(by: CurrentUser, token_id: int) -> None:
    """Revoke a token of a managed account; NotFound for any other."""
    await managed_account(by, await auth.token_owner(token_id))
    await auth.revoke_token(token_id, by=by)
