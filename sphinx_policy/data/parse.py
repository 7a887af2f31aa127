"""Parse YAML, TOML and JSON into plain data, remembering the line of every value.

YAML is composed into nodes with PyYAML's *safe* loader and converted by hand, which
gives us each value's line, rejects duplicate keys (PyYAML silently keeps the last) and
bounds alias expansion ("billion laughs"). Dates are turned back into ISO strings so that
all three formats validate against the same JSON Schema.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .source import DataFileError

#: Path of a value inside a data file: keys and list indexes from the root.
DataPath = tuple[str | int, ...]

#: Most nodes a YAML document may expand to (aliases included).
MAX_NODES = 200_000

#: Characters a data value may not hold: C0 controls other than tab, line feed and
#: carriage return (output formats cannot carry them), and lone surrogates (not
#: characters at all; JSON and YAML escapes such as "\\ud800" can produce them, and
#: writing them as UTF-8 fails).
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

#: How far (characters) the TOML/JSON line guesser looks ahead for a key or value.
_GUESS_WINDOW = 20_000


class DataSyntaxError(DataFileError):
    """The file is not valid YAML/TOML/JSON; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class ParsedData:
    """A parsed data file (or directive body) and the line of each of its values."""

    data: Any
    location: str  # the file, for messages
    first_line: int = 1  # line of the file's first line in ``location`` (directive bodies)
    lines: dict[DataPath, int] = field(default_factory=dict)
    text: str = ""
    #: The content's git blob id when it was read from a file (see ``loading.parse_blob``).
    key: str | None = None

    def line_of(self, path: DataPath) -> int:
        """1-based line of the value at ``path``, or of its nearest known ancestor."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return line + self.first_line - 1
        return self.first_line


def parse_data(raw: bytes, location: str, fmt: str, first_line: int = 1) -> ParsedData:
    """Parse ``raw`` as ``fmt`` ("yaml", "toml" or "json")."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataSyntaxError(
            f"the file is not UTF-8 text (byte 0x{raw[err.start]:02x} at line {line}); "
            "save it with UTF-8 encoding",
            line,
        ) from None
    if not text.strip():
        return ParsedData({}, location, first_line, {(): 1}, text)
    try:
        return _parse_text(text, location, fmt, first_line)
    except RecursionError:  # e.g. [[[[...]]]] thousands deep: the parsers recurse
        raise DataSyntaxError(
            "the data is nested too deeply to read; data files need only a few levels"
        ) from None


def _parse_text(text: str, location: str, fmt: str, first_line: int) -> ParsedData:
    if fmt == "yaml":
        data, lines = _parse_yaml(text, first_line)
    elif fmt == "toml":
        data, lines = _parse_toml(text), {}
    elif fmt == "json":
        data, lines = _parse_json(text), {}
    else:  # pragma: no cover - callers pass a known format
        raise ValueError(fmt)
    parsed = ParsedData(data, location, first_line, lines, text)
    if fmt != "yaml":
        parsed.lines = _guess_lines(data, text)
    return parsed


def format_of(path: str) -> str | None:
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {"yaml": "yaml", "yml": "yaml", "toml": "toml", "json": "json"}.get(suffix)


class _NodeLoader(yaml.SafeLoader):
    """Safe loader used only to compose nodes and construct plain scalars."""


def _parse_yaml(text: str, first_line: int = 1) -> tuple[Any, dict[DataPath, int]]:
    try:
        loader = _NodeLoader(text)  # checks every character first
    except yaml.reader.ReaderError as err:
        raise _reader_error(text, err) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        # "end of stream" is marked after the last line: point at the last line instead.
        line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark else None
        problem = err.problem or str(err)
        context = f" {err.context}" if err.context else ""
        if err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            # e.g. an unclosed quote or bracket: say where it was opened.
            context += f" that starts at line {err.context_mark.line + first_line}"
        if err.context and err.context_mark and problem in _COMPOSER_PROBLEMS:
            # The composer words these the other way round: context first.
            opened = err.context_mark.line + first_line
            what = err.context.removesuffix("; first occurrence")
            problem, context = f"{what}, {problem}", f" (the first is at line {opened})"
        hint = _yaml_hint(text, problem, line)
        raise DataSyntaxError(f"YAML syntax error: {problem}{context}{hint}", line) from None
    except yaml.reader.ReaderError as err:
        raise _reader_error(text, err) from None
    except yaml.YAMLError as err:
        raise DataSyntaxError(f"YAML syntax error: {err}") from None
    finally:
        loader.dispose()
    if node is None:
        return {}, {(): 1}
    lines: dict[DataPath, int] = {}
    budget = [MAX_NODES]
    merged_cache: dict[int, list[tuple[yaml.Node, yaml.Node]]] = {}

    def convert(node: yaml.Node, path: DataPath) -> Any:
        _spend(budget, node)
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTION_TAGS:
            # e.g. !!python/object/apply:... or !!set on a mapping or list: refused like
            # a tagged scalar, never silently read as a plain mapping or list.
            raise _tag_error(node)
        if isinstance(node, yaml.MappingNode):
            # Merged pairs come first; a key written here overrides a merged one (the
            # YAML merge rule), a key written twice here is a mistake.
            merged, explicit = _merge_pairs(loader, node, budget, merged_cache)
            written: dict[str, yaml.Node] = {}
            for key_node, value_node in explicit:
                key = _key(loader, key_node)
                if key in written:
                    raise DataSyntaxError(
                        f"the key {key!r} appears twice in the same mapping; keep one",
                        key_node.start_mark.line + 1,
                    )
                written[key] = value_node
            result: dict[str, Any] = {}
            for key_node, value_node in merged:
                key = _key(loader, key_node)
                result[key] = convert(written.pop(key, value_node), (*path, key))
            for key, value_node in written.items():
                result[key] = convert(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return _scalar(loader, node)

    return convert(node, ()), lines


def _spend(budget: list[int], node: yaml.Node, count: int = 1) -> None:
    """Count ``count`` values (or merged pairs) against the document's budget."""
    budget[0] -= count
    if budget[0] < 0:
        raise DataSyntaxError(
            f"the YAML document expands to more than {MAX_NODES:,} values "
            "(too many aliases or merge keys?); split it or remove the aliases",
            node.start_mark.line + 1,
        )


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _key(loader: yaml.SafeLoader, key_node: yaml.Node) -> str:
    key = _scalar(loader, key_node)
    if not isinstance(key, str | int | float | bool) or key is None:
        raise DataSyntaxError("a mapping key must be plain text", key_node.start_mark.line + 1)
    return str(key)


def _merge_pairs(
    loader: yaml.SafeLoader,
    node: yaml.MappingNode,
    budget: list[int],
    cache: dict[int, list[tuple[yaml.Node, yaml.Node]]],
) -> tuple[list[tuple[yaml.Node, yaml.Node]], list[tuple[yaml.Node, yaml.Node]]]:
    """``(merged, explicit)`` pairs of a mapping, resolving YAML merge keys (``<<``).

    Done here rather than by PyYAML's ``flatten_mapping``, which (before 6.0.4) copies
    merged pairs again for every alias, so that a few hundred bytes of nested merges
    grow to gigabytes. Here each mapping's merged pairs are worked out once (cached by
    node), keep one pair per key (the first source wins, as in YAML), and every pair
    counts against the document's value budget as it is built.
    """
    explicit: list[tuple[yaml.Node, yaml.Node]] = []
    sources: list[yaml.MappingNode] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE_TAG:
            explicit.append((key_node, value_node))
            continue
        if isinstance(value_node, yaml.MappingNode):
            sources.append(value_node)
        elif isinstance(value_node, yaml.SequenceNode) and all(
            isinstance(item, yaml.MappingNode) for item in value_node.value
        ):
            sources.extend(value_node.value)
        else:
            raise DataSyntaxError(
                "the merge key '<<' must be followed by a mapping, an alias of one (such as "
                "*defaults) or a list of them",
                value_node.start_mark.line + 1,
            )
    if not sources:
        return [], explicit
    merged: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for source in sources:  # the first source that has a key gives its value
        pairs = _all_pairs(loader, source, budget, cache)
        _spend(budget, node, len(pairs))  # every pair looked at counts, kept or not
        for key_node, value_node in pairs:
            key = _key(loader, key_node)
            if key not in merged:
                merged[key] = (key_node, value_node)
    return list(merged.values()), explicit


def _all_pairs(
    loader: yaml.SafeLoader,
    node: yaml.MappingNode,
    budget: list[int],
    cache: dict[int, list[tuple[yaml.Node, yaml.Node]]],
) -> list[tuple[yaml.Node, yaml.Node]]:
    """Every pair a merge source contributes (its own merges resolved), computed once."""
    if id(node) in cache:
        return cache[id(node)]
    if node.tag not in _PLAIN_COLLECTION_TAGS:
        raise _tag_error(node)
    cache[id(node)] = []  # a mapping merged into itself contributes nothing more
    merged, explicit = _merge_pairs(loader, node, budget, cache)
    pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in [*merged, *explicit]:
        pairs[_key(loader, key_node)] = (key_node, value_node)  # written keys override
    cache[id(node)] = list(pairs.values())
    return cache[id(node)]


_COMPOSER_PROBLEMS = frozenset({"but found another document", "second occurrence"})


def _yaml_hint(text: str, problem: str, line: int | None) -> str:
    """A plain-words hint for the parser's most common complaints (people editing YAML by
    hand trip over tabs and indentation, not over the grammar)."""
    lines = text.splitlines()
    row = lines[line - 1] if line and 0 < line <= len(lines) else ""
    if "\t" in problem or "\t" in row[: len(row) - len(row.lstrip())]:
        return ". Hint: YAML does not allow tabs for indentation; indent with spaces"
    if "expected <block end>" in problem or "mapping values are not allowed" in problem:
        return (". Hint: check the indentation of this line and the one before: the keys "
                "of one item line up under each other, and a list item starts with '- ' "
                "(a dash and a space)")
    return ""


def _reader_error(text: str, err: yaml.reader.ReaderError) -> DataSyntaxError:
    """A character YAML refuses to read (a control character written as such)."""
    what = f"U+{err.character:04X}" if isinstance(err.character, int) else "a character"
    return DataSyntaxError(
        f"YAML syntax error: the character {what} is a control character or a "
        "non-character, which YAML does not allow; remove it",
        text.count("\n", 0, err.position) + 1,
    )


_PLAIN_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def _tag_error(node: yaml.Node) -> DataSyntaxError:
    return DataSyntaxError(
        f"the YAML tag {node.tag!r} is not allowed; data files hold plain text, numbers, "
        "dates, lists and mappings",
        node.start_mark.line + 1,
    )


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise DataSyntaxError("a mapping key must be plain text", node.start_mark.line + 1)
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as err:
        raise _tag_error(node) from err
    except (ValueError, OverflowError) as err:
        raise DataSyntaxError(_unreadable(err), node.start_mark.line + 1) from err
    try:
        return _plain(value)
    except DataSyntaxError as err:
        err.line = err.line or node.start_mark.line + 1
        raise


def _unreadable(err: Exception) -> str:
    if "integer string conversion" in str(err):  # Python's limit on digits in a number
        return "cannot read this value: a number this long cannot be read; write it as text"
    return f"cannot read this value: {err}"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        raise DataSyntaxError("binary values are not allowed in data files")
    if isinstance(value, str) and (bad := _BAD_CHARACTER.search(value)):
        raise _BadCharacter(bad.group())
    return value


class _BadCharacter(DataSyntaxError):
    def __init__(self, char: str) -> None:
        kind = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
        super().__init__(
            f"the text holds U+{ord(char):04X}, {kind}, which cannot be shown; remove it "
            "(an escape such as \\u0000 or \\0 is still that character)"
        )
        self.char = char


def _escape_line(text: str, err: DataSyntaxError) -> DataSyntaxError:
    """Give a TOML/JSON error about a bad character the line of its escape."""
    if err.line is None and isinstance(err, _BadCharacter):
        match = re.search(rf"\\u{ord(err.char):04x}", text, re.IGNORECASE)
        if match:
            err.line = text.count("\n", 0, match.start()) + 1
    return err


def _parse_toml(text: str) -> Any:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise DataSyntaxError(
            f"TOML syntax error: {err}", int(match.group(1)) if match else None
        ) from None
    except ValueError as err:  # e.g. a number with thousands of digits
        raise DataSyntaxError(_unreadable(err), _long_number_line(text)) from None
    try:
        return _plain_tree(data)
    except DataSyntaxError as err:
        raise _escape_line(text, err) from None


def _parse_json(text: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as err:
        raise DataSyntaxError(f"JSON syntax error: {err.msg}", err.lineno) from None
    except _DuplicateKey as err:
        # Best effort: the line of the key's second appearance in the file.
        quoted = re.escape(json.dumps(err.key, ensure_ascii=False))
        found = list(re.finditer(rf"{quoted}\s*:", text))
        err.line = text.count("\n", 0, found[1].start()) + 1 if len(found) > 1 else None
        raise
    except ValueError as err:  # e.g. a number with thousands of digits
        raise DataSyntaxError(_unreadable(err), _long_number_line(text)) from None
    try:
        return _plain_tree(data)
    except DataSyntaxError as err:
        raise _escape_line(text, err) from None


class _DuplicateKey(DataSyntaxError):
    def __init__(self, key: str) -> None:
        super().__init__(f"the key {key!r} appears twice in the same mapping; keep one")
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects, refusing a key written twice (json keeps the last one silently)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


#: Digits in a number Python refuses to read (its int_max_str_digits is 4300).
_LONG_NUMBER = 4000


def _long_number_line(text: str) -> int | None:
    """The line of the first run of at least 4,000 digits. Each run of digits is matched
    once (``\\d+`` cannot overlap itself), so this is linear in the text's length;
    ``\\d{4000,}`` with ``re.search`` restarts at every digit and is quadratic."""
    for match in _DIGITS.finditer(text):
        if match.end() - match.start() >= _LONG_NUMBER:
            return text.count("\n", 0, match.start()) + 1
    return None


_DIGITS = re.compile(r"\d+")


def _plain_tree(value: Any, budget: list[int] | None = None) -> Any:
    """The value with dates as ISO text and bad characters refused, counting every value
    against the same limit as YAML's (:data:`MAX_NODES`)."""
    if budget is None:
        budget = [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise DataSyntaxError(
            f"the document holds more than {MAX_NODES:,} values; split it into several files"
        )
    if isinstance(value, Mapping):
        return {_plain(str(k)): _plain_tree(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_tree(v, budget) for v in value]
    return _plain(value)


def _guess_lines(data: Any, text: str) -> dict[DataPath, int]:
    """Best-effort lines for TOML/JSON, whose parsers do not report positions:
    the first line at or after the parent's line that mentions the key (looking a
    bounded distance ahead, so that values written as escapes cannot make it slow)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]  # offset of each line
    lines: dict[DataPath, int] = {(): 1}

    def find(needle: str, start: int) -> int:
        if start > len(starts):
            return start
        begin = starts[start - 1]
        found = text.find(needle, begin, begin + _GUESS_WINDOW)
        return start if found < 0 else bisect.bisect_right(starts, found)

    def walk(value: Any, path: DataPath, start: int) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                line = find(key, start)
                lines[(*path, key)] = line
                walk(child, (*path, key), line)
        elif isinstance(value, list):
            line = start
            for i, child in enumerate(value):
                if isinstance(child, dict) and child:
                    line = find(next(iter(child)), line)
                elif not isinstance(child, dict | list):
                    line = find(str(child), line)
                lines[(*path, i)] = line
                walk(child, (*path, i), line)
                line += 1

    walk(data, (), 1)
    return lines
