"""Which required disclosures a policy's data makes, per law.

A requirement is *met* when the data holds what its check asks for, *covered* when a
``not_done`` statement names it in ``covers`` (a human decided it does not apply, and the
policy says so), *not applicable* when its condition matches nothing, and *missing*
otherwise. An activity check is missing once per activity that lacks the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogs.requirements import Requirement, load_requirements
from ..data.model import Activity, NotDone, Origin, PolicyData

MET = "met"
COVERED = "covered"
MISSING = "missing"
NOT_APPLICABLE = "not-applicable"

#: The data key(s) that satisfy each check, as the warnings and the checklist name them.
DATA_KEYS = {
    "organisation": "organisation.name, with organisation.email, .phone or .address",
    "organisation-address": "organisation.address (or the address of one of "
                            "organisation.offices)",
    "recipients": "recipients",
    "transfers": "processing[].transfers[].safeguard",
    "automated-decisions": "processing[].automated_decisions, or a not_done entry with "
                           "practice: automated-decisions",
    "selling": "a not_done entry with practice: selling",
    "sensitive": "processing[].special_category, or a not_done entry with practice: "
                 "special-category",
    "rights": "jurisdictions",
    "complaint": "jurisdictions",
    "rights-exercise": "rights.exercise",
    "accountable": "organisation.officers[] with an address or email, or "
                   "organisation.address",
    "last-updated": "the page's date from git (policy_git), or effective in its front matter",
    "activity:data": "processing[].data or processing[].categories",
}


def data_key(check: str) -> str:
    if check in DATA_KEYS:
        return DATA_KEYS[check]
    kind, _, arg = check.partition(":")
    if kind == "officer":
        return f"the email, phone or address of the organisation.officers entry with role: {arg}"
    return f"processing[].{arg}"


@dataclass
class Outcome:
    requirement: Requirement
    status: str
    #: For a missing activity check: the activities that lack the key.
    activities: list[Activity] = field(default_factory=list)
    #: For a covered requirement: the statement that answers it.
    statement: NotDone | None = None


def activity_label(activity: Activity) -> str:
    return activity.id or activity.name or f"at line {activity.origin.line}"


def _basis(activity: Activity, law: str) -> str | None:
    return activity.lawful_basis.get(law) or activity.lawful_basis.get("*")


def _matches(activity: Activity, when: str | None, law: str) -> bool:
    if when is None:
        return True
    if when.startswith("basis:"):
        return _basis(activity, law) == when.partition(":")[2]
    if when == "indirect":
        return activity.indirect
    if when == "mandatory":
        return activity.required in (True, "statutory", "contractual")
    if when == "obliged":
        return _basis(activity, law) in ("contract", "legal-obligation")
    if when == "statutory":
        return activity.required == "statutory" or _basis(activity, law) == "legal-obligation"
    return False


def _has_contact(item: object) -> bool:
    return bool(getattr(item, "email", None) or getattr(item, "phone", None)
                or getattr(item, "address", None))


def _activity_has(activity: Activity, key: str, law: str) -> bool:
    if key == "data":
        return bool(activity.data or activity.categories)
    if key == "lawful_basis":
        return _basis(activity, law) is not None
    if key == "required":
        return activity.required is not None
    value = getattr(activity, key)
    return value is not None and value != ()


def _practices(data: PolicyData) -> set[str]:
    return {item.practice for item in data.not_done if item.practice}


def _policy_has(check: str, data: PolicyData, law: str, dated: bool) -> bool:
    org = data.organisation
    if check == "organisation":
        return bool(org and org.name and (_has_contact(org)
                                          or any(_has_contact(o) for o in org.offices)))
    if check == "organisation-address":
        return bool(org and org.name and (org.address or any(o.address for o in org.offices)))
    if check == "accountable":
        return bool(org and (org.address or any(o.address or o.email for o in org.officers)))
    if check.startswith("officer:"):
        role = check.partition(":")[2]
        officers = [o for o in org.officers if o.role == role] if org else []
        return all(_has_contact(o) for o in officers)
    if check == "recipients":
        return bool(data.recipients)
    if check == "automated-decisions":
        return (any(a.automated_decisions for a in data.processing)
                or bool(_practices(data) & {"automated-decisions", "profiling"}))
    if check == "selling":
        return "selling" in _practices(data)
    if check == "sensitive":
        return (any(a.special_category for a in data.processing)
                or "special-category" in _practices(data))
    if check in ("rights", "complaint"):
        return any(j.law == law for j in data.jurisdictions)
    if check == "rights-exercise":
        return bool(data.rights.get("exercise"))
    if check == "last-updated":
        return dated
    raise ValueError(f"unknown check {check!r}")


def _applies(requirement: Requirement, data: PolicyData) -> bool:
    """Whether a policy check applies: an officer check to a policy naming one, a
    transfers check to a policy with transfers, a conditional one when an activity matches."""
    check = requirement.check
    if check.startswith("officer:"):
        role = check.partition(":")[2]
        return bool(data.organisation and any(o.role == role
                                              for o in data.organisation.officers))
    if requirement.when is not None:
        return any(_matches(a, requirement.when, requirement.law) for a in data.processing)
    return True


def statement_for(requirement: Requirement, data: PolicyData) -> NotDone | None:
    for item in data.not_done:
        if requirement.id in item.covers or requirement.key in item.covers:
            return item
    return None


def evaluate(data: PolicyData, law: str, *, dated: bool) -> list[Outcome]:
    """The outcome of each of ``law``'s requirements for ``data``."""
    outcomes = []
    for requirement in load_requirements().get(law, ()):
        statement = statement_for(requirement, data)
        if statement is not None:
            outcomes.append(Outcome(requirement, COVERED, statement=statement))
            continue
        kind, _, key = requirement.check.partition(":")
        if kind == "activity" or requirement.check == "transfers":
            if requirement.check == "transfers":
                applicable = [a for a in data.processing if a.transfers]
                lacking = [a for a in applicable if not all(t.safeguard for t in a.transfers)]
            else:
                applicable = [a for a in data.processing
                              if _matches(a, requirement.when, law)]
                lacking = [a for a in applicable if not _activity_has(a, key, law)]
            if not applicable:
                outcomes.append(Outcome(requirement, NOT_APPLICABLE))
            else:
                outcomes.append(Outcome(requirement, MISSING if lacking else MET, lacking))
            continue
        if not _applies(requirement, data):
            outcomes.append(Outcome(requirement, NOT_APPLICABLE))
            continue
        met = _policy_has(requirement.check, data, law, dated)
        outcomes.append(Outcome(requirement, MET if met else MISSING))
    return outcomes


def policy_laws(data: PolicyData) -> list[str]:
    """The laws the policy serves that have a requirements catalog, in data order."""
    known = load_requirements()
    return list(dict.fromkeys(j.law for j in data.jurisdictions if j.law in known))


def missing_messages(outcome: Outcome, page: str) -> list[tuple[str, Origin | None]]:
    """One warning text per missing item (and the activity's origin, when there is one)."""
    requirement = outcome.requirement
    key = data_key(requirement.check)
    cover = (f"If it does not apply, say so in a not_done entry with covers: "
             f"[{requirement.key}] and the sentence the policy should show.")
    if not outcome.activities:
        return [(f"{page}: the policy does not give {requirement.requires} "
                 f"({requirement.citation}); the data key {key} would. {cover}", None)]
    return [
        (f"{page}: the processing activity {activity_label(a)!r} does not give "
         f"{requirement.requires} ({requirement.citation}); the data key {key} would. {cover}",
         a.origin)
        for a in outcome.activities
    ]
