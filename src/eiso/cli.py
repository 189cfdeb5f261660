"""The `eiso` console command: Django's management commands under one name.

`eiso demo`, `eiso serve`, `eiso audit verify` and every other command are ordinary Django
management commands; this wrapper only points Django at our settings.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eiso.conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["eiso", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
