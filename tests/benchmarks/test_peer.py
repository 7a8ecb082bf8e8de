"""The peer model (benchmarks/peer_model.py), written apart from the product, keeps
the hard rules the product's evaluator checks: a rota it finds scores as
feasible, with every slot within its maximum."""

from __future__ import annotations

import solver
from benchmarks.peer import instance, scored
from benchmarks.peer_model import PeerModel


def test_the_peer_rota_keeps_every_hard_rule():
    problem = instance("12x1")
    duties = PeerModel(problem).solve(seconds=5, workers=2)  # a first rota takes ms
    assert duties  # a rota, not nothing
    verdict = scored(problem, duties)
    assert verdict["status"] == str(solver.SolveStatus.FEASIBLE)
    on = {si: sum(1 for _, s in duties if s == si) for si in range(len(problem.slots))}
    assert all(on[si] <= slot.max for si, slot in enumerate(problem.slots))
