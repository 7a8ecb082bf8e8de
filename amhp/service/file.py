"""Reading a service file: YAML to :class:`ServiceDefinition`, with every problem
reported as ``file:line: field.path: message`` so a lead practitioner can fix it."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from amhp.service.errors import FieldError, ServiceFileError, format_path
from amhp.service.model import ReferenceErrors, ServiceDefinition
from amhp.service.safe_yaml import read_yaml

__all__ = [
    "FieldError",
    "ServiceFileError",
    "format_path",
    "load_service",
    "parse_service",
    "read_text",
    "validation_problems",
]


def parse_service(text: str, source: str = "<service>") -> ServiceDefinition:
    """Validate a service file's text; raise :class:`ServiceFileError` listing every problem."""
    doc = read_yaml(text, source)
    if not isinstance(doc.data, dict):
        raise ServiceFileError(source, [FieldError("", "expected a mapping at the top level", 1)])
    try:
        return ServiceDefinition.model_validate(doc.data)
    except ValidationError as exc:
        errors = [
            FieldError(format_path(loc), msg, doc.line_for(loc))
            for loc, msg in validation_problems(exc)
        ]
        raise ServiceFileError(source, errors) from None


def validation_problems(exc: ValidationError) -> list[tuple[tuple, str]]:
    """(field location, message) for every problem, cross-references expanded to the
    field that holds the bad reference. Shared by the file loader and the API."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        ctx_error = err.get("ctx", {}).get("error")
        if isinstance(ctx_error, ReferenceErrors):
            out.extend(ctx_error.errors)
            continue
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        out.append((loc, message))
    return out


def read_text(path: str | Path) -> str:
    """A file's text, or :class:`ServiceFileError` saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceFileError(str(path), [FieldError("", f"cannot read file: {exc}")]) from None


def load_service(path: str | Path) -> ServiceDefinition:
    return parse_service(read_text(path), str(path))
