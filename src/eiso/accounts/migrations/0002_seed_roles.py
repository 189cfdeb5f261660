from django.db import migrations


def seed_roles(apps, schema_editor):
    from eiso.accounts.roles import ensure_roles

    ensure_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
