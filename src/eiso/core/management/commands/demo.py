"""`eiso demo`: migrate, load the demo data (idempotent), print the accounts, serve."""

from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Dựng hệ thống demo: migrate, nạp dữ liệu mẫu, in tài khoản, chạy máy chủ."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="chỉ nạp dữ liệu, không chạy máy chủ")
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        accounts: list[tuple[str, str, str]] = []
        # Each app may ship a `demo` module with `load(stdout) -> list of (username, password, what)`;
        # they run in INSTALLED_APPS order, so the agency tree exists before the users who work in it.
        for config in apps.get_app_configs():
            if not config.name.startswith("eiso."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                accounts += module.load(self.stdout) or []
        self.stdout.write(self.style.SUCCESS("Dữ liệu demo đã sẵn sàng / demo data ready."))
        if accounts:
            self.stdout.write("\nTài khoản demo / demo accounts:")
            width = max(len(u) for u, _, _ in accounts)
            for username, password, what in accounts:
                self.stdout.write(f"  {username.ljust(width)}  {password}  — {what}")
        if not no_serve:
            call_command("serve", addrport)
