"""Serializer fields shared by the apps' API serializers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from eiso.api.errors import ReferenceNotFound


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the caller can see: ``visible_to(request.user)`` of `model`.

    An id outside the caller's scope is answered exactly like an id that does not exist — HTTP 404 —
    so a request body cannot be used to probe for objects in other agencies.
    """

    default_error_messages = {"not_visible": _("Không tìm thấy đối tượng có mã “%(pk)s”.")}

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.all())  # replaced by the scoped queryset per request
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.visible_to(user)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=data)
        except (self.model.DoesNotExist, TypeError, ValueError):
            if isinstance(data, int) or (isinstance(data, str) and data.isdigit()):
                raise ReferenceNotFound(
                    self.field_name, str(self.error_messages["not_visible"]) % {"pk": data}
                ) from None
            self.fail("incorrect_type", data_type=type(data).__name__)
