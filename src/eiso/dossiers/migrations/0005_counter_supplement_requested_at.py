from django.db import migrations
from django.db.models import F


def keep_counter_request_moment(apps, schema_editor):
    """Dossiers still waiting at the counter: their form 02 was given at reception, which a later
    `receive_completed` moves, so the moment is kept where form 02 now reads it."""
    Dossier = apps.get_model("dossiers", "Dossier")
    Dossier.objects.filter(status="counter_supplement", supplement_requested_at__isnull=True).update(
        supplement_requested_at=F("received_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_dossier_worst_hand_over"),
    ]

    operations = [migrations.RunPython(keep_counter_request_moment, migrations.RunPython.noop)]
