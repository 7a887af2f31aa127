"""``policy-changelog``: how a policy changed, newest first, with links to each archived
version and diff (HTML builders), or as a plain list (latex, text, epub, man...).

The directive leaves a placeholder that is filled at ``doctree-resolved`` from the
revision records, so a new commit re-writes the page without re-reading it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote, urlsplit

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import OptionSpec

from ..diagnostics import Subtype, warn
from ..history.dates import format_for_readers
from ..locale import _
from ..state.domain import archived_revision, settings, state
from .records import RevisionRecord, all_revisions, page_title, revisions_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

HTML_ARCHIVE_BUILDERS = ("html", "dirhtml")


class policy_changelog(nodes.General, nodes.Element):
    """Placeholder filled at doctree-resolved; attributes are the directive's options."""


def changelog_pages(env: BuildEnvironment) -> dict[str, list[str]]:
    """docname -> the pages its changelogs list (``"all"``: every policy page), for the
    pages that have a changelog."""
    return state(env, "changelogs")


def _date(text: str | None) -> str:
    try:
        return dt.date.fromisoformat((text or "").strip()).isoformat()  # "":  no value given
    except ValueError:
        raise ValueError(f"{text or ''!r} is not a date; write YYYY-MM-DD") from None


class PolicyChangelog(SphinxDirective):
    """The revisions of this page (default), of ``:pages:`` (docnames, comma-separated),
    or of every policy page (``:pages: all``)."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "pages": directives.unchanged,
        "limit": directives.nonnegative_int,
        "since": _date,
        "editorial": directives.flag,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        pages = [p.strip() for p in self.options.get("pages", "").split(",") if p.strip()]
        node = policy_changelog(
            docname=self.env.docname,
            pages=pages or [self.env.docname],
            limit=self.options.get("limit", 0),
            since=self.options.get("since", ""),
            editorial="editorial" in self.options,
            classes=["policy-changelog", *self.options.get("class", [])],
        )
        self.set_source_info(node)
        listed = changelog_pages(self.env).get(self.env.docname)
        listed = listed if isinstance(listed, list) else []
        changelog_pages(self.env)[self.env.docname] = sorted({*listed, *node["pages"]})
        return [node]



def select(
    app: Sphinx, node: policy_changelog, upto: RevisionRecord | None
) -> list[RevisionRecord]:
    """The revisions a changelog lists, newest first (``upto``: inside an archived version,
    only what existed at that revision)."""
    env = app.env
    pages = node["pages"]
    if pages == ["all"]:
        pages = sorted(all_revisions(env))
    records: list[RevisionRecord] = []
    for page in pages:
        if page not in env.found_docs:
            warn(
                Subtype.REFERENCE,
                f"policy-changelog: no page {page!r}; list docnames such as "
                f"{', '.join(sorted(all_revisions(env))[:5]) or 'privacy'}, or 'all'",
                location=node,
            )
            continue
        records.extend(revisions_of(env, page))
    if len({r.docname for r in records}) > 1:
        # Several pages: by date. One page keeps its chain order, newest change first,
        # even when a commit carries an older date than its parent (clock skew, rebases).
        records.sort(key=lambda r: r.timestamp, reverse=True)
    existed = _existed_at(env, upto) if upto is not None else None
    mode = settings(app.env).changelog_mode
    chosen = []
    for record in records:
        if existed is not None and not existed(record):
            continue
        if record.editorial and not node["editorial"]:
            continue
        if record.reader_summary(mode) is None:
            continue  # curated mode: not listed, still archived
        if node["since"] and _day(record) < node["since"]:
            continue
        chosen.append(record)
    return chosen[: node["limit"]] if node["limit"] else chosen


def _existed_at(env: BuildEnvironment, upto: RevisionRecord) -> Callable[[RevisionRecord], bool]:
    """Whether a revision was made at or before ``upto``: by chain order for the commits of
    ``upto``'s own page, by date for the others."""
    own = [r.sha for r in revisions_of(env, upto.docname)]
    cut = own.index(upto.sha) if upto.sha in own else 0
    later, earlier = set(own[:cut]), set(own[cut:])

    def existed(record: RevisionRecord) -> bool:
        if record.sha in later:
            return False
        return record.sha in earlier or record.timestamp <= upto.timestamp

    return existed


def _day(record: RevisionRecord) -> str:
    return dt.datetime.fromtimestamp(record.timestamp, dt.UTC).date().isoformat()


def render(
    app: Sphinx, node: policy_changelog, fromdocname: str, upto: RevisionRecord | None = None
) -> nodes.Node:
    records = select(app, node, upto)
    if not records:
        text = str(_("No changes have been recorded yet."))
        if not node["editorial"]:
            probe = node.deepcopy()
            probe["editorial"] = True
            if select(app, probe, upto):
                # The page has a history: only its editorial revisions are left out.
                text = str(_("Only editorial changes have been made (wording and "
                             "presentation); they are not listed."))
        return nodes.paragraph(text, text, classes=node["classes"])
    links = app.builder.name in HTML_ARCHIVE_BUILDERS and settings(app.env).archives
    many_pages = len({r.docname for r in records}) > 1
    items = nodes.bullet_list(classes=node["classes"])
    for record in records:
        para = nodes.paragraph()
        date = format_for_readers(
            record.timestamp,
            settings(app.env).timezone,
            app.config.html_last_updated_fmt or None,
            app.config.language,
        )
        para += nodes.strong(date, date, classes=["policy-changelog-date"])
        if many_pages:
            para += nodes.Text(" · " + page_title(app.env, record.docname))
        para += nodes.Text(": ")
        summary = record.reader_summary(settings(app.env).changelog_mode) or ""
        para += nodes.Text(summary)
        url = request_url(app.config, settings(app.env).source_url, record.reference)
        if url is not None and record.reference is not None:
            label = ("!" if record.reference[0] == "gitlab" else "#") + str(record.reference[1])
            para += nodes.Text(" (")
            para += nodes.reference(label, label, refuri=url, classes=["policy-request"])
            para += nodes.Text(")")
        if record.material:
            flag = str(_("Material change"))
            para += nodes.Text(" ")
            para += nodes.inline(flag, f"[{flag}]", classes=["policy-material"])
        if links:
            para += nodes.Text(" (")
            para += _ref(app, fromdocname, record.archive, str(_("this version")))
            previous = _previous(app, record)
            if previous is not None or record.first:
                para += nodes.Text(", ")
                para += _ref(app, fromdocname, record.diff, str(_("what changed")))
            para += nodes.Text(")")
        items += nodes.list_item("", para)
    return items


#: Where a service shows a request: GitHub's pull requests, GitLab's merge requests,
#: Bitbucket's pull requests.
_REQUEST_PATHS = {
    "github": "/pull/{}", "gitlab": "/-/merge_requests/{}", "bitbucket": "/pull-requests/{}",
}
_HOSTS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}


def source_repository(config: Config, source_url: str) -> tuple[str, str] | None:
    """``(service, web address)`` of the project's repository: ``policy_source_url``, else
    the ``html_context`` keys themes read for their "Edit on GitHub" links
    (``github_user`` and ``github_repo``, with an optional ``github_host``; the same with
    ``gitlab_`` and ``bitbucket_``); None when the project says neither."""
    url = source_url.strip().rstrip("/").removesuffix(".git")
    if url:
        host = (urlsplit(url).hostname or "").lower()
        service = next((s for s in ("gitlab", "bitbucket") if s in host), "github")
        return service, url
    context = getattr(config, "html_context", None) or {}
    for service, default_host in _HOSTS.items():
        user, repo = context.get(f"{service}_user"), context.get(f"{service}_repo")
        if isinstance(user, str) and isinstance(repo, str) and user.strip() and repo.strip():
            configured = context.get(f"{service}_host")
            host = configured.split("://")[-1].strip("/") if isinstance(configured, str) else ""
            return service, (f"https://{host or default_host}/{quote(user.strip())}/"
                             f"{quote(repo.strip())}")
    return None


def request_url(config: Config, source_url: str,
                reference: tuple[str, int] | None) -> str | None:
    """The web address of a revision's pull or merge request, when the project's
    repository is on the service the request is from; else None (a number that points
    nowhere is never shown)."""
    if reference is None:
        return None
    repository = source_repository(config, source_url)
    if repository is None or repository[0] != reference[0]:
        return None
    return repository[1] + _REQUEST_PATHS[reference[0]].format(reference[1])


def _previous(app: Sphinx, record: RevisionRecord) -> RevisionRecord | None:
    revisions = revisions_of(app.env, record.docname)
    for index, candidate in enumerate(revisions):
        if candidate.sha == record.sha:
            return revisions[index + 1] if index + 1 < len(revisions) else None
    return None


def _ref(app: Sphinx, fromdocname: str, pagename: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, pagename)
    return nodes.reference(text, text, refuri=uri, internal=True)


def fill_changelogs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    found = list(doctree.findall(policy_changelog))
    if not found:
        return
    upto = None
    if archived_revision(app.env) is not None:  # the archive only while it renders
        from .archive import rendering_revision

        upto = rendering_revision(app)
    for node in found:
        node.replace_self(render(app, node, docname, upto))


def setup_changelog(app: Sphinx) -> None:
    app.add_node(policy_changelog)
    app.add_directive("policy-changelog", PolicyChangelog)
    app.connect("doctree-resolved", fill_changelogs)
