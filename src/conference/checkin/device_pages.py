"""Desk devices: the organizer's page (create, show the pairing QR, revoke) and the
pairing link a phone opens."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from conference import auth, sessions
from conference.actors import EventRow
from conference.auth import ORGANIZER, PUBLIC, CurrentUser
from conference.checkin import devices
from conference.errors import DomainError
from conference.forms import Form
from conference.i18n import gettext, translate_error
from conference.invitations import render_svg
from conference.settings import Settings

# A page holding a pairing secret: kept by no cache, and sent to no other site.
_SECRET_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _pairing_page(event: EventRow, link: devices.PairingLink) -> Template:
    return Template(
        "checkin/device_pairing.html",
        context={
            "event": event,
            "link": link,
            "qr": render_svg(
                link.url, title=gettext("Pairing code of %(label)s", label=link.label)
            ),
            "minutes": int(devices.PAIRING_LINK_TTL.total_seconds() // 60),
        },
        headers=_SECRET_HEADERS,
    )


class DeskDeviceController(Controller):
    path = "/events/{slug:str}/desk/devices"
    opt = ORGANIZER

    @get("/", name="desk_devices")
    async def devices_page(self, event: NamedDependency[EventRow]) -> Template:
        """The event's desk devices: when each paired and last scanned; create, re-link, revoke."""
        return Template(
            "checkin/devices.html",
            context={"event": event, "devices": await devices.list_devices(event)},
        )

    @post("/")
    async def create_device(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: Form,
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Create a device and show its pairing QR code (this once: only its digest is kept)."""
        try:
            link = await devices.create_device(
                event, data.get("label", ""), by=request.user, base_url=settings.base_url
            )
        except DomainError as error:
            flash(request, translate_error(error), category="error")
            return Redirect(f"/events/{event['slug']}/desk/devices/")
        return _pairing_page(event, link)

    @post("/{device_id:int}/link")
    async def new_link(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        device_id: FromPath[int],
        settings: NamedDependency[Settings],
    ) -> Template:
        """A new pairing QR code for a device (its earlier link stops working)."""
        link = await devices.new_pairing_link(
            event, device_id, by=request.user, base_url=settings.base_url
        )
        return _pairing_page(event, link)

    @post("/{device_id:int}/revoke")
    async def revoke(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        device_id: FromPath[int],
    ) -> Redirect:
        """Revoke a device at once: its next request is refused."""
        try:
            label = await devices.revoke_device(event, device_id, by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        else:
            flash(
                request,
                gettext("%(label)s was revoked: it is signed out now.", label=label),
                category="success",
            )
        return Redirect(f"/events/{event['slug']}/desk/devices/")


class PairingController(Controller):
    opt = PUBLIC

    @get("/pair/{secret:str}", name="pair_device")
    async def pair(
        self,
        request: Request[Any, Any, Any],
        secret: FromPath[str],
        settings: NamedDependency[Settings],
    ) -> Any:
        """Sign this phone in as the desk device whose pairing QR code it opened (once)."""
        try:
            paired = await devices.pair(secret)
        except devices.PairingRefused as error:
            return Template(
                "checkin/pairing_refused.html",
                context={"message": translate_error(error)},
                status_code=404 if error.code == "pairing_invalid" else 410,
                headers=_SECRET_HEADERS,
            )
        # A fresh session under a fresh id: whatever this browser held before is gone.
        request.clear_session()
        sessions.renew_id(request)
        request.set_session(auth.device_session(paired.device_id, paired.pairing))
        response = Redirect(f"/events/{paired.event_slug}/desk/", headers=_SECRET_HEADERS)
        response.set_cookie(auth.device_key_cookie(paired.key, secure=settings.production))
        return response
