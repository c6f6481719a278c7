"""Login throttling and the account rules behind the accounts page."""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from litestar.stores.base import Store

from conference import auth
from conference.auth import CurrentUser
from conference.errors import DomainError
from conference.tables import Role


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
