"""Configuration: declared once as a dataclass, registered as ``policy_*`` values.

Each field below becomes the conf.py setting ``policy_<field>``. Values are checked
on ``config-inited``; a bad value gives a ``policy.config`` warning and falls back to
the default, so a typo in conf.py never stops a build with a traceback.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_type_hints
from urllib.parse import urlsplit

from .diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


@dataclass
class PolicyConfig:
    #: Glob patterns, relative to the source folder, of the data files that hold the
    #: policy facts (YAML, TOML or JSON). They are merged in order.
    data_files: list[str] = field(default_factory=list)
    #: Largest data file sphinx-policy reads, in bytes; larger files are refused.
    data_max_bytes: int = 2_000_000
    #: Time zone in which git dates are shown ("UTC", "Europe/Berlin", ...).
    timezone: str = "UTC"
    #: Read revision dates from git.
    git: bool = True
    #: Path (relative to the repository root) of a file of commits to ignore,
    #: in ``.git-blame-ignore-revs`` format. Missing file: nothing is ignored.
    git_ignore_revs: str = ".git-blame-ignore-revs"
    #: Glob patterns (relative to the repository root) of paths whose changes never
    #: count as revisions.
    git_exclude: list[str] = field(default_factory=list)
    #: Besides a page's source, its included files and the data files its directives
    #: read, also count these Sphinx dependencies (images, literalinclude, ...) when
    #: dating a page: glob patterns relative to the source folder, e.g. ["**/*.png"].
    git_extra_dependencies: list[str] = field(default_factory=list)
    #: Which documents are policies (get a changelog, archived versions, diffs, a feed
    #: entry and a manifest entry): docname globs such as ["privacy", "legal/*"]. A page
    #: whose front matter has a ``policy:`` key is a policy too.
    pages: list[str] = field(default_factory=list)
    #: "all": every revision is listed, the commit's headline standing in for a missing
    #: summary (never a generated merge subject, which names accounts and branches);
    #: "curated": only revisions with a summary trailer are listed (the others stay
    #: archived and reachable).
    changelog_mode: str = "all"
    #: Commit trailer holding the summary written for readers.
    summary_trailer: str = "Policy-Change"
    #: Commit trailer marking a revision "material" or "editorial".
    type_trailer: str = "Policy-Change-Type"
    #: Render an archived page and a diff page for each revision (html and dirhtml).
    archives: bool = True
    #: Archive at most this many revisions per page, newest first (0: all of them).
    archive_limit: int = 0
    #: Ask search engines not to index archived versions and diffs.
    archive_noindex: bool = True
    #: Show the site's navigation (what the theme's templates get from ``toctree()``,
    #: alabaster's sidebar for one) on archived versions and diffs. False shows links to
    #: the start page and the page as it is now instead: on a site with many pages, about
    #: a third of the archive's size.
    archive_navigation: bool = True
    #: How many revisions the Atom feed carries, newest first (the manifest lists all).
    feed_entries: int = 50
    #: Web address of the repository the policies live in, e.g.
    #: "https://github.com/acme/policies": the changelog links the pull (or merge)
    #: request a revision came from. Empty: taken from ``html_context`` (github_user and
    #: github_repo, or gitlab_ or bitbucket_), else no request is shown.
    source_url: str = ""
    #: Write the CookieConsent v3 configuration (as ``sphinx-policy consent-config``
    #: does) to this path inside the HTML output, e.g. "_static/consent.js"; "" for none.
    consent_script: str = ""
    #: The cookie policy page the consent banner links to (a path or an http(s) URL).
    consent_policy_url: str = ""
    #: Check that each policy page gives every disclosure the laws under its
    #: ``jurisdictions`` require (``policy.completeness`` warnings).
    disclosures: bool = True
    #: A material change must be published at least this many days before it takes
    #: effect (its ``effective`` date); fewer gives a ``policy.notice`` warning. 0: no check.
    notice_days: int = 0

    @classmethod
    def from_sphinx(cls, config: Config) -> PolicyConfig:
        return cls(**{f.name: getattr(config, f"policy_{f.name}") for f in dataclasses.fields(cls)})


_TYPES = get_type_hints(PolicyConfig)
#: What Sphinx's own type check of conf.py accepts for each kind of setting.
_SPHINX_TYPES: dict[Any, frozenset[type]] = {
    list[str]: frozenset({list, tuple}),
    bool: frozenset({bool}),
    int: frozenset({int}),
    str: frozenset({str}),
}
_EXPECTED = {
    list[str]: "a list of strings, e.g. ['_data/*.yaml']",
    bool: "True or False",
    int: "a whole number, 0 or more",
    str: "a string",
}


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def _valid(value: Any, expected: Any) -> bool:
    if expected in (list[str],):
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, expected)


def config_problems(config: Config) -> list[str]:
    """What is wrong with the ``policy_*`` settings (each replaced by its default), for the
    build's ``policy.config`` warnings and for ``sphinx-policy check`` alike."""
    problems = []
    for f in dataclasses.fields(PolicyConfig):
        name = f"policy_{f.name}"
        value = getattr(config, name)
        if not _valid(value, _TYPES[f.name]):
            problems.append(
                f"conf.py: {name} = {value!r} is not accepted; expected "
                f"{_EXPECTED[_TYPES[f.name]]}. Using the default {_default(f)!r}."
            )
            setattr(config, name, _default(f))
    try:
        zoneinfo.ZoneInfo(config.policy_timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"conf.py: policy_timezone = {config.policy_timezone!r} is not a known time zone; "
            "accepted: an IANA name such as 'UTC' or 'Europe/Berlin'. Using 'UTC'."
        )
        config.policy_timezone = "UTC"
    if config.policy_feed_entries < 1:
        problems.append(
            f"conf.py: policy_feed_entries = {config.policy_feed_entries!r} is not accepted; "
            "expected a whole number, 1 or more. Using 50."
        )
        config.policy_feed_entries = 50
    source = config.policy_source_url.strip()
    if source and (urlsplit(source).scheme not in ("http", "https")
                   or not urlsplit(source).netloc):
        problems.append(
            f"conf.py: policy_source_url = {config.policy_source_url!r} is not accepted; "
            "expected the web address of the repository, e.g. "
            "'https://github.com/acme/policies'. Using ''."
        )
        config.policy_source_url = ""
    if config.policy_changelog_mode not in ("all", "curated"):
        problems.append(
            f"conf.py: policy_changelog_mode = {config.policy_changelog_mode!r} is not accepted; "
            "accepted: 'all', 'curated'. Using 'all'."
        )
        config.policy_changelog_mode = "all"
    return problems


def validate_config(app: Sphinx, config: Config) -> None:
    for message in config_problems(config):
        warn(Subtype.CONFIG, message)


def setup_config(app: Sphinx) -> None:
    for f in dataclasses.fields(PolicyConfig):
        app.add_config_value(f"policy_{f.name}", _default(f), "env",
                             types=_SPHINX_TYPES[_TYPES[f.name]])
    # Before Sphinx's own type check (priority 800): a bad value is reported once, as
    # policy.config, and replaced by its default.
    app.connect("config-inited", validate_config, priority=500)
