"""Validate parsed data against the JSON Schema and phrase each error for people.

The messages say what is wrong, where (file:line) and what is accepted, with a
"did you mean" suggestion for misspelled keys and values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import numbers
import re
import reprlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .parse import DataPath, ParsedData

if TYPE_CHECKING:  # jsonschema is imported on first use: a build without data never pays
    import jsonschema

SCHEMA_FILE = "policy-data.schema.json"

#: Most schema problems reported for one file (or directive body).
MAX_PROBLEMS = 100


@cache
def schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, ready to become a ``policy.<subtype>`` warning."""

    subtype: str
    message: str
    location: str
    line: int | None

    def where(self) -> str:
        """``path:line`` for Sphinx's logger (a bare path would be taken for a docname)."""
        return f"{self.location}:{self.line or 1}"


def suggest(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """"; did you mean 'x'?" or "." (callers follow it with a sentence of their own)."""
    options = sorted(map(str, choices))
    same_but_case = [o for o in options if o.casefold() == str(word).casefold()]
    if same_but_case:  # "DPO" for "dpo": too far apart for difflib, plainly meant
        return f"; did you mean {same_but_case[0]!r}?"
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else "."


def describe_path(data: Any, path: DataPath) -> str:
    """A readable name for a value: ``cookies[2] (_ga) → expiry``."""
    parts: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            label = f"[{step + 1}]"
            try:
                node = node[step]
            except (IndexError, KeyError, TypeError):
                parts.append(label)
                continue
            name = node.get("name") or node.get("id") if isinstance(node, dict) else None
            parts.append(f"{label} ({_clip(name)})" if isinstance(name, str) else label)
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(f" → {step}" if parts else str(step))
    return "".join(parts) or "the top level"


def _clip(text: str, limit: int = 60) -> str:
    """A name as shown inside a message: at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 2, 4, 4
_REPR.maxstring = _REPR.maxother = 80


def _short(value: Any) -> str:
    """``repr(value)``, shortened so that a huge value cannot flood the console."""
    return _REPR.repr(value)


def _accepted(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _unknown_keys(error: jsonschema.ValidationError, data: Any) -> list[tuple[str, DataPath]]:
    """Every unknown key of an object, each with its own message and line."""
    path: DataPath = tuple(error.absolute_path)
    where = describe_path(data, path)
    subschema = error.schema if isinstance(error.schema, dict) else {}
    known = list(subschema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    extra = [k for k in instance if k not in known] or ["?"]
    return [
        (f"unknown key {key!r} in {where}{suggest(str(key), known)} "
         f"Accepted keys: {_accepted(known)}", (*path, key))
        for key in extra
    ]


def _phrase(error: jsonschema.ValidationError, data: Any) -> tuple[str, DataPath]:
    path: DataPath = tuple(error.absolute_path)
    where = describe_path(data, path)
    kind = error.validator
    subschema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        # One message per unknown key (see _unknown_keys); this one names the first.
        return _unknown_keys(error, data)[0]
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"{where} is missing the required key {missing!r}", path
    if kind == "enum":
        choices = list(error.validator_value)  # type: ignore[arg-type]  # an enum: a list
        value = error.instance
        return (
            f"{_short(value)} is not accepted for {where}{suggest(str(value), choices)} "
            f"Accepted: {_accepted(choices)}",
            path,
        )
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        names = {"object": "a mapping of keys", "array": "a list", "string": "text"}
        described = subschema.get("description")
        return (
            f"{where} must be {names.get(str(expected), expected)}, "
            f"not {type(error.instance).__name__} {_short(error.instance)}"
            + (f"; expected {described}" if described else ""),
            path,
        )
    if kind in ("pattern", "format"):
        described = subschema.get("description") or f"a value in the form {error.validator_value}"
        return f"{_short(error.instance)} is not accepted for {where}: expected {described}", path
    if kind == "minLength":
        return f"{where} must not be empty", path
    if kind == "maxLength":
        limit = error.validator_value
        size = len(error.instance) if isinstance(error.instance, str) else 0
        what = re.split("[,;(]", str(subschema.get("description") or "this value"))[0].strip()
        return (
            f"{where} is {size:,} characters long, more than the limit of {limit:,} for "
            f"{what[:1].lower()}{what[1:]}; shorten it",
            path,
        )
    if kind == "minItems":
        return f"{where} must list at least one item", path
    if kind == "anyOf" and all(
        isinstance(option, dict) and "required" in option
        for option in error.validator_value  # type: ignore[union-attr]
    ):
        keys = [repr(option["required"][0]) for option in error.validator_value]  # type: ignore[index, union-attr]
        return f"{where} needs at least one of the keys {' or '.join(keys)}", path
    if kind == "oneOf":
        described = subschema.get("description") or "text, or a list of texts"
        return f"{_short(error.instance)} is not accepted for {where}: expected {described}", path
    return f"{where}: {error.message}", path


#: Problems of a content already validated: (blob id, first line) -> (subtype, message,
#: line). The same data file at many revisions is validated once (see loading.parse_blob).
_VALIDATED: dict[tuple[str, int], list[tuple[str, str, int | None]]] = {}
_VALIDATED_MAX = 512


def validate(parsed: ParsedData) -> list[Problem]:
    if parsed.key is None:
        return _validate(parsed)
    key = (parsed.key, parsed.first_line)
    found = _VALIDATED.get(key)
    if found is None:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        found = [(p.subtype, p.message, p.line) for p in _validate(parsed)]
        _VALIDATED[key] = found
    return [Problem(subtype, message, parsed.location, line) for subtype, message, line in found]


def _validate(parsed: ParsedData) -> list[Problem]:
    if isinstance(parsed.data, dict) and _certainly_valid(parsed.data):
        return []  # jsonschema (0.2 s to import) is for finding and wording problems
    if not isinstance(parsed.data, dict):
        return [
            Problem(
                "data",
                "the data must be a mapping of sections (organisation, cookies, processing, "
                "recipients, data_categories, not_done, jurisdictions, rights, authorities, "
                f"facts), not "
                f"{type(parsed.data).__name__}",
                parsed.location,
                parsed.line_of(()),
            )
        ]
    from jsonschema.exceptions import best_match

    problems = []
    # A file that is wrong everywhere (e.g. 100,000 list items of the wrong type) gets the
    # first MAX_PROBLEMS problems and one line saying that there are more.
    found = list(itertools.islice(_validator().iter_errors(parsed.data), MAX_PROBLEMS + 1))
    more = len(found) > MAX_PROBLEMS
    errors = sorted(found[:MAX_PROBLEMS], key=lambda e: list(map(str, e.path)))
    too_long = {tuple(e.absolute_path) for e in errors if e.validator == "maxLength"}
    for error in errors:
        if error.validator != "maxLength" and tuple(error.absolute_path) in too_long:
            continue  # one message for a value over its length limit
        # oneOf failures repeat their sub-errors; report the most specific one only.
        if error.context and error.validator not in ("oneOf", "anyOf"):
            error = best_match(error.context)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            phrases = _unknown_keys(error, parsed.data)
        else:
            phrases = [_phrase(error, parsed.data)]
        for message, path in phrases:
            problems.append(Problem("data", message, parsed.location, parsed.line_of(path)))
    if more:
        problems.append(Problem(
            "data",
            f"more than {MAX_PROBLEMS} problems in this file; only the first {MAX_PROBLEMS} "
            "are reported. Fix these (is it the right file?) and build again",
            parsed.location,
            parsed.line_of(()),
        ))
    return problems


# -- the valid case without jsonschema -------------------------------------------------
#
# Most data files are valid. Deciding that takes a walk over the data; importing
# jsonschema, its metaschemas and format checkers takes 0.2 s of every build that reads
# data. The walk below implements, exactly, the Draft 2020-12 keywords the schema uses
# (checked once: a schema with any other keyword always goes to jsonschema), and answers
# only "valid"; anything else (or a value it cannot compare exactly) goes to jsonschema,
# which finds and words the problems as before.

#: Keywords that only annotate (or hold the subschemas ``$ref`` points to).
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})
#: Keywords :func:`_valid` implements.
_ASSERTIONS = frozenset({
    "type", "$ref", "properties", "additionalProperties", "required", "items", "minItems",
    "minLength", "maxLength", "pattern", "enum", "format", "oneOf", "anyOf",
})
#: The same test as ``jsonschema._format``'s for ``date``.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class _Unsure(Exception):
    """A value :func:`_valid` cannot judge exactly as jsonschema would: ask jsonschema."""


def _certainly_valid(data: Any) -> bool:
    """Whether jsonschema would find no error in ``data`` (False: let jsonschema look)."""
    root = schema()
    if not _supported_schema():
        return False
    try:
        return _valid(data, root, root)
    except (_Unsure, RecursionError):
        return False


@cache
def _supported_schema() -> bool:
    """Whether the schema uses only the keywords :func:`_valid` implements."""
    def walk(node: Any) -> bool:
        if isinstance(node, bool):
            return True
        if not isinstance(node, dict):
            return False
        for key, value in node.items():
            if key in ("properties", "$defs"):
                if not all(walk(sub) for sub in value.values()):
                    return False
            elif key in ("items", "additionalProperties"):
                if not walk(value):
                    return False
            elif key in ("oneOf", "anyOf"):
                if not all(walk(sub) for sub in value):
                    return False
            elif key == "$ref":
                if not (isinstance(value, str) and value.startswith("#/$defs/")):
                    return False
            elif key == "format":
                if value != "date":
                    return False
            elif key == "enum":
                if not all(isinstance(each, str | bool) for each in value):
                    return False
            elif key not in _ANNOTATIONS and key not in _ASSERTIONS:
                return False
        return True

    return walk(schema())


def _is_type(value: Any, kind: str) -> bool:
    # jsonschema's type checker: bool is not a number; a dict is an object, a list an array.
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    if kind == "number":
        return not isinstance(value, bool) and isinstance(value, numbers.Number)
    if kind == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    raise _Unsure(kind)


def _valid(value: Any, rule: Any, root: dict[str, Any]) -> bool:
    if rule is True:
        return True
    if rule is False:
        return False
    for key, expected in rule.items():
        if key in _ANNOTATIONS:
            continue
        if key == "type":
            kinds = expected if isinstance(expected, list) else [expected]
            if not any(_is_type(value, kind) for kind in kinds):
                return False
        elif key == "$ref":
            if not _valid(value, root["$defs"][expected.removeprefix("#/$defs/")], root):
                return False
        elif key == "properties":
            if isinstance(value, dict) and not all(
                _valid(value[name], sub, root) for name, sub in expected.items() if name in value
            ):
                return False
        elif key == "additionalProperties":
            if isinstance(value, dict):
                named = rule.get("properties", {})
                if not all(_valid(item, expected, root)
                           for name, item in value.items() if name not in named):
                    return False
        elif key == "required":
            if isinstance(value, dict) and any(name not in value for name in expected):
                return False
        elif key == "items":
            if isinstance(value, list) and not all(_valid(item, expected, root) for item in value):
                return False
        elif key == "minItems":
            if isinstance(value, list) and len(value) < expected:
                return False
        elif key == "minLength":
            if isinstance(value, str) and len(value) < expected:
                return False
        elif key == "maxLength":
            if isinstance(value, str) and len(value) > expected:
                return False
        elif key == "pattern":
            if isinstance(value, str) and not re.search(expected, value):
                return False
        elif key == "enum":
            # The schema's enums hold text and booleans only (see _supported_schema), and
            # jsonschema's equality tells True from 1: text matches text, a bool itself.
            if not any(each is value or (isinstance(value, str) and each == value)
                       for each in expected):
                return False
        elif key == "format":
            if isinstance(value, str) and not _is_date(value):
                return False
        elif key == "oneOf":
            if sum(1 for sub in expected if _valid(value, sub, root)) != 1:
                return False
        elif key == "anyOf":
            if not any(_valid(value, sub, root) for sub in expected):
                return False
        else:
            raise _Unsure(key)
    return True


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
