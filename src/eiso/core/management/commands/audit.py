from django.core.management.base import BaseCommand, CommandError

from eiso.core.audit import verify_chain


class Command(BaseCommand):
    help = "Nhật ký hệ thống: `eiso audit verify` kiểm tra chuỗi băm (audit trail hash chain)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi băm / verify the whole hash chain")
        verify.add_argument("--chunk-size", type=int, default=20_000)

    def handle(self, *args, action, chunk_size=20_000, **options):
        report = verify_chain(chunk_size=chunk_size)
        if not report.ok:
            problem = {
                "link": "liên kết với sự kiện trước bị đứt (xoá hoặc chèn ngoài hệ thống) / link to the previous event broken",
                "content": "nội dung bị sửa / content altered",
            }[report.problem]
            raise CommandError(
                f"Chuỗi nhật ký KHÔNG toàn vẹn: sự kiện #{report.first_bad_id}: {problem}. "
                f"Đã kiểm tra {report.checked} sự kiện hợp lệ trước đó."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Chuỗi nhật ký toàn vẹn / audit chain intact: {report.checked} sự kiện trong {report.chains} "
                f"chuỗi, head {report.head_hash}"
            )
        )
