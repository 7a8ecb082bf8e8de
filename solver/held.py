"""A model of one rota alone: a variable for each of its duties and none for
any other pair (``build_model(only=...)``), so every other pair is held off as
if a hard rule excluded it.

Why: reading back a rota of a very large model (Curtois instance 24: 1.1 million
assignment variables) means building that whole model, which with two workers
needed 9.3 GB; the rota itself has about 24,000 duties. Every rule treats a pair
with no variable as not held (a wanted day with no slot still costs its request,
a minimum run counts the day as off), so the rota's hard rules and penalties are
those of the whole model, except for rules that share the slots' targets
between everyone who could take them (``SoftRule.shares_targets``): who could
take a slot is then the rota's own people. ``exact`` says whether a problem has
any such rule weighted.
"""

from __future__ import annotations

from solver.problem import Problem
from solver.rules.soft import SOFT_RULES


def exact(problem: Problem) -> bool:
    """Whether a model holding one rota alone prices it as the whole model does."""
    return not any(r.shares_targets and r.weight(problem) > 0 for r in SOFT_RULES)
