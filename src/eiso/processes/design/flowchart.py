"""A self-contained SVG flowchart of a process design, top to bottom, readable at page width.

Layout: one row per rank of the step graph (graph.ranks), so parallel consultations sit side by side
between a fork bar and a join bar; an approval step is a box followed by an "Đồng ý?" diamond whose
"agreed" branch goes down and whose "not agreed" branch goes out to the right; loops ("return to step
N") run back up in lanes on the right; forward jumps over rows run down in lanes on the left.

The SVG has no external reference (no web fonts, links or images): the font stack falls back to Times
New Roman and the system sans-serif. Text widths are estimated with a sans-serif metric, wider than
the serif fallbacks, so that wrapped lines fit whichever font the viewer has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .graph import Edge, Node, ProcessGraph
from .model import END, ProcessDesign, StepKind
from .text import (
    KIND_LABELS_VI,
    channel_label,
    format_hours,
    format_limit,
    format_step_time,
    transition_label,
)

FONT_FAMILY = "Be Vietnam Pro, Times New Roman, sans-serif"
WIDTH = 800
MARGIN = 20
ROW_GAP = 52
BOX_MAX_W = 360
BOX_GAP = 24
PAD = 8
TITLE_SIZE = 15
META_SIZE = 13
LABEL_SIZE = 12
LINE = 1.3  # line height factor
LANE_STEP = 14
DIAMOND_W, DIAMOND_H, DIAMOND_GAP = 128, 48, 16
PILL_W, PILL_H = 120, 30

COLOURS: dict[StepKind, tuple[str, str]] = {  # fill, stroke
    "task": ("#eef4ff", "#3563c9"),
    "approval": ("#fff4df", "#c07a00"),
    "consultation": ("#e9f6ee", "#2c8650"),
    "return_to_applicant": ("#f4edfb", "#7446b8"),
}
TEXT = "#1b1b1b"
MUTED = "#4a4a4a"
EDGE = "#333333"
BACK = "#b3261e"

# Average advance widths (in em) of a sans-serif face; wide enough for DejaVu Sans and Be Vietnam Pro.
_NARROW = set("ijlrtfI.,:;!'|()[] ")
_WIDE = set("mwMWĐ@%—")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated rendered width of `text` in pixels."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.32
        elif ch in _WIDE:
            em += 0.88
        elif ch.isupper() or ch.isdigit():
            em += 0.66
        else:
            em += 0.56
    return em * size * (1.07 if bold else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` pixels; a word longer than the line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = max(1, int(len(word) * width / text_width(word, size, bold)) - 1)
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class _Line:
    text: str
    size: float
    bold: bool = False
    italic: bool = False
    colour: str = TEXT


@dataclass
class _Box:
    node: Node
    kind: StepKind | None
    w: float
    lines: list[_Line]
    x: float = 0.0
    y: float = 0.0
    diamond: bool = False
    rank: int = 0

    @property
    def text_h(self) -> float:
        return sum(line.size * LINE for line in self.lines)

    @property
    def h(self) -> float:
        return PILL_H if self.kind is None else self.text_h + 2 * PAD

    @property
    def total_h(self) -> float:
        return self.h + (DIAMOND_GAP + DIAMOND_H if self.diamond else 0)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def out_y(self) -> float:
        """Where forward edges leave: the diamond's lower vertex, or the box's bottom."""
        return self.y + self.total_h


@dataclass
class _Canvas:
    parts: list[str] = field(default_factory=list)

    def add(self, svg: str) -> None:
        self.parts.append(svg)

    def text(self, x: float, y: float, line: _Line, anchor: str = "start") -> None:
        style = []
        if line.bold:
            style.append('font-weight="bold"')
        if line.italic:
            style.append('font-style="italic"')
        self.add(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{line.size:g}" fill="{line.colour}" '
            f'text-anchor="{anchor}" {" ".join(style)}>{escape(line.text)}</text>'
        )

    def path(
        self, points: list[tuple[float, float]], colour: str = EDGE, arrow: bool = True, dash: bool = False
    ) -> None:
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        marker = f' marker-end="url(#{"arrow-back" if colour == BACK else "arrow"})"' if arrow else ""
        dashes = ' stroke-dasharray="6 4"' if dash else ""
        self.add(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.6"{dashes}{marker}/>')


def _step_lines(graph: ProcessGraph, number: int, width: float) -> list[_Line]:
    step = graph.steps[number]
    inner = width - 2 * PAD
    lines = [
        _Line(t, TITLE_SIZE, bold=True)
        for t in wrap(f"Bước {step.number}. {step.name}", inner, TITLE_SIZE, True)
    ]
    if step.owner:
        lines += [_Line(t, META_SIZE, colour=MUTED) for t in wrap(step.owner, inner, META_SIZE)]
    meta = format_step_time(step)
    if step.kind != "task":
        meta += f" · {KIND_LABELS_VI[step.kind]}"
    lines += [_Line(t, META_SIZE, bold=True, colour=MUTED) for t in wrap(meta, inner, META_SIZE, True)]
    if step.output:
        lines += [
            _Line(t, META_SIZE, italic=True, colour=MUTED)
            for t in wrap(f"Kết quả: {step.output}", inner, META_SIZE)
        ]
    return lines


def render_svg(design: ProcessDesign, *, width: int = WIDTH) -> str:
    """The flowchart of `design` as an SVG document (a string, UTF-8, no external references)."""
    graph = ProcessGraph(design)
    ranks = graph.ranks
    canvas = _Canvas()

    # --- lanes: loops on the right, forward jumps over rows on the left --------------------------
    back_edges = list(graph.back_edges)
    left_candidates = [
        e
        for e in graph.edges
        if e.forward and (ranks[e.target] - ranks[e.source] > 1 or _side_exit(graph, e))
    ]
    left = MARGIN + (LANE_STEP * len(left_candidates) + 8 if left_candidates else 0)
    right = width - MARGIN - (LANE_STEP * len(back_edges) + 8 if back_edges else 0)
    content_w = right - left

    # --- title -------------------------------------------------------------------------------------
    y = MARGIN
    title_lines = [
        _Line(t, 18, bold=True) for t in wrap(f"Quy trình: {design.name}", width - 2 * MARGIN, 18, True)
    ]
    info = f"Mã quy trình: {design.code} · Phiên bản: {design.version}"
    if design.procedure_codes:
        info += f" · Mã TTHC: {', '.join(design.procedure_codes)}"
    title_lines += [_Line(t, META_SIZE, colour=MUTED) for t in wrap(info, width - 2 * MARGIN, META_SIZE)]
    limits = "; ".join(f"{channel_label(t.channel)}: {format_limit(t.hours)}" for t in design.time_limits)
    timing = f"Thời gian theo nhánh dài nhất: {format_hours(graph.longest_path.hours)}"
    if limits:
        timing = f"Thời hạn giải quyết — {limits}. {timing}"
    title_lines += [_Line(t, META_SIZE, colour=MUTED) for t in wrap(timing, width - 2 * MARGIN, META_SIZE)]
    for line in title_lines:
        y += line.size * LINE
        canvas.text(MARGIN, y - line.size * 0.25, line)
    y += 18

    # --- boxes, row by row -------------------------------------------------------------------------
    rows: dict[int, list[Node]] = {}
    for node in (*graph.numbers, END):
        rows.setdefault(ranks[node], []).append(node)
    start = _Box("start", None, PILL_W, [_Line("Bắt đầu", META_SIZE, bold=True)])
    start.x, start.y = left + content_w / 2 - PILL_W / 2, y
    y += PILL_H + ROW_GAP * 0.6

    boxes: dict[Node, _Box] = {}
    row_top: dict[int, float] = {}
    row_bottom: dict[int, float] = {}
    for rank in sorted(rows):
        nodes = rows[rank]
        steps_here = [n for n in nodes if n != END]
        k = max(1, len(steps_here))
        box_w = min(BOX_MAX_W, (content_w - (k - 1) * BOX_GAP) / k)
        row: list[_Box] = []
        for node in nodes:
            if node == END:
                box = _Box(END, None, PILL_W, [_Line("Kết thúc", META_SIZE, bold=True)])
            else:
                step = graph.steps[node]  # type: ignore[index]
                box = _Box(node, step.kind, box_w, _step_lines(graph, node, box_w))  # type: ignore[arg-type]
                box.diamond = step.kind == "approval" and any(t.is_conditional for t in step.transitions)
            box.rank = rank
            row.append(box)
        # Under the predecessors' mean x (barycentre), keeping the row's order and spacing.
        desired = []
        for box in row:
            preds = [boxes[e.source].cx for e in graph.into[box.node] if e.forward and e.source in boxes]
            desired.append(sum(preds) / len(preds) if preds else left + content_w / 2)
        order = sorted(range(len(row)), key=lambda i: (desired[i], str(row[i].node)))
        total = sum(row[i].w for i in order) + BOX_GAP * (len(row) - 1)
        x = sum(desired) / len(desired) - total / 2
        x = min(max(x, left), right - total)
        for i in order:
            row[i].x, row[i].y = x, y
            x += row[i].w + BOX_GAP
        row_top[rank] = y
        row_bottom[rank] = y + max(b.total_h for b in row)
        y = row_bottom[rank] + ROW_GAP
        for box in row:
            boxes[box.node] = box
    height = y - ROW_GAP + 56

    router = _Router(graph, boxes, row_top, row_bottom, left, right)

    # --- edges (drawn first, boxes on top) ---------------------------------------------------------
    first = graph.first
    if first is not None:
        canvas.path([(start.cx, start.y + PILL_H), (boxes[first].cx, boxes[first].y)])
    drawn: set[tuple[int, Node]] = set()
    for block in graph.parallel_blocks:
        router.fork(canvas, block.fork, [h for h in block.heads if h in boxes], drawn)
        tails = [e.source for e in graph.into[block.join] if e.forward and e.source in block.members]
        if len(tails) > 1:
            router.join(canvas, tails, block.join, drawn)
    for edge in graph.edges:
        if (edge.source, edge.target) in drawn:
            continue
        drawn.add((edge.source, edge.target))
        if edge.forward:
            router.forward(canvas, edge)
        else:
            router.back(canvas, edge)

    # --- shapes ----------------------------------------------------------------------------------
    for box in (start, *boxes.values()):
        _draw_box(canvas, box)

    legend_y = height - 22  # legend: kinds of step and the loop arrow
    x = MARGIN
    for kind, label in KIND_LABELS_VI.items():
        fill, stroke = COLOURS[kind]
        canvas.add(
            f'<rect x="{x}" y="{legend_y - 11}" width="16" height="12" rx="2" fill="{fill}" stroke="{stroke}"/>'
        )
        canvas.text(x + 22, legend_y, _Line(label, LABEL_SIZE, colour=MUTED))
        x += 30 + text_width(label, LABEL_SIZE)
    canvas.add(
        f'<path d="M{x + 4},{legend_y - 5} L{x + 30},{legend_y - 5}" stroke="{BACK}" stroke-width="1.6" '
        f'stroke-dasharray="6 4" marker-end="url(#arrow-back)"/>'
    )
    canvas.text(
        x + 38, legend_y, _Line("Trả lại bước trước (không tính thời gian)", LABEL_SIZE, colour=MUTED)
    )

    label = f"Sơ đồ quy trình {design.code} {design.name}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" aria-label={quoteattr(label)} '
        f'font-family="{FONT_FAMILY}">'
        f"<title>{escape(label)}</title>"
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/></marker>'
        '<marker id="arrow-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{BACK}"/></marker>'
        "</defs>"
        f'<rect width="{width}" height="{height:.0f}" fill="#ffffff"/>'
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "".join(canvas.parts) + "</svg>\n"


def _side_exit(graph: ProcessGraph, edge: Edge) -> bool:
    """A forward branch of an approval other than its first agreed one leaves the diamond's side."""
    step = graph.steps[edge.source]
    if step.kind != "approval" or not edge.forward or edge.condition == "always":
        return False
    forward = [e for e in graph.out[edge.source] if e.forward]
    main = next((e for e in forward if e.condition == "agreed"), forward[0])
    return edge is not main


def _draw_box(canvas: _Canvas, box: _Box) -> None:
    if box.kind is None:  # start / end pill
        canvas.add(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{PILL_H}" rx="{PILL_H / 2}" '
            f'fill="#f2f2f2" stroke="{EDGE}" stroke-width="1.6"/>'
        )
        canvas.text(box.cx, box.y + PILL_H / 2 + 4, box.lines[0], anchor="middle")
        return
    fill, stroke = COLOURS[box.kind]
    canvas.add(f'<g class="step" data-step="{box.node}">')
    canvas.add(
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.6"/>'
    )
    y = box.y + PAD
    for line in box.lines:
        y += line.size * LINE
        canvas.text(box.x + PAD, y - line.size * 0.3, line)
    if box.diamond:
        top = box.bottom + DIAMOND_GAP
        cx = box.cx
        canvas.path([(cx, box.bottom), (cx, top)])
        canvas.add(
            f'<path d="M{cx:.1f},{top:.1f} L{cx + DIAMOND_W / 2:.1f},{top + DIAMOND_H / 2:.1f} '
            f'L{cx:.1f},{top + DIAMOND_H:.1f} L{cx - DIAMOND_W / 2:.1f},{top + DIAMOND_H / 2:.1f} z" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.6"/>'
        )
        canvas.text(cx, top + DIAMOND_H / 2 + 4, _Line("Đồng ý?", META_SIZE, bold=True), anchor="middle")
    canvas.add("</g>")


class _Router:
    """Draws the arrows; keeps the lanes taken on each side."""

    def __init__(
        self,
        graph: ProcessGraph,
        boxes: dict[Node, _Box],
        row_top: dict[int, float],
        row_bottom: dict[int, float],
        left: float,
        right: float,
    ) -> None:
        self.graph = graph
        self.boxes = boxes
        self.row_top = row_top
        self.row_bottom = row_bottom
        self.left = left
        self.right = right
        self.left_lanes = 0
        self.right_lanes = 0

    # geometry helpers
    def _clear(self, x: float, from_rank: int, to_rank: int) -> bool:
        """No box of the rows strictly between the two ranks covers the vertical line at x."""
        return not any(
            from_rank < b.rank < to_rank and b.x - 6 <= x <= b.x + b.w + 6 for b in self.boxes.values()
        )

    def _rightmost(self, box: _Box) -> bool:
        return all(b.x <= box.x for b in self.boxes.values() if b.rank == box.rank)

    def _left_lane(self) -> float:
        self.left_lanes += 1
        return self.left - 8 - LANE_STEP * (self.left_lanes - 1)

    def _right_lane(self) -> float:
        self.right_lanes += 1
        return self.right + 8 + LANE_STEP * (self.right_lanes - 1)

    def _down(
        self, x: float, y: float, rank: int, tx: float, ty_level: float, target_rank: int
    ) -> list[tuple[float, float]]:
        """From (x, y) below row `rank` to the level `ty_level` above row `target_rank`, then to tx."""
        if target_rank - rank <= 1 or self._clear(x, rank, target_rank):
            return [(x, y), (x, ty_level), (tx, ty_level)]
        below = self.row_bottom[rank] + 14
        lane = self._left_lane()
        return [(x, y), (x, below), (lane, below), (lane, ty_level), (tx, ty_level)]

    @staticmethod
    def _label(canvas: _Canvas, x: float, y: float, text: str, colour: str = MUTED) -> None:
        if text:
            canvas.add(
                f'<text x="{x:.1f}" y="{y:.1f}" font-size="{LABEL_SIZE}" font-style="italic" '
                f'fill="{colour}">{escape(text)}</text>'
            )

    # edges
    def forward(self, canvas: _Canvas, edge: Edge) -> None:
        src, dst = self.boxes[edge.source], self.boxes[edge.target]
        level = self.row_top[dst.rank] - ROW_GAP / 2
        label = _edge_label(self.graph, edge)
        if _side_exit(self.graph, edge):
            vy = src.bottom + DIAMOND_GAP + DIAMOND_H / 2
            vx = src.cx - DIAMOND_W / 2
            lane = self._left_lane()
            canvas.path([(vx, vy), (lane, vy), (lane, level), (dst.cx, level), (dst.cx, dst.y)])
            self._label(canvas, lane + 6, vy - 6, label)
            return
        points = self._down(src.cx, src.out_y, src.rank, dst.cx, level, dst.rank)
        canvas.path([*points, (dst.cx, dst.y)])
        self._label(canvas, src.cx + 6, src.out_y + 14, label)

    def back(self, canvas: _Canvas, edge: Edge) -> None:
        src, dst = self.boxes[edge.source], self.boxes[edge.target]
        lane = self._right_lane()
        label = _edge_label(self.graph, edge)
        if src.diamond and edge.condition != "always":
            # From the diamond's right vertex; the label sits on the way out.
            sx, sy = src.cx + DIAMOND_W / 2, src.bottom + DIAMOND_GAP + DIAMOND_H / 2
            start = [(sx, sy), (lane, sy)]
            lines = wrap(label, max(lane - sx - 10, 60), LABEL_SIZE) if label else []
            for i, text in enumerate(reversed(lines)):
                self._label(canvas, sx + 6, sy - 6 - i * (LABEL_SIZE + 2), text, colour=BACK)
        else:
            # From the box's bottom right, through the gap under its row; the label ends before the turn.
            sx, sy = src.x + src.w - 20, self.row_bottom[src.rank] + 22
            start = [(sx, src.out_y), (sx, sy), (lane, sy)]
            lines = wrap(label, max(sx - src.cx - 20, 60), LABEL_SIZE) if label else []
            for i, text in enumerate(reversed(lines)):
                width = text_width(text, LABEL_SIZE)
                self._label(canvas, sx - 6 - width, sy - 5 - i * (LABEL_SIZE + 2), text, colour=BACK)
        if self._rightmost(dst):
            ty = dst.y + min(22.0, dst.h / 2 - 8)
            end = [(lane, ty), (dst.x + dst.w, ty)]
        else:
            level = dst.y - 12
            end = [(lane, level), (dst.cx + 24, level), (dst.cx + 24, dst.y)]
        canvas.path([*start, *end], colour=BACK, dash=True)

    def fork(self, canvas: _Canvas, fork: int, heads: list[Node], drawn: set[tuple[int, Node]]) -> None:
        src = self.boxes[fork]
        heads = [h for h in heads if self.boxes[h].rank == src.rank + 1]
        if len(heads) < 2:
            return
        bar_y = src.out_y + ROW_GAP * 0.45
        xs = [self.boxes[h].cx for h in heads] + [src.cx]
        canvas.path([(src.cx, src.out_y), (src.cx, bar_y - 3)], arrow=False)
        canvas.add(
            f'<rect x="{min(xs) - 14:.1f}" y="{bar_y - 3:.1f}" width="{max(xs) - min(xs) + 28:.1f}" height="6" '
            f'fill="{EDGE}"><title>Song song</title></rect>'
        )
        for head in heads:
            box = self.boxes[head]
            canvas.path([(box.cx, bar_y + 3), (box.cx, box.y)])
            edge = next(e for e in self.graph.out[fork] if e.target == head)
            self._label(canvas, box.cx + 6, bar_y + 17, _edge_label(self.graph, edge))
            drawn.add((fork, head))
        self._label(canvas, min(xs) - 14, bar_y - 7, "Thực hiện song song")

    def join(self, canvas: _Canvas, tails: list[int], join: Node, drawn: set[tuple[int, Node]]) -> None:
        dst = self.boxes[join]
        bar_y = self.row_top[dst.rank] - ROW_GAP * 0.45
        xs = [self.boxes[t].cx for t in tails] + [dst.cx]
        for tail in tails:
            box = self.boxes[tail]
            points = self._down(box.cx, box.out_y, box.rank, box.cx, bar_y - 3, dst.rank)
            if points[-1][0] != points[-2][0] or len(points) > 3:
                xs.append(points[-2][0])
            canvas.path(points[:-1] if len(points) == 3 else points, arrow=False)
            drawn.add((tail, join))
        canvas.add(
            f'<rect x="{min(xs) - 14:.1f}" y="{bar_y - 3:.1f}" width="{max(xs) - min(xs) + 28:.1f}" height="6" '
            f'fill="{EDGE}"><title>Hợp nhánh</title></rect>'
        )
        canvas.path([(dst.cx, bar_y + 3), (dst.cx, dst.y)])


def _edge_label(graph: ProcessGraph, edge: Edge) -> str:
    if edge.implicit:
        return ""
    for t in graph.steps[edge.source].transitions:
        if t.target == edge.target and t.condition == edge.condition:
            condition = {"agreed": "Đồng ý", "not_agreed": "Không đồng ý"}.get(t.condition, "")
            label = transition_label(t)
            if condition and label != condition:
                return f"{condition}: {label}"
            return label
    return ""
