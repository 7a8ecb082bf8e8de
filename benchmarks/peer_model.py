"""A second, independent rota model: plain CP-SAT over the same instance, written
apart from ``solver/`` and sharing none of its code (benchmarks/peer.py runs it
against the product's model and scores both rotas with one evaluator).

It reads the plain instance (the days, slots and people of an AMHP month, as data)
and models, each in one method:

- hard: eligibility (shift types, leave and other unavailable days, area,
  warranting), one duty a day, minimum rest between duties, at most N duty days
  in a row, a day off after an on-call night, the slots' maximum cover, locums
  and the newly warranted never without an established substantive colleague,
  the Christmas closure caps (and not last year's key day), on-call nights and
  weekend days per month, fixed cells;
- soft (weights from the instance's rules): people short of each slot's minimum
  and target, shifts without a required role, each person's duty days, weekend
  days and on-call nights against an FTE-proportional share (squared beyond the
  rounding band), single duty days between days off, sessional-locum days,
  duty requests.

Left out, on purpose, as a plain model would: supernumerary shadow days, the
caseload-weighted workload split, documentation mornings, short blocks, history
carried into fair shares, per-person pattern limits and the FTE duty limit (the
evaluator holds a rota to the limits its own duties reach, so leaving it out
costs the peer nothing there, only in fairness).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model


def _newly_warranted(person, day: date, weeks: int) -> bool:
    start = person.warranted_from
    return start is not None and start <= day < start + timedelta(weeks=weeks)


@dataclass
class PeerModel:
    problem: object  # the plain instance: days, slots, people, rules
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    costs: list[tuple[int, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        p = self.problem
        self.shifts = {s.code: s for s in p.shift_types}
        for si, slot in enumerate(p.slots):
            for pi, person in enumerate(p.people):
                if self.eligible(person, slot):
                    self.x[pi, si] = self.model.new_bool_var(f"x{pi}_{si}")
        self.by_slot: dict[int, list[int]] = {}
        self.by_person_day: dict[tuple[int, int], list[int]] = {}
        for pi, si in self.x:
            self.by_slot.setdefault(si, []).append(pi)
            self.by_person_day.setdefault((pi, p.slots[si].day), []).append(si)
        self.worked = {
            key: self._or([self.x[key[0], si] for si in sis])
            for key, sis in self.by_person_day.items()
        }
        for rule in (
            self.one_duty_per_day,
            self.rest_between_duties,
            self.consecutive_days,
            self.day_off_after_on_call,
            self.maximum_cover,
            self.established_beside,
            self.closure_caps,
            self.monthly_caps,
            self.fixed_cells,
            self.cover,
            self.required_roles,
            self.fair_shares,
            self.single_days,
            self.sessional_days,
            self.requests,
        ):
            rule()
        self.model.minimize(sum(w * e for w, e in self.costs))

    # --- helpers ---------------------------------------------------------------

    def _or(self, lits):
        if len(lits) == 1:
            return lits[0]
        var = self.model.new_bool_var("")
        self.model.add(var == sum(lits))  # one duty a day makes the sum 0/1
        return var

    def _date(self, day: int) -> date:
        return self.problem.days[day].date

    def _shift(self, code: str):
        return self.shifts[code]

    def _prior(self, pid: str):
        return [d for d in self.problem.prior if d.person == pid]

    def _last_years_key_day(self, person, day) -> bool:
        return any(
            (k.year, k.month, k.day) == (day.date.year - 1, day.date.month, day.date.day)
            for k in person.history.key_days
        )

    def eligible(self, person, slot) -> bool:
        p = self.problem
        day = p.days[slot.day]
        shift = self._shift(slot.shift)
        rest = timedelta(hours=p.rules.min_rest_hours)
        if slot.shift not in person.shift_types or slot.day in person.unavailable:
            return False
        if shift.kind == "day" and slot.day in person.no_day_duty:
            return False
        if shift.area and person.area and shift.area != person.area:
            return False
        if person.warranted_from is not None and day.date < person.warranted_from:
            return False  # a trainee before warranting only shadows: left out here
        supported = person.role == "locum" or _newly_warranted(
            person, day.date, p.rules.trainees.newly_warranted_weeks
        )
        if supported and slot.max < 2:
            return False
        if day.key_day and p.rules.closure is not None and self._last_years_key_day(person, day):
            return False
        return all(
            slot.start >= d.end + rest or d.start >= slot.end + rest for d in self._prior(person.id)
        )

    # --- hard rules -----------------------------------------------------------

    def one_duty_per_day(self) -> None:
        for key, sis in self.by_person_day.items():
            if len(sis) > 1:
                self.model.add_at_most_one(self.x[key[0], si] for si in sis)

    def rest_between_duties(self) -> None:
        p = self.problem
        rest = timedelta(hours=p.rules.min_rest_hours)
        mine: dict[int, list[int]] = {}
        for pi, si in self.x:
            mine.setdefault(pi, []).append(si)
        for pi, sis in mine.items():
            for a in sis:
                for b in sis:
                    sa, sb = p.slots[a], p.slots[b]
                    if sa.day < sb.day and sb.start < sa.end + rest:
                        self.model.add_bool_or([self.x[pi, a].Not(), self.x[pi, b].Not()])

    def _worked_before(self, pid: str) -> set[int]:
        return {d.day for d in self._prior(pid)}

    def consecutive_days(self) -> None:
        p = self.problem
        n = len(p.days)
        for pi, person in enumerate(p.people):
            longest = person.limits.max_consecutive_days or p.rules.max_consecutive_duty_days
            before = self._worked_before(person.id)
            for start in range(-longest, n - longest):
                window = range(start, start + longest + 1)
                fixed = sum(1 for d in window if d < 0 and d in before)
                lits = [self.worked[pi, d] for d in window if (pi, d) in self.worked]
                if lits and fixed + len(lits) > longest:
                    self.model.add(sum(lits) <= longest - fixed)

    def day_off_after_on_call(self) -> None:
        p = self.problem
        if not p.rules.day_off_after_on_call:
            return
        for (pi, si), var in self.x.items():
            slot = p.slots[si]
            if self._shift(slot.shift).kind == "on_call" and (pi, slot.day + 1) in self.worked:
                self.model.add_implication(var, self.worked[pi, slot.day + 1].Not())
        for pi, person in enumerate(p.people):
            for d in self._prior(person.id):
                if (
                    d.day == -1
                    and self._shift(d.shift).kind == "on_call"
                    and (pi, 0) in self.worked
                ):
                    self.model.add(self.worked[pi, 0] == 0)

    def maximum_cover(self) -> None:
        for si, pis in self.by_slot.items():
            self.model.add(sum(self.x[pi, si] for pi in pis) <= self.problem.slots[si].max)

    def established_beside(self) -> None:
        """Locums and the newly warranted only beside an established, substantive AMHP."""
        p = self.problem
        weeks = p.rules.trainees.newly_warranted_weeks
        for si, pis in self.by_slot.items():
            day = self._date(p.slots[si].day)
            needs = [
                pi
                for pi in pis
                if p.people[pi].role == "locum" or _newly_warranted(p.people[pi], day, weeks)
            ]
            if not needs:
                continue
            others = [self.x[pi, si] for pi in pis if pi not in needs]
            for pi in needs:
                self.model.add(self.x[pi, si] <= sum(others))

    def closure_caps(self) -> None:
        p = self.problem
        if p.rules.closure is None:
            return
        for flag, cap in (
            ("closure", p.rules.closure.max_days_per_person),
            ("key_day", p.rules.closure.max_key_days_per_person),
        ):
            days = [i for i, d in enumerate(p.days) if getattr(d, flag)]
            for pi, person in enumerate(p.people):
                done = len({d.day for d in self._prior(person.id) if getattr(d, flag)})
                lits = [self.worked[pi, d] for d in days if (pi, d) in self.worked]
                if lits:
                    self.model.add(sum(lits) <= max(cap - done, 0))

    def monthly_caps(self) -> None:
        p = self.problem
        month = [(d.date.year, d.date.month) for d in p.days]
        nights: dict[tuple[int, tuple[int, int]], list] = {}
        for (pi, si), var in self.x.items():
            slot = p.slots[si]
            if self._shift(slot.shift).kind == "on_call":
                nights.setdefault((pi, month[slot.day]), []).append(var)
        weekends: dict[tuple[int, tuple[int, int]], list] = {}
        for (pi, d), var in self.worked.items():
            if p.days[d].weekend:
                weekends.setdefault((pi, month[d]), []).append(var)
        for cap, groups in (
            (p.rules.max_on_calls_per_month, nights),
            (p.rules.max_weekend_days_per_month, weekends),
        ):
            if cap is not None:
                for lits in groups.values():
                    if len(lits) > cap:
                        self.model.add(sum(lits) <= cap)

    def fixed_cells(self) -> None:
        p = self.problem
        index = {person.id: pi for pi, person in enumerate(p.people)}
        for cell in p.fixed:
            for si, slot in enumerate(p.slots):
                if slot.day == cell.day and slot.shift == cell.shift:
                    key = (index[cell.person], si)
                    if key in self.x:
                        self.model.add(self.x[key] == 1)

    # --- soft rules -----------------------------------------------------------

    def _short(self, need: int, have, name: str):
        short = self.model.new_int_var(0, need, name)
        self.model.add(short >= need - have)
        return short

    def cover(self) -> None:
        w = self.problem.rules.weights
        for si, slot in enumerate(self.problem.slots):
            have = sum(self.x[pi, si] for pi in self.by_slot.get(si, ()))
            if slot.min:
                self.costs.append((w.cover_minimum, self._short(slot.min, have, "")))
            if slot.target > slot.min:
                self.costs.append((w.cover_target, self._short(slot.target, have, "")))

    def required_roles(self) -> None:
        p = self.problem
        for si, slot in enumerate(p.slots):
            for req in slot.requirements:
                have = sum(
                    self.x[pi, si]
                    for pi in self.by_slot.get(si, ())
                    if p.people[pi].role in req.roles
                )
                self.costs.append((p.rules.weights.composition, self._short(req.min, have, "")))

    def fair_shares(self) -> None:
        p = self.problem
        w = p.rules.weights
        levels = dict(p.rules.role_levels)  # managers rostered at half their FTE
        kinds = (
            (w.duty_fairness, lambda s: True),
            (w.weekend_fairness, lambda s: p.days[s.day].weekend),
            (w.night_fairness, lambda s: self._shift(s.shift).kind == "on_call"),
        )
        for weight, counts in kinds:
            share = {pi: 0.0 for pi in range(len(p.people))}
            for si, pis in self.by_slot.items():
                slot = p.slots[si]
                pool = [pi for pi in pis if p.people[pi].locum_kind != "sessional"]
                if not counts(slot) or not pool:
                    continue
                level = {pi: p.people[pi].fte * levels.get(p.people[pi].role, 1.0) for pi in pool}
                total = sum(level.values())
                for pi in pool:
                    share[pi] += slot.target * level[pi] / total
            counted: dict[int, list] = {}
            for (pi, si), var in self.x.items():
                if counts(p.slots[si]) and p.people[pi].locum_kind != "sessional":
                    counted.setdefault(pi, []).append(var)
            for pi, mine in counted.items():
                target = share[pi]
                lo, hi = int(target), -int(-target // 1)
                count = self.model.new_int_var(0, len(mine), "")
                self.model.add(count == sum(mine))
                table = [max(lo - k, k - hi, 0) ** 2 for k in range(len(mine) + 1)]
                cost = self.model.new_int_var(0, max(table), "")
                self.model.add_element(count, table, cost)
                self.costs.append((weight, cost))

    def single_days(self) -> None:
        p = self.problem
        n = len(p.days)
        for (pi, d), var in self.worked.items():
            if d == 0 or d == n - 1:
                continue  # may continue into the neighbouring month
            before, after = self.worked.get((pi, d - 1)), self.worked.get((pi, d + 1))
            single = self.model.new_bool_var("")
            lits = [var] + [v.Not() for v in (before, after) if v is not None]
            self.model.add_bool_and(lits).only_enforce_if(single)
            self.model.add_bool_or([single] + [lit.Not() for lit in lits])
            self.costs.append((p.rules.weights.isolated_duty_day, single))

    def sessional_days(self) -> None:
        p = self.problem
        for (pi, _day), var in self.worked.items():
            if p.people[pi].locum_kind == "sessional":
                self.costs.append((p.rules.weights.sessional_locum, var))

    def requests(self) -> None:
        p = self.problem
        index = {person.id: pi for pi, person in enumerate(p.people)}
        for r in p.requests:
            pi = index[r.person]
            lits = [
                self.x[pi, si]
                for si in self.by_person_day.get((pi, r.day), ())
                if r.shift is None or p.slots[si].shift == r.shift
            ]
            if not lits:
                continue  # nothing to choose: the same for every rota
            unmet = self.model.new_bool_var("")
            if r.want:
                self.model.add(sum(lits) >= 1).only_enforce_if(unmet.Not())
            else:
                self.model.add(sum(lits) == 0).only_enforce_if(unmet.Not())
            self.costs.append((r.weight * p.rules.weights.requests, unmet))

    # --- search ----------------------------------------------------------------

    def solve(self, seconds: float, workers: int = 8, seed: int = 0) -> list[tuple[str, int]]:
        """The best rota within ``seconds``: (person id, slot index) duties."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        code = solver.solve(self.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return []
        people = self.problem.people
        return [(people[pi].id, si) for (pi, si), v in self.x.items() if solver.value(v)]
