"""Official 2025 and 2026 schedules, the estimated seed and the national calendar."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import pytest

from eiso.calendars.clock import (
    OFFICIAL_YEARS,
    CalendarInputError,
    calendar_from_entries,
    load_official,
    national_calendar,
    seed_entries,
)

from .clock_support import NATIONAL, at, d

DAYS_OFF = [
    "01/01/2025",
    "27/01/2025",
    "28/01/2025",
    "29/01/2025",
    "30/01/2025",
    "31/01/2025",
    "07/04/2025",
    "30/04/2025",
    "01/05/2025",
    "02/05/2025",  # Friday, swapped with Saturday 26/04/2025
    "01/09/2025",
    "02/09/2025",
    "01/01/2026",
    "02/01/2026",  # Friday, swapped with Saturday 10/01/2026
    "16/02/2026",
    "17/02/2026",
    "18/02/2026",
    "19/02/2026",
    "20/02/2026",
    "27/04/2026",  # Monday, compensatory for Hùng Kings' day on Sunday 26/04/2026
    "30/04/2026",
    "01/05/2026",
    "02/09/2026",
]
SWAPPED_WORKING_SATURDAYS = ["26/04/2025", "10/01/2026"]
ORDINARY_WORKING_DAYS = ["05/01/2026", "23/02/2026", "28/04/2026", "03/09/2025", "29/12/2025"]


@pytest.mark.parametrize("text", DAYS_OFF)
def test_official_days_off(text: str) -> None:
    assert not NATIONAL.is_working_day(d(text))


@pytest.mark.parametrize("text", SWAPPED_WORKING_SATURDAYS)
def test_swapped_saturdays_are_working_days(text: str) -> None:
    day = d(text)
    assert day.weekday() == 5
    assert NATIONAL.is_working_day(day)


@pytest.mark.parametrize("text", ORDINARY_WORKING_DAYS)
def test_ordinary_working_days(text: str) -> None:
    assert NATIONAL.is_working_day(d(text))


def test_weekends_are_off_unless_swapped() -> None:
    assert not NATIONAL.is_working_day(d("03/01/2026"))
    assert not NATIONAL.is_working_day(d("04/01/2026"))
    assert not NATIONAL.is_working_day(d("17/01/2026"))


def test_is_working_day_accepts_aware_datetimes_in_any_zone() -> None:
    # 17:30 UTC on Friday 09/01/2026 is already Saturday 10/01/2026 00:30 in Vietnam: a swapped working day.
    assert NATIONAL.is_working_day(datetime(2026, 1, 9, 17, 30, tzinfo=UTC))


def test_official_files_are_well_formed() -> None:
    for year in OFFICIAL_YEARS:
        path = resources.files("eiso.calendars").joinpath(f"data/vn_official_{year}.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["year"] == year
        dates = [entry["date"] for entry in data["entries"]]
        assert dates == sorted(dates) and len(dates) == len(set(dates))
        for entry in data["entries"]:
            assert set(entry) == {"date", "kind", "name_vi", "name_en", "legal_reference"}
            assert entry["date"].startswith(str(year))
            assert entry["name_vi"] and entry["name_en"] and entry["legal_reference"]


def test_2026_new_year_swap_cites_the_government_office_dispatch() -> None:
    entries = {e.date: e for e in load_official(2026)}
    assert entries[d("02/01/2026")].kind == "swapped_day_off"
    assert entries[d("10/01/2026")].kind == "swapped_working_day"
    assert "12729/VPCP-KGVX" in entries[d("02/01/2026")].legal_reference
    assert entries[d("27/04/2026")].kind == "compensatory_day_off"


def test_2026_national_day_adjacent_day_is_marked_unverified() -> None:
    entries = {e.date: e for e in load_official(2026)}
    assert entries[d("02/09/2026")].kind == "holiday"
    assert "unverified" in entries[d("01/09/2026")].legal_reference


def test_load_official_refuses_a_year_without_schedule() -> None:
    with pytest.raises(CalendarInputError):
        load_official(2027)


def test_vietnam_culture_day_is_not_a_holiday_yet() -> None:
    assert NATIONAL.is_working_day(d("24/11/2026"))
    assert NATIONAL.is_working_day(d("24/11/2027"))
    # 26/11/2029 would be its compensatory day (24/11/2029 is a Saturday).
    assert NATIONAL.is_working_day(d("26/11/2029"))
    assert not any("Văn hóa" in e.name_vi for e in seed_entries())


def test_seed_of_estimated_years() -> None:
    cal = NATIONAL
    # Tết 2027 (Lunar New Year on Saturday 06/02/2027): five weekdays off, no doubled compensation.
    for text in ["04/02/2027", "05/02/2027", "08/02/2027", "09/02/2027", "10/02/2027"]:
        assert not cal.is_working_day(d(text))
    assert cal.is_working_day(d("11/02/2027"))
    # Labour Day 2027 falls on a Saturday: compensatory day Monday 03/05/2027, only one.
    assert not cal.is_working_day(d("03/05/2027"))
    assert cal.is_working_day(d("04/05/2027"))
    # 2028: New Year on a Saturday, 30/04 on a Sunday.
    assert not cal.is_working_day(d("03/01/2028"))
    assert not cal.is_working_day(d("02/05/2028"))


def test_seed_keeps_the_swaps_the_package_knows() -> None:
    # 2024: Monday 29/04 off in exchange for Saturday 04/05 worked (Government Office swap).
    assert not NATIONAL.is_working_day(d("29/04/2024"))
    assert NATIONAL.is_working_day(d("04/05/2024"))


def test_seed_entries_flags_and_kinds() -> None:
    entries = seed_entries(range(2024, 2028))
    by_year: dict[int, set[bool]] = {}
    for entry in entries:
        by_year.setdefault(entry.date.year, set()).add(entry.estimated)
    assert by_year[2025] == {False} and by_year[2026] == {False}
    assert by_year[2024] == {True} and by_year[2027] == {True}
    kinds = {(e.date, e.kind) for e in entries}
    assert (d("03/05/2027"), "compensatory_day_off") in kinds
    assert (d("04/05/2024"), "swapped_working_day") in kinds
    assert len({e.date for e in entries}) == len(entries)
    assert all(e.legal_reference for e in entries)


def test_official_years_replace_the_seed_entirely() -> None:
    seeded_2026 = [e for e in seed_entries([2026]) if e.date.year == 2026]
    assert seeded_2026 == [e for e in load_official(2026)]
    # The package has no 02/01/2026 swap; the official file does.
    assert not NATIONAL.is_working_day(d("02/01/2026"))


def test_estimated_years() -> None:
    assert NATIONAL.is_estimated(d("01/06/2027"))
    assert NATIONAL.is_estimated(d("01/06/2024"))
    assert not NATIONAL.is_estimated(d("01/06/2026"))
    assert not NATIONAL.is_estimated(d("01/06/2025"))
    # Without 2025 in the requested years, 2025 has no data at all: estimated.
    assert national_calendar([2026, 2027]).is_estimated(d("01/06/2025"))


def test_national_calendar_is_cached_and_names_days() -> None:
    assert national_calendar() is NATIONAL
    assert NATIONAL.day_name(d("01/01/2026")) == "Tết Dương lịch"


def test_calendar_from_entries_round_trip() -> None:
    cal = calendar_from_entries(seed_entries([2026]))
    assert not cal.is_working_day(d("02/01/2026"))
    assert cal.is_working_day(d("10/01/2026"))
    assert cal.add(at(2026, 1, 2, 10), 1).due == at(2026, 1, 5, 17)
