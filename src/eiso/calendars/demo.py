"""Demo data of the calendar: the national calendar (seeded idempotently) and a few dozen legal clocks
of dossiers received at Phường Phố Hiến in late November 2026, so that a calendar change made in the
demo shows appointments moving."""

import datetime

from eiso.calendars import services
from eiso.calendars.clock import VN_TZ
from eiso.calendars.models import ClockRecord
from eiso.organizations.models import Agency

PROCEDURES = [
    ("Đăng ký khai sinh", 1),
    ("Chứng thực bản sao từ bản chính", 0.5),
    ("Đăng ký kết hôn", 3),
    ("Cấp giấy xác nhận tình trạng hôn nhân", 3),
    ("Đăng ký thường trú", 7),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 15),
    ("Đăng ký hộ kinh doanh", 3),
    ("Cấp đổi giấy chứng nhận quyền sử dụng đất", 10),
]
FIRST_DAY = datetime.date(2026, 11, 16)


def load(stdout) -> list:
    entries, _years = services.seed_calendar(actor=None)
    if entries:
        stdout.write(f"Lịch làm việc: đã nạp {entries} ngày nghỉ, làm việc bù.")
    ward = Agency.objects.filter(admin_code="11980").first()
    if ward is None or ClockRecord.objects.filter(agency=ward).exists():
        return []
    number = 0
    for day_offset in range(12):
        day = FIRST_DAY + datetime.timedelta(days=day_offset)
        if day.weekday() >= 5:
            continue
        for slot, (procedure, limit) in enumerate(PROCEDURES[: 3 + day_offset % 5]):
            number += 1
            received = datetime.datetime(
                day.year, day.month, day.day, 8 + (slot * 2) % 9, 15 * (slot % 4), tzinfo=VN_TZ
            )
            code = f"000.00.01.H33-{day:%y%m%d}-{number:04d}"
            services.start_clock(
                actor=None,
                subject=f"{code} — {procedure}",
                received_at=received,
                amount=limit,
                unit="working_days",
                mode="hours",
                agency=ward,
            )
    return []
