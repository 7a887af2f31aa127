"""``cookie-table``: the cookie declaration, from the ``cookies`` data."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..data.model import Cookie, PolicyData
from ..data.vocabulary import (
    CATEGORIES,
    CATEGORY_ALIASES,
    CATEGORY_LABELS,
    STORAGE_ALIASES,
    STORAGE_LABELS,
)
from ..locale import N_, Labels, _
from .base import DataDirective
from .nodes_util import Cell, link, para, table
from .not_done import commitments_list
from .rich_text import rich

FIRST_PARTY = ("first-party", "first party", "first")


def provider_cell(cookie: Cookie, data: PolicyData) -> Cell:
    provider = cookie.provider
    if provider is None:
        return None
    if provider.lower() in FIRST_PARTY:
        org = data.organisation
        return (org.short_name or org.trading_name or org.name) if org else str(_("First party"))
    recipient = data.recipients.get(provider)
    if recipient is not None:
        return link(recipient.name, recipient.privacy_policy or recipient.website)
    return link(provider, cookie.provider_url)


def provider_names(cookie: Cookie, data: PolicyData) -> set[str]:
    """What ``:provider:`` may call the cookie's provider (lower case): its id or name,
    the recipient's name, or any spelling of first party."""
    provider = (cookie.provider or "").strip()
    names = {provider.lower()} if provider else set()
    recipient = data.recipients.get(provider)
    if recipient is not None:
        names.add(recipient.name.lower())
    if provider.lower() in FIRST_PARTY:
        names.update(FIRST_PARTY)
    return names


def party_of(cookie: Cookie) -> str | None:
    if cookie.party:
        return cookie.party
    if cookie.provider and cookie.provider.lower() in FIRST_PARTY:
        return "first"
    return None


PARTY_LABELS = Labels({"first": N_("First party"), "third": N_("Third party")})

COLUMNS: dict[str, tuple[str, Callable[[Cookie, PolicyData], Cell]]] = {
    "name": (N_("Name"), lambda c, d: nodes.literal(c.name, c.name)),
    "provider": (N_("Provider"), provider_cell),
    # A party the schema refuses (reported as policy.data) is shown as written.
    "party": (N_("Party"),
              lambda c, d: str(PARTY_LABELS.get(p, p)) if (p := party_of(c)) else None),
    "category": (N_("Category"), lambda c, d: str(CATEGORY_LABELS[c.category])),
    "storage": (N_("Type"), lambda c, d: str(STORAGE_LABELS[c.storage])),
    "purpose": (N_("Purpose"), lambda c, d: rich(c.purpose, d)),
    "expiry": (N_("Expiry"), lambda c, d: c.expiry.render() if c.expiry else None),
    "domain": (N_("Domain"), lambda c, d: c.domain),
    "notes": (N_("Notes"), lambda c, d: rich(c.notes, d)),
}
DEFAULT_COLUMNS = ("name", "provider", "purpose", "category", "expiry", "storage")

SORT_KEYS: dict[str, Callable[[Cookie], str | int]] = {
    "name": lambda c: c.name.lower(),
    "provider": lambda c: (c.provider or "").lower(),
    "category": lambda c: CATEGORIES.index(c.category),
    "storage": lambda c: c.storage,
}
GROUPS = ("category", "provider", "storage", "none")


class CookieTable(DataDirective):
    """Render the cookie declaration.

    The optional argument is a caption. Filters: ``:category:``, ``:provider:``,
    ``:storage:``, ``:party:``; layout: ``:columns:``, ``:group-by:``, ``:sort:``.
    """

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "category": directives.unchanged,
        "provider": directives.unchanged,
        "storage": directives.unchanged,
        "party": directives.unchanged,
        "columns": directives.unchanged,
        "group-by": directives.unchanged,
        "sort": directives.unchanged,
        "empty": directives.unchanged,
        "not-done": directives.flag,
    }
    sections = ("cookies", "recipients", "organisation", "not_done")
    body_section = "cookies"

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        cookies = self.select(data.cookies, data)
        columns = self.choices("columns", tuple(COLUMNS)) or list(DEFAULT_COLUMNS)
        group_by = (self.choices("group-by", GROUPS) or ["none"])[0]
        if group_by != "none" and group_by in columns and "columns" not in self.options:
            columns.remove(group_by)
        sort = self.choices("sort", tuple(SORT_KEYS))
        if sort:
            cookies.sort(key=SORT_KEYS[sort[0]])
        caption = self.arguments[0] if self.arguments else None
        headers = [_(COLUMNS[c][0]) for c in columns]

        def rows(items: list[Cookie]) -> list[list[Cell]]:
            return [[COLUMNS[c][1](cookie, data) for c in columns] for cookie in items]

        # What is not done, next to what is (the commitments about cookies).
        after = commitments_list(data, cookies=True) if "not-done" in self.options else []
        if not cookies:
            empty = self.options.get(
                "empty", str(_("No cookies or similar technologies are used."))
            )
            return self.wrap([para(empty), *after], "cookie-table")
        if group_by == "none":
            tables = [table(headers, rows(cookies), classes=["policy-cookie-table"], title=caption)]
        else:
            tables = []
            for key, label in self.groups(cookies, group_by, data):
                members = [c for c in cookies if self.group_key(c, group_by) == key]
                title = f"{caption}: {label}" if caption else label
                tables.append(table(headers, rows(members), classes=["policy-cookie-table"],
                                    title=title))
        for table_node in tables:
            self.add_name(table_node)
        return self.wrap([*tables, *after], "cookie-table")

    def select(self, cookies: list[Cookie], data: PolicyData) -> list[Cookie]:
        categories = set(self.choices("category", CATEGORY_ALIASES))
        storage_names = {**STORAGE_ALIASES, **{v: v for v in STORAGE_LABELS}}
        storages = set(self.choices("storage", storage_names))
        parties = set(self.choices("party", ("first", "third")))
        wanted = [p.strip() for p in self.options.get("provider", "").split(",") if p.strip()]
        providers = {p.lower() for p in wanted}
        # A provider named nowhere is a typo: the table would wrongly say "no cookies".
        names = {c.provider for c in cookies if c.provider}
        names.update(n for r in data.recipients.values() for n in (r.id, r.name))
        known = {n.lower() for n in names}.union(FIRST_PARTY)
        for provider in wanted:
            if provider.lower() not in known:
                self.option_warning("provider", provider, sorted(names))
        chosen = []
        for cookie in cookies:
            if categories and cookie.category not in categories:
                continue
            if storages and cookie.storage not in storages:
                continue
            if parties and party_of(cookie) not in parties:
                continue
            if providers and not provider_names(cookie, data) & providers:
                continue
            chosen.append(cookie)
        return chosen

    @staticmethod
    def group_key(cookie: Cookie, group_by: str) -> str:
        if group_by == "category":
            return cookie.category
        if group_by == "storage":
            return cookie.storage
        return cookie.provider or ""

    def groups(
        self, cookies: list[Cookie], group_by: str, data: PolicyData
    ) -> list[tuple[str, str]]:
        if group_by == "category":
            present = {c.category for c in cookies}
            return [(c, str(CATEGORY_LABELS[c])) for c in CATEGORIES if c in present]
        if group_by == "storage":
            present = {c.storage for c in cookies}
            return [(s, str(STORAGE_LABELS[s])) for s in STORAGE_LABELS if s in present]
        seen: dict[str, str] = {}
        for cookie in cookies:
            key = cookie.provider or ""
            cell = provider_cell(cookie, data)
            label = cell.astext() if isinstance(cell, nodes.Node) else str(cell or _("Unknown"))
            seen.setdefault(key, label)
        return list(seen.items())
