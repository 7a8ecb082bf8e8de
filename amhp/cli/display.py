"""Terminal rendering of a rota export: the people x days grid, gaps, penalties."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.console import Console
from rich.table import Table

from amhp.rota import workload_compare
from amhp.rota.explain import explain as explained
from amhp.rota.reader import RotaExport, read_export

SHIFT_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan")


def rota_grid(rota: RotaExport) -> Table:
    dates = sorted({s.date for s in rota.slots})
    styles = {s.code: SHIFT_STYLES[i % len(SHIFT_STYLES)] for i, s in enumerate(rota.shifts)}
    cells: dict[tuple[str, date], str] = {}
    for slot in rota.slots:
        style = styles.get(slot.shift, "")
        for pid in slot.assigned:
            cells[pid, slot.date] = f"[{style}]{slot.shift[:4]}[/]"
        for pid in slot.shadows:
            cells[pid, slot.date] = f"[dim]~{slot.shift[:3]}[/]"
    title = f"{rota.service} {rota.period.start} to {rota.period.end}"
    table = Table(title=title, show_lines=False, pad_edge=False, padding=(0, 0))
    table.add_column("person", no_wrap=True)
    for day in dates:
        head = f"{day.day:>2}\n{'MTWTFSS'[day.weekday()]}"
        table.add_column(head, justify="center", min_width=4, no_wrap=True)
    table.add_column("days", justify="right")
    for p in rota.people:
        unavailable = set(p.unavailable)
        row = [cells.get((p.id, d), "[dim]·[/]" if d in unavailable else "") for d in dates]
        table.add_row(f"{p.id} {p.role[:4]}", *row, str(p.duty_days))
    return table


def gaps_table(rota: RotaExport) -> Table:
    table = Table(title=f"Gaps below minimum ({len(rota.gaps)})")
    for col in ("date", "shift", "missing", "why nobody else could take it"):
        table.add_column(col)
    for g in rota.gaps:
        table.add_row(g.date.isoformat(), g.shift, str(g.missing), "\n".join(g.reasons))
    return table


def composition_table(rota: RotaExport) -> Table:
    proven = " (proven fewest)" if rota.composition_proven else ""
    table = Table(title=f"Shifts without a required role ({len(rota.composition_gaps)}){proven}")
    for col in ("date", "shift", "requirement", "missing", "why nobody who holds it could"):
        table.add_column(col)
    for g in rota.composition_gaps:
        row = (g.date.isoformat(), g.shift, g.requirement, str(g.missing), "\n".join(g.reasons))
        table.add_row(*row)
    return table


def penalties_table(rota: RotaExport) -> Table:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in rota.penalties:
        totals[p.rule][0] += p.cost
        totals[p.rule][1] += 1
    table = Table(title="Soft-rule penalties by rule")
    table.add_column("rule")
    table.add_column("cost", justify="right")
    table.add_column("terms", justify="right")
    for rule, (cost, n) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        table.add_row(rule, str(cost), str(n))
    return table


def print_gaps(console: Console, export: dict | RotaExport) -> None:
    """The gaps and shifts without a required role, or that there are none."""
    rota = export if isinstance(export, RotaExport) else read_export(export)
    if rota.gaps:
        console.print(gaps_table(rota))
    else:
        console.print("[green]No gaps: every slot meets its minimum.[/]")
    if rota.composition_gaps:
        console.print(composition_table(rota))


def print_rota(console: Console, export: dict) -> None:
    rota = read_export(export)
    console.print(rota_grid(rota))
    print_gaps(console, rota)
    for u in rota.documentation_unplaced:
        console.print(
            f"[yellow]Documentation time not placed:[/] {rota.names.get(u.person, u.person)} "
            f"({u.person}) after {u.after.shift} on {u.after.date.isoformat()}: no free "
            "working morning within the window"
        )
    console.print(penalties_table(rota))
    console.print(
        f"status [bold]{rota.status}[/]  objective {rota.objective}  "
        f"bound {rota.bound}  time {rota.wall_time_s if rota.wall_time_s is not None else '?'} s"
    )


def print_changes(console: Console, export: dict) -> None:
    """A repair's changes against the version it repairs, and who is affected."""
    rota = read_export(export)
    table = Table(
        title=f"Changes against version {rota.base_version} (held before {rota.freeze_before})"
    )
    for col in ("date", "shift", "person", "change"):
        table.add_column(col)
    for c in rota.changes:
        style = "green" if c.change == "added" else "red"
        who = f"{c.person} {rota.names.get(c.person, '')}".strip()
        table.add_row(c.date.isoformat(), c.shift, who, f"[{style}]{c.change}[/]")
    console.print(table)
    affected = sorted({c.person for c in rota.changes})
    console.print(
        f"{len(rota.changes)} changes, {len(affected)} people affected; "
        f"{len(rota.gaps)} shifts below minimum, "
        f"{len(rota.composition_gaps)} without a required role"
    )


def print_cover(console: Console, rota_id: int, day, shift: str, options) -> None:
    table = Table(title=f"Who could take {shift} on {day.isoformat()} (rota version {rota_id})")
    for col in ("person", "can take it", "cost", "why (cost by rule, or the reason)"):
        table.add_column(col)
    for o in options:
        why = ", ".join(f"{r} {c:+d}" for r, c in o.by_rule.items()) if o.can_take else o.reason
        cost = f"{o.cost:+d}" if o.cost is not None else ""
        table.add_row(f"{o.person} {o.name}", "yes" if o.can_take else "no", cost, why or "")
    console.print(table)


def explain(console: Console, export: dict, person: str | None, day: date | None) -> None:
    """Gaps with their causes and soft-rule costs, filtered to a person and/or date."""
    found = explained(read_export(export), person, day)
    if not (found.gaps or found.composition_gaps or found.penalties or found.person):
        who = " and ".join(filter(None, [person, day.isoformat() if day else None]))
        console.print(
            f"Nothing in this rota for {who}: no gap, cost or person matched."
            if who
            else "Nothing to explain: no gaps and no soft-rule costs."
        )
        return
    for g in found.gaps:
        console.print(f"[bold red]gap[/] {g.date} {g.shift}: {g.missing} missing")
        for r in found.reasons(g):
            console.print(f"    {r}")
    for c in found.composition_gaps:
        console.print(f"[bold red]no {c.requirement}[/] {c.date} {c.shift}: {c.missing} short")
        for r in found.reasons(c):
            console.print(f"    {r}")
    table = Table(title="Soft-rule costs")
    for col in ("rule", "who / where", "cost", "detail"):
        table.add_column(col)
    for p in sorted(found.penalties, key=lambda p: (-p.cost, p.rule)):
        where = p.person or f"{p.shift} {p.date}"
        table.add_row(p.rule, where, str(p.cost), p.detail)
    console.print(table)
    if found.person:
        p = found.person
        console.print(
            f"{p.id} {p.name}: {p.duty_days} duty days of {p.available_days} "
            f"available, load {p.total_load}, caseload protection "
            f"{p.caseload_protection}, cap {p.caseload_cap}"
        )
        for rec in found.recovery:
            console.print(f"    {rec.kind}: {rec.start.isoformat()} to {rec.end.isoformat()}")


def print_comparison(console: Console, c: workload_compare.Comparison) -> None:
    table = Table(title=f"Total load per FTE, {c.month}: caseload-weighted vs flat rota")
    for col in (
        "person",
        "caseload pts",
        "days weighted",
        "days flat",
        "load weighted",
        "load flat",
        "protection",
        "cap",
    ):
        table.add_column(col, justify="right")
    for pid, w in c.weighted.items():
        if w.caseload_points is None:
            continue
        f = c.flat[pid]
        table.add_row(
            pid,
            f"{w.caseload_points:.1f}",
            str(w.duty_days),
            str(f.duty_days),
            f"{w.total_load:.3f}",
            f"{f.total_load:.3f}",
            f"{w.caseload_protection:.0%}",
            f"{w.caseload_cap}",
        )
    console.print(table)
    console.print(
        f"load spread (max - min): weighted {c.weighted_spread:.3f} ({c.weighted_status}), "
        f"flat {c.flat_spread:.3f} ({c.flat_status})"
    )
