"""The `eiso` console command: Django's management commands under one name.

`eiso demo`, `eiso serve`, `eiso audit verify` and every other command are ordinary Django
management commands; this wrapper only points Django at our settings.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eiso.conf.settings")
    if args[:1] == ["demo"]:
        # The demo is the one place DEBUG is on; it runs no worker, so background tasks (calendar
        # recompute, text extraction, large imports) run inside the request.
        os.environ.setdefault("DEBUG", "true")
        os.environ.setdefault("EISO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["eiso", *args])


if __name__ == "__main__":
    main()
