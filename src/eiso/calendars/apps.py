from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "eiso.calendars"
    label = "calendars"
    verbose_name = _("Lịch làm việc và thời hạn")

    def ready(self):
        from eiso.calendars import display

        display.register_verb_labels()
