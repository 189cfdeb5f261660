"""A realistic sample design: marriage registration at a commune (Đăng ký kết hôn, cấp xã).

Used by tests, the benchmark and (later) the demo data. Five working days = 40 working hours; the two
verifications run in parallel, so the planned time is 40 h although the steps add up to 44 h; a
leader who does not agree sends the dossier back to appraisal.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .model import ProcessDesign, StepDesign, TimeLimit, Transition

ONE_STOP = "Bộ phận Một cửa (Trung tâm PVHCC xã)"
JUSTICE = "Công chức Tư pháp - Hộ tịch"
OFFICE = "Văn phòng HĐND và UBND xã"


def marriage_registration() -> ProcessDesign:
    """Quy trình nội bộ giải quyết thủ tục đăng ký kết hôn (8 bước, 5 ngày làm việc)."""
    return ProcessDesign(
        code="QT-HT-01",
        name="Đăng ký kết hôn",
        version="02",
        procedure_codes=("1.000894",),
        legal_bases=(
            "Luật Hôn nhân và gia đình số 52/2014/QH13",
            "Luật Hộ tịch số 60/2014/QH13",
            "Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
            "Thông tư số 04/2020/TT-BTP hướng dẫn thi hành Luật Hộ tịch và Nghị định số 123/2015/NĐ-CP",
        ),
        description="Áp dụng cho việc đăng ký kết hôn giữa công dân Việt Nam với nhau, cư trú trong nước.",
        time_limits=(
            TimeLimit("in_person", Decimal(40)),
            TimeLimit("online", Decimal(40)),
        ),
        steps=(
            StepDesign(
                number=1,
                name="Tiếp nhận hồ sơ",
                unit=ONE_STOP,
                role="Công chức tiếp nhận",
                work_content=(
                    "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ; lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả; "
                    "lập Phiếu kiểm soát quá trình giải quyết hồ sơ; chuyển hồ sơ cho công chức Tư pháp - Hộ tịch"
                ),
                hours=Decimal(4),
                time_unit="days",
                output="Mẫu 01, Mẫu 06",
            ),
            StepDesign(
                number=2,
                name="Thẩm định hồ sơ",
                unit=OFFICE,
                role=JUSTICE,
                work_content=(
                    "Thẩm định hồ sơ; xác định điều kiện kết hôn; gửi đề nghị xác minh tới Công an xã và "
                    "UBND xã nơi cư trú trước đây (nếu cần)"
                ),
                hours=Decimal(12),
                time_unit="days",
                output="Phiếu đề nghị xác minh",
                transitions=(
                    Transition(3, "Xác minh cư trú"),
                    Transition(4, "Xác minh tình trạng hôn nhân"),
                ),
            ),
            StepDesign(
                number=3,
                name="Xác minh thông tin cư trú",
                unit="Công an xã",
                role="Cán bộ được phân công",
                work_content="Xác minh thông tin cư trú của hai bên nam, nữ và trả lời bằng văn bản",
                hours=Decimal(8),
                time_unit="days",
                output="Văn bản trả lời xác minh",
                kind="consultation",
                transitions=(Transition(5),),
            ),
            StepDesign(
                number=4,
                name="Xác minh tình trạng hôn nhân",
                unit="UBND xã nơi cư trú trước đây",
                role="Công chức Tư pháp - Hộ tịch",
                work_content="Xác minh tình trạng hôn nhân tại nơi cư trú trước đây và trả lời bằng văn bản",
                hours=Decimal(4),
                time_unit="days",
                output="Văn bản trả lời xác minh",
                kind="consultation",
                transitions=(Transition(5),),
            ),
            StepDesign(
                number=5,
                name="Xem xét, trình ký",
                unit=OFFICE,
                role="Lãnh đạo Văn phòng",
                work_content=(
                    "Tổng hợp kết quả xác minh; xem xét hồ sơ và dự thảo Giấy chứng nhận kết hôn; "
                    "trình Lãnh đạo UBND xã ký"
                ),
                hours=Decimal(4),
                time_unit="days",
                output="Dự thảo Giấy chứng nhận kết hôn",
                kind="approval",
                transitions=(
                    Transition(6, "Trình ký", "agreed"),
                    Transition(2, "Trả lại để thẩm định lại", "not_agreed"),
                ),
            ),
            StepDesign(
                number=6,
                name="Ký duyệt",
                unit="UBND xã",
                role="Chủ tịch hoặc Phó Chủ tịch UBND xã",
                work_content="Ký Giấy chứng nhận kết hôn",
                hours=Decimal(8),
                time_unit="days",
                output="Giấy chứng nhận kết hôn",
            ),
            StepDesign(
                number=7,
                name="Vào sổ hộ tịch",
                unit=OFFICE,
                role=JUSTICE,
                work_content="Ghi vào Sổ đăng ký kết hôn, cập nhật Cơ sở dữ liệu hộ tịch điện tử; chuyển kết quả",
                hours=Decimal(2),
                output="Sổ đăng ký kết hôn",
            ),
            StepDesign(
                number=8,
                name="Trả kết quả",
                unit=ONE_STOP,
                role="Công chức trả kết quả",
                work_content=(
                    "Tổ chức trao Giấy chứng nhận kết hôn; hai bên nam, nữ ký tên vào Sổ và Giấy chứng nhận; "
                    "ghi Sổ theo dõi hồ sơ"
                ),
                hours=Decimal(2),
                output="Mẫu 07 (Sổ theo dõi hồ sơ)",
                kind="return_to_applicant",
            ),
        ),
    )


def generated_design(steps: int = 50) -> ProcessDesign:
    """A valid design of `steps` steps for benchmarks and tests: runs of tasks, each run followed by
    three parallel consultations, an approval whose "not agreed" returns into the run, and a final
    return to the applicant. Its time limit equals its planned time."""
    if steps < 2:
        raise ValueError("steps must be at least 2")
    units = ("Bộ phận Một cửa", "Phòng Chuyên môn", "Văn phòng", "Lãnh đạo", "Sở Tư pháp", "Công an")
    made: list[StepDesign] = []
    number = 1
    planned = Decimal(0)
    while number < steps:
        left = steps - number  # steps still to make before the last one
        if left >= 6 and number % 10 == 2:
            # fork → 3 consultations → approval (join), not agreed back to the fork
            fork = number - 1
            made[-1] = replace(made[-1], transitions=tuple(Transition(number + i) for i in range(3)))
            for i in range(3):
                made.append(
                    StepDesign(
                        number=number + i,
                        name=f"Lấy ý kiến cơ quan {number + i}",
                        unit=units[(number + i) % len(units)],
                        hours=Decimal(4 * (i + 1)),
                        kind="consultation",
                        transitions=(Transition(number + 3),),
                    )
                )
            planned += Decimal(12)
            made.append(
                StepDesign(
                    number=number + 3,
                    name=f"Xem xét, phê duyệt {number + 3}",
                    role="Lãnh đạo phòng",
                    hours=Decimal(2),
                    kind="approval",
                    transitions=(
                        Transition(number + 4, condition="agreed"),
                        Transition(fork, "Xử lý lại", "not_agreed"),
                    ),
                )
            )
            planned += Decimal(2)
            number += 4
            continue
        hours = Decimal(number % 3 + 1) * 2
        made.append(
            StepDesign(
                number=number,
                name=f"Xử lý bước {number}",
                unit=units[number % len(units)],
                role="Công chức",
                work_content=f"Nội dung công việc của bước {number}",
                hours=hours,
                output=f"Mẫu {number:02d}",
            )
        )
        planned += hours
        number += 1
    made.append(
        StepDesign(
            number=number,
            name="Trả kết quả",
            unit=units[0],
            hours=Decimal(2),
            kind="return_to_applicant",
        )
    )
    planned += Decimal(2)
    return ProcessDesign(
        code=f"QT-GEN-{steps}",
        name=f"Quy trình sinh tự động {steps} bước",
        procedure_codes=("1.000000",),
        time_limits=(TimeLimit("in_person", planned),),
        steps=tuple(made),
    )
