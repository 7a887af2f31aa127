"""``rights``: the data-subject rights under one or more laws, how to exercise them, and
the right to complain to the competent authority with its contact details."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..catalogs import Law, Right, load_laws, resolve_law
from ..data.model import PolicyData, unknown_law_message
from ..diagnostics import Subtype, warn
from ..locale import _, catalog_text
from ..state.data import unread_files_note
from .base import DataDirective
from .contact import authority_card, authority_record, contact_block, law_authority
from .in_force import catalog_day
from .nodes_util import email_link, link, para, phone_link, split_list


def rights_of(law: Law, data: PolicyData, day: dt.date) -> list[Right]:
    """The catalog's rights for ``law`` in force on ``day``, as worded that day, with the
    user's overrides and additions applied."""
    laws = data.rights.get("laws")
    overrides = laws.get(law.id) if isinstance(laws, dict) else None
    if not isinstance(overrides, dict):  # refused by the schema (policy.data): ignored
        overrides = {}
    result = []
    for right in law.rights_on(day):
        change = overrides.get(right.id)
        if not isinstance(change, dict):
            change = {}
        if change.get("omit") is True:
            continue
        result.append(Right(
            right.id,
            str(change.get("title", catalog_text(right.title, law.id))),
            str(change.get("description", catalog_text(right.description, law.id))),
            str(change.get("citation", right.citation)),
        ))
    known = {r.id for r in law.rights}  # not new, even when not in force on ``day``
    for right_id, change in overrides.items():
        if right_id not in known and isinstance(change, dict) and not change.get("omit"):
            result.append(Right(
                right_id,
                str(change.get("title", right_id)),
                str(change.get("description", "")),
                str(change.get("citation", "")),
            ))
    return result


def _complaint_sentence(name: str) -> str:
    """"You have the right to complain to the ICO": the article belongs to the sentence
    (a catalog name may start with "The"), so each language places its own."""
    if name[:4].lower() == "the ":
        name = name[4:]
    return str(_("You have the right to complain to the %s")) % name


class Rights(DataDirective):
    """Render the rights list. Argument: laws (ids or aliases); default: the data's
    ``jurisdictions``."""

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "only": directives.unchanged,
        "exclude": directives.unchanged,
        "no-citations": directives.flag,
        "no-exercise": directives.flag,
        "no-complaint": directives.flag,
        "no-headings": directives.flag,
    }
    sections = ("rights", "jurisdictions", "authorities", "organisation")
    day: dt.date  # the catalogs shown are those in force on this day (``catalog_day``)

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        laws = self.laws(data)
        self.day = catalog_day(self)
        # :only: lists the rights in the order the reader sees them.
        only = list(dict.fromkeys(split_list(self.options.get("only", ""))))
        exclude = set(split_list(self.options.get("exclude", "")))
        all_ids = {r.id for law in laws for r in (*law.rights, *rights_of(law, data, self.day))}
        for right_id in sorted((set(only) | exclude) - all_ids):
            option = "only" if right_id in only else "exclude"
            self.option_warning(option, right_id, sorted(all_ids))
        output: list[nodes.Node] = []
        for law in laws:
            if len(laws) > 1 and "no-headings" not in self.options:
                heading = str(_("Under the %(law)s (%(region)s)")) % {
                    "law": law.short_name, "region": catalog_text(law.region, law.id)}
                output.append(nodes.rubric(heading, heading))
            items = nodes.bullet_list(classes=["policy-rights"])
            rights = rights_of(law, data, self.day)
            if only:
                rights = sorted((r for r in rights if r.id in only), key=lambda r: only.index(r.id))
            for right in rights:
                if right.id in exclude:
                    continue
                if right.id == law.complaint_right and "no-complaint" not in self.options:
                    continue  # shown below, with the authority's contact
                items += nodes.list_item("", self.right_paragraph(right))
            output.append(items)
            if "no-complaint" not in self.options:
                output.extend(self.complaint(law, data))
        if "no-exercise" not in self.options:
            output.extend(self.exercise(data))
        return self.wrap(output, "rights", laws=[law.id for law in laws],
                         authorities=[law_authority(law.id, data) for law in laws])

    def laws(self, data: PolicyData) -> list[Law]:
        names = split_list(self.arguments[0]) if self.arguments else []
        ids: list[str] = []
        for name in names:
            law_id = resolve_law(name)
            if law_id is None:
                warn(Subtype.REFERENCE, f"{self.name}: {unknown_law_message(name)}",
                     location=self.get_location())
            elif law_id not in ids:
                ids.append(law_id)
        if not names:
            ids = list(dict.fromkeys(j.law for j in data.jurisdictions))
            if not ids:
                self.missing_jurisdictions()
        return [load_laws()[i] for i in ids]

    def missing_jurisdictions(self) -> None:
        warn(Subtype.REFERENCE,
             f"{self.name}: no law given and no 'jurisdictions' in the data"
             f"{unread_files_note(self.env)}; write e.g. "
             f"'{self.name} gdpr' or add 'jurisdictions: [gdpr]'. Accepted: "
             f"{', '.join(sorted(load_laws()))}",
             location=self.get_location())

    def right_paragraph(self, right: Right) -> nodes.paragraph:
        node = para(nodes.strong(right.title, right.title))
        if right.citation and "no-citations" not in self.options:
            node += nodes.Text(" (")
            node += nodes.inline(right.citation, right.citation, classes=["policy-citation"])
            node += nodes.Text(")")
        node += nodes.Text(". " if not right.title.endswith(".") else " ")
        node += nodes.Text(right.description)
        return node

    def complaint(self, law: Law, data: PolicyData) -> list[nodes.Node]:
        right = next((r for r in rights_of(law, data, self.day)
                      if r.id == law.complaint_right), None)
        record = authority_record(law_authority(law.id, data), data, self.day)
        if record is None:
            return []
        name = str(record.get("name", ""))
        text = _complaint_sentence(name)
        node = para(nodes.strong(text, text))
        if right and right.citation and "no-citations" not in self.options:
            node += nodes.Text(" (")
            node += nodes.inline(right.citation, right.citation, classes=["policy-citation"])
            node += nodes.Text(")")
        node += nodes.Text(".")
        result: list[nodes.Node] = [node]
        result.append(contact_block(authority_card(record)))
        return result

    def exercise(self, data: PolicyData) -> list[nodes.Node]:
        exercise = data.rights.get("exercise")
        how: dict[str, object] = exercise if isinstance(exercise, dict) else {}
        org = data.organisation
        email = how.get("email") or (org.email if org else None)
        url = how.get("url") or how.get("website")
        phone = how.get("phone")
        result: list[nodes.Node] = []
        if email or url or phone:
            node = para(str(_("To exercise these rights, contact us")))
            channels: list[nodes.Node] = []
            if email:
                channels.append(email_link(str(email)))
            if url:
                channels.append(link(str(url), str(url)))
            if phone:
                channels.append(phone_link(str(phone)))
            for index, channel in enumerate(channels):
                node += nodes.Text(": " if index == 0 else (" " + str(_("or")) + " "))
                node += channel
            node += nodes.Text(".")
            result.append(node)
        # Shown with or without a channel: neither is a way to contact us, both are facts.
        if data.rights.get("response_time"):
            result.append(para(str(_("We respond within %s.")) % data.rights["response_time"]))
        if how.get("note"):
            result.append(para(str(how["note"])))
        return result
