"""The national working calendar of the public sector: official schedules plus an estimated seed.

Years with an official schedule (data files `calendars/data/vn_official_<year>.json`, each entry with
its legal reference) are taken from those files only. Other years are seeded from the `holidays`
package (country VN), which computes the lunar holidays but misses some swaps and already includes
Vietnam Culture Day (24/11) from 2026, which is not law yet: that day is dropped. Seeded years, and
every year without data, are flagged as estimated. The Django layer stores these entries in a table
that administrators maintain; this module only builds them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import holidays

from .calendar import INDEX_FIRST_DAY, INDEX_LAST_DAY, WEEKMASK_MON_FRI, WorkingCalendar
from .errors import CalendarInputError

EntryKind = Literal["holiday", "compensatory_day_off", "swapped_day_off", "swapped_working_day"]
ENTRY_KINDS: tuple[EntryKind, ...] = (
    "holiday",
    "compensatory_day_off",
    "swapped_day_off",
    "swapped_working_day",
)
OFFICIAL_YEARS: tuple[int, ...] = (2025, 2026)
DEFAULT_YEARS = range(2015, 2036)

# Labels of the holidays package in Vietnamese (its default language), used to classify its entries.
_DROPPED_NAMES_VI = ("Ngày Văn hóa Việt Nam",)  # 24/11: directed in 2026, not yet law
_OBSERVED_SUFFIX_VI = " (nghỉ bù)"
_SUBSTITUTED_VI = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
# Tết days are shifted by the package's own rule (Saturday to the previous working day...), they do not
# get a compensatory day on top.
_TET_MARKERS_VI = ("Tết Nguyên Đán", "29 Tết")
_KIND_PRIORITY = {"holiday": 0, "compensatory_day_off": 1, "swapped_day_off": 2, "swapped_working_day": 3}


@dataclass(frozen=True)
class CalendarEntry:
    """One special day of the national calendar, as stored by the Django layer."""

    date: dt.date
    kind: EntryKind
    name_vi: str
    name_en: str
    legal_reference: str
    estimated: bool

    @property
    def is_day_off(self) -> bool:
        return self.kind != "swapped_working_day"


def load_official(year: int) -> list[CalendarEntry]:
    """Entries of the official schedule file of `year`; CalendarInputError when there is none."""
    if year not in OFFICIAL_YEARS:
        raise CalendarInputError(
            f"Chưa có lịch nghỉ chính thức năm {year}.", f"No official schedule for {year}."
        )
    path = resources.files("eiso.calendars").joinpath(f"data/vn_official_{year}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = []
    for raw in data["entries"]:
        if raw["kind"] not in ENTRY_KINDS:
            raise CalendarInputError(
                f"Loại ngày không hợp lệ {raw['kind']!r} trong lịch năm {year}.",
                f"Unknown entry kind {raw['kind']!r} in the {year} schedule.",
            )
        entries.append(
            CalendarEntry(
                date=dt.date.fromisoformat(raw["date"]),
                kind=raw["kind"],
                name_vi=raw["name_vi"],
                name_en=raw["name_en"],
                legal_reference=raw["legal_reference"],
                estimated=False,
            )
        )
    return sorted(entries, key=lambda e: e.date)


def seed_entries(years: Iterable[int] = DEFAULT_YEARS) -> list[CalendarEntry]:
    """Special days of `years`: official files where they exist, the estimated seed elsewhere."""
    wanted = sorted(set(years))
    official = [y for y in wanted if y in OFFICIAL_YEARS]
    seeded = [y for y in wanted if y not in OFFICIAL_YEARS]
    entries = [e for y in official for e in load_official(y)]
    # An official year replaces the seed entirely, even a swap the seed would put in it.
    entries += [e for e in _package_entries(seeded) if e.date.year not in OFFICIAL_YEARS]
    return sorted(entries, key=lambda e: (e.date, _KIND_PRIORITY[e.kind]))


def calendar_from_entries(
    entries: Iterable[CalendarEntry], *, estimated_years: Iterable[int] = (), **options: object
) -> WorkingCalendar:
    """A WorkingCalendar from entries (e.g. rows of the Django table); `options` go to the calendar."""
    entries = list(entries)
    return WorkingCalendar(
        non_working_dates=frozenset(e.date for e in entries if e.is_day_off),
        swapped_working_dates=frozenset(e.date for e in entries if not e.is_day_off),
        estimated_years=frozenset(estimated_years),
        day_names={e.date: e.name_vi for e in entries},
        **options,  # type: ignore[arg-type]
    )


def national_calendar(years: Iterable[int] = DEFAULT_YEARS) -> WorkingCalendar:
    """The public-sector calendar: official 2025–2026, estimated elsewhere. Cached (it is immutable)."""
    return _national_calendar(tuple(sorted(set(years))))


@lru_cache(maxsize=8)
def _national_calendar(years: tuple[int, ...]) -> WorkingCalendar:
    known = {y for y in years if y in OFFICIAL_YEARS}
    every_year = range(INDEX_FIRST_DAY.year, INDEX_LAST_DAY.year + 1)
    # Years outside `years` have no data at all: their results are estimates too.
    estimated = frozenset(y for y in every_year if y not in known)
    return calendar_from_entries(seed_entries(years), estimated_years=estimated)


def _legal_basis(year: int) -> str:
    if year >= 2021:
        return "Bộ luật Lao động 2019, Điều 112"
    if year >= 2013:
        return "Bộ luật Lao động 2012, Điều 115"
    return "Bộ luật Lao động 1994, Điều 73"


def _package_entries(years: Sequence[int]) -> list[CalendarEntry]:
    """Entries computed by the holidays package, classified and completed (estimated)."""
    if not years:
        return []
    names_vi = holidays.country_holidays("VN", years=years, language="vi")
    names_en = holidays.country_holidays("VN", years=years, language="en_US")
    by_date: dict[dt.date, CalendarEntry] = {}
    for day, joined in sorted(names_vi.items()):
        pairs = zip(joined.split("; "), names_en.get(day, joined).split("; "), strict=False)
        kept = [(vi, en) for vi, en in pairs if not vi.startswith(_DROPPED_NAMES_VI)]
        for entry in _classify(day, kept):
            previous = by_date.get(entry.date)
            if previous is None or _KIND_PRIORITY[entry.kind] < _KIND_PRIORITY[previous.kind]:
                by_date[entry.date] = entry
    entries = list(by_date.values())
    return entries + _missing_compensatory_days(entries)


def _classify(day: dt.date, names: list[tuple[str, str]]) -> list[CalendarEntry]:
    """Entries for one date of the package; a substituted day off also yields its working Saturday."""
    if not names:
        return []
    name_vi = "; ".join(vi for vi, _en in names)
    name_en = "; ".join(en for _vi, en in names)
    basis = _legal_basis(day.year) + " — ước tính theo thư viện holidays, chưa có lịch chính thức"
    swapped = _SUBSTITUTED_VI.search(name_vi)
    if swapped:
        worked = dt.date(int(swapped[3]), int(swapped[2]), int(swapped[1]))
        swap_basis = basis.replace(" — ", "; hoán đổi ngày làm việc do Chính phủ công bố — ")
        return [
            CalendarEntry(day, "swapped_day_off", name_vi, name_en, swap_basis, True),
            CalendarEntry(
                worked,
                "swapped_working_day",
                f"Làm việc bù cho ngày nghỉ {day:%d/%m/%Y}",
                f"Working day (swapped for {day:%d/%m/%Y})",
                swap_basis,
                True,
            ),
        ]
    kind: EntryKind = "compensatory_day_off" if _OBSERVED_SUFFIX_VI in name_vi else "holiday"
    return [CalendarEntry(day, kind, name_vi, name_en, basis, True)]


def _missing_compensatory_days(entries: list[CalendarEntry]) -> list[CalendarEntry]:
    """A compensatory day off on the next working day for each weekend holiday that has none yet.

    The package already adds most of them ("… (nghỉ bù)"); this pass guarantees the legal rule
    whatever the package version does, without doubling the days it did add.
    """
    off = {e.date for e in entries if e.is_day_off}
    worked = {e.date for e in entries if not e.is_day_off}
    added: list[CalendarEntry] = []
    for entry in sorted(entries, key=lambda e: e.date):
        on_rest_day = WEEKMASK_MON_FRI[entry.date.weekday()] == "0" and entry.date not in worked
        if entry.kind != "holiday" or not on_rest_day or any(m in entry.name_vi for m in _TET_MARKERS_VI):
            continue
        if _has_compensation(entry, entries + added):
            continue
        day = entry.date + dt.timedelta(days=1)
        while day in off or (WEEKMASK_MON_FRI[day.weekday()] == "0" and day not in worked):
            day += dt.timedelta(days=1)
        off.add(day)
        added.append(
            CalendarEntry(
                day,
                "compensatory_day_off",
                entry.name_vi + _OBSERVED_SUFFIX_VI,
                entry.name_en + " (observed)",
                entry.legal_reference,
                True,
            )
        )
    return added


def _has_compensation(holiday: CalendarEntry, entries: list[CalendarEntry]) -> bool:
    wanted = [name + _OBSERVED_SUFFIX_VI for name in holiday.name_vi.split("; ")]
    return any(
        e.kind == "compensatory_day_off"
        and 0 < (e.date - holiday.date).days <= 14
        and any(w in e.name_vi for w in wanted)
        for e in entries
    )
