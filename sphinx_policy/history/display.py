"""``last-updated`` and ``effective-date``: dates in the page body, where policies show them.

The directive/role leave a placeholder at read time; it is filled at
``doctree-resolved`` (as ``sphinx.ext.todo`` does), so a new commit only re-writes a
page, never re-reads it. HTML gets ``<time datetime="…">``; other builders plain text.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.typing import OptionSpec

from ..diagnostics import Subtype, warn
from ..locale import N_, Labels, _
from ..state.domain import archived_revision, settings
from ..state.placeholders import add_placeholder
from .dates import (
    effective_date,
    effective_date_problem,
    format_for_readers,
    front_matter_problem,
    iso,
)
from .page_dates import page_date

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

KINDS = ("updated", "effective")
LABELS = Labels({"updated": N_("Last updated:"), "effective": N_("Effective date:")})


class policy_date(nodes.Inline, nodes.TextElement):
    """Placeholder for a page's date; attributes ``kind``, ``docname``, ``fmt``."""


class policy_time(nodes.Inline, nodes.TextElement):
    """``<time datetime="…">`` in HTML."""


def visit_time(self: HTML5Translator, node: policy_time) -> None:
    self.body.append(
        self.starttag(node, "time", "", datetime=node["datetime"], CLASS="policy-date")
    )


def depart_time(self: HTML5Translator, node: policy_time) -> None:
    self.body.append("</time>")


def _placeholder(kind: str, docname: str, fmt: str | None) -> policy_date:
    return policy_date("", "", kind=kind, docname=docname, fmt=fmt or "")


class DateDirective(SphinxDirective):
    """``last-updated`` / ``effective-date``: a paragraph "Last updated: 24 March 2026"."""

    kind: ClassVar[str] = "updated"
    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "format": directives.unchanged,
        "label": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        label = self.options.get("label", str(LABELS[self.kind]))
        paragraph = nodes.paragraph(
            classes=["policy-date-line", f"policy-{self.kind}", *self.options.get("class", [])]
        )
        if label:
            paragraph += nodes.inline(label, label, classes=["policy-date-label"])
            paragraph += nodes.Text(" ")
        paragraph += _placeholder(self.kind, self.env.docname, self.options.get("format"))
        self.set_source_info(paragraph)
        return [paragraph]


class EffectiveDateDirective(DateDirective):
    kind = "effective"


class DateRole(SphinxRole):
    """``{last-updated}`date``` / ``{effective-date}`date```.

    MyST and rST roles need some text: a text containing ``%`` is a strftime format
    (``{last-updated}`%d %B %Y```), any other text (``date``) means the default format.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        fmt = self.text.strip() if "%" in self.text else None
        return [_placeholder(self.kind, self.env.docname, fmt)], []


def _render(app: Sphinx, node: policy_date) -> tuple[str, str] | None:
    """(text, machine-readable value) for the placeholder, or None when unknown."""
    env, config = app.env, app.config
    fmt = node["fmt"] or config.html_last_updated_fmt or None
    language = config.language
    if node["kind"] == "updated":
        revision = archived_revision(env)  # inside an archived version: that revision's date
        date = page_date(env, node["docname"])
        timestamp = revision.timestamp if revision else (date.timestamp if date else None)
        if timestamp is None:
            return None
        tz = settings(env).timezone
        return format_for_readers(timestamp, tz, fmt, language), iso(timestamp, tz)
    value = effective_date(env.metadata.get(node["docname"], {}))
    if not isinstance(value, dt.date):
        return None
    moment = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return format_for_readers(int(moment.timestamp()), "UTC", fmt, language), value.isoformat()


def fill_dates(app: Sphinx, docname: str, found: list[policy_date]) -> None:
    """Replace the page's date placeholders (see :mod:`..state.placeholders`)."""
    html = app.builder.format == "html"
    for node in found:
        rendered = _render(app, node)
        if rendered is None:
            text = str(_("date unknown")) if node["kind"] == "updated" else str(_("not set"))
            node.replace_self(
                nodes.inline(text, text, classes=["policy-date", "policy-date-unknown"])
            )
            continue
        text, machine = rendered
        if html:
            node.replace_self(policy_time(text, text, datetime=machine))
        else:
            node.replace_self(nodes.inline(text, text, classes=["policy-date"]))


def check_effective_dates(app: Sphinx, env: object) -> None:
    """Warn about a front-matter effective date that is not a date (env-check-consistency)."""
    for docname, metadata in app.env.metadata.items():
        problem = effective_date_problem(metadata)
        if problem is not None:
            warn(Subtype.DATA, problem, location=(docname, 1))


def check_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: a Markdown page's front matter that is not YAML, with the reason."""
    if not source[0].lstrip().startswith("---"):
        return  # no front matter (its first line is "---"): the common case, decided first
    suffix = app.env.doc2path(docname).suffix
    if app.config.source_suffix.get(suffix) != "markdown":
        return
    found = front_matter_problem(source[0])
    if found is not None:
        line, message = found
        warn(Subtype.DATA, message, location=(docname, line))


def setup_display(app: Sphinx) -> None:
    add_placeholder(app, policy_date, fill_dates)
    app.add_node(policy_time, html=(visit_time, depart_time))
    app.add_directive("last-updated", DateDirective)
    app.add_directive("effective-date", EffectiveDateDirective)
    app.add_role("last-updated", DateRole("updated"))
    app.add_role("effective-date", DateRole("effective"))
    app.connect("env-check-consistency", check_effective_dates)
    app.connect("source-read", check_front_matter)
