"""The what-if builder's form: rows of changes picked from the service's people and
shifts, read from a posted form, and what the template needs to draw them."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from amhp.service.model import ServiceDefinition
from amhp.whatif.compose import BUILDER_KINDS, DraftChange
from api.pages.lead import months_from_today

ROWS = 2  # change rows offered at first
MAX_ROWS = 8
DAY_KINDS = (
    ("", "every day"),
    ("weekday", "weekdays"),
    ("weekend", "weekends"),
    ("bank_holiday", "bank holidays"),
    ("closure", "closure days"),
)


@dataclass
class Builder:
    """The builder as drawn: its rows, the scenario name, the horizon, and each row's
    problems by field."""

    name: str = ""
    start: str = ""
    months: int = 3
    drafts: list[DraftChange] = field(default_factory=lambda: [DraftChange() for _ in range(ROWS)])
    errors: dict[int, dict[str, str]] = field(default_factory=dict)
    refused: bool = False  # the last "add" was refused

    @property
    def horizon(self) -> dict:
        return {"start": self.start, "months": self.months}


def _whole(value, default: int) -> int:
    try:
        return int(value or default)
    except (TypeError, ValueError):
        return default


def builder_from(form: FormData, extra_row: bool = False) -> Builder:
    """The builder's fields as posted (a row more when asked for one)."""
    count = min(MAX_ROWS, max(1, _whole(form.get("rows"), ROWS)))
    drafts = [
        DraftChange(
            kind=str(form.get(f"c{i}-kind") or ""),
            person=str(form.get(f"c{i}-person") or ""),
            date=str(form.get(f"c{i}-date") or ""),
            shift=str(form.get(f"c{i}-shift") or ""),
            days=str(form.get(f"c{i}-days") or ""),
            min=str(form.get(f"c{i}-min") or ""),
            shifts=[str(v) for v in form.getlist(f"c{i}-shifts")],
            into=str(form.get(f"c{i}-into") or ""),
        )
        for i in range(count)
    ]
    if extra_row and count < MAX_ROWS:
        drafts.append(DraftChange())
    start = str(form.get("h-start") or "")
    return Builder(
        name=str(form.get("sc-name") or ""),
        start=start if start in horizon_starts() else horizon_starts()[0],
        months=min(12, max(1, _whole(form.get("h-months"), 3))),
        drafts=drafts,
    )


def horizon_starts() -> list[str]:
    """The months a horizon may start: next month and the eleven after it."""
    return months_from_today(13)[1:]


def choices(definition: ServiceDefinition) -> dict:
    """What the rows pick from: people (by name, with role), shifts, kinds of day."""
    return {
        "kinds": [(k.kind, k.label) for k in BUILDER_KINDS],
        # Which kinds show each field (the rows' script hides the others).
        "uses": {
            f: " ".join(k.kind for k in BUILDER_KINDS if f in k.fields)
            for f in {f for k in BUILDER_KINDS for f in k.fields}
        },
        "people": [(p.id, f"{p.name} ({p.role})") for p in definition.practitioners],
        "shifts": [(s.code, f"{s.name} ({s.code})") for s in definition.shift_types],
        "day_kinds": DAY_KINDS,
        "starts": horizon_starts(),
    }
