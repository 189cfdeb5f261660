"""`eiso calendar due|show|import|seed|recompute`: the working calendar from the command line.

Bad input exits non-zero with the same message the API answers with a 400.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from eiso.calendars import inputs, services
from eiso.calendars.adapter import calendar_for, effective_days
from eiso.calendars.clock import format_moment
from eiso.calendars.importing import ScheduleImportError
from eiso.calendars.models import CalendarChange, CalendarYear, EntryKind, YearStatus

KIND_MARKS = {
    EntryKind.HOLIDAY: "L",
    EntryKind.COMPENSATORY_DAY_OFF: "B",
    EntryKind.SWAPPED_DAY_OFF: "H",
    EntryKind.SWAPPED_WORKING_DAY: "W",
}


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = (
        "Lịch làm việc / working calendar: `due START AMOUNT [UNIT]` tính hạn giải quyết; `show YEAR` in lịch "
        "nghỉ của năm; `import FILE` nhập lịch nghỉ của một năm (CSV, XLSX, JSON); `seed` nạp lịch toàn quốc; "
        "`recompute` tính lại hạn cho các thay đổi lịch đang chờ."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="tính hạn giải quyết / due moment of a time limit")
        due.add_argument(
            "start", help="thời điểm tiếp nhận, ISO 8601 (2025-12-31T15:30) hoặc 'dd/mm/yyyy HH:MM'"
        )
        due.add_argument("amount", help="thời hạn (số)")
        due.add_argument(
            "unit",
            nargs="?",
            default="working_days",
            help="working_days (mặc định), working_hours, calendar_days, months",
        )
        due.add_argument("--mode", default="hours", help="hours (mặc định) hoặc days")
        due.add_argument("--agency", default="", help="mã định danh điện tử hoặc mã đơn vị hành chính")
        due.add_argument("--explain", action="store_true", help="in các bước tính")
        show = sub.add_parser(
            "show", help="in lịch nghỉ, làm việc bù của một năm / list a year's special days"
        )
        show.add_argument("year", help="năm, ví dụ 2026")
        show.add_argument("--agency", default="", help="mã cơ quan (mặc định: toàn quốc)")
        imp = sub.add_parser("import", help="nhập lịch nghỉ của một năm từ tệp / import a year's schedule")
        imp.add_argument("file")
        imp.add_argument("--format", choices=["csv", "xlsx", "json"], default=None)
        imp.add_argument("--agency", default="", help="mã cơ quan (mặc định: toàn quốc)")
        imp.add_argument("--year", type=int, default=None)
        imp.add_argument("--status", choices=YearStatus.values, default=None)
        imp.add_argument("--legal-reference", default="")
        imp.add_argument("--keep", action="store_true", help="giữ các ngày của năm không có trong tệp")
        seed = sub.add_parser("seed", help="nạp lịch nghỉ toàn quốc 2015–2035 (idempotent)")
        seed.add_argument("--first", type=int, default=2015)
        seed.add_argument("--last", type=int, default=2035)
        sub.add_parser("recompute", help="tính lại hạn cho các thay đổi lịch đang chờ (không cần worker)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ScheduleImportError as exc:
            lines = [_message(exc)] + [f"  - {error}" for error in exc.errors]
            raise CommandError("\n".join(lines)) from None
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None

    def do_due(self, *, start, amount, unit, mode, agency, explain, **_options):
        query = inputs.parse_due_query(start=start, amount=amount, unit=unit, mode=mode, agency=agency)
        result = inputs.compute_due(query)
        self.stdout.write(result.due.isoformat())
        self.stdout.write(f"Hạn giải quyết: {result.due:%d/%m/%Y %H:%M} ({format_moment(result.due)})")
        self.stdout.write(f"Bắt đầu tính: {result.counting_started:%d/%m/%Y %H:%M}")
        if query.agency is not None:
            self.stdout.write(f"Cơ quan: {query.agency.name}")
        if result.estimated:
            self.stdout.write("Lưu ý: có năm chưa có lịch nghỉ chính thức; hạn là ước tính.")
        if explain:
            for number, step in enumerate(result.explanation, start=1):
                self.stdout.write(f"  {number}. {step}")

    def do_show(self, *, year, agency, **_options):
        try:
            number = int(year)
        except ValueError:
            number = 0
        if not 1990 <= number <= 2150:
            raise CommandError(f"Năm “{year}” không hợp lệ (1990–2150).")
        found = inputs.find_agency(agency)
        row = CalendarYear.objects.filter(year=number).first()
        status = row.get_status_display() if row else YearStatus.ESTIMATED.label
        scope = found.name if found else "toàn quốc"
        self.stdout.write(f"Lịch nghỉ, làm việc bù năm {number} — {scope} — {status}")
        if row and row.legal_reference:
            self.stdout.write(f"Căn cứ: {row.legal_reference}")
        cal = calendar_for(found)
        days = effective_days(found, datetime.date(number, 1, 1), datetime.date(number, 12, 31))
        for day in days:
            mark = KIND_MARKS[day.kind]
            self.stdout.write(
                f"{day.date:%d/%m/%Y} {mark} {EntryKind(day.kind).label:<20} {day.name_vi}"
                + (f" — {day.legal_reference}" if day.legal_reference else "")
                + (" [ước tính]" if day.estimated else "")
            )
        working = len(cal.working_dates(datetime.date(number, 1, 1), datetime.date(number, 12, 31)))
        self.stdout.write(f"{len(days)} ngày đặc biệt; {working} ngày làm việc trong năm.")
        self.stdout.write("L: ngày lễ, Tết · B: nghỉ bù · H: nghỉ hoán đổi · W: làm việc bù")

    def do_import(self, *, file, format, agency, year, status, legal_reference, keep, **_options):  # noqa: A002
        found = inputs.find_agency(agency)
        result = services.import_schedule(
            actor=None,
            file=file,
            format=format,
            agency=found,
            year=year,
            status=status,
            legal_reference=legal_reference,
            replace=not keep,
        )
        self.stdout.write(
            f"Năm {result.year}: thêm {len(result.added)}, sửa {len(result.changed)}, xoá {len(result.removed)}, "
            f"giữ nguyên {result.unchanged} ngày."
        )
        if result.change is not None:
            change = CalendarChange.objects.get(pk=result.change.pk)
            if change.status == "done":
                self.stdout.write(f"Đã tính lại hạn: {change.moved_count} lịch hẹn thay đổi.")
            else:
                self.stdout.write(
                    f"Việc tính lại hạn #{change.pk} đang chờ worker (eiso db_worker) hoặc `eiso calendar recompute`."
                )

    def do_seed(self, *, first, last, **_options):
        entries, years = services.seed_calendar(actor=None, years=range(first, last + 1))
        self.stdout.write(f"Đã thêm {entries} ngày và {years} năm lịch / entries: {entries}, years: {years}")

    def do_recompute(self, **_options):
        from eiso.calendars.tasks import run_change

        pending = CalendarChange.objects.filter(status__in=["pending", "failed"]).order_by("pk")
        count = 0
        for change in pending:
            outcome = run_change(change)
            count += 1
            self.stdout.write(f"#{change.pk} {change.summary}: {outcome['moved']} lịch hẹn thay đổi")
        self.stdout.write(f"Đã xử lý {count} thay đổi lịch.")
