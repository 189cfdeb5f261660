import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) / run the web server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=os.environ.get("EISO_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("EISO_WORKERS", "2")))

    def handle(self, *args, addrport, workers, **options):
        from gunicorn.app.wsgiapp import run

        self.stdout.write(f"eISO: http://{addrport}/  (Ctrl+C để dừng / to stop)")
        sys.argv = [
            "gunicorn",
            "--bind",
            addrport,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "eiso.conf.wsgi:application",
        ]
        run()
