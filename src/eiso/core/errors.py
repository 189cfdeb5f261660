"""Errors raised by services: a message a person can act on, in the active language."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refused change. Views show `message`; the API answers 400 with `code` and `detail`.

    It is a ValidationError so forms and DRF serializers treat it like any other invalid input.
    """

    def __init__(self, message, code: str = "invalid", params=None, field: str | None = None):
        self.field = field
        super().__init__(message, code=code, params=params)


class PermissionRefused(DomainError):
    """The actor may not do this to this object (HTTP 403)."""

    def __init__(self, message=None, code: str = "forbidden"):
        from django.utils.translation import gettext_lazy as _

        super().__init__(message or _("Bạn không có quyền thực hiện thao tác này."), code=code)


class Conflict(DomainError):
    """Someone else changed the object first (HTTP 409)."""

    def __init__(self, message, code: str = "conflict"):
        super().__init__(message, code=code)
