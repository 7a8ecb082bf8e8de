"""Terminal rendering of a rota export: the people x days grid, gaps, penalties."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.console import Console
from rich.table import Table

from amhp.rota import workload_compare

SHIFT_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan")


def rota_grid(export: dict) -> Table:
    dates = sorted({s["date"] for s in export["slots"]})
    styles = {
        s["code"]: SHIFT_STYLES[i % len(SHIFT_STYLES)] for i, s in enumerate(export["shifts"])
    }
    cells: dict[tuple[str, str], str] = {}
    for slot in export["slots"]:
        style = styles.get(slot["shift"], "")
        for pid in slot["assigned"]:
            cells[pid, slot["date"]] = f"[{style}]{slot['shift'][:4]}[/]"
        for pid in slot.get("shadows", []):
            cells[pid, slot["date"]] = f"[dim]~{slot['shift'][:3]}[/]"
    title = f"{export['service']} {export['period']['start']} to {export['period']['end']}"
    table = Table(title=title, show_lines=False, pad_edge=False, padding=(0, 0))
    table.add_column("person", no_wrap=True)
    for d in dates:
        day = date.fromisoformat(d)
        head = f"{day.day:>2}\n{'MTWTFSS'[day.weekday()]}"
        table.add_column(head, justify="center", min_width=4, no_wrap=True)
    table.add_column("days", justify="right")
    for p in export["people"]:
        unavailable = set(p["unavailable"])
        row = [cells.get((p["id"], d), "[dim]·[/]" if d in unavailable else "") for d in dates]
        table.add_row(f"{p['id']} {p['role'][:4]}", *row, str(p["duty_days"]))
    return table


def gaps_table(export: dict) -> Table:
    table = Table(title=f"Gaps below minimum ({len(export['gaps'])})")
    for col in ("date", "shift", "missing", "why nobody else could take it"):
        table.add_column(col)
    for g in export["gaps"]:
        table.add_row(g["date"], g["shift"], str(g["missing"]), "\n".join(g["reasons"]))
    return table


def penalties_table(export: dict) -> Table:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in export["penalties"]:
        totals[p["rule"]][0] += p["cost"]
        totals[p["rule"]][1] += 1
    table = Table(title="Soft-rule penalties by rule")
    table.add_column("rule")
    table.add_column("cost", justify="right")
    table.add_column("terms", justify="right")
    for rule, (cost, n) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        table.add_row(rule, str(cost), str(n))
    return table


def print_rota(console: Console, export: dict) -> None:
    console.print(rota_grid(export))
    if export["gaps"]:
        console.print(gaps_table(export))
    else:
        console.print("[green]No gaps: every slot meets its minimum.[/]")
    console.print(penalties_table(export))
    console.print(
        f"status [bold]{export['status']}[/]  objective {export['objective']}  "
        f"bound {export['bound']}  time {export.get('wall_time_s', '?')} s"
    )


def explain(console: Console, export: dict, person: str | None, day: str | None) -> None:
    """Gaps with their causes and soft-rule costs, filtered to a person and/or date."""
    people = {p["id"]: p for p in export["people"]}
    if person and person not in people:
        raise KeyError(f"no person {person!r} in this rota")
    gaps = [
        g
        for g in export["gaps"]
        if (day is None or g["date"] == day)
        and (person is None or any(r.startswith(f"{person}: ") for r in g["reasons"]))
    ]
    for g in gaps:
        console.print(f"[bold red]gap[/] {g['date']} {g['shift']}: {g['missing']} missing")
        for r in g["reasons"]:
            if person is None or r.startswith(f"{person}: "):
                console.print(f"    {r}")
    penalties = [
        p
        for p in export["penalties"]
        if (person is None or p.get("person") == person) and (day is None or p.get("date") == day)
    ]
    table = Table(title="Soft-rule costs")
    for col in ("rule", "who / where", "cost", "detail"):
        table.add_column(col)
    for p in sorted(penalties, key=lambda p: (-p["cost"], p["rule"])):
        where = p.get("person") or f"{p.get('shift')} {p.get('date')}"
        table.add_row(p["rule"], where, str(p["cost"]), p["detail"])
    console.print(table)
    if person:
        p = people[person]
        console.print(
            f"{person} {p['name']}: {p['duty_days']} duty days of {p['available_days']} "
            f"available, load {p.get('total_load')}, caseload protection "
            f"{p.get('caseload_protection')}, cap {p.get('caseload_cap')}"
        )
        for rec in export.get("recovery", []):
            if rec["person"] == person and (day is None or rec["start"].startswith(day)):
                console.print(f"    {rec['kind']}: {rec['start']} to {rec['end']}")


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
