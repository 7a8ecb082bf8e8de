"""Terminal rendering of a rota export: the people x days grid, gaps, penalties."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from amhp.rota import workload_compare
from amhp.rota.explain import explain as explained
from amhp.rota.reader import RotaExport, read_export

SHIFT_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan")


def rota_grid(rota: RotaExport, width: int = 200) -> list[Table]:
    """The people × days grid in pages of days that fit ``width`` columns, full
    shift codes (``~CODE`` a shadow day, ``·`` unavailable), one page per table."""
    start, end = rota.period.start, rota.period.end
    dates = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    styles = {s.code: SHIFT_STYLES[i % len(SHIFT_STYLES)] for i, s in enumerate(rota.shifts)}
    cells: dict[tuple[str, date], str] = {}
    for slot in rota.slots:
        style = styles.get(slot.shift, "")
        for pid in slot.assigned:
            cells[pid, slot.date] = f"[{style}]{slot.shift}[/]"
        for pid in slot.shadows:
            cells[pid, slot.date] = f"[dim]~{slot.shift}[/]"
    names = {p.id: f"{p.id} {p.role}" for p in rota.people}
    name_w = max((len(n) for n in names.values()), default=6)
    cell_w = max([len(s.code) for s in rota.shifts] + [2]) + 1  # room for a shadow's ~
    # Each day column takes its cell, a space of padding and a border.
    per_page = max(7, (width - name_w - 12) // (cell_w + 2))
    tables = []
    for first in range(0, len(dates), per_page):
        page = dates[first : first + per_page]
        title = f"{rota.service} {page[0]} to {page[-1]}"
        table = Table(title=title, show_lines=False, pad_edge=False, padding=(0, 1, 0, 0))
        table.add_column("person", no_wrap=True, min_width=name_w)
        for day in page:
            head = f"{day.day:>2}\n{'MTWTFSS'[day.weekday()]}"
            table.add_column(head, justify="center", min_width=cell_w, no_wrap=True)
        table.add_column("days", justify="right", no_wrap=True)
        for p in rota.people:
            unavailable = set(p.unavailable)
            row = [cells.get((p.id, d), "[dim]·[/]" if d in unavailable else "") for d in page]
            table.add_row(names[p.id], *row, str(p.duty_days))
        tables.append(table)
    return tables


def shift_legend(rota: RotaExport) -> Table:
    table = Table(title="Shifts", pad_edge=False)
    for col in ("code", "shift", "times", "where"):
        table.add_column(col, no_wrap=True)
    for s in rota.shifts:
        table.add_row(s.code, s.name, f"{s.start or ''}-{s.end or ''}", s.place or "")
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
    for page in rota_grid(rota, console.width):
        console.print(page)
    console.print(shift_legend(rota))
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
        zone = ZoneInfo(export.get("timezone") or "Europe/London")
        for rec in found.recovery:
            start, end = rec.start.astimezone(zone), rec.end.astimezone(zone)
            console.print(f"    {rec.kind}: {start:%a %-d %b %H:%M} to {end:%a %-d %b %H:%M}")


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
