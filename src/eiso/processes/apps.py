from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "eiso.processes"
    label = "processes"
    verbose_name = _("Quy trình nội bộ")

    def ready(self):
        # Connects the legal-change watch to the catalogue's `procedure_changed` signal.
        from eiso.processes import signals  # noqa: F401
