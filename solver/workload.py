"""The workload model's solver half: fair shares of rota duty that even out total
load (weighted caseload plus rota duty, relative to FTE). See docs/workload-model.md.

A person's total load is

    load = (caseload_share + weighted_duty_days / full_time_days) / fte

where ``caseload_share`` is the fraction of a full-time post their weighted
caseload takes and ``full_time_days`` the number of ordinary working days in the
horizon. Rota duty is split slot by slot among the people who could take it; the
split weights are found by damped fixed-point iteration so that expected loads
come out as even as the pools allow. Heavier caseloads get smaller weights, so
fewer expected rota days.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from solver.problem import Person, Problem, Slot

ITERATIONS = 60


def full_time_days(problem: Problem) -> int:
    """Ordinary working days in the horizon (weekdays that are not holidays)."""
    return max(1, sum(1 for d in problem.days if not d.weekend and not d.holiday_like))


def total_load(person: Person, weighted_duty_days: float, ft_days: int) -> float:
    return (person.caseload_share + weighted_duty_days / ft_days) / person.fte


def _balanced_load(problem: Problem, pi: int, share: float, ft_days: int) -> float:
    """The load that balancing evens out: total load over the role's level, so a
    role rostered at a reduced level (managers at half) comes out with that part."""
    person = problem.people[pi]
    level = problem.rules.duty_level(person) / person.fte if person.fte else 1.0
    return total_load(person, share, ft_days) / (level or 1.0)


def split_targets(
    problem: Problem,
    candidates: Mapping[int, Sequence[int]],
    weights: Mapping[int, float],
    counts: Callable[[Slot], bool] = lambda s: True,
    shift_weighted: bool = False,
) -> dict[int, float]:
    """Each person's share of the counted slots' targets, split in proportion to
    ``weights`` among the candidates of each slot."""
    share = dict.fromkeys(weights, 0.0)
    for si, pis in candidates.items():
        slot = problem.slots[si]
        pool = [pi for pi in pis if pi in weights]
        if not counts(slot) or not pool:
            continue
        total = sum(weights[pi] for pi in pool)
        unit = problem.shift_type(slot.shift).weight if shift_weighted else 1.0
        for pi in pool:
            share[pi] += slot.target * unit * weights[pi] / total
    return share


def balanced_weights(
    problem: Problem, candidates: Mapping[int, Sequence[int]], people: Sequence[int]
) -> dict[int, float]:
    """Split weights that even out total load; plain FTE when balancing is off."""
    flat = {pi: problem.rules.duty_level(problem.people[pi]) for pi in people}
    if not problem.rules.balance_caseload:
        return flat
    ft_days = full_time_days(problem)
    weights = dict(flat)
    split = _Split(problem, candidates, people)
    balanced_load = _BalancedLoad(problem, people, ft_days)
    for _ in range(ITERATIONS):
        shares = split.shares(weights)
        loads = balanced_load(shares)
        busy = [pi for pi in people if shares[pi] > 0]
        if not busy:
            break
        mean = sum(loads[pi] * flat[pi] for pi in busy) / sum(flat[pi] for pi in busy)
        for pi in busy:
            ratio = (mean / loads[pi]) ** 0.5 if loads[pi] > 0 else 2.0
            weights[pi] = min(max(weights[pi] * ratio, 0.05 * flat[pi]), 20 * flat[pi])
    return weights


class _Split:
    """``split_targets`` with shift weights, as arrays over the (slot, candidate)
    pairs, for balancing's many rounds: 60 rounds over 5,000 people's pairs took
    6 s in Python (benchmarks/model_build.py), a few hundredths of that here."""

    def __init__(
        self, problem: Problem, candidates: Mapping[int, Sequence[int]], people: Sequence[int]
    ) -> None:
        index = {pi: k for k, pi in enumerate(people)}
        self.people = list(people)
        pair_slot: list[int] = []
        pair_person: list[int] = []
        amounts: list[float] = []
        for si, pis in candidates.items():
            pool = [index[pi] for pi in pis if pi in index]
            if not pool:
                continue
            slot = problem.slots[si]
            pair_slot.extend([len(amounts)] * len(pool))
            pair_person.extend(pool)
            amounts.append(slot.target * problem.shift_type(slot.shift).weight)
        self.pair_slot = np.array(pair_slot, dtype=np.int64)
        self.pair_person = np.array(pair_person, dtype=np.int64)
        self.amounts = np.array(amounts, dtype=float)

    def shares(self, weights: Mapping[int, float]) -> dict[int, float]:
        w = np.array([weights[pi] for pi in self.people], dtype=float)
        pair_w = w[self.pair_person]
        total = np.bincount(self.pair_slot, pair_w, minlength=len(self.amounts))
        part = self.amounts[self.pair_slot] * pair_w / total[self.pair_slot]
        share = np.bincount(self.pair_person, part, minlength=len(self.people))
        return dict(zip(self.people, share.tolist(), strict=True))


class _BalancedLoad:
    """``_balanced_load`` for everyone at once, as arrays (balancing's rounds)."""

    def __init__(self, problem: Problem, people: Sequence[int], ft_days: int) -> None:
        self.people = list(people)
        persons = [problem.people[pi] for pi in self.people]
        fte = np.array([p.fte for p in persons], dtype=float)
        level = np.array([problem.rules.duty_level(p) for p in persons], dtype=float)
        level = np.where(fte > 0, level / np.where(fte > 0, fte, 1.0), 1.0)
        self.caseload = np.array([p.caseload_share for p in persons], dtype=float)
        self.scale = 1.0 / (fte * np.where(level != 0, level, 1.0))
        self.ft_days = ft_days

    def __call__(self, shares: Mapping[int, float]) -> dict[int, float]:
        share = np.array([shares[pi] for pi in self.people], dtype=float)
        loads = (self.caseload + share / self.ft_days) * self.scale
        return dict(zip(self.people, loads.tolist(), strict=True))
