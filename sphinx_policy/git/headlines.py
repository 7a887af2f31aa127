"""What readers see of a commit that carries no summary trailer: its headline.

Pure module (no Sphinx, no git): it reads subjects and messages that
:mod:`.index` has already cleaned of control characters.

Hosting services and git write merge subjects of their own ("Merge pull request #12 from
janedoe/patch-1", "Merge branch 'fix' into 'main'", "Merged in feature/x (pull request
#3)"). They are boilerplate, and they name accounts and branches, which a public
changelog must not publish even though nobody typed them. Such a subject is never a
headline. In its place, in this order:

1. the title the subject itself carries (Gitea, Azure DevOps, Bitbucket Server);
2. the pull or merge request's title, which the services write on the first line of the
   merge commit's body (:func:`body_title`);
3. the subjects of the commits the merge brought in that changed the page;
4. nothing: the reader sees a neutral "Updated".

Any candidate that is repository-sync boilerplate ("Repo sync", "Sync changes from GitHub
Docs") is no headline either (:func:`unsync` keeps what follows such a prefix); nor is one
that names the branch of the generated subject or is the title a service derives from the
branch name ("Janedoe patch 1" for ``janedoe-patch-1``).

A squash merge's " (#123)" is cut from the subject and kept apart as a
:data:`Reference`, which the changelog shows as a link when the project says where its
repository is (and never as a bare number, which would point nowhere).

Every regular expression here is anchored, repeats nothing inside a repetition, and
bounds what it repeats: subjects are untrusted input, and matching stays linear in
their length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Generated",
    "Reference",
    "body_title",
    "generated",
    "gitlab_request",
    "headline",
    "names_a_branch",
    "squash",
    "unsync",
]

#: ``(service, number)``: a pull request (``"github"``, ``"bitbucket"``) or merge request
#: (``"gitlab"``) of the repository the commit was made in.
Reference = tuple[str, int]

_NUMBER = r"([0-9]{1,9})"
_NAME = r"(\S{1,512})"

_GITHUB = re.compile(rf"Merge pull request #{_NUMBER} from {_NAME}")
_BITBUCKET_SERVER_MERGE = re.compile(
    rf"Merge pull request #{_NUMBER} in {_NAME} from {_NAME}(?: to {_NAME})?")
_BITBUCKET = re.compile(rf"Merged in {_NAME} \(pull request #{_NUMBER}\)")
_BITBUCKET_SERVER = re.compile(rf"Pull request #{_NUMBER}: (.{{1,2000}})")
_AZURE = re.compile(rf"Merged PR {_NUMBER}: (.{{1,2000}})")
#: git's own merge subjects ("Merge branch 'x'", "... into main", "... of https://...",
#: "Merge remote-tracking branch 'origin/x'", "Merge commit 'abc123'", "Merge tag 'v1'"),
#: and GitLab's ("Merge branch 'x' into 'main'").
_GIT = re.compile(
    r"Merge (?:remote-tracking branch|remote branch|branch|branches|tag|tags|commit|commits) '")
_QUOTED = re.compile(r"'([^'\n]{1,512})'")
_AFTER_WORD = re.compile(r" (?:into|of|from|in|to) (\S{1,2048})")
#: GitLab's body line: "See merge request group/project!12".
_GITLAB_REQUEST = re.compile(r"See merge request \S{0,512}!([0-9]{1,9})\s*\Z")
#: A squash merge's subject: "Clarify retention (#123)" (GitHub, Gitea, Forgejo).
_SQUASH = re.compile(r" ?\(#([0-9]{1,9})\)\Z")

#: Lines of a body that are no title: a trailer (a hyphenated key, or one of the one-word
#: keys tools write), a comment or git's list of conflicts, a cherry-pick note, a list
#: item (Bitbucket lists the merged commits), GitLab's and Bitbucket Server's own lines.
_TRAILER = re.compile(
    r"(?:[A-Za-z0-9]{1,64}-[A-Za-z0-9-]{1,64}|Cc|Fixes|Closes|Resolves|Refs|See|Bug|Issue)"
    r" ?: ", re.IGNORECASE)
_NOT_A_TITLE = re.compile(
    r"#(?:[ \t]|\Z)|Conflicts:|\(cherry picked from|[*+-] |See merge request |Merge in ")
#: An e-mail address or an @mention: a title that holds one is not published.
_PERSONAL = re.compile(r"\S@[A-Za-z0-9-]{1,63}\.[A-Za-z]|(?<![\w.])@[A-Za-z0-9][A-Za-z0-9-]{0,38}")

#: Repository-sync boilerplate: the text is nothing but this, or this and a colon before
#: what was done ("Automatic Sync: Edited street address").
_SYNC = re.compile(
    r"(?:auto(?:mated|matic)? |scheduled )?(?:repo(?:sitory)?[ -])?sync(?:ed|ing)?"
    r"(?: (?:changes |updates )?(?:from|with) [^:]{1,120})?(?: ?: ?|\Z)"
    r"|update[sd]? from [^:\s]{1,120}(?: ?: ?|\Z)"
    r"|update manually triggered by workflow\Z"
    r"|automated (?:update|commit)[^:]{0,120}(?: ?: ?|\Z)",
    re.IGNORECASE,
)
#: A branch name worth looking for in a title: one that is not a plain word ("main",
#: "privacy"), so a title using that word is not taken for a leak.
_COMPOUND = re.compile(r"[-_/.0-9]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Generated:
    """A commit subject that a hosting service or git wrote."""

    #: A pull or merge request that can be linked; None when there is none, or when the
    #: service is one the changelog cannot link to.
    reference: Reference | None
    #: The request's title when the subject itself carries one, else None.
    title: str | None
    #: Accounts, branches, remotes and URLs the subject names: never published.
    names: tuple[str, ...]


def _split_names(values: Iterable[str]) -> tuple[str, ...]:
    """``owner/branch`` -> itself, the owner and the branch (``remote/branch`` the same)."""
    names: list[str] = []
    for value in values:
        value = value.strip("'\"")
        if not value:
            continue
        names.append(value)
        if "/" in value:
            names.extend(value.split("/", 1))
    return tuple(dict.fromkeys(names))


def generated(subject: str) -> Generated | None:
    """The generated merge subject ``subject`` is, or None for a subject a person wrote."""
    if subject.startswith("Merge pull request "):
        match = _GITHUB.match(subject)
        if match:
            return Generated(("github", int(match[1])), None, _split_names([match[2]]))
        match = _BITBUCKET_SERVER_MERGE.match(subject)
        if match:
            return Generated(None, None, _split_names(
                [match[2], match[3], *([match[4]] if match[4] else [])]))
        return _gitea(subject)
    if subject.startswith("Merged in "):
        match = _BITBUCKET.match(subject)
        if match:
            return Generated(("bitbucket", int(match[2])), None, _split_names([match[1]]))
        return Generated(None, None, _split_names(_AFTER_WORD.findall(" in " + subject[10:])))
    if subject.startswith("Merged PR "):
        match = _AZURE.match(subject)
        if match:
            return Generated(None, match[2].strip() or None, ())
    if subject.startswith("Pull request #"):
        match = _BITBUCKET_SERVER.match(subject)
        if match:
            return Generated(None, match[2].strip() or None, ())
    if subject.startswith("Merge ") and _GIT.match(subject):
        return Generated(
            None, None, _split_names([*_QUOTED.findall(subject), *_AFTER_WORD.findall(subject)])
        )
    return None


def _gitea(subject: str) -> Generated:
    """"Merge pull request 'Title' (#12) from feature/x into main" (Gitea, Forgejo), or
    another "Merge pull request ..." subject: generated either way."""
    rest = subject[len("Merge pull request "):]
    title: str | None = None
    reference: Reference | None = None
    tail = rest
    if rest.startswith("'"):
        head, sep, after = rest[1:].rpartition("' (#")
        number, close, tail = after.partition(")")
        if sep and close and number.isdigit() and len(number) <= 9:
            title = head.strip() or None
            reference = ("github", int(number))
        else:
            tail = rest
    return Generated(reference, title, _split_names(_AFTER_WORD.findall(tail)))


def squash(subject: str) -> tuple[str, Reference | None]:
    """``"Clarify retention (#123)"`` -> ``("Clarify retention", ("github", 123))``."""
    match = _SQUASH.search(subject)
    if match is None:
        return subject, None
    return subject[: match.start()].rstrip(), ("github", int(match[1]))


def unsync(text: str) -> str | None:
    """``text`` without repository-sync boilerplate; None when nothing else is left."""
    text = text.strip()
    match = _SYNC.match(text)
    if match is None:
        return text or None
    rest = text[match.end():].strip()
    return rest or None


def _normalised(text: str) -> str:
    return _NON_ALNUM.sub("-", text.lower()).strip("-")


def names_a_branch(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` publishes one of ``names``: contains a compound one (``patch-1``,
    ``feature/x``; case-insensitive), or is one of them written as words, which is the
    title GitHub and GitLab give a request from the branch's name ("Janedoe patch 1")."""
    lowered = text.lower()
    flat = _normalised(text)
    for name in names:
        if _COMPOUND.search(name) and name.lower() in lowered:
            return True
        if flat and flat == _normalised(name):
            return True
    return False


def _usable(text: str | None, names: Sequence[str]) -> str | None:
    """``text`` as a headline: without sync boilerplate, never naming a branch."""
    if not text:
        return None
    text = unsync(text)
    if (text is None or generated(text) is not None or names_a_branch(text, names)
            or _PERSONAL.search(text)):
        return None
    return text


def body_title(message: str) -> str | None:
    """The first line of the body of a commit message, when it is a title: not a
    trailer, comment, list item, e-mail address or "See merge request" line.

    Hosting services write the request's title there; a line below it never counts (it
    may be the request's description, or a list of the merged commits' subjects)."""
    _subject, _sep, body = message.strip("\n").partition("\n\n")
    for line in body.split("\n"):
        line = line.strip()
        if not line:
            continue
        if _TRAILER.match(line) or _NOT_A_TITLE.match(line):
            return None
        return line
    return None


def gitlab_request(message: str) -> int | None:
    """The merge request of GitLab's "See merge request group/project!12" line."""
    for line in reversed(message.strip().split("\n")):
        match = _GITLAB_REQUEST.match(line.strip())
        if match:
            return int(match[1])
    return None


def headline(
    subject: str,
    title: str | None = None,
    merged_subjects: Iterable[str] = (),
    *,
    gitlab: int | None = None,
) -> tuple[str, Reference | None]:
    """What readers see of a commit without a summary trailer: ``(text, reference)``.

    ``text`` is empty when nothing is fit to show (the reader then sees "Updated").
    Read only when ``generated(subject)``: ``title``, the :func:`body_title` of the
    commit's message; ``gitlab``, the merge request its :func:`gitlab_request` names;
    ``merged_subjects``, the subjects of the commits a merge brought in that changed the
    page (newest first), used when neither subject nor body has a title.
    """
    found = generated(subject)
    if found is None:
        text, reference = squash(subject)
        return unsync(text) or "", reference
    reference = found.reference or (("gitlab", gitlab) if gitlab is not None else None)
    chosen = _usable(found.title, found.names) or _usable(title, found.names)
    if chosen is not None:
        return squash(chosen)[0], reference
    texts: list[str] = []
    for merged in reversed(list(merged_subjects)):  # oldest first: the change, then fixes
        usable = _usable(squash(merged)[0], found.names)
        if usable is not None and usable not in texts:
            texts.append(usable)
    return "; ".join(texts[:3]), reference
