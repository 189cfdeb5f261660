"""`eiso notifications send`: e-mail again the notifications whose e-mail failed (scheduled).

Idempotent and safe on several nodes: each e-mail is claimed before it is sent (see
`eiso.notifications.services.send_owed_emails`). Schedule it every 15 minutes
(docs/operations/install.md).
"""

from django.core.management.base import BaseCommand

from eiso.notifications import services


class Command(BaseCommand):
    help = "Thông báo / notifications: `send` gửi lại thư thông báo chưa gửi được."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "send",
            help=(
                f"gửi lại thư của {services.EMAIL_RETRY_DAYS} ngày gần đây chưa gửi được, mỗi thư tối đa "
                f"{services.EMAIL_ATTEMPTS} lần / e-mail again the notifications whose e-mail failed"
            ),
        )

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_send(self, **_options):
        result = services.send_owed_emails()
        line = f"Thư thông báo còn nợ: {result.owed}; đã gửi {result.sent}; lỗi {result.failed}"
        if result.given_up:
            line += f" (thôi gửi {result.given_up} thư đã lỗi {services.EMAIL_ATTEMPTS} lần)"
        self.stdout.write(line + ".")
