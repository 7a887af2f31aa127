"""The base of every data-driven directive: where its data comes from, and its warnings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import OptionSpec

from ..data.loading import already_read, read_part
from ..data.model import PolicyData, build_policy_data
from ..data.parse import ParsedData, parse_data
from ..data.source import DataFileError, WorkingTreeSource
from ..data.validate import Problem, suggest
from ..diagnostics import Subtype, warn
from ..state.data import (
    current_source,
    directive_relpath,
    inside_project,
    note_data_files,
    note_read_dependencies,
    page_data,
    project_data,
)
from .nodes_util import split_list

#: Attributes of a directive's container that name the built-in laws and authorities it
#: shows (``sphinx-policy check`` reads them for its catalog report).
SHOWN_LAWS = "policy_laws"
SHOWN_AUTHORITIES = "policy_authorities"


class DataDirective(SphinxDirective):
    """A directive that renders facts from the project data, a ``:file:`` and/or its body.

    Subclasses set ``sections`` (the data sections they read, for dependency tracking)
    and ``body_section`` (where a bare YAML list in the body goes, e.g. ``cookies``).
    """

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = {
        "file": directives.unchanged_required,
        "class": directives.class_option,
    }
    sections: ClassVar[tuple[str, ...]] = ()
    body_section: ClassVar[str | None] = None

    def policy_data(self) -> PolicyData:
        """Merge project data, the page's ``policy-data`` files, ``:file:`` and body;
        report the problems new to this directive; note dependencies."""
        loaded = project_data(self.env)
        page = page_data(self.env)
        parts: list[tuple[ParsedData, str | None]] = [*loaded.parts, *page.parts]
        problems: list[Problem] = []
        file = None
        if "file" in self.options:
            relpath = directive_relpath(self.env.docname, self.options["file"])
            file = inside_project(relpath)
            source = current_source(self.env)
            # A file the project or the page reads already is not read twice (its rows
            # would show twice, each "declared twice" at the same line).
            if file is None or not already_read(source, file, parts):
                part = read_part(source, file or relpath, problems)
                if part is not None:
                    parts.append((part, file))
        if self.content:
            part = self._body_part(problems)
            if part is not None:
                parts.append((part, None))
        data = page.data or loaded.data
        if len(parts) > len(loaded.parts) + len(page.parts):
            data, all_problems = build_policy_data(parts)
            known = set(loaded.problems) | set(page.problems)
            problems.extend(p for p in all_problems if p not in known)
        for problem in problems:
            location = problem.where()
            if problem.subtype == "file" and problem.line is None:
                location = self.get_location()  # point at the directive naming the file
            warn(problem.subtype, problem.message, location=location)
        if isinstance(current_source(self.env), WorkingTreeSource):
            used = data.files_for(self.sections)
            note_read_dependencies(self.env, loaded.files)
            if file is not None:
                used.add(file)
                note_read_dependencies(self.env, [file])  # also while it does not exist yet
            note_data_files(self.env, {f for f in used if (self.env.srcdir / f).is_file()})
        return data

    def _body_source(self) -> tuple[str, int]:
        """The file holding the body and the 1-based line of the body's first line there."""
        known_source, known_line = self.get_source_info()
        # Either can be unknown (Sphinx 9.2 types them optional: a directive in generated
        # content has no file of its own): then the page itself and the directive's line.
        source = known_source or str(self.env.doc2path(self.env.docname))
        line = known_line if known_line is not None else self.lineno
        if type(self.state).__module__.startswith("myst_parser."):
            # MyST: content_offset counts the lines from the fence to the body.
            return source, line + self.content_offset + 1
        if self.content.items:
            # reStructuredText: each line knows its own file (include: a path docutils
            # made relative to the working directory) and its 0-based offset there.
            body_source, offset = self.content.items[0]
            return (os.path.abspath(body_source) if body_source else source), offset + 1
        return source, self.content_offset + 1

    def _body_part(self, problems: list[Problem]) -> ParsedData | None:
        text = "\n".join(self.content)
        source, first_line = self._body_source()
        try:
            part = parse_data(text.encode("utf-8"), source, "yaml", first_line=first_line)
        except DataFileError as err:  # DataSyntaxError carries the line inside the body
            body_line = getattr(err, "line", None)
            problems.append(Problem(
                "syntax", f"in the body of {self.name}: {err}", source,
                first_line + body_line - 1 if body_line else first_line,
            ))
            return None
        if isinstance(part.data, list) and self.body_section:
            part.data = {self.body_section: part.data}
            part.lines = {(self.body_section, *k): v for k, v in part.lines.items()}
        return part

    # -- options -------------------------------------------------------------------
    def choices(self, option: str, accepted: dict[str, str] | tuple[str, ...]) -> list[str]:
        """Parse a list option; warn about values not in ``accepted`` (aliases map to ids)."""
        values = []
        mapping = accepted if isinstance(accepted, dict) else {a: a for a in accepted}
        for raw in split_list(self.options.get(option, "")):
            value = mapping.get(raw.lower(), mapping.get(raw))
            if value is None:
                self.option_warning(option, raw, sorted(set(mapping.values())))
                continue
            values.append(value)
        return values

    def option_warning(self, option: str, value: str, accepted: list[str]) -> None:
        warn(
            Subtype.OPTION,
            f"{self.name}: {value!r} is not accepted for :{option}:{suggest(value, accepted)} "
            f"Accepted: {', '.join(accepted) or 'none'}",
            location=self.get_location(),
        )

    def wrap(self, children: Sequence[nodes.Node], kind: str, *, laws: Sequence[str] = (),
             authorities: Sequence[str] = ()) -> list[nodes.Node]:
        """Put the output in a container that carries the directive's classes (and the
        catalog laws and authorities it shows)."""
        classes = ["policy", f"policy-{kind}", *self.options.get("class", [])]
        container = nodes.container(classes=classes)
        if laws:
            container[SHOWN_LAWS] = list(laws)
        if authorities:
            container[SHOWN_AUTHORITIES] = list(authorities)
        container.extend(children)
        self.set_source_info(container)
        for node in container.findall(nodes.TextElement):
            if not node.source:
                node.source, node.line = self.get_source_info()
        return [container]
