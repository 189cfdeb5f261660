"""`calendar_for`: the official 2025 and 2026 years from the database, estimated years, entries of a
province or an agency, working hours, and the per-process cache."""

import datetime

import pytest

from eiso.calendars import adapter, services
from eiso.calendars.adapter import calendar_for, effective_days
from eiso.calendars.models import CalendarEntry, CalendarYear, WorkSchedule
from eiso.calendars.tests.conftest import at, d

pytestmark = pytest.mark.django_db

DAYS_OFF_2025 = [
    "01/01/2025",
    "27/01/2025",
    "28/01/2025",
    "29/01/2025",
    "30/01/2025",
    "31/01/2025",
    "07/04/2025",
    "30/04/2025",
    "01/05/2025",
    "02/05/2025",
    "01/09/2025",
    "02/09/2025",
]
DAYS_OFF_2026 = [
    "01/01/2026",
    "02/01/2026",
    "16/02/2026",
    "17/02/2026",
    "18/02/2026",
    "19/02/2026",
    "20/02/2026",
    "27/04/2026",
    "30/04/2026",
    "01/05/2026",
    "02/09/2026",
]
WORKED_SATURDAYS = ["26/04/2025", "10/01/2026"]


@pytest.mark.parametrize("day", DAYS_OFF_2025 + DAYS_OFF_2026)
def test_official_days_off_are_not_working_days(national, day):
    assert not calendar_for().is_working_day(d(day))


@pytest.mark.parametrize("day", WORKED_SATURDAYS)
def test_swapped_saturdays_are_working_days(national, day):
    assert d(day).weekday() == 5
    assert calendar_for().is_working_day(d(day))


def test_official_years_in_the_database(national):
    assert set(CalendarYear.objects.filter(status="official").values_list("year", flat=True)) == {2025, 2026}
    cal = calendar_for()
    assert 2025 not in cal.estimated_years and 2026 not in cal.estimated_years
    assert {2024, 2027, 2035} <= cal.estimated_years
    assert CalendarEntry.objects.national().filter(date__year=2027, estimated=True).exists()
    assert not CalendarEntry.objects.national().filter(date__year=2026, estimated=True).exists()


def test_the_receivers_example(national):
    result = calendar_for().add(at(2025, 12, 31, 15, 30), 1, "working_days")
    assert result.due == at(2026, 1, 5, 17)
    assert result.counting_started == at(2026, 1, 5, 8)
    assert not result.estimated
    text = "\n".join(result.explanation)
    assert "15:00" in text and "01/01/2026" in text and "02/01/2026" in text


def test_a_deadline_into_an_estimated_year_says_so(national):
    result = calendar_for().add(at(2026, 12, 28, 9), 10, "working_days")
    assert result.estimated
    assert "ước tính" in result.explanation[-1]


def test_province_entries_apply_to_its_agencies_only(national, agency_tree):
    day = datetime.date(2026, 6, 15)  # a Monday
    services.save_entry(
        actor=None, date=day, kind="holiday", name_vi="Ngày giải phóng tỉnh", agency=agency_tree.province
    )
    assert not calendar_for(agency_tree.province).is_working_day(day)
    assert not calendar_for(agency_tree.justice_unit).is_working_day(day)  # two levels down
    assert not calendar_for(agency_tree.commune_office).is_working_day(day)
    assert calendar_for(agency_tree.other_justice).is_working_day(day)
    assert calendar_for(None).is_working_day(day)


def test_a_deeper_entry_replaces_a_higher_one(national, agency_tree):
    services.save_entry(
        actor=None,
        date=d("02/01/2026"),
        kind="swapped_working_day",
        name_vi="Xã làm việc",
        agency=agency_tree.commune,
    )
    assert calendar_for(agency_tree.commune).is_working_day(d("02/01/2026"))
    assert calendar_for(agency_tree.commune_office).is_working_day(d("02/01/2026"))
    assert not calendar_for(agency_tree.province).is_working_day(d("02/01/2026"))
    days = {
        day.date: day for day in effective_days(agency_tree.commune_office, d("01/01/2026"), d("31/01/2026"))
    }
    assert days[d("02/01/2026")].kind == "swapped_working_day"
    assert days[d("02/01/2026")].agency_id == agency_tree.commune.pk
    assert days[d("01/01/2026")].scope == "national"


def test_working_hours_are_inherited_down_the_tree(national, agency_tree):
    services.set_work_schedule(
        actor=None,
        agency=agency_tree.justice,
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 30),
        afternoon_end=datetime.time(17),
        weekmask="1111110",
        reception_cutoff=datetime.time(16),
    )
    unit = calendar_for(agency_tree.justice_unit)
    assert unit.working_periods == (
        (datetime.time(7, 30), datetime.time(11, 30)),
        (datetime.time(13, 30), datetime.time(17)),
    )
    assert unit.reception_cutoff == datetime.time(16)
    assert unit.is_working_day(d("07/03/2026"))  # a Saturday
    assert calendar_for(agency_tree.science).working_periods[0][0] == datetime.time(8)
    assert WorkSchedule.objects.count() == 1


def test_agencies_without_own_data_share_one_calendar(national, agency_tree):
    assert calendar_for(agency_tree.science) is calendar_for(agency_tree.commune) is calendar_for(None)


def test_cache_follows_changes_and_rollbacks(national, agency_tree):
    day = d("15/06/2026")
    first = calendar_for()
    assert first is calendar_for()
    services.save_entry(actor=None, date=day, kind="holiday", name_vi="Nghỉ đột xuất")
    assert not calendar_for().is_working_day(day)
    # Another process only sees the version token: simulate one by dropping this process's cache.
    adapter.invalidate()
    assert not calendar_for().is_working_day(day)


def test_calendar_for_accepts_an_id(national, agency_tree):
    assert calendar_for(agency_tree.commune.pk) is calendar_for(agency_tree.commune)


def test_on_uses_the_tree_of_that_day(national, agency_tree):
    from eiso.organizations import services as organizations

    day = d("15/06/2026")
    services.save_entry(
        actor=None, date=day, kind="holiday", name_vi="Ngày của tỉnh khác", agency=agency_tree.other_province
    )
    organizations.change_agency(
        actor=None,
        agency=agency_tree.commune,
        effective_from=datetime.date(2026, 1, 1),
        parent=agency_tree.other_province,
        reason="Chuyển tỉnh",
    )
    commune = type(agency_tree.commune).objects.get(pk=agency_tree.commune.pk)
    assert not calendar_for(commune).is_working_day(day)  # today: under the other province
    assert calendar_for(commune, on=datetime.date(2025, 6, 1)).is_working_day(day)  # then: under its old one
