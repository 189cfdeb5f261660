"""`Procedure.sector_names`: the list pages' copy of the current version's sectors, filled for rows that
exist already."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.filter(current_version__isnull=False).select_related("current_version"):
        names = [s.name for s in procedure.current_version.sectors.all()]
        Procedure.objects.filter(pk=procedure.pk).update(sector_names=", ".join(names)[:500])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_search_trigram")]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="sector_names",
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name="lĩnh vực"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
