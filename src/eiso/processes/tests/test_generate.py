"""Legal limits in working hours and the standard steps table (pure)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from eiso.processes import generate
from eiso.processes.design import TimeLimit, validate


@pytest.mark.parametrize(
    ("value", "unit", "hours"),
    [
        (3, "working_days", 24),
        (Decimal("0.5"), "working_days", 4),
        (10, "working_hours", 10),
        (15, "calendar_days", 84),  # 15 × 5/7 = 10.7 days → 10.5 days, conservatively
        (30, "calendar_days", 168),
        (1, "months", 160),
        (None, "working_days", None),
        (3, "years", None),
    ],
)
def test_limits_in_working_hours(value, unit, hours):
    assert generate.limit_to_hours(value, unit) == (None if hours is None else Decimal(hours))


def test_shared_process_takes_the_strictest_limit_per_channel():
    def version(**channels):
        return SimpleNamespace(
            time_limits={c: SimpleNamespace(value=v, unit="working_days") for c, v in channels.items()}
        )

    limits = generate.time_limits_of([version(direct=5, online=3), version(direct=3, postal=10)])
    assert limits == (TimeLimit("in_person", 24), TimeLimit("online", 24), TimeLimit("postal", 80))


@pytest.mark.parametrize("hours", [4, 8, 12, 16, 24, 40, 56, 80, 120, 160, 200])
def test_standard_design_fits_the_limit_and_is_valid(hours):
    staffing = generate.commune_staffing("Phường Thử", "Công chức Tư pháp - Hộ tịch")
    design = generate.standard_design(
        code="QT-1", name="Thử", staffing=staffing, time_limits=(TimeLimit("in_person", hours),)
    )
    errors = [i.message for i in validate(design) if i.is_error]
    assert errors == []
    from eiso.processes.design.validate import planned_hours

    assert Decimal(hours) * Decimal("0.8") <= planned_hours(design) <= hours
    kinds = [s.kind for s in design.steps]
    assert kinds[0] == "task" and kinds[-1] == "return_to_applicant" and "approval" in kinds
    assert ("consultation" in kinds) == (hours >= 80)


def test_without_a_limit_a_week_is_planned_and_a_warning_remains():
    design = generate.standard_design(
        code="QT-1", name="Thử", staffing=generate.department_staffing("Sở Tư pháp")
    )
    issues = validate(design)
    assert [i.code for i in issues] == ["no_time_limit"]
    assert sum(s.hours for s in design.steps) == 40
