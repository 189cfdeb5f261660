"""The design model: values, hours, JSON round trip and refusal of malformed data."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from eiso.processes.design import (
    DesignFormatError,
    ProcessDesign,
    StepDesign,
    TimeLimit,
    Transition,
    days_to_hours,
    hours_to_days,
)
from eiso.processes.design.samples import generated_design, marriage_registration


def test_the_design_package_imports_no_django():
    # Run in a fresh interpreter: this test process has Django loaded already.
    code = (
        "import sys, eiso.processes.design, eiso.processes.design.documents, eiso.processes.design.samples; "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not loaded, loaded"
    )
    src = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for path in (src / "eiso/processes/design").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path


def test_hours_are_exact_decimals_from_any_number():
    step = StepDesign(1, "Tiếp nhận", unit="Một cửa", hours=0.5)
    assert step.hours == Decimal("0.5") and isinstance(step.hours, Decimal)
    assert StepDesign(1, "x", hours="1.25").hours == Decimal("1.25")
    assert days_to_hours(0.5) == 4
    assert days_to_hours(5) == 40
    assert hours_to_days(12) == Decimal("1.5")
    assert StepDesign(1, "x", hours=12, time_unit="days").days == Decimal("1.5")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", True, None])
def test_bad_hours_are_refused(bad):
    with pytest.raises(DesignFormatError):
        StepDesign(1, "x", hours=bad)


def test_steps_are_kept_in_number_order_and_lists_become_tuples():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=[StepDesign(3, "c"), StepDesign(1, "a", transitions=[Transition(3)]), StepDesign(2, "b")],
        procedure_codes=["1.000894"],
    )
    assert [s.number for s in design.steps] == [1, 2, 3]
    assert design.step(1).transitions == (Transition(3),)
    assert design.procedure_codes == ("1.000894",)
    assert hash(design)  # frozen and hashable all the way down
    assert design.step(9) is None


def test_owner_joins_unit_and_role():
    assert StepDesign(1, "x", unit="Bộ phận Một cửa", role="Công chức").owner == "Bộ phận Một cửa – Công chức"
    assert StepDesign(1, "x", role="Công chức").owner == "Công chức"
    assert not StepDesign(1, "x", role="  ").has_owner


def test_limits_per_channel():
    design = ProcessDesign(
        "QT",
        "Thử",
        time_limits=(TimeLimit("in_person", 40), TimeLimit("online", 32), TimeLimit("postal", 48)),
    )
    assert design.limit_for("online") == 32
    assert design.limit_for("fax") is None
    assert design.strictest_limit == TimeLimit("online", 32)
    assert design.time_limits[0].days == 5


@pytest.mark.parametrize(
    "design", [marriage_registration(), generated_design(50)], ids=["sample", "generated"]
)
def test_json_round_trip(design):
    text = design.to_json(indent=2)
    again = ProcessDesign.from_json(text)
    assert again == design
    data = json.loads(text)
    assert data["schema"] == 1
    assert data["steps"][0]["hours"] == int(design.steps[0].hours)
    assert "Tiếp nhận" in text or "Xử lý" in text  # UTF-8 kept, not \\u escapes


def test_json_keeps_halves_and_end_targets():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=(StepDesign(1, "a", unit="u", hours=Decimal("0.5"), transitions=(Transition("end", "Xong"),)),),
    )
    data = design.to_dict()
    assert data["steps"][0]["hours"] == 0.5
    assert data["steps"][0]["transitions"] == [{"target": "end", "label": "Xong", "condition": "always"}]
    assert ProcessDesign.from_dict(data) == design


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.update(schema=99), "định dạng"),
        (lambda d: d.pop("name"), "thiếu"),
        (lambda d: d["steps"][0].update(kind="meeting"), "kind"),
        (lambda d: d["steps"][0].update(number="1"), "số nguyên"),
        (lambda d: d["steps"][0]["transitions"].append({"target": "step 3"}), "Đích chuyển tiếp"),
        (lambda d: d["steps"][0]["transitions"].append({"target": 2, "condition": "maybe"}), "condition"),
        (lambda d: d["steps"][0].update(hours="nhiều"), "Số giờ"),
        (lambda d: d.update(code=5), "chuỗi"),
    ],
)
def test_malformed_data_is_refused_in_vietnamese_and_english(mutate, fragment):
    data = marriage_registration().to_dict()
    mutate(data)
    with pytest.raises(DesignFormatError) as caught:
        ProcessDesign.from_dict(data)
    assert fragment in caught.value.message_vi
    assert caught.value.message_en


def test_invalid_json_text_is_refused():
    with pytest.raises(DesignFormatError, match="JSON"):
        ProcessDesign.from_json("{not json")
    with pytest.raises(DesignFormatError):
        ProcessDesign.from_json("[]")
