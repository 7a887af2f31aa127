"""Helpers for the sphinx-policy documentation itself (not part of the package).

Loaded from ``conf.py``'s ``setup()``. Everything here keeps the reference pages in
step with the code: a table generated from the source cannot go stale, and a
hand-written table that misses a key (or documents one that is gone) fails the
``-W`` build.

- ``docs-example``: shows a MyST snippet as MyST (backtick fence), MyST (colon fence)
  and reStructuredText, then renders it live.
- ``schema-keys``: the keys of one object of the data schema, their accepted values
  (from the JSON Schema and the vocabularies) and a hand-written meaning for each.
- ``config-settings``: every ``policy_*`` setting, from ``sphinx_policy/config.py``.
- ``warning-subtypes``: one table of every ``policy.<subtype>`` warning.
- ``law-catalog`` / ``authority-catalog``: the built-in catalogs.
- the JSON Schemas are published under ``schemas/`` (their ``$id``) after an HTML build.
- the documentation's own tables read like policy tables on a phone: stacked into
  label-value rows where the column is narrow (``StackDocsTables``).
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.directives.code import container_wrapper
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger("policy_docs")

# Linear-time patterns: no two adjacent repeated parts can match the same character (the
# text after the separator is stripped in code instead).
_KEY = re.compile(r"^(?P<key>[\w$.*-]+):(?:[ \t](?P<text>.*))?$")

# -- helpers -----------------------------------------------------------------------------


def _lit(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _join(items: list[list[nodes.Node]], sep: str = ", ") -> list[nodes.Node]:
    result: list[nodes.Node] = []
    for index, item in enumerate(items):
        if index:
            result.append(nodes.Text(sep))
        result.extend(item)
    return result


def _table(headers: list[str], rows: list[list[nodes.Element | list[nodes.Node]]],
           widths: list[int], classes: list[str] | None = None) -> nodes.table:
    table = nodes.table(classes=["docs-table", *(classes or [])])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += nodes.entry("", nodes.paragraph(header, header))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, nodes.Element):
                entry += cell
            elif cell and all(isinstance(c, nodes.Body) for c in cell):
                entry.extend(cell)  # paragraphs and lists from MyST text
            else:
                entry += nodes.paragraph("", "", *cell)  # inline nodes
            row += entry
        body += row
    return table


class _MarkdownCells(SphinxDirective):
    """Base: hand-written MyST text in table cells, from a ``key: text`` body."""

    def cell(self, text: str) -> list[nodes.Node]:
        """The body elements (paragraphs, lists) of a short MyST text."""
        holder = nodes.container()
        lines = StringList(str(text).strip().splitlines(), source=self.get_source_info()[0])
        self.state.nested_parse(lines, self.content_offset, holder)
        return list(holder.children)

    def body_mapping(self, text: str | None = None) -> dict[str, str]:
        """Parse ``key: text`` entries; continuation lines are indented. Plain text, not
        YAML, so that prose may contain colons and quotes freely."""
        lines = (text if text is not None else "\n".join(self.content)).splitlines()
        entries: dict[str, list[str]] = {}
        current = None
        for line in lines:
            match = _KEY.match(line)
            if match:
                current = match["key"]
                if current in entries:
                    raise self.error(f"{self.name}: {current!r} appears twice")
                entries[current] = [(match["text"] or "").lstrip(" \t")]
            elif current is not None:
                entries[current].append(line)
            elif line.strip():
                raise self.error(f"{self.name}: expected 'key: text', got {line!r}")
        return {key: (first + "\n" + textwrap.dedent("\n".join(rest))).strip()
                for key, (first, *rest) in entries.items()}

    def out_of_step(self, message: str) -> None:
        logger.warning(f"{self.name}: {message}", location=self.get_location())


# -- docs-example ------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<args>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):(?:\s(?P<value>.*))?$")
_ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<text>[^`]+)`")


def myst_to_colon(lines: list[str]) -> list[str]:
    """The same directive written with a colon fence (``:::{name}``)."""
    out = []
    for line in lines:
        match = _FENCE.match(line)
        if match and match["fence"].startswith("`"):
            args = f" {match['args'].strip()}" if match["args"].strip() else ""
            out.append(":::{" + match["name"] + "}" + args)
        elif re.fullmatch(r"`{3,}", line.strip()):
            out.append(":::")
        else:
            out.append(line)
    return out


def myst_to_rst(lines: list[str]) -> list[str]:
    """The same snippet in reStructuredText: directives and ``{role}`` roles."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            out.append(_ROLE.sub(lambda m: f":{m['name']}:`{m['text']}`", lines[index]))
            index += 1
            continue
        fence = match["fence"]
        args = match["args"].strip()
        out.append(f".. {match['name']}::" + (f" {args}" if args else ""))
        index += 1
        body: list[str] = []
        in_options = True
        while index < len(lines) and lines[index].strip() != fence:
            line = lines[index]
            if in_options and _OPTION.match(line):
                out.append("   " + line)
            else:
                if in_options and line.strip():
                    body.append("")
                in_options = False
                body.append(line)
            index += 1
        index += 1  # the closing fence
        while body and not body[0].strip():
            body.pop(0)
        if body:
            out.append("")
            out.extend(("   " + line) if line.strip() else "" for line in body)
    return out


class DocsExample(SphinxDirective):
    """Show a MyST snippet in both MyST fences and in rST, then render it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"no-colon": directives.flag}

    def run(self) -> list[nodes.Node]:
        source = list(self.content)
        is_directive = any(_FENCE.match(line) for line in source)
        variants = [("MyST Markdown", "markdown", source)]
        if is_directive and "no-colon" not in self.options:
            variants.append(("MyST Markdown, colon fence", "markdown", myst_to_colon(source)))
        variants.append(("reStructuredText", "rst", myst_to_rst(source)))
        outer = nodes.container(classes=["docs-example"])
        for caption, language, lines in variants:
            text = "\n".join(lines)
            block = nodes.literal_block(text, text, language=language)
            self.set_source_info(block)
            outer += container_wrapper(self, block, caption)
        label = "Renders as:"
        outer += nodes.paragraph(label, "", nodes.emphasis(label, label),
                                 classes=["docs-example-label"])
        result = nodes.container(classes=["docs-example-result"])
        self.state.nested_parse(self.content, self.content_offset, result)
        outer += result
        return [outer]


# -- schema-keys ---------------------------------------------------------------------------

#: $defs that have their own section on the data-model page (label: data-<name>),
#: with the section's title.
SECTION_DEFS = {
    "organisation": "organisation", "office": "offices", "officer": "officers",
    "recipient": "recipients", "cookie": "cookies", "activity": "processing",
    "jurisdiction": "jurisdictions", "rights": "rights", "authority": "authorities",
}
SCALAR_DEFS = {
    "text": "text",
    "url": "a web address starting with https:// or http://",
    "email": "an email address",
    "phone": "a phone number: digits, spaces and + ( ) . / -",
    "id": "an identifier: letters, digits, -, _ and . (starting with a letter or digit)",
    "address": "a list of lines, or one text with a line per address line",
    "date": "a date, YYYY-MM-DD",
    "text_or_list": "text, or a list of texts",
}


def _schema() -> dict[str, Any]:
    from sphinx_policy.data.validate import schema

    return schema()


def _resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name, _schema()["$defs"][name]
    return None, node


def _alias_groups(values: list[str], aliases: dict[str, str]) -> list[list[nodes.Node]]:
    canonical: dict[str, list[str]] = {}
    for value in values:
        canonical.setdefault(aliases[value.lower()], [])
    for value in values:
        target = aliases[value.lower()]
        if value != target:
            canonical[target].append(value)
    items = []
    for value, others in canonical.items():
        item: list[nodes.Node] = [_lit(value)]
        if others:
            item.append(nodes.Text(" (aliases: "))
            item.extend(_join([[_lit(o)] for o in others]))
            item.append(nodes.Text(")"))
        items.append(item)
    return items


def _section_ref(name: str) -> nodes.Node:
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=f"data-{name}",
                                refexplicit=True, refwarn=True)
    ref += nodes.inline(SECTION_DEFS[name], SECTION_DEFS[name])
    return ref


def describe(node: dict[str, Any]) -> list[nodes.Node]:
    """What a schema node accepts, in words (with links to other sections)."""
    from sphinx_policy.data.vocabulary import CATEGORY_ALIASES, ROLE_ALIASES, STORAGE_ALIASES

    name, node = _resolve(node)
    if name in SECTION_DEFS:
        return [nodes.Text("a mapping: see "), _section_ref(name)]
    if name in SCALAR_DEFS:
        return [nodes.Text(SCALAR_DEFS[name])]
    if "enum" in node:
        values = node["enum"]
        if all(isinstance(v, str) for v in values):
            lowered = {str(v).lower() for v in values}
            storage = {**STORAGE_ALIASES, "localstorage": "localStorage"}
            if lowered <= set(CATEGORY_ALIASES):
                return [nodes.Text("one of "), *_join(_alias_groups(values, CATEGORY_ALIASES))]
            if lowered <= set(storage) and len(values) > 3:
                aliases = {k: v for k, v in storage.items()}
                aliases.update({v.lower(): v for v in storage.values()})
                return [nodes.Text("one of "), *_join(_alias_groups(values, aliases))]
            if set(ROLE_ALIASES) <= set(values):
                roles = {v: ROLE_ALIASES.get(v, v) for v in values}
                return [nodes.Text("one of "), *_join(_alias_groups(values, roles))]
        return [nodes.Text("one of "),
                *_join([[_lit(yaml.safe_dump(v).strip().removesuffix("...").strip())]
                        for v in values])]
    if "oneOf" in node:
        parts = [describe(option) for option in node["oneOf"]]
        if len(parts) == 2 and node["oneOf"][1].get("additionalProperties") == node["oneOf"][0]:
            return [*parts[0], nodes.Text("; or a mapping of law to one of these")]
        return _join(parts, "; or ")
    kind = node.get("type")
    if isinstance(kind, list):
        return [nodes.Text(" or ".join({"string": "text", "number": "a number"}.get(k, k)
                                       for k in kind))]
    if kind == "string":
        if node.get("format") == "date":
            return [nodes.Text("a date, YYYY-MM-DD")]
        if "ISO 8601 duration" in node.get("description", ""):
            ref = addnodes.pending_xref("", refdomain="std", reftype="ref",
                                        reftarget="data-durations", refexplicit=True,
                                        refwarn=True)
            ref += nodes.inline("durations", "durations")
            return [nodes.Text("a duration (P2Y, PT30M), "), _lit("session"), nodes.Text(", "),
                    _lit("persistent"), nodes.Text(" or a sentence: see "), ref]
        return [nodes.Text("text")]
    if kind == "boolean":
        return [_lit("true"), nodes.Text(" or "), _lit("false")]
    if kind == "array":
        item_name, _ = _resolve(node.get("items", {}))
        if item_name == "jurisdiction":
            return [nodes.Text("a list of law ids or aliases, or mappings: see "),
                    _section_ref(item_name)]
        if item_name in SECTION_DEFS:
            return [nodes.Text("a list of mappings: see "), _section_ref(item_name)]
        if item_name == "id":
            return [nodes.Text("a list of identifiers (letters, digits, -, _ and .)")]
        _, items = _resolve(node.get("items", {}))
        if items.get("type") == "object":
            return [nodes.Text("a list of mappings (keys below)")]
        return [nodes.Text("a list of "), *describe(node.get("items", {}))]
    if kind == "object":
        extra = node.get("additionalProperties")
        if node.get("properties"):
            return [nodes.Text("a mapping (keys below)")]
        if isinstance(extra, dict):
            inner = extra.get("additionalProperties")
            if isinstance(inner, dict) and inner.get("properties"):
                return [nodes.Text("a mapping: law id → right id → mapping (keys below)")]
            return [nodes.Text("a mapping of names to "), *describe(extra)]
        return [nodes.Text("a mapping")]
    return [nodes.Text("any value")]


def schema_object(path: str) -> dict[str, Any]:
    """The object schema at ``path``: ``root``, a $defs name, then ``.key`` / ``.*`` steps."""
    steps = path.split(".")
    root = _schema()
    node: dict[str, Any] = root if steps[0] == "root" else root["$defs"][steps[0]]
    for step in steps[1:]:
        _, node = _resolve(node)
        node = node["additionalProperties"] if step == "*" else node["properties"][step]
        _, node = _resolve(node)
        while True:
            if node.get("type") == "array":
                _, node = _resolve(node["items"])
            elif "oneOf" in node:
                node = next(o for o in node["oneOf"] if o.get("type") == "object")
            else:
                break
    while "oneOf" in node:
        node = next(o for o in node["oneOf"] if o.get("type") == "object")
    _, node = _resolve(node)
    return node


class SchemaKeys(_MarkdownCells):
    """Table of the keys of one schema object, with a hand-written meaning per key.

    Argument: ``root``, a ``$defs`` name, optionally followed by ``.key`` steps
    (``organisation.registration``, ``rights.laws.*.*``). Body: YAML, key -> meaning
    (MyST Markdown). A key missing from the body, or a body key that the schema does not
    have, is a warning: the page and the schema never drift apart.
    """

    has_content = True
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = self.arguments[0]
        try:
            node = schema_object(path)
        except (KeyError, StopIteration):
            raise self.error(f"schema-keys: no object {path!r} in the schema") from None
        meanings = self.body_mapping()
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        for key in properties:
            if key not in meanings and key != "$schema":
                self.out_of_step(f"the schema key {path}.{key} is not documented")
        for key in meanings:
            if key not in properties:
                self.out_of_step(f"{path}.{key} is documented but not in the schema")
        rows = []
        for key, spec in properties.items():
            if key not in meanings:
                continue
            key_cell: list[nodes.Node] = [_lit(key)]
            if key in required:
                key_cell += [nodes.Text(" "), nodes.strong("required", "required")]
            rows.append([key_cell, describe(spec), self.cell(meanings[key])])
        table = _table(["Key", "Accepted values", "Meaning"], rows, [22, 33, 45],
                       ["docs-schema-table"])
        self.set_source_info(table)
        return [table]


# -- config-settings -----------------------------------------------------------------------


class ConfigSettings(_MarkdownCells):
    """Every ``policy_*`` setting: name, type, default and the comment in config.py."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        from typing import get_type_hints

        from sphinx.pycode import ModuleAnalyzer

        from sphinx_policy.config import PolicyConfig, _default

        docs = ModuleAnalyzer.for_module("sphinx_policy.config").find_attr_docs()
        notes = self.body_mapping()
        hints = get_type_hints(PolicyConfig)
        rows = []
        names = set()
        for field in dataclasses.fields(PolicyConfig):
            names.add(field.name)
            comment = " ".join(line.strip() for line in docs.get(("PolicyConfig", field.name), []))
            text = comment + ("\n\n" + notes[field.name] if field.name in notes else "")
            kind = str(hints[field.name]).replace("<class '", "").replace("'>", "")
            rows.append([
                [_lit(f"policy_{field.name}")],
                [_lit(kind)],
                [_lit(repr(_default(field)))],
                self.cell(text),
            ])
        for key in notes:
            if key not in names:
                self.out_of_step(f"a note for policy_{key}, which config.py does not define")
        table = _table(["Setting", "Type", "Default", "Meaning"], rows, [28, 10, 16, 46])
        self.set_source_info(table)
        return [table]


# -- warning-subtypes ----------------------------------------------------------------------


class WarningSubtypes(_MarkdownCells):
    """One table of every warning subtype; body: YAML subtype -> {when, example, fix}."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        from sphinx_policy.diagnostics import WARNING_TYPE, Subtype

        entries = {k: self.body_mapping(v) for k, v in self.body_mapping().items()}
        known = [s.value for s in Subtype]
        for subtype in known:
            if subtype not in entries:
                self.out_of_step(f"the subtype {WARNING_TYPE}.{subtype} is not documented")
        for subtype in entries:
            if subtype not in known:
                self.out_of_step(f"{subtype!r} is documented, but diagnostics.py has no "
                                 "such subtype")
        rows = []
        for subtype in known:
            entry = entries.get(subtype)
            if not entry:
                continue
            example = nodes.literal_block(entry["example"], entry["example"])
            example["language"] = "text"
            example_cell = nodes.container("", example)
            name = f"{WARNING_TYPE}.{subtype}"
            rows.append([
                [_lit(name)],
                self.cell(entry["when"]),
                example_cell,
                self.cell(entry["fix"]),
                [_lit(f'suppress_warnings = ["{name}"]')],
            ])
        table = _table(["Warning", "When it fires", "Example message", "How to fix", "Suppress"],
                       rows, [18, 22, 30, 20, 20], ["docs-warnings-table"])
        self.set_source_info(table)
        return [table]


# -- catalogs ------------------------------------------------------------------------------


def _day(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def _verification(entry: Any) -> list[nodes.Node]:
    """When and against what an entry was checked: the date (or "not verified"), the
    keys that check left out, links to its sources and the note saying what was checked."""
    if entry.verified_on is None:
        head: list[nodes.Node] = [nodes.strong("not verified", "not verified")]
    else:
        head = [nodes.Text(entry.verified_on.isoformat())]
    if entry.unverified:
        head.append(nodes.Text(" (not: "))
        head.extend(_join([[_lit(key)] for key in entry.unverified]))
        head.append(nodes.Text(")"))
    cell: list[nodes.Node] = [nodes.paragraph("", "", *head)]
    if entry.source:
        links: list[list[nodes.Node]] = [
            [nodes.reference(url, f"source {i}" if len(entry.source) > 1 else "source",
                             refuri=url)] for i, url in enumerate(entry.source, 1)]
        cell.append(nodes.paragraph("", "", *_join(links)))
    if entry.verification_note:
        cell.append(nodes.paragraph(entry.verification_note, entry.verification_note,
                                    classes=["docs-verification-note"]))
    return cell


def _changes(entry: Any) -> list[nodes.Node]:
    """The dated changes of an entry, one paragraph each ("From 5 February 2026: ...")."""
    result: list[nodes.Node] = []
    for change in entry.changes:
        when = (f"From {_day(change.valid_from)}" if change.valid_from
                else "Pending, not shown until its date is known")
        text = f"{when}: " + "; ".join(f"{key}: {value}" for key, value in change.values)
        result.append(nodes.paragraph(text, "", nodes.emphasis(text, text)))
        if change.pending:
            result.append(nodes.paragraph(change.pending, change.pending,
                                          classes=["docs-verification-note"]))
    return result


class LawCatalog(SphinxDirective):
    """The built-in laws: one table of laws, or (with an argument) the rights of one law,
    with the dates they apply, their dated changes, and where and when each was checked."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        from sphinx_policy.catalogs import load_authorities, load_laws

        laws = load_laws()
        if not self.arguments:
            rows = []
            for law in laws.values():
                authority = load_authorities()[law.authority]
                rows.append([
                    [_lit(law.id)],
                    [nodes.Text(f"{law.name} ({law.short_name})")],
                    [nodes.Text(law.region)],
                    _join([[_lit(a)] for a in law.aliases]),
                    [_lit(authority.id)],
                ])
            table = _table(["Id", "Law", "Region", "Aliases", "Authority"], rows,
                           [10, 40, 20, 20, 12])
            self.set_source_info(table)
            return [table]
        law = laws.get(self.arguments[0])
        if law is None:
            raise self.error(f"law-catalog: no law {self.arguments[0]!r}")
        rows = []
        for right in law.rights:
            title: list[nodes.Node] = [nodes.Text(right.title)]
            if right.id == law.complaint_right:
                title.append(nodes.Text(" (the complaint right: shown with the authority)"))
            description: list[nodes.Node] = [nodes.paragraph(right.description,
                                                             right.description)]
            span = [f"from {_day(right.valid_from)}" if right.valid_from else "",
                    f"until {_day(right.valid_until)}" if right.valid_until else ""]
            if any(span):
                text = "In force " + " ".join(filter(None, span)) + "."
                description.append(nodes.paragraph(text, "", nodes.strong(text, text)))
            description.extend(_changes(right))
            rows.append([[_lit(right.id)], title, [nodes.Text(right.citation)], description,
                         _verification(right)])
        table = _table(["Right id", "Title", "Citation", "Description", "Verified"], rows,
                       [14, 16, 12, 34, 24], ["docs-catalog-table"])
        self.set_source_info(table)
        return [table]


class AuthorityCatalog(SphinxDirective):
    """The built-in supervisory authorities, with their dated changes, and when and
    against what each was verified."""

    def run(self) -> list[nodes.Node]:
        from sphinx_policy.catalogs import load_authorities, load_laws

        rows = []
        for authority in load_authorities().values():
            used_by = [law.id for law in load_laws().values() if law.authority == authority.id]
            contact: list[list[nodes.Node]] = []
            for label, value in (("web", authority.website),
                                 ("complaints", authority.complaint_url),
                                 ("complaints by email", authority.complaint_email),
                                 ("email", authority.email), ("phone", authority.phone)):
                if value:
                    contact.append([nodes.Text(f"{label}: "), _lit(value)])
            name: list[nodes.Node] = [nodes.paragraph(authority.name, authority.name)]
            name.extend(_changes(authority))
            rows.append([
                [_lit(authority.id)],
                name,
                _join([[_lit(u)] for u in used_by]) or [nodes.Text("-")],
                _join(contact, "; "),
                _verification(authority),
            ])
        table = _table(["Id", "Name", "Default for", "Contact", "Verified"], rows,
                       [12, 22, 10, 30, 26], ["docs-catalog-table"])
        self.set_source_info(table)
        return [table]


class DisclosureCatalog(SphinxDirective):
    """The required disclosures of one law (``catalogs/disclosures/<law>.yaml``): each
    item's id, citation, what it requires, the data that meets it, and where and when it
    was checked."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from types import SimpleNamespace

        from sphinx_policy.catalogs.requirements import load_requirements
        from sphinx_policy.disclosures.evaluate import data_key

        items = load_requirements().get(self.arguments[0])
        if items is None:
            raise self.error(f"disclosure-catalog: no law {self.arguments[0]!r}")
        rows = []
        for item in items:
            requires = item.requires[:1].upper() + item.requires[1:]
            if item.when:
                requires += f" (asked when: {item.when})"
            provenance = SimpleNamespace(verified_on=item.verified_on, unverified=(),
                                         source=[item.source],
                                         verification_note=item.verification_note)
            rows.append([[_lit(item.id)], [nodes.Text(item.citation)],
                         [nodes.paragraph(requires, requires)],
                         [nodes.Text(data_key(item.check))], _verification(provenance)])
        table = _table(["Id", "Citation", "Requires", "Met by", "Verified"], rows,
                       [12, 14, 30, 20, 24], ["docs-catalog-table"])
        self.set_source_info(table)
        return [table]


# -- example facts -------------------------------------------------------------------------


def check_example_facts(app: Any) -> None:
    """Each ``examples/<name>/seed-facts.yaml`` lists the facts of the seed policy the
    example was written from, by their path in the example's ``policy.yaml`` (or in the
    built-in catalogs, ``laws.`` and ``authorities.``). A path that leads nowhere is a
    warning here; ``tests/test_seed_facts.py`` checks how the page shows each fact.

    The files are read as sphinx-policy reads data files (safe, with its limits); a file
    that cannot be read or has the wrong shape is a warning, never a traceback.
    """
    from sphinx_policy.directives.fact import lookup

    for listing in sorted(Path(app.srcdir).glob("examples/*/seed-facts.yaml")):
        policy_file = listing.with_name("policy.yaml")
        listing_part, policy_part = _read_example(listing), _read_example(policy_file)
        if listing_part is None or policy_part is None:
            continue
        facts = listing_part.data.get("facts") if isinstance(listing_part.data, dict) else None
        if not isinstance(facts, list):
            _example_warning("data", f"{listing.name} has no 'facts' list of the seed's facts",
                             listing_part, ("facts",))
            continue
        if not isinstance(policy_part.data, dict):
            _example_warning("data", f"{policy_file.name} must be a mapping of sections, not "
                             f"{type(policy_part.data).__name__}", policy_part, ())
            continue
        for index, fact in enumerate(facts):
            path = fact.get("path") if isinstance(fact, dict) else None
            if not isinstance(path, str):
                _example_warning("data", f"{listing.name}: each fact is a mapping with a "
                                 "'path'", listing_part, ("facts", index))
                continue
            if path.startswith(("laws.", "authorities.")):
                continue  # the catalogs: the test renders them
            found, _ = lookup(policy_part.data, path)
            if found is None:
                _example_warning("reference", f"the seed fact {path!r} has no value in "
                                 f"{policy_file.name}", listing_part, ("facts", index))


def _read_example(path: Path) -> Any:
    """The parsed file (``ParsedData``), or None after a warning."""
    from sphinx_policy.data.parse import DataSyntaxError, parse_data
    from sphinx_policy.diagnostics import warn

    try:
        raw = path.read_bytes()
    except OSError as err:
        warn("file", f"cannot compare the example facts: {path.name} cannot be read "
             f"({err.strerror or err})", location=f"{path}:1")
        return None
    try:
        return parse_data(raw, str(path), "yaml")
    except DataSyntaxError as err:
        warn("syntax", f"cannot compare the example facts: {err}",
             location=f"{path}:{err.line or 1}")
        return None


def _example_warning(subtype: str, message: str, part: Any, path: tuple[Any, ...]) -> None:
    from sphinx_policy.diagnostics import warn

    warn(subtype, message, location=f"{part.location}:{part.line_of(path)}")


def check_accepted_values(app: Any) -> None:
    """The accepted values in data-model.md's source are generated from the code: a stale
    block fails the ``-W`` build (run ``python docs/_ext/accepted_values.py``)."""
    import accepted_values

    text = accepted_values.PAGE.read_text("utf-8")
    found = accepted_values.current(text)
    if found is None or found != accepted_values.generate():
        logger.warning("the accepted values are out of date or their markers are missing; "
                       "run python docs/_ext/accepted_values.py",
                       location=f"{accepted_values.PAGE}:1")


def publish_schemas(app: Any, exception: Exception | None) -> None:
    """The JSON Schemas at the addresses their ``$id`` names (``<docs>/schemas/``), where
    editors (the YAML language server) fetch them."""
    if exception is not None or app.builder.format != "html":
        return
    from sphinx_policy.cli.schema import SCHEMAS, schema_text

    folder = Path(app.outdir) / "schemas"
    folder.mkdir(parents=True, exist_ok=True)
    for package, subfolder, name in SCHEMAS:
        (folder / name).write_text(schema_text(package, subfolder, name), "utf-8")


class StackDocsTables(SphinxPostTransform):
    """The docs' own tables get the layout sphinx-policy gives policy tables (label-value
    rows in a narrow column, no sideways scroll on a phone): each table is marked as a
    policy table, in a ``policy`` container, which the package's stylesheet styles."""

    default_priority = 199  # before sphinx-policy's own marking of wide tables (200)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if "policy-table" in table["classes"] or not list(table.findall(nodes.thead)):
                continue
            table["classes"].append("policy-table")
            wrapper = nodes.container(classes=["policy", "docs-table-wrapper"])
            table.replace_self(wrapper)
            wrapper.append(table)


def setup(app: Any) -> None:
    app.add_post_transform(StackDocsTables)
    app.connect("builder-inited", check_example_facts)
    app.connect("builder-inited", check_accepted_values)
    app.connect("build-finished", publish_schemas)
    app.add_directive("docs-example", DocsExample)
    app.add_directive("schema-keys", SchemaKeys)
    app.add_directive("config-settings", ConfigSettings)
    app.add_directive("warning-subtypes", WarningSubtypes)
    app.add_directive("law-catalog", LawCatalog)
    app.add_directive("authority-catalog", AuthorityCatalog)
    app.add_directive("disclosure-catalog", DisclosureCatalog)
