"""Organizer pages of the award list: forms, recipients, calling order and the import."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from conference import spreadsheets
from conference.actors import EventRow
from conference.auth import ORGANIZER
from conference.errors import N_, DomainError, FormErrors
from conference.forms import Form, StaffRequest, Upload, form_errors, form_int
from conference.i18n import gettext, translate_error
from conference.imports import UploadExpired, imported_message
from conference.program.awards import importing as award_import
from conference.program.awards import services as awards
from conference.uploads import previewed_uploads


def parse_form_input(data: dict[str, str]) -> awards.FormInput:
    """An award form from the page's fields; a field that cannot be read is a FormError."""
    errors: dict[str, str] = {}
    rank = form_int(data.get("rank"), None)
    if rank is None:
        errors["rank"] = N_("The rank is a whole number from 1 (the highest).")
    decided: date | None = None
    if data.get("decision_date"):
        try:
            decided = date.fromisoformat(data["decision_date"])
        except ValueError:
            errors["decision_date"] = N_("Enter the decision's date.")
    if errors:
        raise FormErrors(errors)
    return awards.FormInput(
        title=data.get("title", ""),
        rank=rank or 1,
        decision_number=data.get("decision_number", ""),
        decision_date=decided,
        issuer=data.get("issuer", ""),
    )


def parse_recipient_input(data: dict[str, str]) -> awards.RecipientInput:
    return awards.RecipientInput(
        name=data.get("name", ""),
        kind=data.get("kind", "individual"),
        honorific=data.get("honorific", ""),
        title=data.get("title", ""),
        organization=data.get("organization", ""),
        representative_name=data.get("representative_name", ""),
        delegate_id=form_int(data.get("delegate_id")),
        citation=data.get("citation", ""),
        pronunciation_note=data.get("pronunciation_note", ""),
    )


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _import_preview(
    event: EventRow,
    plan: award_import.AwardImportPlan,
    upload_id: str,
    filename: str,
    form_id: int | None,
) -> Template:
    return Template(
        "program/awards/import_preview.html",
        context={
            "event": event,
            "plan": plan,
            "upload_id": upload_id,
            "filename": filename,
            "form_id": form_id or "",
            "forms": {f["id"]: f for f in await awards.award_forms(event["id"])},
        },
        status_code=200 if plan.ok else 400,
    )


class AwardsController(Controller):
    path = "/events/{slug:str}/awards"
    opt = ORGANIZER

    async def _list_page(
        self, event: EventRow, *, form: dict[str, Any] | None = None, error: Any = None
    ) -> Template:
        return Template(
            "program/awards/list.html",
            context={
                "event": event,
                "forms": await awards.award_list(event["id"]),
                "form": form or {"rank": 1},
                **form_errors(error),
            },
            status_code=400 if error else 200,
        )

    @get("/", name="awards")
    async def award_list(self, event: NamedDependency[EventRow]) -> Template:
        """The award list: forms from the highest, recipients in calling order."""
        return await self._list_page(event)

    @post("/forms")
    async def create_form(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            await awards.create_form(event["id"], parse_form_input(data), by=request.user)
        except DomainError as error:
            return await self._list_page(event, form=data, error=error)
        flash(request, gettext("Award form added."), category="success")
        return Redirect(f"/events/{slug}/awards/")

    def _form_page(
        self, event: EventRow, form: dict[str, Any], form_id: int, error: Any = None
    ) -> Template:
        return Template(
            "program/awards/form.html",
            context={
                "event": event,
                "form": form,
                "form_id": form_id,
                **form_errors(error),
            },
            status_code=400 if error else 200,
        )

    @get("/forms/{form_id:int}", name="award_form_edit")
    async def edit_form(self, event: NamedDependency[EventRow], form_id: FromPath[int]) -> Template:
        form = await awards.get_form(event["id"], form_id)
        return self._form_page(event, form, form_id)

    @post("/forms/{form_id:int}")
    async def update_form(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        form_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        try:
            await awards.update_form(event["id"], form_id, parse_form_input(data), by=request.user)
        except DomainError as error:
            return self._form_page(event, data, form_id, error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/awards/")

    @post("/forms/{form_id:int}/delete")
    async def delete_form(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        form_id: FromPath[int],
    ) -> Redirect:
        try:
            await awards.delete_form(event["id"], form_id, by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
            return Redirect(f"/events/{slug}/awards/forms/{form_id}")
        flash(request, gettext("Award form removed."), category="success")
        return Redirect(f"/events/{slug}/awards/")

    async def _recipient_page(
        self,
        event: EventRow,
        form: dict[str, Any],
        values: dict[str, Any],
        *,
        recipient_id: int | None,
        error: Any = None,
    ) -> Template:
        return Template(
            "program/awards/recipient.html",
            context={
                "event": event,
                "award": form,
                "form": values,
                "recipient_id": recipient_id,
                "delegates": await awards.award_delegate_choices(event["id"]),
                **form_errors(error),
            },
            status_code=400 if error else 200,
        )

    @get("/forms/{form_id:int}/recipients/new", name="award_recipient_new")
    async def new_recipient(
        self, event: NamedDependency[EventRow], form_id: FromPath[int]
    ) -> Template:
        form = await awards.get_form(event["id"], form_id)
        return await self._recipient_page(event, form, {"kind": "individual"}, recipient_id=None)

    @post("/forms/{form_id:int}/recipients")
    async def add_recipient(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        form_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        form = await awards.get_form(event["id"], form_id)
        try:
            await awards.add_recipient(
                event["id"], form_id, parse_recipient_input(data), by=request.user
            )
        except DomainError as error:
            return await self._recipient_page(event, form, data, recipient_id=None, error=error)
        flash(request, gettext("Recipient added."), category="success")
        return Redirect(f"/events/{slug}/awards/#form-{form_id}")

    @get("/recipients/{recipient_id:int}", name="award_recipient_edit")
    async def edit_recipient(
        self, event: NamedDependency[EventRow], recipient_id: FromPath[int]
    ) -> Template:
        row = await awards.get_recipient(event["id"], recipient_id)
        form = await awards.get_form(event["id"], row["award_form"])
        values = {**row, "delegate_id": row["delegate"]}
        return await self._recipient_page(event, form, values, recipient_id=recipient_id)

    @post("/recipients/{recipient_id:int}")
    async def update_recipient(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        row = await awards.get_recipient(event["id"], recipient_id)
        try:
            await awards.update_recipient(
                event["id"], recipient_id, parse_recipient_input(data), by=request.user
            )
        except DomainError as error:
            form = await awards.get_form(event["id"], row["award_form"])
            return await self._recipient_page(
                event, form, data, recipient_id=recipient_id, error=error
            )
        flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/awards/#form-{row['award_form']}")

    @post("/recipients/{recipient_id:int}/delete")
    async def delete_recipient(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
    ) -> Redirect:
        try:
            await awards.delete_recipient(event["id"], recipient_id, by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        else:
            flash(request, gettext("Recipient removed."), category="success")
        return Redirect(f"/events/{slug}/awards/")

    @post("/recipients/{recipient_id:int}/move")
    async def move_recipient(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Earlier or later in the calling order of their form."""
        await awards.move_recipient_in_list(
            event["id"], recipient_id, form_int(data.get("offset"), 0) or 0, by=request.user
        )
        return Redirect(f"/events/{slug}/awards/#recipient-{recipient_id}")

    # ------------------------------------------------------------ import

    async def _import_page(self, event: EventRow, error: str | None = None) -> Template:
        return Template(
            "program/awards/import.html",
            context={
                "event": event,
                "forms": await awards.award_forms(event["id"]),
                "columns": award_import.COLUMNS,
                "error": error,
            },
            status_code=400 if error else 200,
        )

    @get("/import/template.csv", name="awards_import_template_csv")
    async def template_csv(self, event: NamedDependency[EventRow]) -> Response[bytes]:
        """The recipients import's headers and one example row, as CSV."""
        headers, rows = await award_import.template_rows(event["id"])
        return _download(
            spreadsheets.to_csv(headers, rows),
            "mau-danh-sach-khen-thuong.csv",
            "text/csv",
        )

    @get("/import/template.xlsx", name="awards_import_template_xlsx")
    async def template_xlsx(self, event: NamedDependency[EventRow]) -> Response[bytes]:
        """The recipients import's headers and one example row, as an Excel workbook."""
        headers, rows = await award_import.template_rows(event["id"])
        return _download(
            spreadsheets.to_xlsx(headers, rows, title="Khen thưởng"),
            "mau-danh-sach-khen-thuong.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @get("/import", name="awards_import")
    async def import_page(self, event: NamedDependency[EventRow]) -> Template:
        return await self._import_page(event)

    @post("/import", request_max_body_size=12 * 1024 * 1024)
    async def preview_import(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Upload
    ) -> Template:
        """Check a file and show what importing it would do; nothing is written."""
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._import_page(event, gettext("Choose a CSV or Excel file."))
        content = await upload.read()
        default_form = form_int(str(data.get("form_id") or ""))
        try:
            preview = await award_import.preview_import(
                event["id"],
                upload.filename,
                content,
                previewed_uploads(request.app),
                default_form_id=default_form,
            )
        except DomainError as error:
            return await self._import_page(event, translate_error(error))
        return await _import_preview(
            event, preview.plan, preview.upload_id, upload.filename, default_form
        )

    @post("/import/confirm")
    async def confirm_import(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            confirmed = await award_import.confirm_import(
                event["id"],
                data.get("filename", ""),
                data.get("upload_id", ""),
                previewed_uploads(request.app),
                default_form_id=form_int(data.get("form_id")),
                by=request.user,
            )
        except UploadExpired as error:
            flash(request, translate_error(error), category="error")
            return Redirect(f"/events/{slug}/awards/import")
        if confirmed.result is None:  # the list changed since the preview
            return await _import_preview(event, confirmed.plan, "", data.get("filename", ""), None)
        flash(request, imported_message(confirmed.result), category="success")
        return Redirect(f"/events/{slug}/awards/")
