"""``policy-data``: data files for one page, read by every directive and role after it.

A site with several policies (or several organisations) keeps each page's facts in its
own files: ``policy-data`` declares them once at the top of the page, and the tables,
contact blocks and ``{policy}`` facts below read them, merged over ``policy_data_files``.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import OptionSpec

from ..data.source import WorkingTreeSource
from ..diagnostics import warn
from ..state.data import (
    add_page_data,
    current_source,
    directive_relpath,
    inside_project,
    note_data_files,
    note_read_dependencies,
)
from .nodes_util import split_list


class PageDataDirective(SphinxDirective):
    """Arguments: data files, relative to the page (a leading '/' means the docs folder)."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        relpaths = []
        for name in split_list(self.arguments[0]):
            relpath = directive_relpath(self.env.docname, name)
            relpaths.append(inside_project(relpath) or relpath)
        for problem in add_page_data(self.env, relpaths):
            location = self.get_location() if problem.line is None else problem.where()
            warn(problem.subtype, problem.message, location=location)
        if isinstance(current_source(self.env), WorkingTreeSource):
            inside = [r for r in relpaths if inside_project(r)]
            note_read_dependencies(self.env, inside)
            note_data_files(self.env, {r for r in inside if (self.env.srcdir / r).is_file()})
        return []
