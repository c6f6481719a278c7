"""The delegate's own invitation page, its QR images and the RSVP buttons (no login)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from conference.auth import PUBLIC
from conference.errors import InvalidInput
from conference.forms import Form
from conference.i18n import translate_error
from conference.invitations import services, substitutes
from conference.invitations.qr import invitation_url, qr_png, qr_svg
from conference.invitations.rendering import build_invitation
from conference.program import agenda
from conference.settings import Settings

# Invitation pages are personal: no shared cache may keep them.
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def _unavailable(error: services.InvitationUnavailable) -> Template:
    return Template(
        "invitations/unavailable.html",
        context={"message": translate_error(error)},
        status_code=404,
        headers=PRIVATE,
    )


async def _qr_image(
    token: str, settings: Settings, media_type: str, draw: Callable[[str], str | bytes]
) -> Response[Any]:
    """The code of a working invitation, drawn by ``draw``; the same 404 page otherwise."""
    try:
        await services.invitation_by_token(token)
    except services.InvitationUnavailable as error:
        return _unavailable(error)
    return Response(
        draw(invitation_url(settings.base_url, token)), media_type=media_type, headers=PRIVATE
    )


async def _page(
    token: str,
    settings: Settings,
    *,
    error: InvalidInput | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    """The invitation page; with ``error``, the substitute form refused as ``form`` was."""
    try:
        event, delegate = await services.invitation_by_token(token)
    except services.InvitationUnavailable as unavailable:
        return _unavailable(unavailable)
    invitation = build_invitation(
        event, delegate, await agenda.programme_outline(event["id"]), settings.base_url
    )
    return Template(
        "invitations/page.html",
        context={
            "invitation": invitation,
            "substitute_error": translate_error(error) if error else "",
            "substitute_form": form or {},
        },
        status_code=400 if error else 200,
        headers=PRIVATE,
    )


class InvitationPageController(Controller):
    path = "/i"
    opt = PUBLIC

    @get("/{token:str}", name="invitation_page")
    async def page(self, token: FromPath[str], settings: NamedDependency[Settings]) -> Template:
        return await _page(token, settings)

    @get("/{token:str}/qr.svg", media_type="image/svg+xml")
    async def qr_svg_image(
        self, token: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        return await _qr_image(token, settings, "image/svg+xml", qr_svg)

    @get("/{token:str}/qr.png", media_type="image/png")
    async def qr_png_image(
        self, token: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        return await _qr_image(token, settings, "image/png", lambda url: qr_png(url, scale=10))

    @post("/{token:str}/rsvp")
    async def rsvp(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: Form
    ) -> Template | Redirect:
        try:
            await services.record_rsvp(token, data.get("answer", ""), data.get("note", ""))
        except services.InvitationUnavailable as error:
            return _unavailable(error)
        except InvalidInput:
            pass  # neither button: show the page again, nothing changed
        return Redirect(f"/i/{token}#rsvp")

    @post("/{token:str}/substitute")
    async def substitute(
        self, token: FromPath[str], settings: NamedDependency[Settings], data: Form
    ) -> Template | Redirect:
        """Name who attends in the delegate's place (cử người dự thay), or clear it."""
        try:
            wanted = substitutes.from_form(data)
            await services.name_substitute_by_token(token, wanted)
        except services.InvitationUnavailable as error:
            return _unavailable(error)
        except InvalidInput as error:
            return await _page(token, settings, error=error, form=dict(data))
        return Redirect(f"/i/{token}#substitute")
