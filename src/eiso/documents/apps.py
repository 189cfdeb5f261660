from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "eiso.documents"
    label = "documents"
    verbose_name = _("Tài liệu, hồ sơ ISO")

    def ready(self):
        # Connects the external-document watch to the shared legal-document register.
        from eiso.documents import signals  # noqa: F401
