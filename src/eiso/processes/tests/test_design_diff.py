"""Readable differences between two versions of a design."""

import json
from dataclasses import replace
from decimal import Decimal

from eiso.processes.design import StepDesign, TimeLimit, Transition, diff_designs, render_text
from eiso.processes.design.samples import marriage_registration


def renumbered_after(design, inserted_at, new_step):
    """`design` with `new_step` inserted at `inserted_at`, later steps and their targets shifted."""

    def shift(n):
        return n + 1 if isinstance(n, int) and n >= inserted_at else n

    steps = [
        replace(
            s,
            number=shift(s.number),
            transitions=tuple(replace(t, target=shift(t.target)) for t in s.transitions),
        )
        for s in design.steps
    ]
    return replace(design, version="03", steps=(*steps, new_step))


def test_identical_versions_have_no_changes():
    design = marriage_registration()
    diff = diff_designs(design, design)
    assert diff.is_empty
    assert render_text(diff).endswith("Không có thay đổi.")


def test_an_inserted_step_is_one_addition_and_renumbering_not_changes():
    old = marriage_registration()
    new = renumbered_after(old, 2, StepDesign(2, "Phân công xử lý", unit="UBND xã", role="Lãnh đạo", hours=2))
    diff = diff_designs(old, new)
    assert [s.name for s in diff.added] == ["Phân công xử lý"]
    assert diff.removed == ()
    # Step 1 now goes on to the new step 2 (its implicit "next step" changed target).
    (change,) = diff.changed
    assert (change.old_number, change.new_number) == (1, 1)
    assert change.transitions_added == ("→ bước 2",) and change.transitions_removed == ("→ bước 3",)
    assert [(o, n) for o, n, _ in diff.renumbered] == [(2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]
    text = render_text(diff)
    assert "phiên bản 02 → 03" in text
    assert "+ Bước 2 «Phân công xử lý» — UBND xã – Lãnh đạo; 2 giờ" in text
    assert "Chỉ đánh số lại: 2 → 3 «Thẩm định hồ sơ»" in text


def test_field_changes_are_listed_with_old_and_new_values():
    old = marriage_registration()
    new = old.with_steps(
        replace(s, hours=Decimal(8), work_content="Thẩm định hồ sơ", kind="task") if s.number == 2 else s
        for s in old.steps
    )
    (change,) = diff_designs(old, new).changed
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert fields["hours"] == ("1,5 ngày (12 giờ)", "1 ngày (8 giờ)")
    assert fields["work_content"][1] == "Thẩm định hồ sơ"
    assert "kind" not in fields
    text = render_text(diff_designs(old, new))
    assert "~ Bước 2 «Thẩm định hồ sơ»:" in text
    assert "– Thời gian: «1,5 ngày (12 giờ)» → «1 ngày (8 giờ)»" in text


def test_removed_step_and_the_branch_that_pointed_to_it():
    old = marriage_registration()
    kept = [s for s in old.steps if s.number != 7]
    new = replace(old, steps=tuple(kept))
    diff = diff_designs(old, new)
    assert [s.number for s in diff.removed] == [7]
    (change,) = diff.changed  # step 6 used to go on to 7 and now goes to 8
    assert change.new_number == 6
    assert change.transitions_removed == ("→ bước 7 cũ (đã bỏ)",)
    assert change.transitions_added == ("→ bước 8",)
    assert "− Bước 7 cũ «Vào sổ hộ tịch»" in render_text(diff)


def test_changed_loop_target_shows_as_a_changed_transition():
    old = marriage_registration()
    new = old.with_steps(
        replace(
            s,
            transitions=(
                Transition(6, "Trình ký", "agreed"),
                Transition(1, "Trả lại bộ phận tiếp nhận", "not_agreed"),
            ),
        )
        if s.number == 5
        else s
        for s in old.steps
    )
    (change,) = diff_designs(old, new).changed
    assert change.transitions_added == ("Không đồng ý → bước 1 (Trả lại bộ phận tiếp nhận)",)
    assert change.transitions_removed == ("Không đồng ý → bước 2 (Trả lại để thẩm định lại)",)
    assert "Chuyển tiếp: thêm «Không đồng ý → bước 1" in render_text(diff_designs(old, new))


def test_renamed_step_in_place_pairs_with_its_old_self():
    old = marriage_registration()
    new = old.with_steps(replace(s, name="Ký, đóng dấu") if s.number == 6 else s for s in old.steps)
    diff = diff_designs(old, new)
    assert not diff.added and not diff.removed
    (change,) = diff.changed
    assert [(f.field, f.old, f.new) for f in change.fields] == [("name", "Ký duyệt", "Ký, đóng dấu")]


def test_header_changes_time_limits_and_legal_bases():
    old = marriage_registration()
    new = replace(
        old,
        time_limits=(TimeLimit("in_person", 32),),
        legal_bases=(*old.legal_bases, "Nghị định số 07/2025/NĐ-CP"),
    )
    diff = diff_designs(old, new)
    by_field = {c.field: c for c in diff.header}
    assert by_field["time_limit.in_person"].new == "4 ngày làm việc / 32 giờ"
    assert by_field["time_limit.online"].new == "(không có)"
    assert "Nghị định số 07/2025/NĐ-CP" in by_field["legal_bases"].new
    assert "• Thời hạn (trực tiếp): 5 ngày làm việc / 40 giờ → 4 ngày làm việc / 32 giờ" in render_text(diff)


def test_to_dict_is_json_ready():
    old = marriage_registration()
    new = renumbered_after(old, 2, StepDesign(2, "Phân công", unit="UBND xã", hours=2))
    data = json.loads(json.dumps(diff_designs(old, new).to_dict(), ensure_ascii=False))
    assert data["added"] == [{"number": 2, "name": "Phân công"}]
    assert data["renumbered"][0] == {"old_number": 2, "new_number": 3, "name": "Thẩm định hồ sơ"}
    assert data["changed"][0]["transitions_added"] == ["→ bước 2"]
