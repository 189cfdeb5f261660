from django.db import migrations


def seed_roles(apps, schema_editor):
    from eiso.accounts.roles import ROLE_DEFINITIONS

    Role = apps.get_model("accounts", "Role")
    for code, name_vi, name_en, read_only in ROLE_DEFINITIONS:
        Role.objects.update_or_create(code=code, defaults={"name_vi": name_vi, "name_en": name_en, "read_only": read_only})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
