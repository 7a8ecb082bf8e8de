"""The ``amhp`` command: validate, import, solve, generate and serve.

Exit codes: 0 success, 1 not found or failed, 2 invalid input (nothing written).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import threading
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlmodel import select

import solver
from amhp.cli.deploy import db_app, worker
from amhp.cli.display import print_changes, print_cover, print_gaps, print_rota
from amhp.core.months import parse_month
from amhp.core.settings import Search, runs_in_process, settings
from amhp.rota.build import BuildError
from amhp.rota.cover import NoSuchSlot
from amhp.rota.export import to_csv
from amhp.rota.month import month_problem, no_rota_reason
from amhp.rota.search import search_params
from amhp.runs import operations
from amhp.service.file import ServiceFileError, load_service
from amhp.store.audit import Actor
from amhp.store.repository import NotFound
from amhp.store.users import set_disabled, set_password

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console()
err = Console(stderr=True)

INVALID = 2
# Who acts from this command line, as the audit log records it.
CLI = Actor(getpass.getuser(), "cli")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)  # plain: one error per line, never re-wrapped
    return typer.Exit(code)


@app.command()
def validate(file: Path) -> None:
    """Check a service file; print every problem with its line and field."""
    try:
        definition = load_service(file)
    except ServiceFileError as exc:
        raise _fail(str(exc), INVALID) from None
    console.print(
        f"{file}: ok: service {definition.service.id}, "
        f"{len(definition.practitioners)} practitioners, {len(definition.shift_types)} shift types"
    )


@app.command("import")
def import_(file: Path) -> None:
    """Create or update a service from a file (idempotent; a failed import changes nothing)."""
    try:
        result = operations.import_file(file, CLI)
    except ServiceFileError as exc:
        raise _fail(str(exc), INVALID) from None
    verb = "created" if result.created else "updated" if result.changed else "unchanged:"
    console.print(f"{verb} service {result.service_id} ({result.practitioners} practitioners)")


def _definition(service: str, month: str):
    """A service id from the database, or a file that is imported first, once the
    month, the file and the month's problem built from it are all known to be good:
    a failure exits 2 with the database unchanged."""
    try:
        parse_month(month)
    except ValueError as exc:
        raise _fail(f"--month: {exc}", INVALID) from None
    path = Path(service)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            definition = load_service(path)
        except ServiceFileError as exc:
            raise _fail(str(exc), INVALID) from None
        try:
            month_problem(definition, month)
        except (BuildError, solver.ProblemError) as exc:
            raise _fail(_build_failure(path, exc), INVALID) from None
        operations.import_service(definition, CLI)
        return definition
    try:
        return operations.load_service(service)
    except NotFound as exc:
        raise _fail(f"{exc}; import a service file first", 1) from None


def _build_failure(source: object, exc: Exception) -> str:
    errors = getattr(exc, "errors", None) or [("(model)", str(exc))]
    return "\n".join(f"{source}: {path}: {message}" for path, message in errors)


@app.command()
def solve(
    service: str = typer.Argument(..., help="Service id in the database, or a service file"),
    month: str = typer.Option(..., help="YYYY-MM"),
    time_limit: float = typer.Option(60.0, min=0.1, help="Seconds"),
    workers: int = typer.Option(8, min=1, help="Threads of the portfolio search"),
    seed: int = typer.Option(0),
    search: Search | None = typer.Option(
        None, help="repeatable (the same rota every time) or portfolio; default AMHP_SEARCH"
    ),
    out: Path | None = typer.Option(None, help="Write the rota: .json (amhp-rota/1) or .csv"),
    quiet: bool = typer.Option(False, help="Do not print the grid"),
) -> None:
    """Generate a month's rota, store it as a draft, and print or export it."""
    if out and out.suffix not in (".json", ".csv"):
        raise _fail(f"--out: use a .json or .csv file name, not {out.name!r}", INVALID)
    definition = _definition(service, month)
    params = search_params(time_limit, seed=seed, workers=workers, search=search)
    try:
        result = _solve_with_progress(definition, month, params)
    except (BuildError, solver.ProblemError) as exc:
        raise _fail(_build_failure(service, exc), INVALID) from None
    if not result.solution.status.found:
        raise _fail(no_rota_reason(result, time_limit), 1)
    if not quiet:
        print_rota(console, result.export)
    else:
        print_gaps(console, result.export)  # the gaps are never hidden
    if out:
        text = (
            to_csv(result.export)
            if out.suffix == ".csv"
            else json.dumps(result.export, indent=2, ensure_ascii=False) + "\n"
        )
        _write(out, text.encode("utf-8"))
        console.print(f"wrote {out}")
    console.print(f"stored as draft rota version {result.version_id}")


@app.command()
def repair(
    service: str = typer.Argument(..., help="Service id in the database, or a service file"),
    month: str = typer.Option(..., help="YYYY-MM: a month with a published rota"),
    freeze_before: str | None = typer.Option(
        None,
        help="YYYY-MM-DD: duties before it stay as published (default: today, or the "
        "first date the published rota no longer fits, if later)",
    ),
    time_limit: float = typer.Option(60.0, min=0.1, help="Seconds"),
    out: Path | None = typer.Option(None, help="Write the repaired rota (.json, amhp-rota/1)"),
) -> None:
    """Repair a published month after a change (sickness, leave, a contract ended):
    as few duties changed as the gaps allow; stored as a draft to review and publish."""
    if out and out.suffix != ".json":
        raise _fail(f"--out: use a .json file name, not {out.name!r}", INVALID)
    try:
        freeze = dt.date.fromisoformat(freeze_before) if freeze_before else None
    except ValueError as exc:
        raise _fail(f"--freeze-before: {exc}", INVALID) from None
    definition = _definition(service, month)
    params = search_params(time_limit)
    try:
        result = operations.repair_rota(
            definition, month, dt.date.today(), freeze, params, actor=CLI
        )
    except (BuildError, solver.ProblemError) as exc:
        raise _fail(_build_failure(service, exc), INVALID) from None
    except NotFound as exc:
        raise _fail(str(exc), 1) from None
    if not result.solution.status.found:
        raise _fail(no_rota_reason(result, time_limit), 1)
    print_changes(console, result.export)
    if out:
        _write(out, (json.dumps(result.export, indent=2, ensure_ascii=False) + "\n").encode())
        console.print(f"wrote {out}")
    console.print(
        f"stored as draft rota version {result.version_id}; review it, then "
        f"amhp publish {definition.service.id} --month {month}"
    )


@app.command()
def cover(
    service: str = typer.Argument(..., help="Service id in the database"),
    date: str = typer.Option(..., help="YYYY-MM-DD"),
    shift: str = typer.Option(..., help="Shift type code"),
) -> None:
    """Who could take a shift on the month's latest rota: what each would cost, and
    why everyone else cannot."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise _fail(f"--date: {exc}", INVALID) from None
    try:
        rota_id, options = operations.cover_for(service, day, shift)
    except NotFound as exc:
        raise _fail(str(exc), 1) from None
    except NoSuchSlot as exc:
        raise _fail(f"--{exc.field}: {exc}", INVALID) from None
    print_cover(console, rota_id, day, shift, options)


# What the progress bar says while a phase runs and before its first rota.
PHASES = {
    "cover_minimum": "finding the fewest gaps",
    "composition": "finding a lead for every shift",
    "sessional_locum": "using as few locum days as possible",
    "rota_changes": "keeping changes few",
    solver.MAIN_PHASE: "weighing every rule",
}


def _solve_with_progress(definition, month: str, params: solver.SolveParams):
    latest: list[solver.Progress] = []
    phase: list[str] = []
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = operations.generate_rota(
                definition,
                month,
                params,
                on_progress=latest.append,
                actor=CLI,
                on_phase=phase.append,
            )
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    with Progress(
        TextColumn("[bold]solving {task.fields[month]}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[state]}"),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("solve", total=params.time_limit, month=month, state="building model")
        started = time.monotonic()
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            state = PHASES.get(phase[-1], "searching") if phase else "building model"
            if latest:
                p = latest[-1]
                state = f"incumbent {p.objective:.0f}  bound {p.bound:.0f}  ({p.solutions} found)"
            bar.update(
                task, completed=min(time.monotonic() - started, params.time_limit), state=state
            )
        bar.update(task, completed=params.time_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@app.command()
def generate(
    people: int = typer.Option(30, min=1, max=5000),
    areas: int = typer.Option(2, min=1, max=20),
    seed: int = typer.Option(0),
    out: Path = typer.Option(..., help="Service file to write (.yaml)"),
    start: str = typer.Option("2026-11", help="First month the leave and requests fall in"),
    months: int = typer.Option(1, min=1, max=24),
) -> None:
    """Write a deterministic synthetic service of any size, for tests and benchmarks."""
    from amhp.service.generator import synthetic_service_yaml

    text = synthetic_service_yaml(people, areas, seed, start, months)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out} ({people} practitioners, {areas} areas, seed {seed})")


@app.command()
def explain(
    rota: Path,
    person: str | None = typer.Option(None, help="Only this person"),
    date: str | None = typer.Option(None, help="Only this date (YYYY-MM-DD)"),
) -> None:
    """Print a rota's gaps with their causes and its soft-rule costs by rule and person."""
    from amhp.cli.display import explain as show

    try:
        export = json.loads(rota.read_text(encoding="utf-8"))
        if not isinstance(export, dict) or export.get("format") != "amhp-rota/1":
            found = export.get("format") if isinstance(export, dict) else type(export).__name__
            raise ValueError(f"format is {found!r}, not amhp-rota/1")
        show(console, export, person, dt.date.fromisoformat(date) if date else None)
    except (OSError, ValueError, KeyError) as exc:
        raise _fail(f"{rota}: {exc}", INVALID) from None


@app.command()
def rules(write: bool = typer.Option(False, help="Rewrite docs/rules.md")) -> None:
    """List every scheduling rule with its kind, service-file keys and defaults."""
    from amhp.rota.rules_doc import DOC_PATH, render

    text = render()
    if write:
        DOC_PATH.write_text(text, encoding="utf-8")
        console.print(f"wrote {DOC_PATH}")
    elif console.is_terminal:
        from rich.markdown import Markdown

        console.print(Markdown(text))  # read in a terminal; piped, it stays Markdown
    else:
        typer.echo(text)


@app.command()
def workload(
    service: str = typer.Argument(..., help="Service id in the database, or a service file"),
    month: str = typer.Option(..., help="YYYY-MM"),
    time_limit: float = typer.Option(30.0, min=0.1),
) -> None:
    """Compare the caseload-weighted rota with a flat one that ignores caseloads."""
    from amhp.cli.display import print_comparison
    from amhp.rota.workload_compare import compare_flat_and_weighted

    definition = _definition(service, month)
    params = search_params(time_limit)
    with err.status(
        f"solving {month} twice: caseload-weighted, then flat ({time_limit:.0f} s each)"
    ):
        comparison = compare_flat_and_weighted(definition, month, params)
    print_comparison(console, comparison)


@app.command()
def publish(service: str, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Publish the latest draft for a month; only published rotas reach calendars."""
    from amhp.notify.published import publish_and_tell as publish_rota
    from amhp.store.db import transaction

    try:
        with transaction() as session:
            rota = publish_rota(session, service, month, CLI)
    except NotFound as exc:
        raise _fail(str(exc), 1) from None
    console.print(f"published rota version {rota.id} for {service} {month}")


@app.command()
def feeds(
    service: str,
    reissue: str | None = typer.Option(None, help="Person id whose link to replace"),
    revoke: str | None = typer.Option(None, help="Person id whose link to revoke"),
    base_url: str | None = typer.Option(None, help="e.g. https://rota.example.org"),
) -> None:
    """One line per feed: kind, subject id, URL path (tab-separated)."""
    from amhp.publish.links import SUBSCRIBE_HELP, feed_lines

    try:
        lines = feed_lines(service, reissue=reissue, revoke=revoke, actor=CLI)
    except NotFound as exc:
        raise _fail(str(exc), 1) from None
    for line in lines:
        cols = [line.kind, line.subject, line.path]
        if base_url:
            cols += [line.https(base_url), line.webcal(base_url)]
        typer.echo("\t".join(cols))
    if base_url:  # how to subscribe, on stderr so stdout stays one line per feed
        for text in SUBSCRIBE_HELP.values():
            typer.echo(text, err=True)


@app.command()
def whatif(
    scenarios: Path,
    out: Path = typer.Option(..., help="Results as amhp-whatif/1 JSON"),
    report: Path | None = typer.Option(None, help="Comparison page (.html)"),
    xlsx: Path | None = typer.Option(None, help="Results workbook (.xlsx)"),
    workers: int = typer.Option(8, min=1),
) -> None:
    """Solve each scenario over the horizon, month by month, and write the results."""
    from amhp.whatif.horizon import run_whatif
    from amhp.whatif.scenarios import load_scenarios

    try:
        spec, base = load_scenarios(scenarios)
    except ServiceFileError as exc:
        raise _fail(str(exc), INVALID) from None
    runs = len(spec.scenarios) + spec.include_base
    with Progress(
        TextColumn("[bold]what-if {task.fields[now]}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("whatif", total=runs * spec.horizon.months, now="")
        results = run_whatif(
            spec,
            base,
            spec.base,
            workers=workers,
            on_month=lambda name, month: bar.update(task, advance=1, now=f"{name} {month}"),
        )
    from amhp.whatif.report import money, render_html, to_xlsx

    _write(out, (json.dumps(results, indent=2) + "\n").encode())
    if report:
        _write(report, render_html(results).encode())
    if xlsx:
        _write(xlsx, to_xlsx(results))
    for s in results["scenarios"]:
        gaps = sum(m["slot_days_below_min"] for m in s["months"])
        days = sum(m["locum_days_needed"] for m in s["months"])
        left = sum(m["gaps_with_locum"] for m in s["months"])
        cost = sum(m["locum_cost"] for m in s["months"])
        currency = next((m["currency"] for m in s["months"]), "GBP")
        console.print(
            f"{s['name']}: {gaps} slot-days below minimum, {days} locum days would close "
            f"what they can ({money(cost, currency)}), {left} people still missing"
        )
    console.print(f"wrote {', '.join(str(p) for p in (out, report, xlsx) if p)}")


@app.command()
def sweep(
    grid: Path,
    out: Path = typer.Option(..., help="Results as amhp-sweep/1 JSON"),
    report: Path | None = typer.Option(None, help="Heat-map page (.html)"),
    processes: int | None = typer.Option(None, min=1, help="Cells solved at once (default: cores)"),
    workers: int | None = typer.Option(None, min=1, help="Solver threads per cell"),
) -> None:
    """Solve every combination of a sweep grid across worker processes."""
    from amhp.whatif.report import render_sweep_html
    from amhp.whatif.scenarios import load_sweep
    from amhp.whatif.sweep import SweepPlan, heat_map, run_sweep

    try:
        spec, base = load_sweep(grid)
    except ServiceFileError as exc:
        raise _fail(str(exc), INVALID) from None
    cells = spec.combinations()
    queued = not runs_in_process(settings())
    plan = SweepPlan.for_machine(len(cells), processes, workers)
    if queued:
        err.print(f"{len(cells)} combinations, one task each for the queue's workers")
    else:
        err.print(
            f"{len(cells)} combinations, {plan.processes} at once, {plan.workers} threads each"
        )
    with Progress(
        TextColumn("[bold]sweep {task.fields[now]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("sweep", total=len(cells) * spec.horizon.months, now="")
        if queued:
            doc = _queued_sweep(spec, base, lambda n: bar.update(task, completed=n))
        else:
            doc = run_sweep(
                spec,
                base,
                spec.base,
                plan,
                on_month=lambda labels, month: bar.update(
                    task, advance=1, now=f"{' × '.join(labels)} {month}"
                ),
            )
    _write(out, (json.dumps(doc, indent=2) + "\n").encode())
    if report:
        _write(report, render_sweep_html(doc).encode())
    rows, cols, by_cell = heat_map(doc)
    table = Table(title=f"months at risk (of {spec.horizon.months})")
    table.add_column(doc["axes"][0]["name"])
    for c in cols:
        table.add_column(c, justify="right")
    for r in rows:
        table.add_row(r, *(str(by_cell[(r, c)]["months_at_risk"]) for c in cols))
    console.print(table)
    console.print(f"wrote {', '.join(str(p) for p in (out, report) if p)}")


def _queued_sweep(spec, base, on_progress) -> dict:
    from amhp.runs.queue import queue_for
    from amhp.runs.sweep_cells import SweepCellRunner, SweepFailed, run_queued_sweep

    runner = SweepCellRunner(queue=queue_for(settings().database_url))
    try:
        return run_queued_sweep(spec, base, spec.base, runner, on_progress)
    except SweepFailed as exc:
        raise _fail(f"the sweep did not finish: {exc}") from None
    finally:
        runner.shutdown()


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: never a half-written output file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


user_app = typer.Typer(help="Accounts for the web service.")
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    email: str,
    role: str = typer.Option(..., help="admin, lead, manager or practitioner"),
    service: str | None = typer.Option(None, help="The service a non-admin belongs to"),
    person: str | None = typer.Option(None, help="A practitioner's id in that service"),
    password: str = typer.Option(..., prompt=True, hide_input=True),
) -> None:
    """Create an account (the first one is an admin)."""
    from amhp.store.db import transaction
    from amhp.store.users import AccountError, create_user

    try:
        with transaction() as session:
            create_user(session, email, password, role, service, person, CLI)
    except AccountError as exc:
        raise _fail(str(exc), INVALID) from None
    console.print(f"created {role} {email.lower()}")


@user_app.command("disable")
def user_disable(email: str) -> None:
    """Stop an account: logged out everywhere at once, and no login until enabled."""
    _account_change(email, lambda session: set_disabled(session, email, True, CLI), "disabled")


@user_app.command("enable")
def user_enable(email: str) -> None:
    """Let a disabled account log in again."""
    _account_change(email, lambda session: set_disabled(session, email, False, CLI), "enabled")


@user_app.command("password")
def user_password(
    email: str, password: str = typer.Option(..., prompt=True, hide_input=True)
) -> None:
    """Set a new password; every session of the account ends."""
    _account_change(
        email, lambda session: set_password(session, email, password, CLI), "password changed"
    )


def _account_change(email: str, change, done: str) -> None:
    from amhp.store.db import transaction
    from amhp.store.users import AccountError

    try:
        with transaction() as session:
            change(session)
    except AccountError as exc:
        raise _fail(str(exc), INVALID) from None
    console.print(f"{email.lower()}: {done}")


@user_app.command("demo")
def user_demo(
    service: str,
    password_file: Path = typer.Option(..., help="Where the demo password is kept"),
) -> None:
    """Demo accounts for a service (a lead, a manager and its first practitioner),
    sharing one random password kept in PASSWORD_FILE; accounts that exist are kept."""
    import secrets

    from amhp.store.db import transaction
    from amhp.store.tables import User
    from amhp.store.users import AccountError, create_user

    if not password_file.exists():
        _write(password_file, (secrets.token_urlsafe(12) + "\n").encode())
        password_file.chmod(0o600)
    password = password_file.read_text().strip()
    try:
        definition = operations.load_service(service)
    except NotFound as exc:
        raise _fail(str(exc), 1) from None
    person = _demo_amhp(service, definition)
    accounts = [
        (f"lead@{service}.example", "lead", None),
        (f"manager@{service}.example", "manager", None),
        (f"{person}@{service}.example", "practitioner", person),
    ]
    with transaction() as session:
        for email, role, pid in accounts:
            if session.exec(select(User).where(User.email == email)).first() is None:
                try:
                    create_user(session, email, password, role, service, pid, CLI)
                except AccountError as exc:
                    raise _fail(str(exc), INVALID) from None
    for email, role, _ in accounts:
        console.print(f"{role:>12}: {email}  password: {password}")


def _demo_amhp(service: str, definition) -> str:
    """The AMHP the demo logs in as: the first with role ``amhp`` who has a published
    duty, else the first with that role, else the first practitioner."""
    from amhp.core.states import RotaState
    from amhp.store.db import transaction
    from amhp.store.tables import AssignmentRow, RotaVersion

    amhps = [p.id for p in definition.practitioners if p.role == "amhp"]
    with transaction() as session:
        on_duty = set(
            session.exec(
                select(AssignmentRow.person_id)
                .join(RotaVersion, RotaVersion.id == AssignmentRow.rota_id)
                .where(RotaVersion.service_id == service, RotaVersion.state == RotaState.PUBLISHED)
            )
        )
    return next(
        (p for p in amhps if p in on_duty), amhps[0] if amhps else (definition.practitioners[0].id)
    )


app.add_typer(db_app, name="db")
app.command()(worker)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000, min=1, max=65535),
    solve_in_process: bool = typer.Option(
        False, help="Solve in this process even with PostgreSQL (no queue workers)"
    ),
) -> None:
    """Serve the web service (database from AMHP_DATABASE_URL), its schema brought
    up to date first; with PostgreSQL, solves go to the queue for `amhp worker`."""
    import os

    import uvicorn

    from amhp.store import migrate
    from amhp.store.db import plain_engine

    if solve_in_process:
        os.environ["AMHP_SOLVE_IN_PROCESS"] = "true"
    before, after = migrate.upgrade(plain_engine(settings().database_url))
    if before != after:
        err.print(f"upgraded the database from {before or 'empty'} to {after}")

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        access_log=settings().access_log,
    )


if __name__ == "__main__":  # pragma: no cover
    app()
