"""Turning flat agency rows into nested JSON, in memory (the rows come from one query)."""

from collections import defaultdict
from collections.abc import Hashable, Iterable


def build_forest(
    nodes: dict[Hashable, dict], parent_of: dict[Hashable, Hashable | None]
) -> tuple[list[dict], dict]:
    """Link `nodes` (id → dict, in display order) into trees through `parent_of` (id → parent id).

    A node whose parent is not among `nodes` (outside the caller's scope, or the top) becomes a root.
    Each node dict gets a `children` list. Future-dated moves can make two agencies each other's
    parent on some day; such a cycle is broken at its smallest id so the result is always a forest
    (JSON cannot hold a cycle). Returns the roots and the id → children-ids map.
    """
    children: dict[Hashable, list] = defaultdict(list)
    roots = []
    for key in nodes:
        parent = parent_of.get(key)
        if parent is not None and parent != key and parent in nodes:
            children[parent].append(key)
        else:
            roots.append(key)
    reached = _reach(roots, children)
    if len(reached) < len(nodes):
        for key in sorted(k for k in nodes if k not in reached):
            if key in reached:
                continue
            children[parent_of[key]].remove(key)
            roots.append(key)
            reached |= _reach([key], children)
    for key, node in nodes.items():
        node["children"] = [nodes[child] for child in children.get(key, ())]
    return [nodes[key] for key in roots], children


def _reach(starts: Iterable[Hashable], children: dict) -> set:
    seen: set = set()
    stack = list(starts)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        stack.extend(children.get(key, ()))
    return seen
