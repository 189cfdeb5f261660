"""Seeding of the national calendar: official schedules shipped as data, estimates elsewhere.

Idempotent and conservative: a date that already has a national entry is left alone (an administrator
may have corrected it), and a year that already has a status keeps it. Used by the data migration
(with historical models), by `eiso calendar seed` and by the demo loader.
"""

from eiso.calendars.clock import OFFICIAL_YEARS, seed_entries

SEED_YEARS = range(2015, 2036)
OFFICIAL_REFERENCES = {
    2025: "Bộ luật Lao động 2019, Điều 112; lịch nghỉ chính thức năm 2025 (xem data/vn_official_2025.json)",
    2026: "Bộ luật Lao động 2019, Điều 112; Công văn 12729/VPCP-KGVX ngày 25/12/2025",
}
ESTIMATED_REFERENCE = (
    "Ước tính theo thư viện holidays (Bộ luật Lao động 2019, Điều 112); chưa có lịch nghỉ chính thức"
)


def seed_national(entry_model=None, year_model=None, years=SEED_YEARS) -> tuple[int, int]:
    """Create the missing national entries and year statuses; returns (entries, years) created."""
    if entry_model is None or year_model is None:
        from eiso.calendars.models import CalendarEntry as entry_model
        from eiso.calendars.models import CalendarYear as year_model
    years = list(years)
    # Every national date, not only those of `years`: a swap can put its working day in the next year.
    existing = set(entry_model.objects.filter(agency__isnull=True).values_list("date", flat=True))
    rows = [
        entry_model(
            date=entry.date,
            kind=entry.kind,
            name_vi=entry.name_vi[:255],
            name_en=entry.name_en[:255],
            legal_reference=entry.legal_reference[:500],
            scope="national",
            agency=None,
            estimated=entry.estimated,
        )
        for entry in seed_entries(years)
        if entry.date not in existing
    ]
    entry_model.objects.bulk_create(rows, batch_size=500)
    known = set(year_model.objects.filter(year__in=years).values_list("year", flat=True))
    new_years = [
        year_model(
            year=year,
            status="official" if year in OFFICIAL_YEARS else "estimated",
            legal_reference=OFFICIAL_REFERENCES.get(year, ESTIMATED_REFERENCE),
        )
        for year in years
        if year not in known
    ]
    year_model.objects.bulk_create(new_years)
    return len(rows), len(new_years)
