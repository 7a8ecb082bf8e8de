"""The solver parameters every solve the product makes starts from: a time to
search, repeatable by default (``AMHP_SEARCH``, docs: README "Repeatable rotas")."""

from __future__ import annotations

import solver
from amhp.core.settings import Search, settings


def search_params(
    seconds: float, seed: int = 0, workers: int = 8, search: Search | None = None
) -> solver.SolveParams:
    """About ``seconds`` of search. Repeatable: a work budget, the same rota whatever
    the machine's load (``workers`` is then the solver's own, fixed so that it is);
    portfolio: ``workers`` threads until the clock runs out."""
    if (search or settings().search) == Search.PORTFOLIO:
        return solver.SolveParams(time_limit=seconds, workers=workers, seed=seed)
    return solver.repeatable(seconds, seed=seed)
