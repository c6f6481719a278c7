"""Login throttling and the account rules behind the accounts page."""

from __future__ import annotations

import json
from dataclasses import dataclass

from litestar.stores.base import Store

from conference import auth
from conference.auth import CurrentUser
from conference.errors import DomainError
from conference.tables import Role

# Failures from one address within the window before it must wait.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60


class TooManyAttempts(DomainError):
    code = "too_many_attempts"


@dataclass(frozen=True)
class LoginThrottle:
    """Counts failed logins per client address in a shared store (database or Redis)."""

    store: Store
    max_failures: int = MAX_FAILURES
    window_s: int = FAILURE_WINDOW_S

    async def failures(self, address: str) -> int:
        raw = await self.store.get(f"login:{address}")
        return int(json.loads(raw)) if raw else 0

    async def check(self, address: str) -> None:
        """Raise TooManyAttempts while ``address`` has failed too often recently."""
        if await self.failures(address) >= self.max_failures:
            wait = await self.store.expires_in(f"login:{address}") or self.window_s
            raise TooManyAttempts(
                "Too many failed logins from this address. Try again in %(minutes)s minutes.",
                minutes=max(1, (wait + 59) // 60),
            )

    async def record_failure(self, address: str) -> None:
        # The window restarts with each failure: an attacker who keeps trying keeps waiting.
        count = await self.failures(address) + 1
        await self.store.set(f"login:{address}", json.dumps(count), expires_in=self.window_s)

    async def reset(self, address: str) -> None:
        await self.store.delete(f"login:{address}")


class LoginFailed(DomainError):
    code = "login_failed"


async def log_in(
    throttle: LoginThrottle, address: str, username: str, password: str
) -> CurrentUser:
    """Authenticate, counting failures per address.

    Raises TooManyAttempts while the address must wait, and LoginFailed with the
    same message for an unknown user, a wrong password or a disabled account.
    """
    await throttle.check(address)
    user = await auth.authenticate(username, password)
    if user is None:
        await throttle.record_failure(address)
        raise LoginFailed("Wrong username or password.")
    await throttle.reset(address)
    return user


STAFF_ROLES = (Role.desk, Role.mc, Role.organizer)
