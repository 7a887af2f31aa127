"""``policy-changelog``: how a policy changed, newest first, with links to each archived
version and diff (HTML builders), or as a plain list (latex, text, epub, man...).

The directive leaves a placeholder that is filled at ``doctree-resolved`` from the
revision records, so a new commit re-writes the page without re-reading it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlsplit

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import new_document
from sphinx.builders import Builder
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from sphinx.util.typing import OptionSpec

from ..diagnostics import Subtype, warn
from ..history.dates import format_for_readers
from ..locale import _
from ..state.domain import archived_revision, settings, shared, state
from ..state.placeholders import add_placeholder
from .links import from_folder, rebased_uri
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
    policy = settings(app.env)
    links = app.builder.name in HTML_ARCHIVE_BUILDERS and policy.archives
    many_pages = len({r.docname for r in records}) > 1
    # Inside an archived version the links are made from the page, as its own were
    # written, and rebased to where the archived copy lives (_archived_entry).
    base = upto.docname if upto is not None else fromdocname
    uris = _Uris(app, base) if links else None
    entries: list[_Entry] = []
    for record in records:
        title = page_title(app.env, record.docname) if many_pages else None
        archive_uri = diff_uri = None
        if uris is not None:
            archive_uri = uris(record.archive)
            if record.first or _has_previous(app, record):
                diff_uri = uris(record.diff)
        entries.append((record, title, archive_uri, diff_uri))
    if upto is not None and uris is not None:
        return _archived_list(app, upto, node, entries)
    items = nodes.bullet_list(classes=node["classes"])
    for entry in entries:
        items += nodes.list_item("", nodes.paragraph("", "", *_entry(app, *entry)))
    return items


def _in_sections_only(node: nodes.Node) -> bool:
    """Whether ``node`` stands in sections only: no list, table or other block around it,
    whose HTML may depend on what its children are (a list whose items hold only a
    paragraph and a list is written as a compact one)."""
    parent = node.parent
    while isinstance(parent, nodes.section):
        parent = parent.parent
    return isinstance(parent, nodes.document)


#: An entry of a changelog: its revision, the page title it shows (a changelog of
#: several pages) and the addresses of its archived version and diff.
_Entry = tuple[RevisionRecord, str | None, str | None, str | None]


def _entry(
    app: Sphinx,
    record: RevisionRecord,
    title: str | None,
    archive_uri: str | None,
    diff_uri: str | None,
) -> list[nodes.Node]:
    """The content of one entry: date, (page title), summary, request, flag, links."""
    policy = settings(app.env)
    date = format_for_readers(
        record.timestamp,
        policy.timezone,
        app.config.html_last_updated_fmt or None,
        app.config.language,
    )
    content: list[nodes.Node] = [nodes.strong(date, date, classes=["policy-changelog-date"])]
    if title is not None:
        content.append(nodes.Text(" · " + title))
    content.append(nodes.Text(": "))
    content.append(nodes.Text(record.reader_summary(policy.changelog_mode) or ""))
    url = request_url(app.config, policy.source_url, record.reference)
    if url is not None and record.reference is not None:
        label = ("!" if record.reference[0] == "gitlab" else "#") + str(record.reference[1])
        content.append(nodes.Text(" ("))
        content.append(nodes.reference(label, label, refuri=url, classes=["policy-request"]))
        content.append(nodes.Text(")"))
    if record.material:
        flag = str(_("Material change"))
        content.append(nodes.Text(" "))
        content.append(nodes.inline(flag, f"[{flag}]", classes=["policy-material"]))
    if archive_uri is not None:
        content.append(nodes.Text(" ("))
        content.append(_ref(archive_uri, str(_("this version"))))
        if diff_uri is not None:
            content.append(nodes.Text(", "))
            content.append(_ref(diff_uri, str(_("what changed"))))
        content.append(nodes.Text(")"))
    return content


class policy_changelog_entry(nodes.Inline, nodes.TextElement):
    """One entry of an archived version's changelog, already written as HTML (``html``)."""


def _visit_entry(translator: Any, node: policy_changelog_entry) -> None:
    translator.body.append(node["html"])
    raise nodes.SkipNode


class policy_changelog_html(nodes.General, nodes.TextElement):
    """The changelog of an archived version: its entries already written as HTML
    (``entries``: their HTML and text), the list around them written at its place."""


def _entry_list(classes: list[str], entries: Iterable[tuple[str, str]]) -> nodes.bullet_list:
    """A changelog list of entries given as (HTML, text)."""
    items = nodes.bullet_list(classes=classes)
    for html, text in entries:
        items += nodes.list_item("", nodes.paragraph("", "", policy_changelog_entry(
            text, text, html=html)))
    return items


def _visit_changelog_html(translator: Any, node: policy_changelog_html) -> None:
    frame = _list_frame(translator, node)
    if frame is None:
        # The translator does not write every entry alike: the list node by node.
        _written_in_place(translator, node, _entry_list(node["classes"], node["entries"]))
    else:
        head, between, tail = frame
        translator.body.append(head + between.join(html for html, _ in node["entries"]) + tail)
    raise nodes.SkipNode


def _written_in_place(translator: Any, node: nodes.Element, items: nodes.bullet_list) -> int:
    """Write ``items`` with ``translator`` as if it stood where ``node`` stands; the
    index in ``translator.body`` where its HTML starts."""
    items.parent = node.parent
    items.document = node.document or translator.document
    start = len(translator.body)
    items.walkabout(translator)
    return start


#: Entries no HTML holds, standing for the entries' HTML while the list around them is
#: written (_list_frame).
_MARKERS = ("\x00policy-changelog-entry-1\x00", "\x00policy-changelog-entry-2\x00",
            "\x00policy-changelog-entry-3\x00")


def _list_frame(translator: Any, node: policy_changelog_html) -> tuple[str, str, str] | None:
    """How ``translator`` writes a changelog list at ``node``'s place around its entries'
    HTML: (before the first entry, between two, after the last); None when it does not
    write lists of one, two and three entries alike.

    Asked at the list's own place, as the whole list would be written there: an HTML
    list's classes depend on the lists around it."""

    def written(count: int) -> str:
        markers = [(marker, marker) for marker in _MARKERS[:count]]
        start = _written_in_place(translator, node, _entry_list(node["classes"], markers))
        text = "".join(translator.body[start:])
        del translator.body[start:]
        return text

    two = written(2)
    if any(two.count(marker) != 1 for marker in _MARKERS[:2]):
        return None
    first, second = two.index(_MARKERS[0]), two.index(_MARKERS[1])
    head, tail = two[:first], two[second + len(_MARKERS[1]):]
    between = two[first + len(_MARKERS[0]):second]
    if written(1) != head + _MARKERS[0] + tail:
        return None
    if written(3) != head + between.join(_MARKERS) + tail:
        return None
    return head, between, tail


def _archived_list(
    app: Sphinx, upto: RevisionRecord, node: policy_changelog, entries: list[_Entry]
) -> nodes.Element:
    """The changelog of an archived version: each entry's HTML made once per build, the
    list written around them when the page is written (_visit_changelog_html), or node
    by node where the list stands in more than sections.

    Every archived version lists every earlier revision of its page: building and
    writing those entries again for each version, node by node, grew with the square of
    the page's revisions. An entry is a function of its revision, the page title it
    shows and its two links (every other input is the build's: settings, language, date
    format), so its HTML is written once, by the builder's own translator, and put in
    each list as it is."""
    builder: Any = app.builder
    # Where the page is and where its archived copy is: the same for every entry.
    page_uri = builder.get_target_uri(upto.docname)
    here = builder.get_target_uri(upto.archive)
    made = shared(app.env).changelog_entries
    written = [_archived_entry(app, made, upto, page_uri, here, *entry) for entry in entries]
    if not _in_sections_only(node):
        return _entry_list(node["classes"], written)
    text = "\n".join(text for _, text in written)
    return policy_changelog_html(text, text, classes=list(node["classes"]), entries=written)


def _archived_entry(
    app: Sphinx,
    made: dict[Any, tuple[str, str]],
    upto: RevisionRecord,
    page_uri: str,
    here: str,
    record: RevisionRecord,
    title: str | None,
    archive_uri: str | None,
    diff_uri: str | None,
) -> tuple[str, str]:
    """The HTML and text of an entry of an archived version's changelog, made once per
    build. The links are rebased here as ``rebase_links`` rebases the archived page's
    references (the entry holds none for it to find), from the page at ``page_uri`` to
    its archived copy at ``here``."""
    builder: Any = app.builder
    if archive_uri is not None:
        archive_uri = rebased_uri(archive_uri, page_uri, here)
    if diff_uri is not None:
        diff_uri = rebased_uri(diff_uri, page_uri, here)
    key = (record, title, archive_uri, diff_uri)
    found = made.get(key)
    if found is None:
        content = _entry(app, record, title, archive_uri, diff_uri)
        document = new_document(upto.archive, builder.docsettings)
        para = nodes.paragraph("", "", *content)
        document += para
        translator = builder.create_translator(document, builder)
        start = len(translator.body)
        for child in content:
            child.walkabout(translator)
        found = made[key] = ("".join(translator.body[start:]), para.astext())
    return found


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


def _has_previous(app: Sphinx, record: RevisionRecord) -> bool:
    """Whether an older revision of the record's page comes after it (a diff exists)."""
    revisions = revisions_of(app.env, record.docname)
    # Every archived version's changelog asks this of every earlier revision: the
    # positions are found once per tuple of revisions, not by a scan per question.
    key = id(revisions)
    found = _POSITIONS.get(key)
    if found is None or found[0] is not revisions:
        if len(_POSITIONS) > 4096:
            _POSITIONS.clear()
        found = _POSITIONS[key] = (revisions, {r.sha: i for i, r in enumerate(revisions)})
    index = found[1].get(record.sha)
    return index is not None and index + 1 < len(revisions)


_POSITIONS: dict[int, tuple[tuple[RevisionRecord, ...], dict[str, int]]] = {}


class _Uris:
    """Relative addresses from ``fromdocname``, as ``builder.get_relative_uri`` gives.

    Every archived version of a page carries a changelog listing the page's earlier
    revisions, all of them in the same folder: the addresses are computed once per
    folder. Sphinx's ``relative_uri`` reads only the folders of its base (and whether
    base and target are the same address), so an address from one page of a folder is
    the address from every other one."""

    def __init__(self, app: Sphinx, fromdocname: str) -> None:
        self.builder = app.builder
        self.fromdocname = fromdocname
        # A builder with its own get_relative_uri is asked every time.
        self.plain = type(self.builder).get_relative_uri is Builder.get_relative_uri
        self.base = self.builder.get_target_uri(fromdocname) if self.plain else ""
        base = self.base.partition("#")[0]
        self.folder = base[: base.rfind("/") + 1]

    def __call__(self, pagename: str) -> str:
        if not self.plain:
            return self.builder.get_relative_uri(self.fromdocname, pagename)
        target = self.builder.get_target_uri(pagename)
        if target == self.base:
            return relative_uri(self.base, target)
        return from_folder(self.folder, target)


def _ref(uri: str, text: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=uri, internal=True)


def fill_changelogs(app: Sphinx, docname: str, found: list[policy_changelog]) -> None:
    """Replace the page's changelog placeholders (see :mod:`..state.placeholders`)."""
    upto = None
    if archived_revision(app.env) is not None:  # the archive only while it renders
        from .archive import rendering_revision

        upto = rendering_revision(app)
    for node in found:
        node.replace_self(render(app, node, docname, upto))


def setup_changelog(app: Sphinx) -> None:
    add_placeholder(app, policy_changelog, fill_changelogs)
    app.add_node(policy_changelog_entry, html=(_visit_entry, None))
    app.add_node(policy_changelog_html, html=(_visit_changelog_html, None))
    app.add_directive("policy-changelog", PolicyChangelog)
