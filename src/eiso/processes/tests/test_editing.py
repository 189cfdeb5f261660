"""Editing a design row by row (pure): numbering and branches stay consistent. And the design package
stays free of Django."""

import subprocess
import sys
from decimal import Decimal

import pytest

from eiso.processes import editing
from eiso.processes.design import END, ProcessDesign, StepDesign, Transition, validate
from eiso.processes.design.samples import marriage_registration


def _design(*steps) -> ProcessDesign:
    return ProcessDesign(code="QT", name="Thử", steps=steps)


def _s(number, name, hours=4, **kwargs):
    kwargs.setdefault("unit", "Một cửa")
    return StepDesign(number=number, name=name, hours=Decimal(hours), **kwargs)


def _targets(design, number):
    return [(t.target, t.condition) for t in design.step(number).transitions]


def test_insert_in_the_middle_renumbers_and_keeps_branches_on_their_steps():
    design = marriage_registration()
    new = editing.insert_step(design, _s(0, "Bổ sung hồ sơ"), 3)
    assert [s.name for s in new.steps][:4] == [
        "Tiếp nhận hồ sơ",
        "Thẩm định hồ sơ",
        "Bổ sung hồ sơ",
        "Xác minh thông tin cư trú",
    ]
    # The approval (was 5, now 6) still returns to appraisal (2) and goes on to signature (was 6, now 7).
    assert _targets(new, 6) == [(7, "agreed"), (2, "not_agreed")]
    # The fork from step 2 hands its first branch to the inserted row, which goes on by default.
    assert _targets(new, 2) == [(3, "always"), (5, "always")]
    assert new.step(3).transitions == ()


def test_insert_at_the_end_and_past_it():
    design = _design(_s(1, "A"), _s(2, "B"))
    assert [s.name for s in editing.insert_step(design, _s(9, "C")).steps] == ["A", "B", "C"]
    assert [s.number for s in editing.insert_step(design, _s(9, "C"), 99).steps] == [1, 2, 3]
    assert [s.name for s in editing.insert_step(design, _s(9, "Z"), 1).steps] == ["Z", "A", "B"]


def test_remove_redirects_branches_to_where_the_removed_step_led():
    design = _design(
        _s(1, "Tiếp nhận"),
        _s(2, "Thẩm định"),
        _s(
            3,
            "Trình ký",
            kind="approval",
            transitions=(Transition(4, condition="agreed"), Transition(2, condition="not_agreed")),
        ),
        _s(4, "Ký duyệt"),
        _s(5, "Trả kết quả"),
    )
    new = editing.remove_step(design, 4)
    assert [s.number for s in new.steps] == [1, 2, 3, 4]
    assert _targets(new, 3) == [(4, "agreed"), (2, "not_agreed")]  # agreed now goes to "Trả kết quả"
    assert not [i for i in validate(new) if i.is_error]
    # Removing the step a loop returns to: the loop would now return to the approval itself, so the
    # branch is dropped and the validator asks for one again (a warning).
    looped = editing.remove_step(design, 2)
    assert _targets(looped, 2) == [(3, "agreed")]
    assert "approval_without_not_agreed" in {i.code for i in validate(looped)}


def test_remove_the_last_step_and_unknown_steps():
    design = _design(_s(1, "A"), _s(2, "B", transitions=(Transition(END),)))
    assert [s.name for s in editing.remove_step(design, 2).steps] == ["A"]
    with pytest.raises(KeyError):
        editing.remove_step(design, 7)


def test_move_and_replace_retarget_every_branch():
    design = marriage_registration()
    moved = editing.move_step(design, 7, 1)  # "Vào sổ hộ tịch" first
    assert moved.step(1).name == "Vào sổ hộ tịch"
    assert _targets(moved, 6) == [(7, "agreed"), (3, "not_agreed")]
    replaced = editing.replace_step(design, 6, _s(0, "Ký duyệt (sửa)", 8), position=6)
    assert replaced.step(6).name == "Ký duyệt (sửa)" and len(replaced.steps) == 8


def test_columns_round_trip_for_the_table_form():
    design = marriage_registration()
    approval = design.step(5)
    nexts, back, label = editing.columns_of(design, approval)
    assert (nexts, back, label) == ([], 2, "Trả lại để thẩm định lại")
    rebuilt = editing.add_agreed_default(
        design,
        StepDesign(
            number=5,
            name="x",
            unit="u",
            kind="approval",
            transitions=editing.transitions_from(nexts, back, "approval"),
        ),
    )
    assert [(t.target, t.condition) for t in rebuilt.transitions] == [(6, "agreed"), (2, "not_agreed")]
    fork = design.step(2)
    assert editing.columns_of(design, fork)[0] == [3, 4]
    assert editing.transitions_from([3, 4], None, "task") == (Transition(3), Transition(4))
    assert editing.transitions_from([END], None, "task") == (Transition(END),)


def test_the_design_package_imports_no_django():
    code = (
        "import sys; import eiso.processes.design, eiso.processes.design.documents, "
        "eiso.processes.design.samples, eiso.processes.editing, eiso.processes.generate; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
