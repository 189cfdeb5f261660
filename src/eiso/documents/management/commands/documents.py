"""`eiso documents remind [--days N]`: the daily reminder of documents due for periodic review.

Idempotent: each person is told once per document and review date, however often it runs (see
`eiso.documents.reminders`). Schedule it daily (docs/operations/install.md).
"""

from django.core.management.base import BaseCommand, CommandError

from eiso.documents import reminders


class Command(BaseCommand):
    help = (
        "Tài liệu / documents: `remind [--days N]` nhắc soát xét định kỳ các tài liệu đến hạn trong N ngày "
        "(mặc định 30) hoặc đã quá hạn."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser(
            "remind", help="nhắc soát xét định kỳ tài liệu / remind people of document reviews due"
        )
        remind.add_argument(
            "--days",
            type=int,
            default=reminders.DEFAULT_DAYS,
            help=f"nhắc trước bao nhiêu ngày (mặc định {reminders.DEFAULT_DAYS})",
        )
        remind.add_argument(
            "--no-email", action="store_true", help="chỉ thông báo trong hệ thống, không gửi thư điện tử"
        )

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_remind(self, *, days, no_email, **_options):
        if days < 0:
            raise CommandError(f"Số ngày “{days}” không hợp lệ (từ 0 trở lên).")
        result = reminders.remind(days=days, email=not no_email)
        self.stdout.write(
            f"Soát xét định kỳ: {result.documents} tài liệu đến hạn trong {days} ngày hoặc đã quá hạn; "
            f"{result.notified} thông báo mới."
        )
