"""Domain errors: what a user can cause, with a machine-readable code and a message."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message id for the catalog; it is translated when shown."""
    return message


class DomainError(Exception):
    """An error a user can cause and correct.

    ``code`` is stable and machine-readable; ``message`` is a gettext message id
    (English) that the interface translates, so a handler shows it in the user's
    language and the command line prints it as one line.

    ``refusal`` names which refusal this is (``not_own_checkin``, ``programme_final``):
    it becomes ``code``, so callers and tests tell one refusal from another.
    ``answer_code`` is the code JSON answers carry, unchanged by ``refusal`` so a
    client reading them sees what it always saw (the class's code, or ``code``).
    """

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        refusal: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        if code is not None:
            self.code = code
        self.answer_code = self.code
        if refusal is not None:
            self.code = refusal

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class ConfigurationError(DomainError):
    code = "configuration"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    code = "invalid"


class FormErrors(InvalidInput):
    """Several fields of one form are wrong; ``fields`` maps each to its message id."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(N_("Please correct the marked fields."))
        self.fields = fields
