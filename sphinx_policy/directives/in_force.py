"""Which version of the legal catalogs a page shows: the one in force on the page's date.

A page's date is its effective date (front matter ``policy: {effective: YYYY-MM-DD}``);
an archived revision without one is dated by its commit; any other page by the build
date, which honours ``SOURCE_DATE_EPOCH`` as Sphinx does (a reproducible build shows the
same rights whenever it runs). Dates are days in ``policy_timezone``.

A page dated by the build date shows what is in force between two of the catalogs'
change dates (:func:`sphinx_policy.catalogs.change_dates`). That window is recorded per
page, and the page is read again once a build date falls outside it: an incremental
build on 1 January 2027 shows the rights that begin that day without ``-E``.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Set
from typing import TYPE_CHECKING

from docutils import nodes

from ..history.dates import effective_date
from ..state.domain import archived_revision, settings, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.docutils import SphinxDirective



def build_date(timezone: str) -> dt.date:
    """Today in ``timezone``, or the day of ``SOURCE_DATE_EPOCH`` when it is set."""
    zone = zoneinfo.ZoneInfo(timezone)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(float(epoch)), zone).date()
        except (ValueError, OverflowError, OSError):
            pass  # not a timestamp Python can date: today, as if it were unset
    return dt.datetime.now(zone).date()


def front_matter_effective(document: nodes.document) -> dt.date | None:
    """The effective date in the page's front matter, read from the document being parsed
    (the metadata collector has not run yet): the leading field list that MyST makes of
    the front matter, or the bibliographic fields of reStructuredText."""
    for node in document.children:
        if not isinstance(node, nodes.docinfo | nodes.field_list):
            continue
        for field in node.findall(nodes.field):
            if field[0].astext().strip() == "policy":
                value = effective_date({"policy": field[1].astext()})
                return value if isinstance(value, dt.date) else None
    return None


def catalog_day(directive: SphinxDirective) -> dt.date:
    """The day whose catalogs ``directive``'s page shows (see the module docstring)."""
    return page_catalog_day(directive.env, directive.state.document)


def page_catalog_day(env: BuildEnvironment, document: nodes.document) -> dt.date:
    """The day whose catalogs the page being parsed (``document``) shows: for directives
    and for the ``{policy}`` role alike."""
    effective = front_matter_effective(document)
    if effective is not None:
        return effective
    archived = archived_revision(env)
    if archived is not None:
        return archived.day
    day = build_date(settings(env).timezone)
    windows(env)[env.docname] = _window(day)
    return day


def _window(day: dt.date) -> tuple[str | None, str | None]:
    from ..catalogs import change_dates  # the catalogs only when a window is asked for

    dates = change_dates()
    first = max((d for d in dates if d <= day), default=None)
    last = min((d for d in dates if d > day), default=None)
    return (first.isoformat() if first else None, last.isoformat() if last else None)


def windows(env: BuildEnvironment) -> dict[str, tuple[str | None, str | None]]:
    """docname -> (first, last) ISO days of the build dates its output holds for (None:
    open-ended), for pages dated by the build date."""
    return state(env, "catalog_windows")


def _outdated_by_date(app: Sphinx, env: BuildEnvironment, added: Set[str],
                      changed: Set[str], removed: Set[str]) -> list[str]:
    """``env-get-outdated``: pages whose catalog window the build date has left."""
    stored = windows(env)
    if not stored:
        return []
    today = _window(build_date(settings(app.env).timezone))
    return sorted(docname for docname, window in stored.items()
                  if tuple(window) != today and docname in env.found_docs)



def setup_in_force(app: Sphinx) -> None:
    app.connect("env-get-outdated", _outdated_by_date)
