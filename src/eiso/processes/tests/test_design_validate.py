"""Validation of a design: time against the legal limit, structure, owners; graph reading."""

import time
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from eiso.processes.design import (
    END,
    ProcessDesign,
    ProcessGraph,
    StepDesign,
    TimeLimit,
    Transition,
    is_valid,
    planned_hours,
    validate,
)
from eiso.processes.design.samples import generated_design, marriage_registration


def linear(*hours, **step_fields):
    """Steps 1..n in a line, each with an owner."""
    return ProcessDesign(
        "QT-01",
        "Thử",
        steps=tuple(
            StepDesign(i + 1, f"Bước thử {i + 1}", unit="Bộ phận Một cửa", hours=h, **step_fields)
            for i, h in enumerate(hours)
        ),
    )


def codes(issues):
    return [i.code for i in issues]


def only(issues, code):
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, codes(issues)
    return found[0]


# --- the sample -------------------------------------------------------------------------------------


def test_the_sample_is_clean_within_its_limit():
    design = marriage_registration()
    assert validate(design, 40) == []
    assert validate(design) == []  # its own strictest channel limit: 40 h
    assert is_valid(design)


def test_parallel_consultations_count_as_the_longest_branch_not_the_sum():
    design = marriage_registration()
    assert design.total_hours == 44  # 8 h and 4 h of verification run side by side
    assert planned_hours(design) == 40
    longest = ProcessGraph(design).longest_path
    assert longest.steps == (1, 2, 3, 5, 6, 7, 8) and longest.reaches_end
    # Make the other branch the long one: the path switches to it, the total is still a max.
    slower = design.with_steps(replace(s, hours=Decimal(12)) if s.number == 4 else s for s in design.steps)
    assert planned_hours(slower) == 44
    assert ProcessGraph(slower).longest_path.steps == (1, 2, 4, 5, 6, 7, 8)
    issue = only(validate(slower, 40), "over_time_limit")
    assert "44 giờ, vượt 4 giờ so với thời hạn 40 giờ" in issue.message


def test_a_loop_back_is_not_counted_in_the_planned_time():
    design = marriage_registration()
    graph = ProcessGraph(design)
    assert [(e.source, e.target) for e in graph.back_edges] == [(5, 2)]
    assert graph.loops == ((2, 3, 4, 5),)
    assert planned_hours(design) == 40


# --- time limit -------------------------------------------------------------------------------------


def test_overrun_names_total_overrun_and_limit_in_hours():
    issues = validate(linear(4, 16, 8, 8), 32)
    issue = only(issues, "over_time_limit")
    assert issue.is_error
    assert issue.message.startswith(
        "Tổng thời gian theo nhánh dài nhất là 36 giờ, vượt 4 giờ so với thời hạn 32 giờ"
    )
    assert "bước 1 → 2 → 3 → 4" in issue.message
    assert issue.message_en.startswith(
        "The longest path takes 36 hours, 4 hours over the time limit of 32 hours"
    )
    assert issue.steps == (1, 2, 3, 4)


def test_overrun_in_half_hours_uses_a_decimal_comma():
    issue = only(validate(linear(4, Decimal("4.5")), 8), "over_time_limit")
    assert "là 8,5 giờ, vượt 0,5 giờ" in issue.message
    assert "8.5 hours, 0.5 hours over" in issue.message_en


def test_without_a_limit_the_strictest_channel_is_used_and_named():
    design = replace(linear(8, 8, 8, 8), time_limits=(TimeLimit("in_person", 40), TimeLimit("online", 24)))
    issue = only(validate(design), "over_time_limit")
    assert "thời hạn 24 giờ (trực tuyến)" in issue.message
    assert validate(design, 40) == []


def test_no_limit_at_all_is_a_warning():
    issue = only(validate(linear(4, 4)), "no_time_limit")
    assert issue.severity == "warning"
    assert is_valid(linear(4, 4))


# --- structure --------------------------------------------------------------------------------------


def test_unreachable_step_is_named():
    design = linear(4, 4, 4)
    design = design.with_steps(
        replace(s, transitions=(Transition(3),)) if s.number == 1 else s for s in design.steps
    )
    issue = only(validate(design, 40), "unreachable")
    assert issue.steps == (2,)
    assert "bước 2" in issue.message and "Bước thử 2" in issue.message


def test_loop_without_exit_is_an_error_naming_its_steps():
    design = linear(4, 4, 4, 4).with_steps(
        [
            StepDesign(1, "Tiếp nhận", unit="Một cửa", hours=4),
            StepDesign(2, "Thẩm định", unit="Phòng", hours=4, transitions=(Transition(3),)),
            StepDesign(
                3,
                "Phê duyệt",
                role="Lãnh đạo",
                hours=4,
                kind="approval",
                transitions=(Transition(2, condition="agreed"), Transition(2, condition="not_agreed")),
            ),
            StepDesign(4, "Trả kết quả", unit="Một cửa", hours=4),
        ]
    )
    issues = validate(design, 40)
    issue = only(issues, "loop_without_exit")
    assert issue.steps == (2, 3)
    assert "Vòng lặp giữa các bước 2 và 3 (2 → 3 → 2) không có lối ra" in issue.message
    assert "no exit" in issue.message_en
    # Step 4 is unreachable; step 1 only leads into the loop; the loop's own steps are not reported
    # a second time as dead ends.
    assert only(issues, "unreachable").steps == (4,)
    assert only(issues, "no_path_to_end").steps == (1,)


def test_loop_with_an_exit_is_fine():
    design = linear(4, 4, 4).with_steps(
        [
            StepDesign(1, "a", unit="u", hours=4),
            StepDesign(
                2,
                "b",
                unit="u",
                hours=4,
                kind="approval",
                transitions=(Transition(3, condition="agreed"), Transition(1, condition="not_agreed")),
            ),
            StepDesign(3, "c", unit="u", hours=4),
        ]
    )
    assert validate(design, 12) == []


def test_dead_end_before_a_closed_loop_cannot_reach_the_end():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=(
            StepDesign(1, "a", unit="u", hours=1, transitions=(Transition(2),)),
            StepDesign(2, "b", unit="u", hours=1, transitions=(Transition(2),)),  # waits for ever
            StepDesign(3, "c", unit="u", hours=1),
        ),
    )
    issues = validate(design, 10)
    assert only(issues, "loop_without_exit").steps == (2,)
    assert only(issues, "no_path_to_end").steps == (1,)
    assert only(issues, "unreachable").steps == (3,)


def test_missing_owner_names_the_step():
    design = linear(4, 4).with_steps(
        [StepDesign(1, "Tiếp nhận", unit="Một cửa", hours=4), StepDesign(2, "Thẩm định", hours=4)]
    )
    issue = only(validate(design, 8), "missing_owner")
    assert issue.steps == (2,)
    assert issue.message == "Bước 2 (Thẩm định) chưa có đơn vị hoặc người thực hiện."
    assert issue.message_en == "Step 2 (Thẩm định) has no responsible unit or role."


def test_role_alone_is_an_owner():
    design = ProcessDesign("QT", "Thử", steps=(StepDesign(1, "a", role="Lãnh đạo", hours=1),))
    assert validate(design, 1) == []


def test_transition_to_a_missing_step():
    design = linear(4, 4).with_steps(
        [
            StepDesign(1, "a", unit="u", hours=4, transitions=(Transition(9),)),
            StepDesign(2, "b", unit="u", hours=4),
        ]
    )
    issues = validate(design, 8)
    issue = only(issues, "unknown_target")
    assert issue.steps == (1,)
    assert "bước 9" in issue.message
    assert {"unreachable", "no_path_to_end"} <= set(codes(issues))


def test_duplicate_numbers_empty_names_negative_and_odd_half_days():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=(
            StepDesign(1, "a", unit="u", hours=-1),
            StepDesign(1, " ", unit="u", hours=1),
            StepDesign(2, "c", unit="u", hours=6, time_unit="days"),
        ),
    )
    issues = validate(design, 100)
    assert {"duplicate_number", "empty_name", "negative_time", "not_half_days"} <= set(codes(issues))
    assert only(issues, "not_half_days").severity == "warning"
    assert [i.is_error for i in issues] == sorted((i.is_error for i in issues), reverse=True)  # errors first


def test_branch_conditions_belong_to_approval_steps():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=(
            StepDesign(
                1,
                "a",
                unit="u",
                hours=1,
                transitions=(Transition(2, condition="agreed"), Transition(3, condition="not_agreed")),
            ),
            StepDesign(
                2,
                "b",
                unit="u",
                hours=1,
                kind="approval",
                transitions=(Transition(3, condition="not_agreed"), Transition(3)),
            ),
            StepDesign(
                3,
                "c",
                unit="u",
                hours=1,
                kind="approval",
                transitions=(Transition(END, condition="not_agreed"),),
            ),
        ),
    )
    issues = validate(design, 10)
    assert only(issues, "condition_outside_approval").steps == (1,)
    assert only(issues, "mixed_conditions").steps == (2,)
    assert only(issues, "approval_without_agreed").steps == (3,)


def test_approval_without_a_not_agreed_branch_is_a_warning():
    design = linear(1, 1, kind="approval")
    issues = validate(design, 2)
    assert codes(issues) == ["approval_without_not_agreed", "approval_without_not_agreed"]
    assert all(i.severity == "warning" for i in issues)


def test_parallel_branches_must_meet_and_should_be_consultations():
    design = ProcessDesign(
        "QT",
        "Thử",
        steps=(
            StepDesign(1, "a", unit="u", hours=1, transitions=(Transition(2), Transition(3))),
            StepDesign(2, "b", unit="u", hours=1, transitions=(Transition(END),)),
            StepDesign(3, "c", unit="u", hours=1, kind="consultation", transitions=(Transition(END),)),
        ),
    )
    issues = validate(design, 10)
    assert only(issues, "parallel_without_join").steps == (1, 2, 3)
    warning = only(issues, "parallel_not_consultation")
    assert warning.steps == (1, 2) and warning.severity == "warning"


def test_no_steps():
    assert codes(validate(ProcessDesign("QT", "Thử"), 8)) == ["no_steps"]


def test_every_issue_has_both_languages_and_serialises():
    design = ProcessDesign("QT", "Thử", steps=(StepDesign(1, "", hours=-1, transitions=(Transition(7),)),))
    issues = validate(design, 0)
    assert issues
    for issue in issues:
        assert issue.message and issue.message_en
        data = issue.to_dict()
        assert set(data) == {"code", "severity", "message", "message_en", "steps"}
        assert isinstance(data["steps"], list)


# --- graph details ---------------------------------------------------------------------------------


def test_default_transitions_go_to_the_next_step_then_end():
    graph = ProcessGraph(linear(1, 2, 3))
    assert [(e.source, e.target, e.implicit) for e in graph.edges] == [
        (1, 2, True),
        (2, 3, True),
        (3, END, True),
    ]
    assert graph.ranks == {1: 0, 2: 1, 3: 2, END: 3}


def test_parallel_block_of_the_sample():
    (block,) = ProcessGraph(marriage_registration()).parallel_blocks
    assert (block.fork, block.heads, block.join, block.members) == (2, (3, 4), 5, frozenset({3, 4}))


# --- properties and speed ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    hours=st.lists(
        st.integers(min_value=0, max_value=80).map(lambda h: Decimal(h) / 2), min_size=1, max_size=30
    ),
    slack=st.integers(min_value=0, max_value=40),
)
def test_a_linear_process_within_its_limit_validates_clean(hours, slack):
    design = linear(*hours)
    limit = sum(hours, Decimal(0)) + slack
    assert validate(design, limit) == []
    assert planned_hours(design) == sum(hours, Decimal(0))


@settings(max_examples=100, deadline=None)
@given(
    hours=st.lists(
        st.integers(min_value=1, max_value=80).map(lambda h: Decimal(h) / 2), min_size=1, max_size=30
    ),
    short=st.integers(min_value=1, max_value=8).map(lambda h: Decimal(h) / 2),
)
def test_a_linear_process_over_its_limit_reports_the_exact_overrun(hours, short):
    total = sum(hours, Decimal(0))
    issues = validate(linear(*hours), total - short)
    issue = only(issues, "over_time_limit")
    assert len(issues) == 1
    from eiso.processes.design.text import format_hours

    assert f"vượt {format_hours(short)} so với" in issue.message


def test_a_50_step_process_validates_in_under_10_ms():
    design = generated_design(50)
    assert len(design.steps) == 50
    assert validate(design) == []
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        validate(design)
        runs.append(time.perf_counter() - start)
    assert min(runs) < 0.010, f"best of 20: {min(runs) * 1000:.2f} ms"
