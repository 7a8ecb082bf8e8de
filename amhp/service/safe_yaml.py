"""The one way the project reads YAML: service files, scenario and sweep files and
uploads all come through :func:`read_yaml`.

A file is hostile until read: its size, its nesting and the size it would have
once aliases are expanded are bounded before anything is built from it; a key
given twice is an error naming both lines (YAML would silently keep the second);
tags (``!!python/object`` and friends) are refused; and only plain values are
recognised: ``true``/``false``, decimal numbers and ``null``. Dates and times stay
text for the model to check, so ``2026-02-30`` is reported at its field rather
than raised from deep inside the YAML library, ``09:00`` is never a number of
minutes and ``0123`` never octal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml import events, nodes

from amhp.service.errors import FieldError, ServiceFileError, format_path

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_VALUES = 200_000  # values in the document with every alias expanded
MAX_SCALAR = 10_000  # characters in one value


class PlainLoader(yaml.SafeLoader):
    """SafeLoader recognising only the YAML 1.2 core schema's plain values."""


PlainLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
):
    PlainLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


@dataclass
class YamlDocument:
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)  # field path -> 1-based line

    def line_for(self, loc: tuple) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


def read_yaml(text: str, source: str = "<yaml>") -> YamlDocument:
    """Parse ``text`` within the limits above; :class:`ServiceFileError` otherwise."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        _fail(source, "", f"larger than {MAX_BYTES // (1024 * 1024)} MiB; is this the right file?")
    try:
        _check_events(text, source)
        loader = PlainLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return YamlDocument(None)
            _check_expanded(node, source)
            lines: dict[tuple, int] = {}
            errors: list[FieldError] = []
            _index(node, (), lines, errors)
            if errors:
                raise ServiceFileError(source, errors)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ServiceFileError(source, [FieldError("", f"not valid YAML: {exc}", line)]) from None
    except (ValueError, TypeError) as exc:  # e.g. an unhashable key the constructor rejects
        raise ServiceFileError(source, [FieldError("", f"not valid YAML: {exc}")]) from None
    return YamlDocument(data, lines)


def _fail(source: str, path: str, message: str, line: int | None = None):
    raise ServiceFileError(source, [FieldError(path, message, line)])


def _check_events(text: str, source: str) -> None:
    """Depth, tags and value length, checked on the event stream, which the parser
    produces without recursion (the composer would overflow on deep nesting)."""
    depth = 0
    for event in yaml.parse(text, Loader=PlainLoader):
        line = event.start_mark.line + 1
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            _fail(source, "", f"tags such as {tag!r} are not allowed; write plain values", line)
        if isinstance(event, events.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                _fail(source, "", f"nested more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, events.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, events.ScalarEvent) and len(event.value) > MAX_SCALAR:
            _fail(source, "", f"a value longer than {MAX_SCALAR} characters", line)


def _check_expanded(root: nodes.Node, source: str) -> None:
    """Bound the document as the model will see it, aliases expanded (an alias
    bomb is a few lines that expand to billions of values), without expanding it."""
    memo: dict[int, tuple[int, int]] = {}
    too_big = (MAX_VALUES + 1, MAX_DEPTH + 1)

    def measure(node: nodes.Node) -> tuple[int, int]:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = too_big  # a node that contains itself is too big
        size, depth = 1, 0
        if isinstance(node, nodes.CollectionNode):
            children = node.value
            if isinstance(node, nodes.MappingNode):
                children = [part for pair in node.value for part in pair]
            for child in children:
                child_size, child_depth = measure(child)
                size += child_size
                depth = max(depth, child_depth + 1)
                if size > MAX_VALUES or depth > MAX_DEPTH:
                    break
        memo[key] = (size, depth)
        return size, depth

    size, depth = measure(root)
    if size > MAX_VALUES:
        _fail(source, "", f"more than {MAX_VALUES} values once its aliases are expanded")
    if depth > MAX_DEPTH:
        _fail(source, "", f"nested more than {MAX_DEPTH} levels deep once aliases are expanded")


def _index(node: nodes.Node, prefix: tuple, lines: dict, errors: list[FieldError]) -> None:
    """Record each field path's line; report keys that are not plain or given twice."""
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, nodes.MappingNode):
        first_seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, nodes.ScalarNode):
                errors.append(FieldError(format_path(prefix), "a key must be a plain name", line))
                continue
            if key.value in first_seen:
                errors.append(
                    FieldError(
                        format_path((*prefix, key.value)),
                        f"given twice (first on line {first_seen[key.value]}); "
                        "YAML would silently keep only the second",
                        line,
                    )
                )
                continue
            first_seen[key.value] = line
            path = (*prefix, key.value)
            _index(value, path, lines, errors)
            lines[path] = line
    elif isinstance(node, nodes.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*prefix, i), lines, errors)
