"""From the procedure catalogue to a design: legal limits in working hours, and a standard steps table.

`limit_to_hours` converts a channel's time limit (the legal clock's units) to the working hours the
designer checks against: working days × 8; working hours as they are. Limits in calendar days and
months have no exact working-hour equivalent, so they are converted **conservatively** (5 working days
in every 7 days, 20 working days a month, rounded down to half a day): a design that fits the
converted limit fits the real one in any week of the year. The steps table shows the conversion.

`standard_design` writes the usual one-stop sequence (reception → appraisal → [consultation] →
review and submit (approval, "if not agreed, return to appraisal") → signature → return of the
result), with times that add up to at most the limit: the starting point of a new process and the
demo data. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from eiso.processes.design import ProcessDesign, StepDesign, TimeLimit, Transition

HOURS_PER_DAY = Decimal(8)
HALF_DAY = Decimal(4)
CHANNELS = {"direct": "in_person", "online": "online", "postal": "postal"}


def limit_to_hours(value, unit: str) -> Decimal | None:
    """Working hours of a limit given as (`value`, `unit`); None when no limit is stated."""
    if value is None:
        return None
    value = Decimal(value)
    if unit == "working_hours":
        return value
    if unit == "working_days":
        return value * HOURS_PER_DAY
    if unit == "calendar_days":
        days = value * 5 / 7
    elif unit == "months":
        days = value * 20
    else:
        return None
    halves = (days * 2).to_integral_value(rounding=ROUND_FLOOR)
    return halves * HALF_DAY


def time_limits_of(procedure_versions) -> tuple[TimeLimit, ...]:
    """The limit of each channel over the procedures a process serves: the strictest one when several
    procedures share the process. `procedure_versions` expose `time_limits` ({channel: TimeLimit})."""
    best: dict[str, Decimal] = {}
    for version in procedure_versions:
        for channel, limit in version.time_limits.items():
            hours = limit_to_hours(limit.value, limit.unit)
            name = CHANNELS.get(channel)
            if hours is None or name is None:
                continue
            best[name] = min(best.get(name, hours), hours)
    order = list(CHANNELS.values())
    return tuple(TimeLimit(channel, best[channel]) for channel in sorted(best, key=order.index))


@dataclass(frozen=True)
class Staffing:
    """Who does what in the standard sequence (commune or department wording)."""

    one_stop: str
    receiver: str
    specialist_unit: str
    specialist: str
    reviewer: str
    signer_unit: str
    signer: str


def commune_staffing(agency_name: str, specialist: str) -> Staffing:
    return Staffing(
        one_stop=f"Bộ phận Một cửa {agency_name}".strip(),
        receiver="Công chức tiếp nhận",
        specialist_unit="Văn phòng HĐND và UBND",
        specialist=specialist,
        reviewer="Chánh Văn phòng HĐND và UBND",
        signer_unit=f"UBND {agency_name}".strip(),
        signer="Chủ tịch hoặc Phó Chủ tịch UBND",
    )


def department_staffing(agency_name: str) -> Staffing:
    return Staffing(
        one_stop="Trung tâm Phục vụ hành chính công tỉnh",
        receiver="Công chức tiếp nhận",
        specialist_unit="Phòng chuyên môn",
        specialist="Chuyên viên được phân công",
        reviewer="Lãnh đạo phòng chuyên môn",
        signer_unit=agency_name,
        signer="Giám đốc hoặc Phó Giám đốc Sở",
    )


def _split(budget: Decimal, weights: list[int], unit: Decimal) -> list[Decimal]:
    """`budget` shared by `weights`, each part a multiple of `unit` and at least `unit`, sum ≤ budget."""
    total = sum(weights)
    parts = [
        max(unit, (budget * w / total / unit).to_integral_value(rounding=ROUND_FLOOR) * unit) for w in weights
    ]
    # Rounding up the smallest parts to `unit` may overrun: take it back from the largest.
    while sum(parts) > budget and max(parts) > unit:
        largest = parts.index(max(parts))
        parts[largest] -= unit
    return parts


def standard_design(
    *,
    code: str,
    name: str,
    staffing: Staffing,
    time_limits: tuple[TimeLimit, ...] = (),
    procedure_codes: tuple[str, ...] = (),
    legal_bases: tuple[str, ...] = (),
    result_name: str = "Kết quả giải quyết thủ tục hành chính",
    default_hours: Decimal = Decimal(40),
) -> ProcessDesign:
    """The usual sequence with times that add up to the strictest limit (or `default_hours`)."""
    strictest = min((t.hours for t in time_limits), default=None)
    budget = strictest if strictest is not None and strictest > 0 else default_hours
    consult = budget >= 80  # ten working days or more: other bodies are usually consulted
    in_days = budget >= 24
    unit = HALF_DAY if in_days else Decimal("0.5")
    fixed = Decimal(0)
    receive = HALF_DAY if budget >= 40 else Decimal(1)
    give = HALF_DAY if budget >= 40 else Decimal(1)
    fixed = receive + give
    weights = [5, 3, 1, 2] if consult else [5, 1, 2]
    parts = _split(budget - fixed, weights, unit)
    time_unit = "days" if in_days else "hours"
    steps = [
        StepDesign(
            number=1,
            name="Tiếp nhận hồ sơ",
            unit=staffing.one_stop,
            role=staffing.receiver,
            work_content=(
                "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ; lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả; "
                "lập Phiếu kiểm soát quá trình giải quyết hồ sơ; chuyển hồ sơ cho bộ phận chuyên môn"
            ),
            hours=receive,
            time_unit="days" if receive % HALF_DAY == 0 else "hours",
            output="Mẫu 01, Mẫu 06",
        ),
        StepDesign(
            number=2,
            name="Thẩm định hồ sơ",
            unit=staffing.specialist_unit,
            role=staffing.specialist,
            work_content="Thẩm định hồ sơ, đối chiếu điều kiện theo quy định; dự thảo kết quả giải quyết",
            hours=parts[0],
            time_unit=time_unit,
            output="Phiếu trình, dự thảo kết quả",
        ),
    ]
    if consult:
        steps.append(
            StepDesign(
                number=3,
                name="Lấy ý kiến cơ quan liên quan",
                unit="Cơ quan, đơn vị có liên quan",
                role="Cán bộ được phân công",
                work_content="Xác minh, cho ý kiến về nội dung liên quan và trả lời bằng văn bản",
                hours=parts[1],
                time_unit=time_unit,
                output="Văn bản trả lời",
                kind="consultation",
            )
        )
    review = len(steps) + 1
    steps += [
        StepDesign(
            number=review,
            name="Xem xét, trình ký",
            unit=staffing.specialist_unit,
            role=staffing.reviewer,
            work_content="Xem xét hồ sơ và dự thảo kết quả; trình lãnh đạo ký",
            hours=parts[-2],
            time_unit=time_unit,
            output="Tờ trình",
            kind="approval",
            transitions=(
                Transition(review + 1, "Trình ký", "agreed"),
                Transition(2, "Trả lại để thẩm định lại", "not_agreed"),
            ),
        ),
        StepDesign(
            number=review + 1,
            name="Ký duyệt",
            unit=staffing.signer_unit,
            role=staffing.signer,
            work_content=f"Ký duyệt {result_name[:1].lower()}{result_name[1:]}",
            hours=parts[-1],
            time_unit=time_unit,
            output=result_name,
        ),
        StepDesign(
            number=review + 2,
            name="Trả kết quả",
            unit=staffing.one_stop,
            role="Công chức trả kết quả",
            work_content="Vào sổ, trả kết quả cho tổ chức, cá nhân; ghi Sổ theo dõi hồ sơ",
            hours=give,
            time_unit="days" if give % HALF_DAY == 0 else "hours",
            output="Mẫu 07 (Sổ theo dõi hồ sơ)",
            kind="return_to_applicant",
        ),
    ]
    return ProcessDesign(
        code=code,
        name=name,
        procedure_codes=procedure_codes,
        time_limits=time_limits,
        legal_bases=legal_bases,
        steps=tuple(steps),
    )
