"""Organizer pages: the delegate list and form, import and export, sending, wording, print."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from conference.actors import EventRow
from conference.auth import ORGANIZER
from conference.errors import DomainError, InvalidInput
from conference.forms import Form, StaffRequest, Upload, form_errors
from conference.i18n import gettext, translate_error
from conference.imports import UploadExpired, imported_message
from conference.invitations import exporting, importing, services, story, substitutes
from conference.invitations.background import run_for, start_sending
from conference.invitations.printing import invitations_to_print
from conference.invitations.qr import invitation_url
from conference.invitations.rendering import build_invitation
from conference.invitations.schemas import FIELDS, MAX_LENGTHS, parse_delegate_form
from conference.invitations.sending import outbox_status
from conference.invitations.wording import DEFAULT_BODY, DEFAULT_SUBJECT, PLACEHOLDERS
from conference.settings import Settings
from conference.templating import render_off_loop
from conference.threads import off_loop
from conference.uploads import previewed_uploads


def list_filter(
    q: FromQuery[str] = "",
    group: FromQuery[str] = "",
    rsvp: FromQuery[str] = "",
    invitation: FromQuery[str] = "",
    arrival: FromQuery[str] = "",
    order: FromQuery[str] = "rank",
) -> services.DelegateFilter:
    """The list page's filters from its query string; the exports read the same ones."""
    return services.DelegateFilter(
        query=q, group=group, rsvp=rsvp, invitation=invitation, arrival=arrival, order=order
    )


LIST_FILTER = {"wanted": Provide(list_filter, sync_to_thread=False)}


def _delegate_form(
    event: EventRow,
    form: dict[str, Any],
    *,
    delegate_id: int | None,
    error: DomainError | None,
    found: story.DelegateStory | None = None,
    url: str = "",
) -> Template:
    return Template(
        "invitations/delegate_form.html",
        context={
            "event": event,
            "form": form,
            "delegate_id": delegate_id,
            "story": found,
            "url": url,
            "max_lengths": MAX_LENGTHS,
            **form_errors(error),
        },
        status_code=400 if error else 200,
    )


def _as_form(delegate: dict[str, Any]) -> dict[str, Any]:
    values = {name: delegate.get(name) or "" for name in FIELDS}
    values["group"] = delegate["group_name"]
    values["is_signer"] = "on" if delegate.get("is_signer") else ""
    return values


def _ticked(form: Any, name: str) -> bool:
    return (form.get(name) or "") in ("on", "true", "1", "yes")


class DelegateController(Controller):
    path = "/events/{slug:str}/delegates"
    opt = ORGANIZER

    @get("/", name="delegates", dependencies=LIST_FILTER)
    async def list_delegates(
        self,
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        wanted: NamedDependency[services.DelegateFilter],
        request: StaffRequest,
        page: FromQuery[int] = 1,
    ) -> Template:
        """One page of the list, filtered and ordered; the exports take the whole filter."""
        offset = services.page_offset(page)
        page = offset // services.PAGE_SIZE + 1
        listing = await services.list_delegates(
            event["id"], wanted, limit=services.PAGE_SIZE, offset=offset
        )
        for row in listing.rows:
            row["url"] = invitation_url(settings.base_url, row["token"])
        return Template(
            "invitations/delegates.html",
            context={
                "event": event,
                "listing": listing,
                "wanted": wanted,
                "page": page,
                "pages": max(1, -(-listing.matched // services.PAGE_SIZE)),
                "first": offset,
                "user_id": request.user.id,  # whose chosen columns the page remembers
            },
        )

    @get("/print", name="delegates_print", dependencies=LIST_FILTER)
    async def print_list(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        wanted: NamedDependency[services.DelegateFilter],
        sign: FromQuery[bool] = False,
    ) -> Response[bytes]:
        """The list as filtered on screen, every row, on A4 under the official heading;
        ``sign`` adds a column for signatures (an attendance sheet)."""
        listing = await services.list_delegates(event["id"], wanted, limit=None)
        return await render_off_loop(
            request,
            "invitations/list_print.html",
            {
                "event": event,
                "listing": listing,
                "wanted": wanted,
                "shown": wanted.as_query(),
                "sign": sign,
            },
        )

    @get("/new", name="delegate_new")
    async def new_delegate(self, event: NamedDependency[EventRow]) -> Template:
        return _delegate_form(event, {}, delegate_id=None, error=None)

    @post("/new")
    async def create_delegate(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            delegate_id = await services.create_delegate(
                event["id"], parse_delegate_form(data), by=request.user
            )
            await services.mark_signer(
                event["id"], delegate_id, _ticked(data, "is_signer"), by=request.user
            )
        except DomainError as error:
            return _delegate_form(event, data, delegate_id=None, error=error)
        flash(request, gettext("Delegate added."), category="success")
        return Redirect(f"/events/{slug}/delegates/")

    @get("/{delegate_id:int}", name="delegate_edit")
    async def edit_delegate(
        self,
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        delegate_id: FromPath[int],
    ) -> Template:
        """The delegate's whole story (answer, invitation, arrival, awards, changes) and form."""
        found = await story.delegate_story(event["id"], delegate_id)
        return _delegate_form(
            event,
            _as_form(found.delegate),
            delegate_id=delegate_id,
            error=None,
            found=found,
            url=invitation_url(settings.base_url, found.delegate["token"]),
        )

    @get("/{delegate_id:int}/revoke", name="delegate_revoke_confirm")
    async def confirm_revoke(
        self, event: NamedDependency[EventRow], delegate_id: FromPath[int]
    ) -> Template:
        """Ask before withdrawing an invitation: its QR code stops working at once."""
        delegate = await services.get_delegate(event["id"], delegate_id)
        return Template(
            "invitations/revoke_confirm.html", context={"event": event, "delegate": delegate}
        )

    @post("/{delegate_id:int}")
    async def update_delegate(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        try:
            await services.update_delegate(
                event["id"], delegate_id, parse_delegate_form(data), by=request.user
            )
            await services.mark_signer(
                event["id"], delegate_id, _ticked(data, "is_signer"), by=request.user
            )
        except DomainError as error:
            return _delegate_form(event, data, delegate_id=delegate_id, error=error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/delegates/")

    @post("/{delegate_id:int}/substitute")
    async def substitute(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Name (or clear) who attends in the delegate's place, as the delegate could."""
        try:
            wanted = substitutes.from_form(data)
            await services.name_substitute(event["id"], delegate_id, wanted, by=request.user)
        except InvalidInput as error:
            flash(request, translate_error(error), category="error")
        else:
            flash(
                request,
                gettext("Substitute cleared.") if wanted.nobody else gettext("Substitute saved."),
                category="success",
            )
        return Redirect(f"/events/{slug}/delegates/{delegate_id}#story-substitute")

    @post("/{delegate_id:int}/delete")
    async def delete_delegate(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
    ) -> Redirect:
        await services.delete_delegate(event["id"], delegate_id, by=request.user)
        flash(request, gettext("Delegate removed."), category="success")
        return Redirect(f"/events/{slug}/delegates/")

    @post("/{delegate_id:int}/revoke")
    async def revoke(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
    ) -> Redirect:
        await services.revoke_invitation(event["id"], delegate_id, by=request.user)
        flash(
            request,
            gettext("Invitation withdrawn: its QR code no longer works."),
            category="success",
        )
        return Redirect(f"/events/{slug}/delegates/{delegate_id}")

    @post("/{delegate_id:int}/reissue")
    async def reissue(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
    ) -> Redirect:
        await services.reissue_invitation(event["id"], delegate_id, by=request.user)
        flash(
            request,
            gettext("New invitation issued: the old QR code no longer works. Send it again."),
            category="success",
        )
        return Redirect(f"/events/{slug}/delegates/{delegate_id}")

    # ------------------------------------------------------------ import and export

    @get("/import", name="delegates_import")
    async def import_page(self, event: NamedDependency[EventRow]) -> Template:
        return Template("invitations/import.html", context={"event": event})

    @get("/import/template.csv", name="delegates_import_template_csv")
    async def template_csv(self, slug: FromPath[str]) -> Response[bytes]:
        """The import's headers and one example row, as CSV (UTF-8 with a BOM)."""
        # ``slug`` is taken so that the schema documents the address's parameter.
        headers, rows = importing.template_rows()
        return _download(exporting.to_csv(headers, rows), "mau-danh-sach-dai-bieu.csv", "text/csv")

    @get("/import/template.xlsx", name="delegates_import_template_xlsx")
    async def template_xlsx(self, slug: FromPath[str]) -> Response[bytes]:
        """The import's headers and one example row, as an Excel workbook."""
        headers, rows = importing.template_rows()
        return _download(
            exporting.to_xlsx(headers, rows),
            "mau-danh-sach-dai-bieu.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @post("/import", request_max_body_size=12 * 1024 * 1024)
    async def preview_import(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Upload
    ) -> Template:
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return Template(
                "invitations/import.html",
                context={"event": event, "error": gettext("Choose a CSV or Excel file.")},
                status_code=400,
            )
        content = await upload.read()
        try:
            preview = await importing.preview_import(
                event["id"], upload.filename, content, previewed_uploads(request.app)
            )
        except DomainError as error:
            return Template(
                "invitations/import.html",
                context={"event": event, "error": translate_error(error)},
                status_code=400,
            )
        return _import_preview(event, preview.plan, preview.upload_id, upload.filename)

    @post("/import/confirm")
    async def confirm_import(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            confirmed = await importing.confirm_import(
                event["id"],
                data.get("filename", ""),
                data.get("upload_id", ""),
                previewed_uploads(request.app),
                by=request.user,
            )
        except UploadExpired as error:
            flash(request, translate_error(error), category="error")
            return Redirect(f"/events/{slug}/delegates/import")
        if confirmed.result is None:  # the list changed since the preview
            return _import_preview(event, confirmed.plan, "", data.get("filename", ""))
        flash(request, imported_message(confirmed.result), category="success")
        return Redirect(f"/events/{slug}/delegates/")

    @get("/export.csv", name="delegates_export_csv", dependencies=LIST_FILTER)
    async def export_csv(
        self,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        wanted: NamedDependency[services.DelegateFilter],
    ) -> Response[bytes]:
        """The list as filtered on the list page (its query string), every row, as CSV."""
        headers, rows = await exporting.export_rows(event["id"], wanted)
        content = await off_loop(lambda: exporting.to_csv(headers, rows))
        return _download(content, f"dai-bieu-{slug}.csv", "text/csv")

    @get("/export.xlsx", name="delegates_export_xlsx", dependencies=LIST_FILTER)
    async def export_xlsx(
        self,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        wanted: NamedDependency[services.DelegateFilter],
    ) -> Response[bytes]:
        """The list as filtered on the list page, as an Excel workbook."""
        headers, rows = await exporting.export_rows(event["id"], wanted)
        return _download(
            await off_loop(lambda: exporting.to_xlsx(headers, rows)),
            f"dai-bieu-{slug}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _import_preview(
    event: EventRow, plan: importing.DelegatePlan, upload_id: str, filename: str
) -> Template:
    return Template(
        "invitations/import_preview.html",
        context={"event": event, "plan": plan, "upload_id": upload_id, "filename": filename},
        status_code=200 if plan.ok else 400,
    )


class InvitationController(Controller):
    path = "/events/{slug:str}/invitations"
    opt = ORGANIZER

    @get("/", name="invitations")
    async def outbox_page(
        self, event: NamedDependency[EventRow], settings: NamedDependency[Settings]
    ) -> Template:
        without_email = await services.list_delegates(
            event["id"], services.DelegateFilter(invitation="no_email", order="name")
        )
        for row in without_email.rows:
            row["url"] = invitation_url(settings.base_url, row["token"])
        run = run_for(event["id"])
        return Template(
            "invitations/outbox.html",
            context={
                "event": event,
                "status": await outbox_status(event["id"]),
                "run": run,
                "without_email": without_email.rows,
                "smtp": bool(settings.smtp_url),
                "outbox_dir": str(settings.outbox_dir),
            },
        )

    @post("/send")
    async def send(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        data: Form,
    ) -> Redirect:
        started = await start_sending(
            event["id"], settings, only_unsent=data.get("mode") != "all", by=request.user
        )
        if not started:
            flash(request, gettext("Invitations are already being sent."), category="error")
        return Redirect(f"/events/{slug}/invitations/")

    @get("/status", name="invitations_status")
    async def status(self, event: NamedDependency[EventRow]) -> dict[str, Any]:
        status = await outbox_status(event["id"])
        run = run_for(event["id"])
        stopped_by = (run.last.stopped_by if run.last else "") or run.error
        return {
            "queued": status.queued,
            "sending": status.sending,
            "sent": status.sent,
            "failed": status.failed,
            "without_email": status.without_email,
            "running": run.running,
            "stopped_by": stopped_by,
            # The sentence the page shows as an error: what stopped the run and what to do.
            "stopped_message": gettext("Stopped: %(reason)s", reason=stopped_by)
            if stopped_by
            else "",
        }

    @get("/wording", name="invitation_wording")
    async def wording_page(
        self, event: NamedDependency[EventRow], settings: NamedDependency[Settings]
    ) -> Template:
        return await _wording_page(
            event, settings, event["invitation_subject"], event["invitation_body"]
        )

    @post("/wording")
    async def save_wording(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        data: Form,
    ) -> Template | Redirect:
        subject, body = data.get("subject", ""), data.get("body", "")
        try:
            await services.save_wording(event["id"], subject, body, by=request.user)
        except InvalidInput as error:
            return await _wording_page(event, settings, subject, body, error=translate_error(error))
        flash(request, gettext("Invitation wording saved."), category="success")
        return Redirect(f"/events/{slug}/invitations/wording")

    @get("/print", name="invitations_print")
    async def print_view(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        ids: FromQuery[str] = "",
        group: FromQuery[str] = "",
    ) -> Response[bytes]:
        """A4, one invitation a page: every delegate, a group, or the chosen ids."""
        wanted = {int(i) for i in ids.split(",") if i.strip().isdigit()}
        invitations = await invitations_to_print(event, settings.base_url, group=group, ids=wanted)
        return await render_off_loop(
            request, "invitations/print.html", {"event": event, "invitations": invitations}
        )


async def _wording_page(
    event: EventRow, settings: Settings, subject: str, body: str, *, error: str | None = None
) -> Template:
    sample: EventRow = {**event, "invitation_subject": subject, "invitation_body": body}
    preview = None
    if error is None:
        delegate = {
            "id": 0,
            "token": "xem-truoc",
            "honorific": "Ông",
            "full_name": "Hoàng Cao Thắng",
            "position": "Phó Giám đốc",
            "organization": event["organizer_name"],
            "email": "",
        }
        preview = build_invitation(sample, delegate, [], settings.base_url)
    return Template(
        "invitations/wording.html",
        context={
            "event": event,
            "subject": subject,
            "body": body,
            "default_subject": DEFAULT_SUBJECT,
            "default_body": DEFAULT_BODY,
            "placeholders": PLACEHOLDERS,
            "preview": preview,
            "error": error,
        },
        status_code=400 if error else 200,
    )
