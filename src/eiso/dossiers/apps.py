from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "eiso.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_create_cache_tables, sender=self)


def _create_cache_tables(using="default", **kwargs):
    """The database cache behind the public lookup's rate limit (settings.CACHES["shared"]) exists after
    every `eiso migrate`, so operators need no extra step; `createcachetable` skips existing tables."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
