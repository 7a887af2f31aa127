"""Translations that lag behind their original: a notice on the page and a warning.

With Sphinx's gettext workflow (sphinx-intl), the translation of a page lives in
``<locale_dir>/<language>/LC_MESSAGES/<domain>.po`` (``<domain>`` is the docname with
``gettext_compact = False``). When a build in ``language`` finds that file for a page,
and the page's newest revision (its date, counting the data files it shows, as for
"Last updated") is newer on the first-parent chain than the newest revision of that
file, the page gets a visible notice at its top and the build a ``policy.translation``
warning. An uncommitted catalog, or a page without a known date, is left alone: there is
nothing reliable to compare.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from docutils import nodes
from sphinx.util.i18n import docname_to_domain

from ..diagnostics import Subtype, warn
from ..git.records import Commit
from ..locale import _
from ..state.domain import archived_revision, settings, state
from .dates import format_for_readers, representable
from .page_dates import newer_change, page_date, repositories

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

CLASS = "policy-translation-outdated"


class Outdated(NamedTuple):
    """A page whose translation is older than its original (plain, picklable)."""

    language: str
    catalog: str  # the .po, relative to the source folder
    source_timestamp: int
    translation_timestamp: int


def outdated_pages(env: BuildEnvironment) -> dict[str, Outdated]:
    return state(env, "outdated_translations")


def catalogs_of(app: Sphinx, docnames: list[str]) -> dict[str, Path]:
    """docname -> its translation catalog (.po) in the build's language, for the
    documents that have one. Each ``LC_MESSAGES`` folder is listed once (a build with a
    language but no translations looks at no file per document)."""
    language = app.config.language
    if not language:
        return {}
    srcdir = Path(app.srcdir)
    folders = []
    for locale_dir in app.config.locale_dirs:
        folder = srcdir / locale_dir / language / "LC_MESSAGES"
        try:
            with os.scandir(folder) as entries:
                names = {e.name for e in entries if e.name.endswith(".po") and e.is_file()}
        except OSError:
            continue  # no such folder: no catalogs there
        folders.append((folder, names))
    found: dict[str, Path] = {}
    if not folders:
        return found
    for docname in docnames:
        domain = docname_to_domain(docname, app.config.gettext_compact)
        for folder, names in folders:
            name = f"{domain}.po"
            # A domain with a slash (gettext_compact off) is in a subfolder.
            if name in names if "/" not in domain else (folder / name).is_file():
                found[docname] = folder / name
                break
    return found


def compare(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated (after the pages are dated): find outdated translations, warn, and
    return the pages whose notice appears or disappears (to re-write them)."""
    previous = dict(outdated_pages(env))
    current: dict[str, Outdated] = {}
    catalogs = {}
    if settings(app.env).git and app.builder.name != "gettext":
        catalogs = catalogs_of(app, sorted(env.found_docs))
    repos = repositories(app) if catalogs else None
    for docname, catalog in catalogs.items():
        date = page_date(env, docname)
        if date is None or date.timestamp is None or date.sha is None or repos is None:
            continue
        located = repos.locate(catalog.resolve())
        if located is None:
            continue
        index, rel = located
        unknown, revision = index.newest(rel)
        if unknown is not None or revision is None:  # e.g. the catalog is untracked or modified
            continue
        translated = revision.commit
        relcatalog = catalog.relative_to(Path(app.srcdir)).as_posix()
        if not representable(translated.timestamp):
            # No date to show in the notice or the warning: skip rather than guess one.
            shown = "none" if translated.timestamp < 0 else translated.timestamp
            warn(
                Subtype.GIT,
                f"the newest commit of {relcatalog} ({translated.sha[:12]}) has no date "
                f"that can be shown (git gives {shown}); whether the {app.config.language} "
                f"translation of {docname} is older than its original is not checked",
                location=docname,
            )
            continue
        if not representable(date.timestamp):
            continue  # the page's own bad date is reported where pages are dated
        if not newer_change(index, Commit(date.sha, (), date.timestamp, 0, ""),
                            index, Commit(translated.sha, (), translated.timestamp, 0, "")):
            continue
        current[docname] = Outdated(
            str(app.config.language), relcatalog, date.timestamp, translated.timestamp
        )
        tz = settings(app.env).timezone
        warn(
            Subtype.TRANSLATION,
            f"the {app.config.language} translation of {docname} is older than its "
            f"original: {relcatalog} last changed on {_day(translated.timestamp, tz)}, the "
            f"page (or the data it shows) on {_day(date.timestamp, tz)}. Update the "
            "translation (sphinx-build -b gettext, sphinx-intl update) and commit it",
            location=docname,
        )
    store = outdated_pages(env)
    store.clear()
    store.update(current)
    changed = {d for d in set(previous) | set(current) if previous.get(d) != current.get(d)}
    return sorted(changed & set(env.found_docs))


def _day(timestamp: int, timezone: str) -> str:
    return format_for_readers(timestamp, timezone, "%Y-%m-%d", None)


def notice(app: Sphinx, outdated: Outdated) -> nodes.container:
    config = app.config
    fmt = config.html_last_updated_fmt or None

    def date(timestamp: int) -> str:
        return format_for_readers(timestamp, settings(app.env).timezone, fmt, config.language)

    text = str(_(
        "This translation is older than the original, which was last changed on "
        "%(original)s (translation: %(translation)s). Where they differ, the original "
        "applies."
    )) % {"original": date(outdated.source_timestamp),
          "translation": date(outdated.translation_timestamp)}
    box = nodes.container(classes=[CLASS, "admonition", "attention"])
    box += nodes.paragraph(text, text)
    return box


def add_notice(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the notice at the top of the page, under its title."""
    outdated = outdated_pages(app.env).get(docname)
    if outdated is None or outdated.language != app.config.language:
        return
    if archived_revision(app.env) is not None:
        return  # an archived version is old on purpose
    box = notice(app, outdated)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, box)
    else:
        doctree.insert(0, box)


def setup_translations(app: Sphinx) -> None:
    # After history.page_dates's refresh_dates (priority 600), whose dates this compares.
    app.connect("env-updated", compare, priority=700)
    app.connect("doctree-resolved", add_notice)
