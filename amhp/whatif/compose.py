"""Scenario files composed a change at a time: what the manager's what-if builder
does with its form. A draft change (the strings a form sends) becomes a change of
the scenario file, or plain-words problems keyed by the form's field; a scenario is
added to a file's text, which is then validated exactly as an uploaded file is, so
the builder can only ever produce a file ``amhp whatif`` would run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from amhp.service.file import ServiceFileError
from amhp.service.model import ServiceDefinition
from amhp.service.safe_yaml import read_yaml
from amhp.whatif.scenarios import parse_scenarios


@dataclass(frozen=True)
class ChangeKind:
    """One kind of change the builder offers, the fields it needs, and the name its
    date has in the file."""

    kind: str
    label: str
    fields: tuple[str, ...]
    date_key: str | None = None


BUILDER_KINDS = (
    ChangeKind("vacancy", "Someone leaves (a vacancy from a date)", ("person", "date"), "from"),
    ChangeKind("locum_contract", "A locum's contract ends", ("person", "date"), "end"),
    ChangeKind("warranting", "A trainee is warranted", ("person", "date"), "date"),
    ChangeKind("cover", "A cover level changes", ("shift", "days", "min")),
    ChangeKind("consolidate", "Rotas merge (consolidation)", ("shifts", "into")),
)
KINDS = {k.kind: k for k in BUILDER_KINDS}
REQUIRED = {
    "person": "choose a person",
    "date": "give a date",
    "shift": "choose a shift",
    "min": "give the new minimum (a whole number, 0 or more)",
    "shifts": "choose the shifts to merge",
    "into": "choose the shift they merge into",
}
# Where a problem the file's validation reports belongs on the form.
FIELD_OF = {"from": "date", "end": "date"} | {
    f: f for f in ("date", "person", "shift", "days", "min", "shifts", "into")
}


@dataclass
class DraftChange:
    """One row of the builder as the form sent it."""

    kind: str = ""
    person: str = ""
    date: str = ""
    shift: str = ""
    days: str = ""
    min: str = ""
    shifts: list[str] = field(default_factory=list)
    into: str = ""

    @property
    def blank(self) -> bool:
        return not self.kind


class BuildRefused(ValueError):
    """The scenario could not be added: ``rows`` holds each row's problems by field,
    ``general`` the rest (the name, the file as typed)."""

    def __init__(self, rows: dict[int, dict[str, str]], general: list[str]) -> None:
        self.rows, self.general = rows, general
        super().__init__("; ".join(general) or "a change is incomplete")


def change_of(draft: DraftChange) -> tuple[dict | None, dict[str, str]]:
    """The scenario file's change for a row, or its problems by field."""
    kind = KINDS.get(draft.kind)
    if kind is None:
        return None, {"kind": f"no change of kind {draft.kind!r}"}
    problems = {f: REQUIRED[f] for f in kind.fields if f in REQUIRED and not getattr(draft, f)}
    if "min" in kind.fields and draft.min and not re.fullmatch(r"\d{1,3}", draft.min.strip()):
        problems["min"] = REQUIRED["min"]
    if problems:
        return None, problems
    change: dict = {"kind": kind.kind}
    if "person" in kind.fields:
        change["person"] = draft.person
    if kind.date_key:
        change[kind.date_key] = draft.date
    if kind.kind == "cover":
        change["shift"] = draft.shift
        if draft.days:
            change["days"] = draft.days
        change["min"] = int(draft.min)
    if kind.kind == "consolidate":
        change["shifts"], change["into"] = list(draft.shifts), draft.into
    return change, {}


def starting_spec(start: str, months: int = 3, time_limit: float = 5) -> str:
    """An empty file for a stored service: the horizon and the time per month."""
    doc = {"horizon": {"start": start, "months": months}, "time_limit_per_month": time_limit}
    return yaml.safe_dump(doc, sort_keys=False) + "scenarios: []\n"


def _row_of(path: str, index: int) -> tuple[int, str] | None:
    """``scenarios[4].changes[1].from`` → (1, "date") for the scenario at ``index``."""
    match = re.match(rf"scenarios\[{index}\]\.changes\[(\d+)\](?:\.(\w+))?", path)
    if not match:
        return None
    last = path.rsplit(".", 1)[-1]
    return int(match.group(1)), FIELD_OF.get(last, "kind")


def with_scenario(
    text: str,
    name: str,
    drafts: list[DraftChange],
    horizon: dict | None,
    base: ServiceDefinition,
) -> str:
    """``text`` with one more scenario, named ``name``, made of the non-blank rows;
    the horizon replaced when given. :class:`BuildRefused` when it would not run."""
    rows = [(i, d) for i, d in enumerate(drafts) if not d.blank]
    problems: dict[int, dict[str, str]] = {}
    general: list[str] = []
    if not name.strip():
        general.append("Give the scenario a name.")
    if not rows:
        general.append("Choose at least one change for the scenario.")
    changes, form_row = [], []
    for i, draft in rows:
        change, wrong = change_of(draft)
        if wrong:
            problems[i] = wrong
        else:
            changes.append(change)
            form_row.append(i)
    try:
        data = read_yaml(text or "{}", "the scenario file").data or {}
    except ServiceFileError as exc:
        general += [f"The scenario file: {e.message}" for e in exc.errors]
        data = {}
    if not isinstance(data, dict):
        general.append("The scenario file must be a mapping (horizon:, scenarios: …).")
    if problems or general:
        raise BuildRefused(problems, general)
    scenarios = list(data.get("scenarios") or [])
    if not isinstance(data.get("scenarios", []), list):
        raise BuildRefused({}, ["The scenario file's 'scenarios' must be a list."])
    scenarios.append({"name": name.strip(), "changes": changes})
    doc = {**data, **({"horizon": horizon} if horizon else {}), "scenarios": scenarios}
    composed = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    _check(composed, base, len(scenarios) - 1, form_row)
    return composed


def _check(text: str, base: ServiceDefinition, index: int, form_row: list[int]) -> None:
    try:
        parse_scenarios(text, base, "the scenario file")
    except ServiceFileError as exc:
        rows: dict[int, dict[str, str]] = {}
        general = []
        for error in exc.errors:
            where = _row_of(error.path, index)
            if where is None:
                general.append(f"{error.path or 'the file'}: {error.message}")
            else:
                rows.setdefault(form_row[where[0]], {}).setdefault(where[1], error.message)
        raise BuildRefused(rows, general) from None
