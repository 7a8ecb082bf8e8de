"""Duty blocks as explicit variables: ``b[d, L]`` is 1 when a person's run of
consecutive duty dates starts on day ``d`` and lasts ``L`` days. Every duty date
lies in exactly one block and blocks never touch, so the runs are exact.

Measured on the Warwickshire fixture (benchmarks/RESULTS.md), this partition
formulation closes the optimality gap of block-length preferences faster than
the textbook ``iso >= duty[d] - duty[d-1] - duty[d+1]`` pattern cuts.
"""

from __future__ import annotations

from solver.context import ModelContext


def duty_blocks(ctx: ModelContext) -> dict[int, dict[tuple[int, int], object]]:
    """Block variables per person, built once per model and shared by the rules
    that price block lengths (isolated_duty_day, short_block)."""
    cached = getattr(ctx, "_blocks", None)
    if cached is not None:
        return cached
    problem = ctx.problem
    longest = problem.rules.max_consecutive_duty_days
    out: dict[int, dict[tuple[int, int], object]] = {}
    for pi, slots in ctx.by_person.items():
        days = {problem.slots[si].day for si in slots}
        blocks = {
            (d, length): ctx.model.new_bool_var(f"block_{pi}_{d}_{length}")
            for d in sorted(days)
            for length in range(1, longest + 1)
            if all(e in days for e in range(d, d + length))
        }
        covering: dict[int, list] = {d: [] for d in days}
        ending: dict[int, list] = {}
        for (d, length), var in blocks.items():
            for e in range(d, d + length):
                covering[e].append(var)
            ending.setdefault(d + length - 1, []).append(var)
        for d in days:
            ctx.model.add(ctx.duty(pi, d) == sum(covering[d]))
            # No block may start the day after another ends: runs are maximal.
            ctx.model.add(sum(covering[d]) + sum(ending.get(d - 1, ())) <= 1)
        out[pi] = blocks
    ctx._blocks = out
    return out


def inside_horizon(ctx: ModelContext, day: int, length: int) -> bool:
    """A block touching the first or last date may continue in the neighbouring
    month, so its length is not known here and it is not priced."""
    return day > 0 and day + length < len(ctx.problem.days)
