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
from conference.accounts import services
from conference.accounts.addresses import client_address
from conference.auth import ORGANIZER, PUBLIC, SESSION_USER_KEY, CurrentUser
from conference.errors import DomainError
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
        try:
            user = await services.log_in(
                _throttle(request.app.stores),
                _client_address(request),
                data.get("username", ""),
                data.get("password", ""),
            )
        except services.TooManyAttempts as error:
            return Template(
                "accounts/login.html",
                context={"next": target, "error": translate_error(error)},
                status_code=429,
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
        request.set_session({SESSION_USER_KEY: user.id})
        return Redirect(target)

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


class AccountsController(Controller):
    path = "/accounts"
    opt = ORGANIZER

    @get("/", name="accounts")
    async def accounts_page(self) -> Template:
        return Template(
            "accounts/list.html",
            context={"users": await auth.list_users(), "roles": services.STAFF_ROLES},
        )

    @post("/")
    async def create_account(self, request: Request[CurrentUser, Any, Any], data: Form) -> Redirect:
        try:
            role = Role(data.get("role", ""))
            created = await auth.create_user(
                data.get("username", ""),
                data.get("password", ""),
                role,
                display_name=data.get("display_name", ""),
                by=request.user,
            )
        except ValueError:
            flash(request, gettext("Choose a role."), category="error")
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        else:
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
            await auth.set_active(user_id, data.get("active") == "1", by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        return Redirect("/accounts/")

    @post("/{user_id:int}/password")
    async def reset_password(
        self, request: Request[CurrentUser, Any, Any], user_id: FromPath[int], data: Form
    ) -> Redirect:
        try:
            await auth.set_password(user_id, data.get("password", ""), by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        else:
            flash(request, gettext("Password changed."), category="success")
        return Redirect("/accounts/")
