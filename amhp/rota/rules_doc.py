"""docs/rules.md, generated from the solver's rule registries so it cannot drift:
each rule's name, hard or soft, what it does, its service-file keys and defaults.

The solver names and describes its rules; this module says where each one is set
in a service file. A test fails when a registry rule has no entry here or when
docs/rules.md differs from :func:`render`.
"""

from __future__ import annotations

from pathlib import Path

import solver
from amhp.service.model import RuleSettings

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "rules.md"

# Service-file keys per rule. Keys under ``rules.`` have defaults read from
# RuleSettings; other keys are per-item fields of the service file.
SETTINGS: dict[str, tuple[str, ...]] = {
    "one_duty_per_day": (),
    "min_rest_hours": ("rules.min_rest_hours",),
    "max_consecutive_duty_days": ("rules.max_consecutive_duty_days",),
    "day_off_after_on_call": ("rules.day_off_after_on_call",),
    "max_cover": ("cover[].max",),
    "no_locum_only_shift": (),
    "closure_days": (
        "rules.closure.start",
        "rules.closure.end",
        "rules.closure.max_days_per_person",
    ),
    "christmas_key_days": (
        "rules.closure.key_days",
        "rules.closure.max_key_days_per_person",
        "practitioners[].history.key_days",
    ),
    "shadow_beside_experienced": (
        "rules.trainees.mentor_min_months",
        "rules.trainees.max_shadows_per_slot",
    ),
    "newly_warranted_support": ("rules.trainees.newly_warranted_weeks",),
    "documentation_time": (
        "rules.documentation.hours",
        "rules.documentation.start",
        "shift_types[].documentation_after",
    ),
    "max_on_calls_per_month": ("rules.max_on_calls_per_month",),
    "max_weekend_days_per_month": ("rules.max_weekend_days_per_month",),
    # General rostering rules: not set by AMHP service files (the benchmark
    # adapters use them); listed so the solver's whole vocabulary is documented.
    "forbidden_successions": (),
    "max_shifts_per_type": (),
    "total_minutes": (),
    "min_consecutive_duty_days": (),
    "min_consecutive_days_off": (),
    "max_weekends": (),
    "cover_over": (),
    "fixed_cells": ("fixed[]",),
    "cover_minimum": ("rules.weights.cover_minimum", "cover[].min"),
    "composition": ("rules.weights.composition", "cover[].require"),
    "cover_target": ("rules.weights.cover_target", "cover[].target"),
    "duty_fairness": (
        "rules.weights.duty_fairness",
        "rules.workload.full_caseload_points",
        "rules.workload.balance_caseload",
        "practitioners[].caseload",
    ),
    "weekend_fairness": ("rules.weights.weekend_fairness", "practitioners[].history.weekends"),
    "night_fairness": ("rules.weights.night_fairness", "practitioners[].history.nights"),
    "bank_holiday_fairness": (
        "rules.weights.bank_holiday_fairness",
        "practitioners[].history.bank_holidays",
        "practitioners[].history.closure_days",
    ),
    "isolated_duty_day": ("rules.weights.isolated_duty_day",),
    "short_block": ("rules.weights.short_block", "rules.preferred_block_days"),
    "shadow_days": ("rules.weights.shadow_days", "rules.trainees.shadow_days_per_month"),
    "sessional_locum": ("rules.weights.sessional_locum", "practitioners[].contract.day_rate"),
    "requests": ("rules.weights.requests", "requests[].weight"),
}


def default_of(key: str) -> str:
    if not key.startswith("rules."):
        return "per item"
    value: object = RuleSettings()
    for part in key.removeprefix("rules.").split("."):
        value = getattr(value, part)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "off" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def render() -> str:
    lines = [
        "# Scheduling rules",
        "",
        "Generated from the solver's rule registries by `amhp rules --write`; a test fails",
        "when this file is stale. Names are the ones explanations, penalties and gap",
        "reasons use. Hard rules are never broken; soft rules cost their weight per unit,",
        "and every cost is reported by rule name and person or slot.",
        "",
        "Solving is lexicographic: first the fewest missing people (`cover_minimum`",
        "alone, usually proven in a second or two), then every soft rule together with",
        "the gaps held at that level. So the number of gaps is proven even when the",
        "time limit ends the rest of the search (the solution's `gaps_proven`).",
        "",
        "| rule | kind | what it does | service-file keys (default) |",
        "| --- | --- | --- | --- |",
    ]
    for kind, rules in (("hard", solver.HARD_RULES), ("soft", solver.SOFT_RULES)):
        for rule in rules:
            keys = "<br>".join(f"`{k}` ({default_of(k)})" for k in SETTINGS[rule.name]) or "—"
            lines.append(f"| `{rule.name}` | {kind} | {rule.description} | {keys} |")
    lines.append("")
    return "\n".join(lines)
