"""The SVG flowchart: well-formed, self-contained, every step shown, branches and loops drawn."""

import xml.etree.ElementTree as ET

import pytest

from eiso.processes.design import ProcessDesign, StepDesign, Transition, render_svg
from eiso.processes.design.flowchart import FONT_FAMILY, text_width, wrap
from eiso.processes.design.samples import generated_design, marriage_registration

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314 - our own output


def step_texts(root: ET.Element) -> dict[int, str]:
    """The text of each step's group, wrapped lines joined with spaces."""
    return {
        int(g.get("data-step")): " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-step")
    }


def all_text(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_sample_is_well_formed_and_shows_every_step():
    design = marriage_registration()
    root = parse(render_svg(design))
    assert root.tag == f"{SVG}svg"
    texts = step_texts(root)
    assert sorted(texts) == [s.number for s in design.steps]
    for step in design.steps:
        assert f"Bước {step.number}. {step.name}" in texts[step.number]
        assert step.unit in texts[step.number] or step.unit.split()[0] in texts[step.number]
    assert "0,5 ngày (4 giờ)" in texts[1]
    text = all_text(root)
    for fixed in (
        "Bắt đầu",
        "Kết thúc",
        "Đồng ý?",
        "Không đồng ý: Trả lại để thẩm định lại",
        "Thực hiện song song",
    ):
        assert fixed in text
    assert "Thời gian theo nhánh dài nhất: 40 giờ" in text


def test_svg_is_self_contained_with_the_agreed_fonts():
    svg = render_svg(marriage_registration())
    root = parse(svg)
    assert root.get("font-family") == FONT_FAMILY == "Be Vietnam Pro, Times New Roman, sans-serif"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "href" not in svg and "@import" not in svg and "<image" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_loops_forks_and_joins_are_drawn():
    root = parse(render_svg(marriage_registration()))
    paths = list(root.iter(f"{SVG}path"))
    back = [p for p in paths if p.get("marker-end") == "url(#arrow-back)" and p.get("stroke-dasharray")]
    assert len(back) == 2  # the loop 5 → 2 and the legend sample
    bars = [r for r in root.iter(f"{SVG}rect") if r.findtext(f"{SVG}title") in ("Song song", "Hợp nhánh")]
    assert len(bars) == 2
    # Steps 3 and 4 side by side: same top, different left.
    boxes = {
        int(g.get("data-step")): g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.get("data-step")
    }
    assert boxes[3].get("y") == boxes[4].get("y")
    assert boxes[3].get("x") != boxes[4].get("x")
    assert float(boxes[5].get("y")) > float(boxes[3].get("y"))


def test_vietnamese_and_markup_characters_are_escaped():
    design = ProcessDesign(
        "QT-<1>",
        'Thủ tục "A" & <B>',
        steps=(StepDesign(1, 'Kiểm tra <hồ sơ> & "giấy tờ"', unit="Phòng Tư pháp & Hộ tịch", hours=4),),
    )
    svg = render_svg(design)
    root = parse(svg)  # would raise on a bad escape
    assert 'Kiểm tra <hồ sơ> & "giấy tờ"' in step_texts(root)[1]
    assert 'Thủ tục "A" & <B>' in root.get("aria-label")


def test_complex_layouts_render_without_losing_steps():
    design = ProcessDesign(
        "QT-X",
        "Bố cục phức tạp",
        steps=(
            StepDesign(1, "Tiếp nhận", unit="Một cửa", hours=4),
            StepDesign(
                2,
                "Phân công",
                role="Lãnh đạo",
                hours=4,
                transitions=(Transition(3), Transition(5), Transition(6)),
            ),
            StepDesign(3, "Ý kiến A", unit="Sở A", hours=40, kind="consultation"),
            StepDesign(4, "Tổng hợp A", unit="Phòng", hours=4, transitions=(Transition(7),)),
            StepDesign(
                5, "Ý kiến B", unit="Sở B", hours=24, kind="consultation", transitions=(Transition(7),)
            ),
            StepDesign(
                6, "Ý kiến C", unit="Sở C", hours=16, kind="consultation", transitions=(Transition(7),)
            ),
            StepDesign(
                7,
                "Thẩm định",
                role="Chuyên viên",
                hours=16,
                transitions=(Transition(8), Transition(7, "Chờ bổ sung")),
            ),
            StepDesign(
                8,
                "Phê duyệt",
                role="Giám đốc",
                hours=8,
                kind="approval",
                transitions=(
                    Transition(9, condition="agreed"),
                    Transition(11, "Từ chối", "not_agreed"),
                    Transition(7, "Thẩm định lại", "not_agreed"),
                ),
            ),
            StepDesign(
                9,
                "Ký",
                role="Giám đốc",
                hours=4,
                transitions=(Transition(10), Transition(2, "Phân công lại")),
            ),
            StepDesign(
                10,
                "Trả kết quả",
                unit="Một cửa",
                hours=2,
                kind="return_to_applicant",
                transitions=(Transition("end"),),
            ),
            StepDesign(
                11,
                "Thông báo từ chối",
                unit="Một cửa",
                hours=2,
                kind="return_to_applicant",
                transitions=(Transition("end"),),
            ),
            StepDesign(12, "Bước mồ côi", hours=1),  # unreachable and ownerless: still drawn
        ),
    )
    root = parse(render_svg(design))
    assert sorted(step_texts(root)) == list(range(1, 13))
    for label in ("Chờ bổ sung", "Thẩm định lại", "Phân công lại", "Không đồng ý: Từ chối"):
        assert label in all_text(root)


@pytest.mark.parametrize("steps", [0, 1, 50])
def test_small_and_large_designs(steps):
    if steps > 1:
        design = generated_design(steps)
    else:
        only = (StepDesign(1, "Giải quyết ngay", unit="Một cửa", hours=0),)
        design = ProcessDesign("QT", "Một bước", steps=only[:steps])
    root = parse(render_svg(design))
    assert len(step_texts(root)) == steps


def test_wrapping_keeps_every_word_and_fits():
    text = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã – Công chức Tư pháp - Hộ tịch"
    lines = wrap(text, 200, 13)
    assert " ".join(lines) == text
    assert all(text_width(line, 13) <= 200 for line in lines)
    assert wrap("", 100, 12) == [""]
    long_word = wrap("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 60, 12)
    assert len(long_word) > 1
