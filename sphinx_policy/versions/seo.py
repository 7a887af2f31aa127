"""Search engines and link previews: schema.org JSON-LD in the head of each policy page.

Every policy page (``policy_pages`` or ``policy:`` front matter) gets one
``<script type="application/ld+json">`` describing it as a ``WebPage``:

- ``dateModified``: the page's date from git (the same instant as
  ``<meta property="article:modified_time">``), left out when unknown;
- ``datePublished``: the page's first revision, only when the history reaches back to
  it (a shallow clone or ``policy_archive_limit`` leaves it out: a wrong date is worse
  than none);
- ``publisher``: the organisation, with a ``contactPoint`` for the organisation itself,
  each office and each officer that has an email address or a telephone number. It comes
  from the project data merged with the data files the page's own directives read
  (``:file:``, ``policy-data``), so a site with several policies names each page's own
  organisation.

The data may be hostile: the JSON is made with :func:`json.dumps` and ``<``, ``>`` and
``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no value can close the
``<script>`` element (``</script>``) or open a comment. Archived versions and diff pages
(``noindex``) get no JSON-LD, and with sphinx-sitemap they are left out of
``sitemap.xml`` (its ``<lastmod>`` dates come from ``env.git_last_updated``, which the
history store fills with the same git dates).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..data.loading import read_part
from ..data.model import Organisation, build_policy_data
from ..data.source import WorkingTreeSource
from ..data.vocabulary import ROLE_LABELS
from ..history.dates import iso
from ..history.page_dates import page_date
from ..state.data import data_files_of, project_data
from ..state.domain import settings
from ..state.pages import is_policy
from .records import all_revisions, revisions_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

JSONLD_BUILDERS = ("html", "dirhtml")

#: Characters that must not appear literally inside ``<script>``: they could end it
#: (``</script>``), start a comment (``<!--``) or be read as markup by an HTML parser.
_SCRIPT_SAFE = str.maketrans({
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
})


_WEB_ADDRESS = re.compile(r"https?://\S+\Z", re.IGNORECASE)


def script_json(data: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element (and still valid JSON)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_SAFE)


def _page_organisation(app: Sphinx, docname: str) -> Organisation | None:
    """The organisation as the page's directives see it: project data plus its own files."""
    loaded = project_data(app.env)
    own = sorted(set(data_files_of(app.env).get(docname, ())) - set(loaded.files))
    if not own:
        return loaded.data.organisation
    source = WorkingTreeSource(app.env.srcdir, settings(app.env).data_max_bytes)
    parts = list(loaded.parts)
    for relpath in own:
        part = read_part(source, relpath, [])  # problems were reported at the directives
        if part is not None:
            parts.append((part, relpath))
    data, _problems = build_policy_data(parts)
    return data.organisation


def _contact_point(contact_type: str, email: str | None, phone: str | None,
                   name: str | None = None, area: str | None = None) -> dict[str, Any] | None:
    if not email and not phone:
        return None
    point: dict[str, Any] = {"@type": "ContactPoint", "contactType": contact_type}
    if name:
        point["name"] = name
    if email:
        point["email"] = email
    if phone:
        point["telephone"] = phone
    if area:
        point["areaServed"] = area
    return point


def organisation_jsonld(org: Organisation) -> dict[str, Any] | None:
    """schema.org ``Organization`` with its contact points, or None without a name."""
    if not org.name:
        return None
    result: dict[str, Any] = {"@type": "Organization", "name": org.short_name or org.name}
    if org.short_name and org.short_name != org.name:
        result["legalName"] = org.name
    if org.trading_name:
        result["alternateName"] = org.trading_name
    if org.website and _WEB_ADDRESS.match(org.website):
        result["url"] = org.website
    if org.email:
        result["email"] = org.email
    if org.phone:
        result["telephone"] = org.phone
    if org.address:
        result["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(org.address)}
    if org.vat_number:
        result["vatID"] = org.vat_number
    points = [_contact_point("customer service", org.email, org.phone)]
    points += [
        _contact_point("customer service", office.email, office.phone,
                       name=office.name or office.id, area=office.country)
        for office in org.offices
    ]
    points += [
        _contact_point(
            officer.title or str(ROLE_LABELS.get(officer.role, officer.role)) or "privacy",
            officer.email, officer.phone, name=officer.name,
        )
        for officer in org.officers
    ]
    contact_points = [p for p in points if p is not None]
    if contact_points:
        result["contactPoint"] = contact_points
    return result


def page_jsonld(app: Sphinx, pagename: str) -> dict[str, Any] | None:
    """The JSON-LD object of a policy page, or None when the page is not one."""
    env, config = app.env, app.config
    if pagename not in env.found_docs or not is_policy(env, pagename):
        return None
    tz = settings(env).timezone
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "WebPage"}
    title = env.titles.get(pagename)
    if title is not None:
        page["name"] = title.astext()
    base = (config.html_baseurl or "").strip()
    if base:
        page["url"] = urljoin(base if base.endswith("/") else base + "/",
                              app.builder.get_target_uri(pagename))
    if config.language:
        page["inLanguage"] = config.language.replace("_", "-")
    date = page_date(env, pagename)
    if settings(env).git and date is not None and date.timestamp is not None:
        page["dateModified"] = iso(date.timestamp, tz)
    revisions = revisions_of(env, pagename)
    if settings(env).git and revisions and revisions[-1].first:
        page["datePublished"] = iso(revisions[-1].timestamp, tz)
    org = _page_organisation(app, pagename)
    publisher = organisation_jsonld(org) if org is not None else None
    if publisher is not None:
        page["publisher"] = publisher
    return page


def add_jsonld(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """html-page-context: append the page's JSON-LD to ``metatags`` (in ``<head>``)."""
    if app.builder.name not in JSONLD_BUILDERS or context.get("policy_revision") is not None:
        return
    data = page_jsonld(app, pagename)
    if data is None:
        return
    context["metatags"] = (
        context.get("metatags", "")
        + f'<script type="application/ld+json">{script_json(data)}</script>\n'
    )


def exclude_archives_from_sitemap(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: archived versions and diff pages say ``noindex``, so they stay out of
    sphinx-sitemap's sitemap (a sitemap lists what search engines should index)."""
    config = app.config
    if (
        "sphinx_sitemap" not in app.extensions
        or not settings(env).archives
        or not settings(env).archive_noindex
    ):
        return
    current = list(config.sitemap_excludes or [])
    patterns = [f"{docname}/versions/*" for docname in sorted(all_revisions(env))]
    config.sitemap_excludes = current + [p for p in patterns if p not in current]
