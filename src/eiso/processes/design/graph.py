"""The step graph of a design: effective transitions, loops, parallel blocks and the longest path.

Shared by validation and the renderings so that all of them read a design the same way:

* a step without transitions goes to the next step by number, the last one to the end;
* a transition to a step with a larger number (or to the end) is a **forward** edge; one to the same or
  a smaller number is a **back** edge — a "return to step N" loop whose extra rounds are not planned
  time. Forward edges always increase the number, so they form a DAG ordered by step number and the
  longest path is one pass in that order;
* a step with two or more `always` transitions forks **parallel** branches; the branches meet at the
  first step (in number order) that every branch reaches: the join. The longest path through a
  parallel block takes the longest branch, not the sum of the branches.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from .model import END, Condition, ProcessDesign, StepDesign, Target, Transition

Node = Target  # a step number or "end"


@dataclass(frozen=True, slots=True)
class Edge:
    """One effective transition between two existing nodes."""

    source: int
    target: Node
    condition: Condition
    label: str
    forward: bool
    implicit: bool  # the default "go on to the next step"


@dataclass(frozen=True, slots=True)
class ParallelBlock:
    """Branches forked by `fork` that run at the same time until they meet at `join`."""

    fork: int
    heads: tuple[Node, ...]
    join: Node
    members: frozenset[int]  # the steps inside the branches, fork and join excluded


@dataclass(frozen=True, slots=True)
class LongestPath:
    """The planned time: the longest forward path from the first step to the end."""

    hours: Decimal
    steps: tuple[int, ...]
    reaches_end: bool


def _order_key(node: Node) -> float:
    return float("inf") if node == END else float(node)


class ProcessGraph:
    """A read-only view of a design's steps as a graph. Steps with a duplicate number keep the first."""

    def __init__(self, design: ProcessDesign) -> None:
        self.design = design
        steps: dict[int, StepDesign] = {}
        for step in design.steps:
            steps.setdefault(step.number, step)
        self.steps = steps
        self.numbers: tuple[int, ...] = tuple(sorted(steps))
        self.first: int | None = self.numbers[0] if self.numbers else None

        edges: list[Edge] = []
        unknown: list[tuple[int, Transition]] = []
        following: dict[int, Node] = dict(zip(self.numbers, (*self.numbers[1:], END), strict=False))
        for number in self.numbers:
            step = steps[number]
            if not step.transitions:
                edges.append(Edge(number, following[number], "always", "", True, True))
                continue
            for t in step.transitions:
                if t.target != END and t.target not in steps:
                    unknown.append((number, t))
                    continue
                forward = t.target == END or t.target > number  # type: ignore[operator]
                edges.append(Edge(number, t.target, t.condition, t.label, forward, False))
        self.edges: tuple[Edge, ...] = tuple(edges)
        self.unknown_targets: tuple[tuple[int, Transition], ...] = tuple(unknown)

        self.out: dict[Node, list[Edge]] = {n: [] for n in (*self.numbers, END)}
        self.into: dict[Node, list[Edge]] = {n: [] for n in (*self.numbers, END)}
        for edge in self.edges:
            self.out[edge.source].append(edge)
            self.into[edge.target].append(edge)

    # --- reachability ----------------------------------------------------------------------------

    @cached_property
    def reachable(self) -> frozenset[Node]:
        """Nodes reached from the first step over any edge (the end included when reached)."""
        if self.first is None:
            return frozenset()
        seen: set[Node] = {self.first}
        stack: list[Node] = [self.first]
        while stack:
            for edge in self.out[stack.pop()]:
                if edge.target not in seen:
                    seen.add(edge.target)
                    stack.append(edge.target)
        return frozenset(seen)

    @cached_property
    def reaches_end(self) -> frozenset[int]:
        """Steps from which some path leads to the end."""
        seen: set[Node] = {END}
        stack: list[Node] = [END]
        while stack:
            for edge in self.into[stack.pop()]:
                if edge.source not in seen:
                    seen.add(edge.source)
                    stack.append(edge.source)
        return frozenset(n for n in seen if n != END)  # type: ignore[misc]

    @cached_property
    def loops(self) -> tuple[tuple[int, ...], ...]:
        """Groups of steps that can come back to themselves (strongly connected, with a cycle)."""
        # Kosaraju, iterative: designs are small but recursion limits are not worth the risk.
        order: list[int] = []
        visited: set[int] = set()
        for root in self.numbers:
            if root in visited:
                continue
            visited.add(root)
            stack: list[tuple[int, int]] = [(root, 0)]
            while stack:
                node, i = stack[-1]
                outs = [e.target for e in self.out[node] if e.target != END]
                if i < len(outs):
                    stack[-1] = (node, i + 1)
                    nxt = outs[i]
                    if nxt not in visited:
                        visited.add(nxt)  # type: ignore[arg-type]
                        stack.append((nxt, 0))  # type: ignore[arg-type]
                else:
                    stack.pop()
                    order.append(node)
        assigned: set[int] = set()
        groups: list[tuple[int, ...]] = []
        for root in reversed(order):
            if root in assigned:
                continue
            component = [root]
            assigned.add(root)
            todo = [root]
            while todo:
                for edge in self.into[todo.pop()]:
                    if edge.source not in assigned:
                        assigned.add(edge.source)
                        component.append(edge.source)
                        todo.append(edge.source)
            has_cycle = len(component) > 1 or any(e.target == root for e in self.out[root])
            if has_cycle:
                groups.append(tuple(sorted(component)))
        return tuple(sorted(groups))

    # --- structure ---------------------------------------------------------------------------------

    @cached_property
    def back_edges(self) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if not e.forward)

    def _forward_closure(self, start: Node) -> set[Node]:
        seen: set[Node] = {start}
        stack = [start]
        while stack:
            node = stack.pop()
            if node == END:
                continue
            for edge in self.out[node]:
                if edge.forward and edge.target not in seen:
                    seen.add(edge.target)
                    stack.append(edge.target)
        return seen

    @cached_property
    def parallel_blocks(self) -> tuple[ParallelBlock, ...]:
        blocks = []
        for number in self.numbers:
            heads = tuple(
                dict.fromkeys(e.target for e in self.out[number] if e.forward and e.condition == "always")
            )
            if len(heads) < 2:
                continue
            closures = [self._forward_closure(h) for h in heads]
            common = set.intersection(*closures)
            join: Node = min(common, key=_order_key) if common else END
            limit = _order_key(join)
            members = frozenset(
                n for c in closures for n in c if n != END and _order_key(n) < limit and n != number
            )
            blocks.append(ParallelBlock(number, heads, join, members))  # type: ignore[arg-type]
        return tuple(blocks)

    # --- time -------------------------------------------------------------------------------------

    @cached_property
    def longest_path(self) -> LongestPath:
        """Longest forward path from the first step; parallel branches count once, loops not at all."""
        if self.first is None:
            return LongestPath(Decimal(0), (), False)
        best: dict[Node, Decimal] = {self.first: self.steps[self.first].hours}
        came_from: dict[Node, int] = {}
        for number in self.numbers:  # forward edges increase the number: this is a topological order
            if number not in best:
                continue
            here = best[number]
            for edge in self.out[number]:
                if not edge.forward:
                    continue
                target = edge.target
                total = here + (Decimal(0) if target == END else self.steps[target].hours)  # type: ignore[index]
                if target not in best or total > best[target]:
                    best[target] = total
                    came_from[target] = number
        reaches_end = END in best
        last: Node = END if reaches_end else max(best, key=lambda n: (best[n], -_order_key(n)))
        path: list[int] = []
        node: Node | None = came_from.get(last) if last == END else last
        while node is not None:
            path.append(node)  # type: ignore[arg-type]
            node = came_from.get(node)
        return LongestPath(best[last], tuple(reversed(path)), reaches_end)

    # --- layout -----------------------------------------------------------------------------------

    @cached_property
    def ranks(self) -> dict[Node, int]:
        """Row of each node for a top-down drawing: one more than its lowest forward predecessor row.

        A step nobody leads to forward (unreachable, or entered only by a loop) goes one row below the
        step before it, so invalid designs still draw in table order.
        """
        rank: dict[Node, int] = {}
        previous: int | None = None
        for number in self.numbers:
            preds = [rank[e.source] for e in self.into[number] if e.forward and e.source in rank]
            if preds:
                rank[number] = max(preds) + 1
            else:
                rank[number] = 0 if previous is None else rank[previous] + 1
            previous = number
        rank[END] = max(rank.values(), default=-1) + 1
        return rank
