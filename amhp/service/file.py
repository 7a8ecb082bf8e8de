"""Reading a service file: YAML to :class:`ServiceDefinition`, with every problem
reported as ``file:line: field.path: message`` so a lead practitioner can fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from amhp.service.model import ReferenceErrors, ServiceDefinition


@dataclass(frozen=True)
class FieldError:
    path: str  # e.g. "practitioners[3].fte"
    message: str
    line: int | None = None

    def format(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class ServiceFileError(Exception):
    def __init__(self, source: str, errors: list[FieldError]) -> None:
        self.source = source
        self.errors = errors
        super().__init__("\n".join(e.format(source) for e in errors))


class ServiceLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. Under YAML 1.1 a shift coded ON or a
    wish of NO would silently become a boolean."""


ServiceLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ServiceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def format_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_index(node: yaml.Node, prefix: tuple = (), index: dict | None = None) -> dict:
    """Map each field path to the 1-based line where its value starts."""
    index = {} if index is None else index
    index[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            index[path] = key.start_mark.line + 1
            _line_index(value, path, index)
            index[path] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*prefix, i), index)
    return index


def _line_for(lines: dict, loc: tuple) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def parse_service(text: str, source: str = "<service>") -> ServiceDefinition:
    """Validate a service file's text; raise :class:`ServiceFileError` listing every problem."""
    try:
        node = yaml.compose(text, Loader=ServiceLoader)
        data = yaml.load(text, Loader=ServiceLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ServiceFileError(source, [FieldError("", f"not valid YAML: {exc}", line)]) from None
    if not isinstance(data, dict):
        raise ServiceFileError(source, [FieldError("", "expected a mapping at the top level", 1)])
    lines = _line_index(node) if node is not None else {}
    try:
        return ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(format_path(loc), msg, _line_for(lines, loc))
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


def load_service(path: str | Path) -> ServiceDefinition:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceFileError(str(path), [FieldError("", f"cannot read file: {exc}")]) from None
    return parse_service(text, str(path))
