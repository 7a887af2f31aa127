"""``cookie-kinds``: what session, persistent, first- and third-party cookies, local
storage, pixels and each cookie category are, from a built-in translated catalog,
limited to what the site's cookies actually use."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..data.model import Cookie
from ..data.vocabulary import CATEGORIES, CATEGORY_EXPLANATIONS, CATEGORY_LABELS, COOKIE_KINDS
from ..locale import _
from .base import DataDirective
from .cookie_table import party_of
from .nodes_util import para

SHOW = ("kinds", "categories")


def kinds_used(cookies: list[Cookie]) -> list[str]:
    """The catalog's kinds that describe the cookies, in the catalog's order."""
    used: set[str] = set()
    for cookie in cookies:
        used.add(cookie.storage)
        if cookie.storage == "cookie" and cookie.expiry is not None:
            used.add("session" if cookie.expiry.kind == "session" else "persistent")
        party = party_of(cookie)
        if party in ("first", "third"):
            used.add(f"{party}-party")
    return [kind for kind in COOKIE_KINDS if kind in used]


def definitions(entries: list[tuple[str, str]], cls: str) -> nodes.definition_list:
    output = nodes.definition_list(classes=[cls])
    for term, explanation in entries:
        output += nodes.definition_list_item(
            "", nodes.term(term, term), nodes.definition("", para(explanation)))
    return output


class CookieKinds(DataDirective):
    """Explain the kinds and categories of the site's cookies.

    ``:show:`` ``kinds``, ``categories`` (default both); ``:include:`` kinds to explain
    although no cookie has them (``flash``); ``:exclude:`` kinds or categories to leave out.
    """

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "show": directives.unchanged,
        "include": directives.unchanged,
        "exclude": directives.unchanged,
    }
    sections = ("cookies",)

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        show = self.choices("show", SHOW) or list(SHOW)
        include = self.choices("include", tuple(COOKIE_KINDS))
        exclude = set(self.choices("exclude", (*COOKIE_KINDS, *CATEGORIES)))
        output: list[nodes.Node] = []
        if "kinds" in show:
            used = set(kinds_used(data.cookies)) | set(include)
            kinds = [k for k in COOKIE_KINDS if k in used and k not in exclude]
            if kinds:
                output.append(definitions(
                    [(_(COOKIE_KINDS[k][0]), _(COOKIE_KINDS[k][1])) for k in kinds],
                    "policy-kinds-list"))
        if "categories" in show:
            present = {c.category for c in data.cookies}
            categories = [c for c in CATEGORIES if c in present and c not in exclude]
            if categories:
                output.append(definitions(
                    [(str(CATEGORY_LABELS[c]), str(CATEGORY_EXPLANATIONS[c]))
                     for c in categories], "policy-categories-list"))
        return self.wrap(output, "cookie-kinds")
