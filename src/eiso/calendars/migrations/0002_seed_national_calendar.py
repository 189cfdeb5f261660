"""Seed the national calendar: official 2025 and 2026 from the shipped data, 2015–2035 estimated
from the holidays package (idempotent; `eiso calendar seed` does the same later)."""

import uuid

from django.db import migrations


def seed(apps, schema_editor):
    from eiso.calendars.seed import seed_national

    seed_national(apps.get_model("calendars", "CalendarEntry"), apps.get_model("calendars", "CalendarYear"))
    version = apps.get_model("calendars", "CalendarVersion")
    if not version.objects.exists():
        version.objects.create(token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
