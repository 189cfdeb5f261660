"""BPMN 2.0 export: valid against the official OMG schemas, complete, and laid out."""

from pathlib import Path

import pytest

from eiso.processes.design import ProcessDesign, StepDesign, Transition, to_bpmn
from eiso.processes.design.bpmn import NAMESPACES
from eiso.processes.design.samples import generated_design, marriage_registration

etree = pytest.importorskip("lxml.etree")

XSD_DIR = Path(__file__).resolve().parents[1] / "design" / "xsd"
NS = {
    "bpmn": NAMESPACES["bpmn"],
    "bpmndi": NAMESPACES["bpmndi"],
    "dc": NAMESPACES["dc"],
    "di": NAMESPACES["di"],
}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "BPMN20.xsd")))


def complex_design() -> ProcessDesign:
    return ProcessDesign(
        "QT X/1",  # not an XML name: the process id is made safe
        "Cấp giấy phép",
        steps=(
            StepDesign(1, "Tiếp nhận", unit="Một cửa", hours=4),
            StepDesign(2, "Phân công", role="Lãnh đạo", hours=4, transitions=(Transition(3), Transition(5))),
            StepDesign(3, "Ý kiến A", unit="Sở A", hours=40, kind="consultation"),
            StepDesign(4, "Tổng hợp A", unit="Sở A", hours=4, transitions=(Transition(6),)),
            StepDesign(
                5, "Ý kiến B", unit="Sở B", hours=24, kind="consultation", transitions=(Transition(6),)
            ),
            StepDesign(
                6,
                "Thẩm định",
                role="Chuyên viên",
                hours=16,
                transitions=(Transition(7), Transition(6, "Chờ bổ sung")),
            ),
            StepDesign(
                7,
                "Phê duyệt",
                role="Giám đốc",
                hours=8,
                kind="approval",
                transitions=(
                    Transition(8, condition="agreed"),
                    Transition(9, "Từ chối", "not_agreed"),
                    Transition(6, "Thẩm định lại", "not_agreed"),
                ),
            ),
            StepDesign(
                8,
                "Trả kết quả",
                unit="Một cửa",
                hours=2,
                kind="return_to_applicant",
                transitions=(Transition("end"),),
            ),
            StepDesign(
                9,
                "Thông báo từ chối",
                unit="Một cửa",
                hours=2,
                kind="return_to_applicant",
                transitions=(Transition("end"),),
            ),
        ),
    )


DESIGNS = {
    "sample": marriage_registration,
    "complex": complex_design,
    "generated": lambda: generated_design(50),
    "one_step": lambda: ProcessDesign("QT", "Một bước", steps=(StepDesign(1, "Giải quyết", unit="Một cửa"),)),
    "empty": lambda: ProcessDesign("QT", "Chưa có bước"),
}


@pytest.mark.parametrize("name", DESIGNS)
def test_export_validates_against_the_bpmn_20_xsd(schema, name):
    xml = to_bpmn(DESIGNS[name]())
    document = etree.fromstring(xml.encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_the_shipped_schemas_are_the_five_omg_files():
    assert sorted(p.name for p in XSD_DIR.glob("*.xsd")) == [
        "BPMN20.xsd",
        "BPMNDI.xsd",
        "DC.xsd",
        "DI.xsd",
        "Semantic.xsd",
    ]


def parsed(design):
    return etree.fromstring(to_bpmn(design).encode("utf-8"))


def test_semantics_of_the_sample():
    design = marriage_registration()
    root = parsed(design)
    process = root.find("bpmn:process", NS)
    assert process.get("name") == "Đăng ký kết hôn"
    tasks = process.findall("bpmn:userTask", NS)
    assert [t.get("name") for t in tasks] == [f"{s.number}. {s.name}" for s in design.steps]
    assert tasks[0].findtext("bpmn:documentation", namespaces=NS) == design.steps[0].work_content
    assert len(process.findall("bpmn:startEvent", NS)) == 1
    assert len(process.findall("bpmn:endEvent", NS)) == 1

    flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
    decision = process.find("bpmn:exclusiveGateway[@id='Gateway_Decision_5']", NS)
    out = [flows[o.text] for o in decision.findall("bpmn:outgoing", NS)]
    assert sorted(f.get("name") for f in out) == ["Trình ký", "Trả lại để thẩm định lại"]
    assert all(f.find("bpmn:conditionExpression", NS) is not None for f in out)
    targets = {f.get("name"): f.get("targetRef") for f in out}
    assert targets["Trình ký"] == "Activity_6"
    assert targets["Trả lại để thẩm định lại"] == "Gateway_Merge_2"  # the loop enters through a merge

    fork = process.find("bpmn:parallelGateway[@id='Gateway_Fork_2']", NS)
    join = process.find("bpmn:parallelGateway[@id='Gateway_Join_5']", NS)
    assert fork.get("gatewayDirection") == "Diverging" and join.get("gatewayDirection") == "Converging"
    assert sorted(flows[o.text].get("targetRef") for o in fork.findall("bpmn:outgoing", NS)) == [
        "Activity_3",
        "Activity_4",
    ]
    assert sorted(flows[i.text].get("sourceRef") for i in join.findall("bpmn:incoming", NS)) == [
        "Activity_3",
        "Activity_4",
    ]


def test_references_are_consistent_and_every_node_is_in_one_lane():
    for make in DESIGNS.values():
        root = parsed(make())
        process = root.find("bpmn:process", NS)
        nodes = {
            e.get("id"): e
            for e in process
            if e.tag.split("}")[1] not in ("laneSet", "sequenceFlow", "documentation")
        }
        flows = process.findall("bpmn:sequenceFlow", NS)
        for flow in flows:
            assert flow.get("sourceRef") in nodes and flow.get("targetRef") in nodes
            assert flow.get("id") in [
                o.text for o in nodes[flow.get("sourceRef")].findall("bpmn:outgoing", NS)
            ]
            assert flow.get("id") in [
                i.text for i in nodes[flow.get("targetRef")].findall("bpmn:incoming", NS)
            ]
        refs = [r.text for r in process.iterfind("bpmn:laneSet/bpmn:lane/bpmn:flowNodeRef", NS)]
        assert sorted(refs) == sorted(nodes)
        # No gateway both joins and forks; every task has exactly one way in and one way out.
        for node_id, node in nodes.items():
            ins, outs = len(node.findall("bpmn:incoming", NS)), len(node.findall("bpmn:outgoing", NS))
            if "Gateway" in node_id:
                assert not (ins > 1 and outs > 1), node_id
            if node_id.startswith("Activity_"):
                assert ins == 1, node_id


def test_lanes_follow_units_then_roles():
    root = parsed(marriage_registration())
    lanes = [lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)]
    assert lanes == [
        "Bộ phận Một cửa (Trung tâm PVHCC xã)",
        "Văn phòng HĐND và UBND xã",
        "Công an xã",
        "UBND xã nơi cư trú trước đây",
        "UBND xã",
    ]
    assert "Chuyên viên" in [
        lane.get("name") for lane in parsed(complex_design()).iterfind(".//bpmn:lane", NS)
    ]


def test_diagram_has_a_shape_for_every_element_and_an_edge_for_every_flow():
    root = parsed(complex_design())
    process = root.find("bpmn:process", NS)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == "Collaboration_1"
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    ids = [
        e.get("id")
        for e in process
        if e.get("id") and not e.tag.endswith("sequenceFlow") and not e.tag.endswith("laneSet")
    ]
    ids += [lane.get("id") for lane in process.iterfind(".//bpmn:lane", NS)] + ["Participant_1"]
    assert set(ids) <= set(shapes)
    for element_id in ids:
        b = shapes[element_id].find("dc:Bounds", NS)
        assert float(b.get("width")) > 0 and float(b.get("height")) > 0
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        assert len(edges[flow.get("id")].findall("di:waypoint", NS)) >= 2
    # Tasks do not overlap.
    boxes = [shapes[i].find("dc:Bounds", NS) for i in ids if i.startswith("Activity_")]
    rects = [
        (float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))) for b in boxes
    ]
    for i, (x, y, w, h) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_ids_are_xml_names_and_text_is_escaped():
    design = ProcessDesign(
        "QT 1/2 & 3", 'Tên <đặc biệt> & "khó"', steps=(StepDesign(1, "Bước <1> & 2", unit="A & B"),)
    )
    root = parsed(design)
    process = root.find("bpmn:process", NS)
    assert process.get("id") == "Process_QT_1_2___3"
    assert process.get("name") == 'Tên <đặc biệt> & "khó"'
    assert root.find(".//bpmn:lane", NS).get("name") == "A & B"
