"""Login throttling and the account rules behind the accounts page."""

from __future__ import annotations

import asyncio
import json
import math
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

    @property
    def retry_after_s(self) -> int:
        """How long to wait, in seconds, for a Retry-After header."""
        return int(str(self.params["seconds"]))


class LoginFailed(DomainError):
    code = "login_failed"


# Failed logins heard before the first wait (see LoginThrottle): past them each further
# failure doubles the wait, from BASE_WAIT_S up to MAX_WAIT_S.
PAIR_LIMIT = 5  # at one account from one address (or from one known device)
ACCOUNT_LIMIT = 20  # at one account from every address together
ADDRESS_LIMIT = 50  # from one address at every account together
BASE_WAIT_S = 30
MAX_WAIT_S = 15 * 60
# Failures are forgotten this long after the last one.
FORGET_S = 24 * 3600
# How long an account's successful login from an address is remembered.
KNOWN_ADDRESS_S = 30 * 24 * 3600


def backoff_s(failures: int, limit: int) -> int:
    """The wait after ``failures`` failures of a rule that hears ``limit`` freely: none
    before the limit, then BASE_WAIT_S, doubled by each further failure, at most
    MAX_WAIT_S."""
    if failures < limit:
        return 0
    return int(min(MAX_WAIT_S, BASE_WAIT_S * 2 ** min(failures - limit, 20)))


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
class _Count:
    """One rule's failures and the time of the last one."""

    failures: int = 0
    last: float = 0.0

    def wait(self, limit: int, now: float) -> float:
        return max(0.0, self.last + backoff_s(self.failures, limit) - now)


@dataclass(frozen=True)
class LoginThrottle:
    """Counts failed logins in a shared store (database or Redis: every server process
    sees the same counts), three ways at once, and makes each rule wait longer with
    each failure past its limit (exponential backoff, never a fixed lock-out).

    The rules, and why:

    * **One account from one address** (``PAIR_LIMIT``): the plain guesser. Someone
      behind the venue's NAT who keeps mistyping their own password slows only their
      own account from that address; every other staff member behind the same address
      still logs in.
    * **One account from every address** (``ACCOUNT_LIMIT``): guesses spread over many
      addresses. While it waits, only an address that has not failed at the account is
      still heard, once: so 120 guesses at one account from 30 addresses are not all
      evaluated (at most ``ACCOUNT_LIMIT`` plus one per address), and the staff
      member at a desk that has not failed still gets in with the right password.
    * **One address at every account** (``ADDRESS_LIMIT``, much higher than the
      pair's): password spraying. While it waits, an account that has logged in from
      that address before (in ``KNOWN_ADDRESS_S``) is still heard, within its own pair
      limit, so a sprayer behind the NAT does not lock out the staff who work there.
    * **A known device** (a browser given a signed cookie at a successful login of the
      account, ``accounts.known_devices``) is heard by its own count only, within
      ``PAIR_LIMIT``: whatever others do from its address or at its account, the staff
      member at their own desk still gets in with the right password.

    The first wait is ``BASE_WAIT_S``; each failure after it doubles the wait, up to
    ``MAX_WAIT_S``; a refusal is not counted and says how long is left. Failures are
    forgotten ``FORGET_S`` after the last. A successful login takes back only its own
    attempt, never the failures before it: another account's guesses from the same
    address (or one's own) still count. An attempt is counted *before* its password is
    checked (and taken back on success), under a lock, so a burst of simultaneous
    guesses in one process cannot all slip past the check; several server processes
    may each let in a few more.
    """

    store: Store
    pair_limit: int = PAIR_LIMIT
    account_limit: int = ACCOUNT_LIMIT
    address_limit: int = ADDRESS_LIMIT
    clock: Callable[[], float] = time.time

    def _keys(self, account: str, address: str, device: str | None) -> dict[str, str]:
        keys = {
            "pair": f"pair:{account}:{address}",
            "account": f"account:{account}",
            "address": f"address:{address}",
        }
        if device is not None:
            keys["device"] = f"device:{account}:{device}"
        return keys

    async def _count(self, key: str) -> _Count:
        raw = await self.store.get(key)
        if not raw:
            return _Count()
        failures, last = json.loads(raw)
        if self.clock() - last > FORGET_S:
            return _Count()
        return _Count(int(failures), float(last))

    async def _save(self, key: str, count: _Count) -> None:
        await self.store.set(key, json.dumps([count.failures, count.last]), expires_in=FORGET_S)

    async def failures(self, account: str, address: str) -> dict[str, int]:
        """The failures counted of the pair, of the account and of the address."""
        keys = self._keys(_account(account), address, None)
        return {kind: (await self._count(key)).failures for kind, key in keys.items()}

    async def _wait(self, account: str, address: str, counts: dict[str, _Count]) -> float:
        now = self.clock()
        if "device" in counts:
            return counts["device"].wait(self.pair_limit, now)
        wait = counts["pair"].wait(self.pair_limit, now)
        if counts["pair"].failures:  # an address that never failed at the account is heard
            wait = max(wait, counts["account"].wait(self.account_limit, now))
        address_wait = counts["address"].wait(self.address_limit, now)
        if address_wait and not await self.store.exists(f"known:{account}:{address}"):
            wait = max(wait, address_wait)
        return wait

    async def admit(self, account: str, address: str, *, device: str | None = None) -> None:
        """Count an attempt at ``account`` from ``address`` (from the known device
        ``device``, when the browser showed one of this account), or raise
        TooManyAttempts, saying how long to wait (without counting), while a rule waits."""
        account = _account(account)
        keys = self._keys(account, address, device)
        async with _slot_lock():
            counts = {kind: await self._count(key) for kind, key in keys.items()}
            wait = await self._wait(account, address, counts)
            if wait > 0:
                raise _too_many(wait)
            now = self.clock()
            for kind, key in keys.items():
                await self._save(key, _Count(counts[kind].failures + 1, now))

    async def succeeded(self, account: str, address: str, *, device: str | None = None) -> None:
        """The attempt admitted was the right password: take back that attempt only, and
        remember that this account logs in from this address."""
        account = _account(account)
        async with _slot_lock():
            for key in self._keys(account, address, device).values():
                count = await self._count(key)
                if count.failures:
                    await self._save(key, _Count(count.failures - 1, count.last))
        await self.store.set(f"known:{account}:{address}", b"1", expires_in=KNOWN_ADDRESS_S)


def _too_many(wait: float) -> TooManyAttempts:
    seconds = max(1, math.ceil(wait))
    if seconds < 120:
        return TooManyAttempts(
            "Too many failed logins. Try again in %(seconds)s seconds.", seconds=seconds
        )
    return TooManyAttempts(
        "Too many failed logins. Try again in %(minutes)s minutes.",
        minutes=math.ceil(seconds / 60),
        seconds=seconds,
    )


def _account(username: str) -> str:
    return username.strip().lower()


async def log_in(
    throttle: LoginThrottle,
    address: str,
    username: str,
    password: str,
    *,
    device: str | None = None,
) -> CurrentUser:
    """Authenticate, within the throttle's rules (see LoginThrottle); ``device`` is the
    known device the browser showed for this account, if any.

    Raises TooManyAttempts while the account or the address must wait, and LoginFailed
    with the same message for an unknown user, a wrong password or a disabled account.
    """
    await throttle.admit(username, address, device=device)
    user = await auth.authenticate(username, password)
    if user is None:
        raise LoginFailed("Wrong username or password.")
    await throttle.succeeded(username, address, device=device)
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
