"""`eiso dossiers scan [--no-notify]`: the scheduled scan of dossier deadlines (services.scan).

Marks work items and dossiers at risk (sắp đến hạn: less than one working day left for a dossier, three
quarters of a step's time used) and overdue (quá hạn), notifies assignees and agency heads (in the app
and by e-mail), and locks the form 07 books of past years. Idempotent: a second run marks and notifies
nothing new. Schedule it every 15–30 minutes in working hours (docs/operations/install.md).
"""

from django.core.management.base import BaseCommand

from eiso.dossiers import services


class Command(BaseCommand):
    help = (
        "Hồ sơ / dossiers: `scan` đánh dấu việc, hồ sơ sắp đến hạn và quá hạn, gửi thông báo cho người xử lý "
        "và lãnh đạo, khóa sổ theo dõi hồ sơ của năm đã qua (chạy lại không báo trùng)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="quét hạn xử lý hồ sơ / mark at-risk and overdue work and notify")
        scan.add_argument("--no-notify", action="store_true", help="chỉ đánh dấu, không gửi thông báo")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_scan(self, *, no_notify, **_options):
        result = services.scan(notify=not no_notify)
        self.stdout.write(
            f"Việc xử lý: {result.items_at_risk} sắp đến hạn, {result.items_overdue} quá hạn; "
            f"hồ sơ: {result.dossiers_at_risk} sắp đến hạn, {result.dossiers_overdue} quá hạn; "
            f"{result.notified} thông báo mới; {result.books_locked} sổ theo dõi được khóa."
        )
