"""Managers' what-ifs run in the background: in the web process one at a time (a
what-if is many monthly solves; two at once would only slow both), or by queue
workers. Like rota jobs, their state lives in the database, so every process
sees the same and a run whose worker died is started again."""

from __future__ import annotations

import threading

from sqlmodel import Session

from amhp.core.states import RunState, Stopped
from amhp.runs import operations
from amhp.runs.state import BackgroundRunner
from amhp.store.tables import WhatIfRun
from amhp.whatif.horizon import run_whatif
from amhp.whatif.scenarios import parse_scenarios


def submit_run(session: Session, service_id: str, name: str, text: str, user: str) -> WhatIfRun:
    """Validate first (raises ServiceFileError naming scenario, change and field),
    then store the run as queued; the caller starts it after the commit."""
    parse_scenarios(text, operations.load_service(service_id), source=name)
    run = WhatIfRun(service_id=service_id, name=name, spec=text, created_by=user)
    session.add(run)
    session.flush()
    return run


class WhatIfRunner(BackgroundRunner):
    table = WhatIfRun
    kind = "whatif"

    def __init__(self, queue=None) -> None:
        super().__init__(1, queue)

    def _run(self, run: WhatIfRun, stop: threading.Event) -> None:
        run_id = run.id
        service_id, name, text = run.service_id, run.name, run.spec
        if stop.is_set():
            raise Stopped
        base = operations.load_service(service_id)
        spec = parse_scenarios(text, base, source=name)
        total = spec.horizon.months * (len(spec.scenarios) + spec.include_base)
        done = [0]

        def month_done(scenario: str, month: str) -> None:
            done[0] += 1
            self._update(run_id, progress={"done": done[0], "total": total, "now": scenario})

        self._update(run_id, progress={"done": 0, "total": total, "now": ""})
        result = run_whatif(spec, base, service_id, on_month=month_done, stop=stop)
        self._update(run_id, state=RunState.SUCCEEDED, result=result)
