"""BPMN 2.0 export of a process design, laid out so that it opens drawn in bpmn.io or Camunda Modeler.

The model: one pool (participant) with a lane per responsible unit (or role when a step has no unit);
a start event; a user task per step (documentation = the work content); an exclusive gateway after an
approval step with "agreed" / "not agreed" flows; a parallel gateway pair around parallel
consultations; explicit exclusive merges where several flows enter a step (loops back, branches
meeting); one end event. Gateways keep joining and forking apart, as modelling guidelines ask.

Layout: flow left to right by rank (loops excluded), lanes top to bottom in order of first use; nodes
of the same lane and rank are stacked. Loops run back under their nodes.

Pure standard library (xml.etree): validated against the OMG XSDs shipped in `xsd/` by the tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .graph import Edge, Node, ProcessGraph
from .model import END, ProcessDesign
from .text import format_step_time, transition_label

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "xsi": XSI_NS}
TARGET_NAMESPACE = "urn:eiso:processes"

SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}
COL_W = 150
ROW_H = 120
POOL_LABEL_W = 30
ORIGIN_X, ORIGIN_Y = 160, 80

CONDITIONS = {"agreed": "${decision == 'agreed'}", "not_agreed": "${decision == 'not_agreed'}"}


def _q(prefix: str, tag: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{tag}"


@dataclass
class _Node:
    id: str
    tag: str  # userTask, exclusiveGateway, parallelGateway, startEvent, endEvent
    name: str
    lane: str
    shape: str  # task | gateway | event
    step: int | None = None
    direction: str = ""  # Diverging / Converging for gateways
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    x: float = 0
    y: float = 0

    @property
    def size(self) -> tuple[int, int]:
        return SIZES[self.shape]


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""
    back: bool = False


class _Builder:
    def __init__(self, design: ProcessDesign) -> None:
        self.design = design
        self.graph = ProcessGraph(design)
        self.nodes: dict[str, _Node] = {}
        self.flows: list[_Flow] = []
        self.lanes: list[str] = []

    # --- the semantic model ----------------------------------------------------------------------

    def lane_of(self, number: int) -> str:
        step = self.graph.steps[number]
        return step.unit.strip() or step.role.strip() or "Chưa phân công"

    def add_node(self, node: _Node) -> _Node:
        self.nodes[node.id] = node
        if node.lane not in self.lanes:
            self.lanes.append(node.lane)
        return node

    def connect(
        self, source: str, target: str, name: str = "", condition: str = "", back: bool = False
    ) -> None:
        flow = _Flow(f"Flow_{len(self.flows) + 1}", source, target, name, condition, back)
        self.flows.append(flow)
        self.nodes[source].outgoing.append(flow.id)
        self.nodes[target].incoming.append(flow.id)

    def build(self) -> None:
        g = self.graph
        if g.first is None:
            return
        self.add_node(_Node("StartEvent_1", "startEvent", "Nhận hồ sơ", self.lane_of(g.first), "event"))
        for number in g.numbers:
            step = g.steps[number]
            self.add_node(
                _Node(
                    f"Activity_{number}",
                    "userTask",
                    f"{number}. {step.name}",
                    self.lane_of(number),
                    "task",
                    number,
                )
            )
        enders = [e.source for e in g.into[END]]
        end_lane = self.lane_of(max(enders)) if enders else self.lanes[-1]

        decisions = {n for n in g.numbers if any(t.is_conditional for t in g.steps[n].transitions)}
        forks = {b.fork: b for b in g.parallel_blocks}
        joins = {b.join: b for b in g.parallel_blocks}

        # Exits: where the flows of each step leave from.
        for number in sorted(decisions):
            gw = self.add_node(
                _Node(
                    f"Gateway_Decision_{number}",
                    "exclusiveGateway",
                    "Đồng ý?",
                    self.lane_of(number),
                    "gateway",
                    direction="Diverging",
                )
            )
            self.connect(f"Activity_{number}", gw.id)
        for number in sorted(forks):
            gw = self.add_node(
                _Node(
                    f"Gateway_Fork_{number}",
                    "parallelGateway",
                    "Song song",
                    self.lane_of(number),
                    "gateway",
                    direction="Diverging",
                )
            )
            self.connect(f"Activity_{number}", gw.id)

        # Entries: what each node's incoming flows go into (join, then merge, then the node).
        def node_id(target: Node) -> str:
            return "EndEvent_1" if target == END else f"Activity_{target}"

        self.add_node(_Node("EndEvent_1", "endEvent", "Kết thúc", end_lane, "event"))
        incoming: dict[Node, list[Edge]] = {n: list(g.into[n]) for n in (*g.numbers, END)}
        entry_other: dict[Node, str] = {}
        entry_join: dict[Node, str] = {}
        for target, edges in incoming.items():
            block = joins.get(target)
            join_edges = [e for e in edges if block and e.forward and e.source in block.members]
            others = len(edges) - len(join_edges) + (1 if target == g.first else 0)
            lane = end_lane if target == END else self.lane_of(target)  # type: ignore[arg-type]
            following = node_id(target)
            if len(join_edges) > 1:
                join = self.add_node(
                    _Node(
                        f"Gateway_Join_{_slug(target)}",
                        "parallelGateway",
                        "",
                        lane,
                        "gateway",
                        direction="Converging",
                    )
                )
                entry_join[target] = join.id
            if others + (1 if target in entry_join else 0) > 1:
                merge = self.add_node(
                    _Node(
                        f"Gateway_Merge_{_slug(target)}",
                        "exclusiveGateway",
                        "",
                        lane,
                        "gateway",
                        direction="Converging",
                    )
                )
                if target in entry_join:
                    self.connect(entry_join[target], merge.id)
                self.connect(merge.id, following)
                entry_other[target] = merge.id
            elif target in entry_join:
                self.connect(entry_join[target], following)
            if target not in entry_other:
                entry_other[target] = following

        self.connect("StartEvent_1", entry_other[g.first])
        for edge in g.edges:
            source = f"Activity_{edge.source}"
            if edge.source in decisions:
                source = f"Gateway_Decision_{edge.source}"
            elif (
                edge.source in forks
                and edge.condition == "always"
                and edge.forward
                and edge.target in forks[edge.source].heads
            ):
                source = f"Gateway_Fork_{edge.source}"
            block = joins.get(edge.target)
            if block and edge.target in entry_join and edge.forward and edge.source in block.members:
                target = entry_join[edge.target]
            else:
                target = entry_other[edge.target]
            name = self.flow_name(edge)
            condition = CONDITIONS.get(edge.condition, "") if edge.source in decisions else ""
            self.connect(source, target, name, condition, back=not edge.forward)

    def flow_name(self, edge: Edge) -> str:
        if edge.implicit:
            return ""
        for t in self.graph.steps[edge.source].transitions:
            if t.target == edge.target and t.condition == edge.condition:
                return transition_label(t)
        return ""

    # --- layout -------------------------------------------------------------------------------------

    def layout(self) -> tuple[float, float, dict[str, tuple[float, float]]]:
        """Place the nodes; returns the pool's width, height and each lane's (top, height)."""
        rank: dict[str, int] = {"StartEvent_1": 0}
        forward = [f for f in self.flows if not f.back]
        # Longest path over forward flows (a DAG: back flows are exactly the loops).
        indegree = {n: 0 for n in self.nodes}
        for f in forward:
            indegree[f.target] += 1
        ready = [n for n, d in indegree.items() if d == 0]
        order = []
        while ready:
            n = ready.pop(0)
            order.append(n)
            for f in forward:
                if f.source == n:
                    indegree[f.target] -= 1
                    if indegree[f.target] == 0:
                        ready.append(f.target)
        for n in order:
            for f in forward:
                if f.source == n:
                    rank[f.target] = max(rank.get(f.target, 0), rank.get(n, 0) + 1)
        stack: dict[tuple[str, int], int] = {}
        slot: dict[str, int] = {}
        for node_id in sorted(self.nodes, key=lambda n: (rank.get(n, 0), list(self.nodes).index(n))):
            key = (self.nodes[node_id].lane, rank.get(node_id, 0))
            slot[node_id] = stack.get(key, 0)
            stack[key] = slot[node_id] + 1
        lane_rows = {
            lane: max((c for (ln, _), c in stack.items() if ln == lane), default=1) for lane in self.lanes
        }
        lanes: dict[str, tuple[float, float]] = {}
        top = ORIGIN_Y
        for lane in self.lanes:
            height = lane_rows[lane] * ROW_H + 30  # room under the last row for loops back
            lanes[lane] = (top, height)
            top += height
        for node_id, node in self.nodes.items():
            w, h = node.size
            lane_top, _ = lanes[node.lane]
            cx = ORIGIN_X + POOL_LABEL_W + 60 + rank.get(node_id, 0) * COL_W
            cy = lane_top + 10 + ROW_H / 2 + slot[node_id] * ROW_H
            node.x, node.y = cx - w / 2, cy - h / 2
        width = POOL_LABEL_W + 60 + (max(rank.values(), default=0)) * COL_W + 110
        return width, top - ORIGIN_Y, lanes

    def waypoints(self, flow: _Flow, back_index: int) -> list[tuple[float, float]]:
        s, t = self.nodes[flow.source], self.nodes[flow.target]
        sw, sh = s.size
        tw, th = t.size
        scx, scy = s.x + sw / 2, s.y + sh / 2
        tcx, tcy = t.x + tw / 2, t.y + th / 2
        if flow.back:
            # Under every node of the two lanes that the loop passes, then up into the target.
            lo, hi = min(scx, tcx), max(scx, tcx)
            bottoms = [
                n.y + n.size[1]
                for n in self.nodes.values()
                if n.lane in (s.lane, t.lane) and n.x <= hi and n.x + n.size[0] >= lo
            ]
            below = max(bottoms) + 14 + 6 * (back_index % 3)
            return [(scx, s.y + sh), (scx, below), (tcx, below), (tcx, t.y + th)]
        if abs(scy - tcy) < 1:
            return [(s.x + sw, scy), (t.x, tcy)]
        if s.shape == "gateway":  # leave a splitting gateway from its top or bottom corner
            return [(scx, s.y if tcy < scy else s.y + sh), (scx, tcy), (t.x, tcy)]
        if t.shape == "gateway":  # enter a joining gateway from its top or bottom corner
            return [(s.x + sw, scy), (tcx, scy), (tcx, t.y if scy < tcy else t.y + th)]
        mid = (s.x + sw + t.x) / 2
        return [(s.x + sw, scy), (mid, scy), (mid, tcy), (t.x, tcy)]


def _label_bounds(points: list[tuple[float, float]], back: bool) -> tuple[float, float, float, float]:
    """Where a flow's name goes: above its last horizontal stretch (under it for a loop back)."""
    if back:
        (x0, y0), (x1, _) = points[1], points[2]
        return max(x1 + 5, x0 - 125), y0 + 4, 120, 28
    for (x0, y0), (x1, y1) in reversed(list(zip(points, points[1:], strict=False))):
        if abs(y0 - y1) < 1 and abs(x1 - x0) > 40:
            return min(x0, x1) + 5, y0 - 30, min(110.0, abs(x1 - x0) - 10), 28
    (x0, y0), (x1, y1) = points[0], points[1]
    return x0 + 5, (y0 + y1) / 2 - 14, 110, 28


def _slug(node: Node) -> str:
    return "End" if node == END else str(node)


def _id_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text) or "process"


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def to_bpmn(design: ProcessDesign) -> str:
    """The design as a BPMN 2.0 XML document (UTF-8 string) with diagram interchange."""
    builder = _Builder(design)
    builder.build()
    width, height, lanes = builder.layout()
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)

    process_id = f"Process_{_id_part(design.code)}"
    definitions = ET.Element(
        _q("bpmn", "definitions"),
        {
            "id": "Definitions_1",
            "targetNamespace": TARGET_NAMESPACE,
            "exporter": "eISO",
            "exporterVersion": "0.1",
        },
    )
    collaboration = ET.SubElement(definitions, _q("bpmn", "collaboration"), {"id": "Collaboration_1"})
    title = f"{design.code} {design.name} (phiên bản {design.version})"
    ET.SubElement(
        collaboration,
        _q("bpmn", "participant"),
        {"id": "Participant_1", "name": title, "processRef": process_id},
    )
    process = ET.SubElement(
        definitions, _q("bpmn", "process"), {"id": process_id, "name": design.name, "isExecutable": "false"}
    )
    if design.description:
        ET.SubElement(process, _q("bpmn", "documentation")).text = design.description
    lane_set = ET.SubElement(process, _q("bpmn", "laneSet"), {"id": "LaneSet_1"})
    lane_ids = {lane: f"Lane_{i + 1}" for i, lane in enumerate(builder.lanes)}
    for lane, lane_id in lane_ids.items():
        element = ET.SubElement(lane_set, _q("bpmn", "lane"), {"id": lane_id, "name": lane})
        for node in builder.nodes.values():
            if node.lane == lane:
                ET.SubElement(element, _q("bpmn", "flowNodeRef")).text = node.id

    for node in builder.nodes.values():
        attrs = {"id": node.id}
        if node.name:
            attrs["name"] = node.name
        if node.direction:
            attrs["gatewayDirection"] = node.direction
        element = ET.SubElement(process, _q("bpmn", node.tag), attrs)
        if node.step is not None:
            step = builder.graph.steps[node.step]
            if step.work_content:
                ET.SubElement(element, _q("bpmn", "documentation")).text = step.work_content
            facts = [f"Thực hiện: {step.owner}" if step.owner else "", f"Thời gian: {format_step_time(step)}"]
            if step.output:
                facts.append(f"Biểu mẫu/kết quả: {step.output}")
            ET.SubElement(element, _q("bpmn", "documentation")).text = "\n".join(f for f in facts if f)
        for flow_id in node.incoming:
            ET.SubElement(element, _q("bpmn", "incoming")).text = flow_id
        for flow_id in node.outgoing:
            ET.SubElement(element, _q("bpmn", "outgoing")).text = flow_id
    for flow in builder.flows:
        attrs = {"id": flow.id, "sourceRef": flow.source, "targetRef": flow.target}
        if flow.name:
            attrs["name"] = flow.name
        element = ET.SubElement(process, _q("bpmn", "sequenceFlow"), attrs)
        if flow.condition:
            expression = ET.SubElement(
                element, _q("bpmn", "conditionExpression"), {_q("xsi", "type"): "bpmn:tFormalExpression"}
            )
            expression.text = flow.condition

    # --- diagram interchange ---------------------------------------------------------------------
    diagram = ET.SubElement(definitions, _q("bpmndi", "BPMNDiagram"), {"id": "BPMNDiagram_1"})
    plane = ET.SubElement(
        diagram, _q("bpmndi", "BPMNPlane"), {"id": "BPMNPlane_1", "bpmnElement": "Collaboration_1"}
    )

    def bounds(parent: ET.Element, x: float, y: float, w: float, h: float) -> None:
        ET.SubElement(
            parent, _q("dc", "Bounds"), {"x": _fmt(x), "y": _fmt(y), "width": _fmt(w), "height": _fmt(h)}
        )

    pool = ET.SubElement(
        plane,
        _q("bpmndi", "BPMNShape"),
        {"id": "Participant_1_di", "bpmnElement": "Participant_1", "isHorizontal": "true"},
    )
    bounds(pool, ORIGIN_X, ORIGIN_Y, width, height)
    for lane, lane_id in lane_ids.items():
        top, lane_h = lanes[lane]
        shape = ET.SubElement(
            plane,
            _q("bpmndi", "BPMNShape"),
            {"id": f"{lane_id}_di", "bpmnElement": lane_id, "isHorizontal": "true"},
        )
        bounds(shape, ORIGIN_X + POOL_LABEL_W, top, width - POOL_LABEL_W, lane_h)
    for node in builder.nodes.values():
        attrs = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.shape == "gateway" and node.tag == "exclusiveGateway":
            attrs["isMarkerVisible"] = "true"
        shape = ET.SubElement(plane, _q("bpmndi", "BPMNShape"), attrs)
        w, h = node.size
        bounds(shape, node.x, node.y, w, h)
        if node.shape != "task" and node.name:  # events below, gateways above: flows leave downwards
            label = ET.SubElement(shape, _q("bpmndi", "BPMNLabel"))
            bounds(
                label, node.x + w / 2 - 45, node.y - 19 if node.shape == "gateway" else node.y + h + 5, 90, 14
            )
    back_index = 0
    for flow in builder.flows:
        edge = ET.SubElement(plane, _q("bpmndi", "BPMNEdge"), {"id": f"{flow.id}_di", "bpmnElement": flow.id})
        points = builder.waypoints(flow, back_index)
        back_index += flow.back
        for x, y in points:
            ET.SubElement(edge, _q("di", "waypoint"), {"x": _fmt(x), "y": _fmt(y)})
        if flow.name:
            label = ET.SubElement(edge, _q("bpmndi", "BPMNLabel"))
            bounds(label, *_label_bounds(points, flow.back))

    ET.indent(definitions, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(definitions, encoding="unicode") + "\n"
