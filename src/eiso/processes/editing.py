"""Editing a design one step at a time, keeping the numbering and the branches consistent (pure Python).

Steps are numbered 1..n in table order. Inserting, removing or moving a step renumbers the steps after
it and retargets every transition, so "if not agreed, return to step 2" still points at the same step.
A transition to a removed step is dropped (the step then goes on to the next one by default).
"""

from __future__ import annotations

from dataclasses import replace

from eiso.processes.design import END, ProcessDesign, StepDesign, Transition


def _renumber(
    design: ProcessDesign, mapping: dict[int, int | None], steps: list[StepDesign]
) -> ProcessDesign:
    """Apply `mapping` (old number → new number, None = removed) to the transitions of `steps`."""
    result = []
    for step in steps:
        transitions = []
        for t in step.transitions:
            if t.target == END:
                transitions.append(t)
                continue
            target = mapping.get(t.target, t.target)  # type: ignore[arg-type]
            if target is None:
                continue
            transitions.append(replace(t, target=target))
        unique = {(t.target, t.condition): t for t in reversed(transitions)}
        transitions = [t for t in transitions if unique.get((t.target, t.condition)) is t]
        result.append(replace(step, transitions=tuple(transitions)))
    return design.with_steps(result)


def normalise_numbers(design: ProcessDesign) -> ProcessDesign:
    """Number the steps 1..n in their current order, retargeting the transitions."""
    mapping = {step.number: index for index, step in enumerate(design.steps, start=1)}
    steps = [replace(step, number=mapping[step.number]) for step in design.steps]
    return _renumber(design, mapping, steps)


def insert_step(design: ProcessDesign, step: StepDesign, position: int | None = None) -> ProcessDesign:
    """Insert `step` as step `position` (the end when None or past it); later steps move down one.

    Read like a row inserted in the table: the step before it now hands over to the new step (its
    explicit branches to the step that was at `position` follow the row), and the new step goes on to
    that step by default. Appended after an approval whose "agreed" branch ended the process, the new
    row becomes that branch's target.
    """
    design = normalise_numbers(design)
    count = len(design.steps)
    position = count + 1 if position is None else max(1, min(position, count + 1))
    mapping = {s.number: (s.number + 1 if s.number >= position else s.number) for s in design.steps}
    moved = [replace(s, number=mapping[s.number]) for s in design.steps]
    result = _renumber(design, mapping, moved)
    before = result.step(position - 1)
    if before is not None:
        shifted = position + 1  # where the step that was at `position` now stands
        appended = position == count + 1

        def follows(t: Transition) -> bool:
            if t.condition == "not_agreed":
                return False
            # An approval that was last had its "agreed" branch end the process: a row appended after it
            # is where the dossier goes once agreed.
            return t.target == shifted if not appended else (t.target == END and t.condition == "agreed")

        transitions = tuple(replace(t, target=position) if follows(t) else t for t in before.transitions)
        result = result.with_steps(
            [replace(s, transitions=transitions) if s.number == before.number else s for s in result.steps]
        )
    new = replace(step, number=position)
    return result.with_steps([*result.steps, new])


def remove_step(design: ProcessDesign, number: int) -> ProcessDesign:
    """Remove step `number`; later steps move up one.

    Branches that led to the removed step lead where it led (its single onward branch, or the next step
    by default); when it forked in parallel they are dropped.
    """
    design = normalise_numbers(design)
    removed = design.step(number)
    if removed is None:
        raise KeyError(number)
    onward = [t.target for t in removed.transitions if t.condition != "not_agreed"]
    successor: int | str | None
    if not removed.transitions:
        successor = following(design, number)
    else:
        successor = onward[0] if len(onward) == 1 else None
    if successor == number:
        successor = None
    mapping: dict[int, int | None] = {}
    for s in design.steps:
        mapping[s.number] = None if s.number == number else (s.number - 1 if s.number > number else s.number)
    kept = []
    for s in design.steps:
        if s.number == number:
            continue
        transitions = []
        for t in s.transitions:
            if t.target == number:
                if successor is None or (successor == s.number):
                    continue
                t = replace(t, target=successor)
            transitions.append(t)
        kept.append(replace(s, number=mapping[s.number], transitions=tuple(transitions)))
    return _renumber(design, mapping, kept)


def move_step(design: ProcessDesign, number: int, position: int) -> ProcessDesign:
    """Move step `number` to `position`, shifting the steps between, retargeting every transition."""
    design = normalise_numbers(design)
    if design.step(number) is None:
        raise KeyError(number)
    order = [s.number for s in design.steps]
    order.remove(number)
    position = max(1, min(position, len(order) + 1))
    order.insert(position - 1, number)
    mapping = {old: new for new, old in enumerate(order, start=1)}
    moved = [replace(s, number=mapping[s.number]) for s in design.steps]
    return _renumber(design, mapping, moved)


def replace_step(
    design: ProcessDesign, number: int, step: StepDesign, position: int | None = None
) -> ProcessDesign:
    """Put `step` in place of step `number` (its transitions are taken as given, in the current numbering),
    then move it to `position` when that differs."""
    design = normalise_numbers(design)
    if design.step(number) is None:
        raise KeyError(number)
    steps = [replace(step, number=number) if s.number == number else s for s in design.steps]
    design = design.with_steps(steps)
    if position is not None and position != number:
        design = move_step(design, number, position)
    return design


def transitions_from(
    next_steps: list[int | str], not_agreed: int | None, kind: str, *, not_agreed_label: str = ""
) -> tuple[Transition, ...]:
    """Transitions from the two columns people fill in a steps table.

    `next_steps`: where the dossier goes (empty: the next step by number; several: in parallel);
    `not_agreed`: for an approval step, the step to return to when the leader does not agree.
    An approval step with a return branch goes on ("agreed") to its single next step.
    """
    targets: list[int | str] = [END if t == END else int(t) for t in next_steps]
    if kind == "approval" and not_agreed is not None:
        agreed = [Transition(t, condition="agreed") for t in targets] or []
        return (*agreed, Transition(not_agreed, not_agreed_label, "not_agreed"))
    return tuple(Transition(t) for t in targets)


def following(design: ProcessDesign, number: int) -> int | str:
    """The default next node of step `number`: the next step by number, or the end."""
    later = [s.number for s in design.steps if s.number > number]
    return min(later) if later else END


def columns_of(design: ProcessDesign, step: StepDesign) -> tuple[list[int | str], int | None, str]:
    """The inverse of `transitions_from`: (next steps, return-to step, its label) of an existing step.

    A lone approval's "agreed" branch to the following step shows as an empty "next" column.
    """
    nexts: list[int | str] = []
    back = None
    label = ""
    for t in step.transitions:
        if t.condition == "not_agreed":
            back = t.target if t.target != END else None
            label = t.label
        else:
            nexts.append(t.target)
    if back is not None and len(nexts) == 1 and nexts[0] == following(design, step.number):
        nexts = []
    return nexts, back, label


def add_agreed_default(design: ProcessDesign, step: StepDesign) -> StepDesign:
    """An approval step with only a "not agreed" branch gets its "agreed" branch to the following step."""
    conditions = {t.condition for t in step.transitions}
    if step.kind == "approval" and conditions == {"not_agreed"}:
        agreed = Transition(following(design, step.number), condition="agreed")
        return replace(step, transitions=(agreed, *step.transitions))
    return step


def apply_row(
    design: ProcessDesign, step: StepDesign, number: int | None, position: int | None
) -> ProcessDesign:
    """A row of the steps table saved: inserted (`number` None) at `position` or the end, or step `number`
    replaced and moved to `position`; an approval with only its "not agreed" branch gets its "agreed"
    branch to the following step. Raises KeyError for an unknown `number`."""
    design = normalise_numbers(design)
    if number is None:
        design = insert_step(design, step, position)
        placed = position if position and position <= len(design.steps) else len(design.steps)
    else:
        design = replace_step(design, number, step, position)
        placed = position or number
    placed = max(1, min(placed, len(design.steps)))
    return design.with_steps(
        [add_agreed_default(design, s) if s.number == placed else s for s in design.steps]
    )
