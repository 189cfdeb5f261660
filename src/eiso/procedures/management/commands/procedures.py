"""`eiso procedures import FILE`, `eiso procedures export FILE`, `eiso procedures refresh`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eiso.procedures import exporting, importing, services
from eiso.procedures.models import Procedure, VersionStatus
from eiso.procedures.records import ImportRefused


class Command(BaseCommand):
    help = (
        "Danh mục thủ tục hành chính: `import FILE` nhập từ JSON (Cổng DVC quốc gia) hoặc XLSX; "
        "`export FILE` xuất ra JSON hoặc XLSX (theo đuôi tệp); `refresh` cập nhật phiên bản hiện hành (hằng ngày)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="nhập tệp .json hoặc .xlsx (tất cả hoặc không gì cả)")
        imp.add_argument("file")
        imp.add_argument(
            "--draft", action="store_true", help="phiên bản mới không ghi tình trạng được lưu dự thảo"
        )
        exp = sub.add_parser("export", help="xuất ra tệp .json hoặc .xlsx")
        exp.add_argument("file")
        exp.add_argument("--current", action="store_true", help="chỉ phiên bản hiện hành của mỗi thủ tục")
        exp.add_argument("--search", default="", help="chỉ các thủ tục khớp từ khoá (không cần dấu)")
        sub.add_parser("refresh", help="áp dụng các phiên bản đến ngày hiệu lực (cron hằng ngày)")

    def handle(self, *args, action, **options):
        if action == "import":
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"Không có tệp / no such file: {path}")
            status = VersionStatus.DRAFT if options["draft"] else VersionStatus.PUBLISHED
            try:
                summary = importing.import_file(
                    actor=None, data=path.read_bytes(), file_name=path.name, default_status=status
                )
            except ImportRefused as exc:
                for error in exc.errors:
                    self.stderr.write(f"  {error}")
                raise CommandError(" ".join(exc.messages)) from None
            self.stdout.write(
                f"Đã nhập {summary.total} bản ghi: {summary.created} phiên bản mới, {summary.updated} cập nhật, "
                f"{summary.unchanged} không đổi / imported {summary.total} records: {summary.created} new, "
                f"{summary.updated} updated, {summary.unchanged} unchanged"
            )
        elif action == "export":
            path = Path(options["file"])
            file_format = "xlsx" if path.suffix.lower() == ".xlsx" else "json"
            procedures = Procedure.objects.search(options["search"])
            versions = exporting.versions_for_export(procedures, current_only=options["current"])
            path.write_bytes(exporting.export_bytes(versions, file_format))
            self.stdout.write(f"Đã xuất {versions.count()} phiên bản vào {path} / exported to {path}")
        elif action == "refresh":
            changed = services.refresh_current_copies()
            self.stdout.write(f"Đã cập nhật {changed} thủ tục / procedures refreshed: {changed}")
