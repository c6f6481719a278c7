"""Login, logout, the language switch and the accounts page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.stores.registry import StoreRegistry

from conference import auth, sessions
from conference.accounts import known_devices, services
from conference.accounts.addresses import client_address
from conference.auth import ORGANIZER, PUBLIC, CurrentUser
from conference.errors import DomainError, InvalidInput, NotFound
from conference.forms import Form
from conference.i18n import LOCALE_COOKIE, LOCALES, gettext, translate_error
from conference.settings import Settings
from conference.tables import Role


def _safe_next(target: str | None) -> str:
    """Only a local path may follow a login, never another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _client_address(request: Request[Any, Any, Any]) -> str:
    settings: Settings = request.app.state["settings"]
    peer = request.client.host if request.client else "unknown"
    return client_address(peer, request.headers.getall("x-forwarded-for", []), settings)


def _throttle(stores: StoreRegistry) -> services.LoginThrottle:
    return services.LoginThrottle(stores.get("throttle"))


class SessionController(Controller):
    opt = PUBLIC

    @get("/login", name="login")
    async def login_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = "/"
    ) -> Template:
        return Template("accounts/login.html", context={"next": _safe_next(next), "error": None})

    @post("/login")
    async def login(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        target = _safe_next(data.get("next"))
        settings: Settings = request.app.state["settings"]
        username = data.get("username", "")
        device = known_devices.device_of(
            settings.secret_key, request.cookies.get(known_devices.COOKIE), username
        )
        try:
            user = await services.log_in(
                _throttle(request.app.stores),
                _client_address(request),
                username,
                data.get("password", ""),
                device=device,
            )
        except services.TooManyAttempts as error:
            return Template(
                "accounts/login.html",
                context={"next": target, "error": translate_error(error)},
                status_code=429,
                headers={"Retry-After": str(error.retry_after_s)},
            )
        except services.LoginFailed as error:
            return Template(
                "accounts/login.html",
                context={
                    "next": target,
                    "error": translate_error(error),
                    "username": data.get("username", ""),
                },
                status_code=401,
            )
        # A fresh session under a fresh id on login: an id planted before login (even
        # one of the planter's own sessions) is worthless after.
        request.clear_session()
        sessions.renew_id(request)
        request.set_session(auth.user_session(user))
        response = Redirect(target)
        response.set_cookie(
            known_devices.COOKIE,
            known_devices.issue(settings.secret_key, user.username, device),
            max_age=known_devices.MAX_AGE_S,
            path="/login",
            httponly=True,
            secure=settings.production,
            samesite="lax",
        )
        return response

    @post("/logout", name="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/login")

    @get("/lang/{locale:str}", name="set_language")
    async def set_language(self, locale: FromPath[str], next: FromQuery[str] = "/") -> Redirect:
        response = Redirect(_safe_next(next))
        if locale in LOCALES:
            response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax")
        return response


def _back(request: Request[CurrentUser, Any, Any], error: DomainError) -> Redirect:
    """A refusal shown on the accounts page; NotFound is not shown but answered (404):
    an account or event that is not the organizer's does not exist for them."""
    if isinstance(error, NotFound):
        raise error
    flash(request, translate_error(error), category="error")
    return Redirect("/accounts/")


def _event_choice(value: str | None) -> int | None:
    """The form's event: an id, or None for "every event" (an empty choice)."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise NotFound("There is no event at this address.")
    return int(value)


def _account_choice(value: str | None) -> int:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 18:
        raise NotFound("No such account.")
    return int(value)


def _days(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 5:
        raise InvalidInput("A token lasts at least one day.", refusal="token_expiry_too_short")
    return int(value)


async def _accounts_page(
    user: CurrentUser, *, new_token: str | None = None, token_owner: str = ""
) -> Template:
    return Template(
        "accounts/list.html",
        context={
            "users": await services.list_accounts(user),
            "tokens": await services.list_account_tokens(user),
            "events": await services.events_to_staff(user),
            "roles": services.STAFF_ROLES,
            "new_token": new_token,
            "token_owner": token_owner,
        },
    )


class AccountsController(Controller):
    path = "/accounts"
    opt = ORGANIZER

    @get("/", name="accounts")
    async def accounts_page(self, request: Request[CurrentUser, Any, Any]) -> Template:
        return await _accounts_page(request.user)

    @post("/")
    async def create_account(self, request: Request[CurrentUser, Any, Any], data: Form) -> Redirect:
        try:
            role = Role(data.get("role", ""))
        except ValueError:
            flash(request, gettext("Choose a role."), category="error")
            return Redirect("/accounts/")
        try:
            created = await services.create_account(
                request.user,
                data.get("username", ""),
                data.get("password", ""),
                role,
                display_name=data.get("display_name", ""),
                event_id=_event_choice(data.get("event")),
            )
        except DomainError as error:
            return _back(request, error)
        flash(
            request,
            gettext("Account %(name)s created.", name=created.username),
            category="success",
        )
        return Redirect("/accounts/")

    @post("/{user_id:int}/active")
    async def set_active(
        self, request: Request[CurrentUser, Any, Any], user_id: FromPath[int], data: Form
    ) -> Redirect:
        try:
            await services.set_account_active(request.user, user_id, data.get("active") == "1")
        except DomainError as error:
            return _back(request, error)
        return Redirect("/accounts/")

    @post("/{user_id:int}/password")
    async def reset_password(
        self, request: Request[CurrentUser, Any, Any], user_id: FromPath[int], data: Form
    ) -> Redirect:
        try:
            await services.reset_password(request.user, user_id, data.get("password", ""))
        except DomainError as error:
            return _back(request, error)
        if user_id == request.user.id:
            # One's own new password ends one's other sessions; this one goes on, under
            # a new id and the new generation.
            me = await auth.get_active_user(user_id)
            request.clear_session()
            if me is not None:
                sessions.renew_id(request)
                request.set_session(auth.user_session(me))
        flash(request, gettext("Password changed."), category="success")
        return Redirect("/accounts/")

    @post("/{user_id:int}/administrator")
    async def set_administrator(
        self, request: Request[CurrentUser, Any, Any], user_id: FromPath[int], data: Form
    ) -> Redirect:
        try:
            await services.set_administrator(
                request.user, user_id, data.get("administrator") == "1"
            )
        except DomainError as error:
            return _back(request, error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect("/accounts/")

    @post("/{user_id:int}/memberships")
    async def add_membership(
        self, request: Request[CurrentUser, Any, Any], user_id: FromPath[int], data: Form
    ) -> Redirect:
        await services.managed_account(request.user, user_id)  # another's: 404 first
        try:
            role = Role(data.get("role", ""))
        except ValueError:
            flash(request, gettext("Choose a role."), category="error")
            return Redirect("/accounts/")
        try:
            event_id = _event_choice(data.get("event"))
            if event_id is None:
                raise InvalidInput("Choose the event.", refusal="no_event")
            await services.add_membership(request.user, user_id, event_id, role)
        except DomainError as error:
            return _back(request, error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect("/accounts/")

    @post("/{user_id:int}/memberships/{event_id:int}/remove")
    async def remove_membership(
        self,
        request: Request[CurrentUser, Any, Any],
        user_id: FromPath[int],
        event_id: FromPath[int],
    ) -> Redirect:
        try:
            await services.remove_membership(request.user, user_id, event_id)
        except DomainError as error:
            return _back(request, error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect("/accounts/")

    @post("/tokens")
    async def create_token(
        self, request: Request[CurrentUser, Any, Any], data: Form
    ) -> Template | Redirect:
        try:
            user_id = _account_choice(data.get("account"))
            account = await services.managed_account(request.user, user_id)
            token = await services.create_account_token(
                request.user, user_id, data.get("name", ""), _days(data.get("expires_days"))
            )
        except DomainError as error:
            return _back(request, error)
        # Shown on this answer only: the token is never stored, nor put in a session.
        return await _accounts_page(request.user, new_token=token, token_owner=account["username"])

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(
        self, request: Request[CurrentUser, Any, Any], token_id: FromPath[int]
    ) -> Redirect:
        try:
            await services.revoke_account_token(request.user, token_id)
        except DomainError as error:
            return _back(request, error)
        flash(request, gettext("Token revoked."), category="success")
        return Redirect("/accounts/")
