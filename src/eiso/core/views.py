"""Helpers shared by the thin views of every app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from eiso.core.errors import PermissionRefused


def run_service(form, service, /, **kwargs):
    """Call a service; put a refusal on the form (field or non-field) and return None.

    PermissionRefused is not a form error: it surfaces as 404 so a page never confirms that an
    object outside the user's scope exists.
    """
    try:
        return service(**kwargs)
    except PermissionRefused:
        raise Http404 from None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error.messages)
        else:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.messages)
        return None


def run_action(request, service, success: str, /, **kwargs):
    """A one-button action (no form): call the service, then flash `success` or the refusal.

    Returns the service's result, or None when it was refused. PermissionRefused → 404 as above.
    """
    try:
        result = service(**kwargs)
    except PermissionRefused:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result
