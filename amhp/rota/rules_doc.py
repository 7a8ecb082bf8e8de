"""docs/rules.md, generated from the solver's rule registries so it cannot drift:
each rule's name, hard or soft, what it does, its service-file keys and defaults.

The solver names and describes its rules; the service model's fields say which
rules they set (``sets(...)``). A test fails when a field names a rule the solver
does not have, or when docs/rules.md differs from :func:`render`.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import get_args, get_origin

from pydantic import BaseModel

import solver
from amhp.service.model import RuleSettings, ServiceDefinition

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
# Modules holding many rules: their docstrings describe the module, not one rule.
SHARED_MODULES = {"hard", "soft", "pattern"}


def _models_in(annotation) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally or as a list) and whether a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    for arg in get_args(annotation):
        inner, many = _models_in(arg)
        if inner is not None:
            return inner, many or get_origin(annotation) is list
    return None, False


def setting_keys(model: type[BaseModel] = ServiceDefinition, prefix: str = "") -> dict:
    """Rule name -> the service-file keys that set it, read from the fields' own
    ``sets(...)`` marks (so a setting and the rule it belongs to are written together)."""
    out: dict[str, list[str]] = {}
    for name, info in model.model_fields.items():
        inner, many = _models_in(info.annotation)
        path = prefix + name + ("[]" if many else "")
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        for rule in extra.get("x-rules", ()):
            out.setdefault(rule, []).append(path)
        if inner is not None:
            for rule, keys in setting_keys(inner, path + ".").items():
                out.setdefault(rule, []).extend(keys)
    return out


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
        "alone, usually proven in a second or two), then the fewest missing required",
        "roles (`composition`, a lead in the hub), then the fewest sessional-locum days,",
        "then every soft rule together with the levels reached held. So the number of",
        "gaps and of lead-less shifts is proven even when the time limit ends the rest",
        "of the search (the solution's `gaps_proven` and `composition_proven`).",
        "",
        "| rule | kind | what it does | service-file keys (default) |",
        "| --- | --- | --- | --- |",
    ]
    settings = setting_keys()
    for kind, rules in (("hard", solver.HARD_RULES), ("soft", solver.SOFT_RULES)):
        for rule in rules:
            keys = "<br>".join(f"`{k}` ({default_of(k)})" for k in settings.get(rule.name, ()))
            lines.append(f"| `{rule.name}` | {kind} | {rule.description} | {keys or '—'} |")
    lines.append("")
    lines.extend(_details())
    return "\n".join(lines)


def _details() -> list[str]:
    """The full statement of each rule that has a module of its own (its docstring)."""
    out: list[str] = []
    for rule in (*solver.HARD_RULES, *solver.SOFT_RULES):
        module = sys.modules[type(rule).__module__]
        if module.__name__.rsplit(".", 1)[-1] in SHARED_MODULES or not module.__doc__:
            continue
        out += [f"## `{rule.name}`", "", inspect.cleandoc(module.__doc__), ""]
    return out
