"""create_app(): the Litestar application, assembled in one place."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any
from urllib.parse import quote

from litestar import Litestar, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.stores.base import Store
from litestar.stores.registry import StoreRegistry
from piccolo.engine.base import Engine

from conference import __version__, database, live, redis_fallback, startup, stream_caps
from conference.accounts.controllers import AccountsController, SessionController
from conference.auth import (
    ANY_ROLE,
    EVENT_ID_OF_SLUG,
    PUBLIC,
    AuthenticationMiddleware,
    CSRFUnlessBearerMiddleware,
    role_guard,
)
from conference.checkin.controllers import (
    ArrivalsController,
    CheckInApiController,
    DeskController,
)
from conference.checkin.device_pages import DeskDeviceController, PairingController
from conference.errors import DomainError, NotFound
from conference.events import EVENT, event_id_of
from conference.events.controllers import EventController
from conference.failures import database_failure
from conference.headers import add_security_headers
from conference.i18n import LocaleMiddleware, gettext, translate_error
from conference.input_guard import InputGuardMiddleware
from conference.invitations import stop_workers
from conference.invitations.api import DelegateApiController
from conference.invitations.controllers import DelegateController, InvitationController
from conference.invitations.public import InvitationPageController
from conference.overview.controllers import OverviewController
from conference.program.agenda.controllers import PROGRAMME_ROUTES
from conference.program.awards.controllers import AwardsController
from conference.program.runsheet.controllers import RUNSHEET_ROUTES
from conference.seating.controllers import SEATING_ROUTES
from conference.sessions import SessionConfig
from conference.settings import Settings
from conference.store import DatabaseStore
from conference.templating import STATIC_DIR, template_config

SESSION_MAX_AGE_S = 14 * 24 * 3600


@get("/healthz", opt=PUBLIC, include_in_schema=False)
async def healthz() -> Response[dict[str, str]]:
    """Whether this process can serve: the database answers (else 503, so a proxy takes
    the instance out), and whether the other processes' live updates are heard."""
    answer = {"status": "ok", "version": __version__, "database": "ok"}
    if not await database.answers():
        answer |= {"status": "unavailable", "database": "unreachable"}
    answer["channels"] = await live.channels_state()
    return Response(answer, status_code=200 if answer["database"] == "ok" else 503)


def _spare_startup_objects_from_collection() -> None:
    """Move everything made at start-up (the app, its routes, templates, tables) out of
    the garbage collector's sight: a full collection had to walk them all and paused
    every request for 60 to 100 ms during the busiest minutes at the desk."""
    gc.collect()
    gc.freeze()


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def _error_page(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if _wants_html(request):
        return Template(
            "error.html",
            context={"status": status, "message": message},
            status_code=status,
            headers=headers,
        )
    return Response({"status_code": status, "detail": message}, status_code=status, headers=headers)


def _not_authorized(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if _wants_html(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='/')}")
    return Response(
        {"status_code": 401, "detail": gettext("Log in first.")},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    message = (
        gettext("The form has expired. Reload the page and try again.")
        if "CSRF" in str(exc)
        else gettext("Your account may not use this page.")
    )
    return _error_page(request, 403, message)


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(request, 404, gettext("This page does not exist."))


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    status = 404 if isinstance(exc, NotFound) else 400
    if not _wants_html(request):
        return Response(
            {"status_code": status, "code": exc.answer_code, "detail": translate_error(exc)},
            status_code=status,
        )
    return _error_page(request, status, translate_error(exc))


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    # The exception's headers are part of the answer (a 405's Allow, a 429's Retry-After).
    return _error_page(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error", exc_info=exc)
    # What the database said names tables and settings: staff who are signed in are told,
    # an anonymous page (an invitation, the hall screen) only that something went wrong.
    explained = database_failure(exc) if request.scope.get("user") is not None else None
    return _error_page(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        explained
        or gettext("Something went wrong on our side. Try again, or tell the organizers."),
    )


def _stores(settings: Settings) -> StoreRegistry:
    stores: dict[str, Store]
    if settings.redis_url:
        # Written through to the database, read from it while Redis is away.
        root = redis_fallback.FallbackStore.of(settings.redis_url)
        stores = {
            # A session ended stays ended, whatever copy Redis or a request still holds.
            "sessions": root.with_namespace("sessions", tombstone_s=SESSION_MAX_AGE_S),
            "throttle": root.with_namespace("throttle"),
            "uploads": root.with_namespace("uploads"),
        }
    else:
        root_db = DatabaseStore()
        stores = {
            "sessions": root_db.with_namespace("sessions"),
            "throttle": root_db.with_namespace("throttle"),
            "uploads": root_db.with_namespace("uploads"),
        }
    return StoreRegistry(stores=stores)


# Every route of the application, feature by feature (and /static, made per app).
ROUTES: list[Any] = [
    healthz,
    SessionController,
    AccountsController,
    EventController,
    OverviewController,
    DelegateController,
    DelegateApiController,
    CheckInApiController,
    DeskController,
    ArrivalsController,
    DeskDeviceController,
    PairingController,
    InvitationController,
    InvitationPageController,
    *PROGRAMME_ROUTES,
    AwardsController,
    *RUNSHEET_ROUTES,
    *SEATING_ROUTES,
]

EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: _not_authorized,
    PermissionDeniedException: _forbidden,
    NotFoundException: _not_found,
    DomainError: _domain_error,
    HTTPException: _http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: _server_error,
}


def _lifespan(
    engine: Engine[Any], *, owns_engine: bool
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Open the pool, migrate and sweep at start-up, close the pool at the end: only
    for an engine of our own (tests pass theirs and keep its pool)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not owns_engine:
            yield
            return
        await database.open_pool(engine)
        try:
            if not startup.done_by_parent():
                await startup.start_up_once()
            yield
        finally:
            await database.close_pool(engine)

    return lifespan


def _session_config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        store="sessions",
        key="conference_session",
        max_age=SESSION_MAX_AGE_S,
        secure=settings.production,
        samesite="lax",
    )


def _csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name="conference_csrf",
        cookie_secure=settings.production,
        cookie_samesite="lax",
    )


def create_app(settings: Settings | None = None, *, engine: Engine[Any] | None = None) -> Litestar:
    """The application for ``settings`` (read from the environment when not given).

    It opens the database the settings name and migrates it at start-up. Given an
    ``engine`` (tests do), it uses that one as it is and leaves its pool to the caller.
    """
    settings = settings or Settings.from_env()
    owns_engine = engine is None
    if engine is None:
        engine = database.configure(settings)
    else:
        database.use_engine(engine)

    templates = template_config()
    session_config, csrf_config = _session_config(settings), _csrf_config(settings)
    return Litestar(
        route_handlers=[
            *ROUTES,
            create_static_files_router(path="/static", directories=[STATIC_DIR], opt=PUBLIC),
        ],
        before_send=[
            add_security_headers(
                strict_transport=settings.production and settings.base_url.startswith("https://")
            )
        ],
        middleware=[
            LocaleMiddleware,
            InputGuardMiddleware,
            session_config.middleware,
            DefineMiddleware(CSRFUnlessBearerMiddleware, config=csrf_config),
            DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/", "^/healthz$"]),
        ],
        guards=[role_guard],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "event": EVENT,
        },
        stores=_stores(settings),
        template_config=templates,
        plugins=[
            FlashPlugin(config=FlashConfig(template_config=templates)),
            live.make_plugin(settings),
        ],
        on_startup=[
            partial(redis_fallback.say_if_unreachable, settings.redis_url),
            live.started,
            _spare_startup_objects_from_collection,
        ],
        on_shutdown=[live.stopped, stop_workers],
        openapi_config=OpenAPIConfig(
            title="conference",
            version=__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            # The schema's own routes are not operations of the API it describes.
            openapi_router=Router(
                path="/schema", route_handlers=[], opt=ANY_ROLE, include_in_schema=False
            ),
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[_lifespan(engine, owns_engine=owns_engine)],
        state=State(
            {
                "settings": settings,
                EVENT_ID_OF_SLUG: event_id_of,
                stream_caps.STATE_KEY: stream_caps.configured(
                    settings.public_streams, settings.public_streams_per_address
                ),
            }
        ),
        debug=False,
    )
