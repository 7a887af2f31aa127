"""``sphinx-policy init DIR``: a new policy site that builds at once with ``-W``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from string import Template

from .common import EXIT_OK, EXIT_PROBLEMS, UsageError

NAME = "init"
HELP = "create a new policy site (conf.py, privacy and cookie policies, data files)"
DESCRIPTION = """\
Create a policy site in DIR (a new or empty folder):

  conf.py                 Sphinx configuration with sphinx-policy and MyST
  index.md                the home page
  privacy.md, cookies.md  a privacy policy and a cookie policy in MyST Markdown
  _data/*.yaml            the facts: organisation, jurisdictions, cookies, processing,
                          with commented examples and the schema for your editor
  .readthedocs.yaml       Read the Docs configuration
  requirements.txt        what to install to build it
  .gitignore

It asks for the organisation's name, the laws that apply and a contact email (or takes
them from --name, --jurisdiction, --email; --yes, or no terminal, takes the defaults).
The site builds at once:  sphinx-build -W -b html DIR DIR/_build/html
Until it is committed to git, conf.py silences the two warnings about missing git dates;
--git runs 'git init' and makes the first commit instead.
"""

DEFAULT_NAME = "Example Ltd"
DEFAULT_EMAIL = "privacy@example.org"
DEFAULT_JURISDICTIONS = ("gdpr",)
#: Files of ``templates/init`` → where they go; ``.tmpl`` files are filled in.
FILES = {
    "conf.py.tmpl": "conf.py",
    "index.md": "index.md",
    "privacy.md": "privacy.md",
    "cookies.md": "cookies.md",
    "_data/organisation.yaml.tmpl": "_data/organisation.yaml",
    "_data/cookies.yaml.tmpl": "_data/cookies.yaml",
    "_data/processing.yaml.tmpl": "_data/processing.yaml",
    "requirements.txt.tmpl": "requirements.txt",
    "gitignore": ".gitignore",
    "readthedocs.yaml": ".readthedocs.yaml",
}
#: An email address: linear-time (the domain's parts cannot overlap), at most 254 characters.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
MAX_EMAIL = 254


def _is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL and _EMAIL.match(text) is not None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="folder to create (new or empty)")
    parser.add_argument("--name", help=f"the organisation's legal name (default: {DEFAULT_NAME})")
    parser.add_argument("--jurisdiction", action="append", metavar="LAW",
                        help="a law the policies follow: gdpr, uk-gdpr, popia, ccpa, lgpd, "
                        "pipeda, fadp (repeat for several; default: gdpr)")
    parser.add_argument("--email", help=f"the privacy contact email (default: {DEFAULT_EMAIL})")
    parser.add_argument("--url", help="where the site will be published (html_baseurl; "
                        "default: https://<the email's domain>/privacy/)")
    parser.add_argument("--timezone", default="UTC",
                        help="time zone of the dates shown (default: UTC)")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="ask nothing; take the flags and defaults (the default when "
                        "standard input is not a terminal)")
    parser.add_argument("--git", action="store_true",
                        help="run 'git init' and commit the new site, so that pages get "
                        "their dates from git at once")
    parser.add_argument("-f", "--force", action="store_true",
                        help="write into a folder that is not empty (existing files are "
                        "never overwritten)")


# --------------------------------------------------------------------------- answers


def _ask(question: str, default: str) -> str:
    try:
        answer = input(f"{question} [{default}]: ").strip()
    except EOFError:
        return default
    return answer or default


def _laws(values: list[str]) -> list[str]:
    from ..catalogs import known_law_ids, resolve_law

    laws = []
    for value in values:
        for name in re.split(r"[,\s]+", value.strip()):
            if not name:
                continue
            law = resolve_law(name)
            if law is None:
                raise UsageError(f"{name!r} is not a known jurisdiction; accepted: "
                                 f"{', '.join(known_law_ids())} (and aliases such as eu, uk, "
                                 "za, california)")
            if law not in laws:
                laws.append(law)
    return laws


def answers(args: argparse.Namespace) -> tuple[str, list[str], str]:
    interactive = not args.yes and sys.stdin.isatty()
    name = args.name
    email = args.email
    laws = _laws(args.jurisdiction or [])
    if interactive:
        if name is None:
            name = _ask("Organisation's legal name", DEFAULT_NAME)
        while not laws:
            try:
                laws = _laws([_ask("Laws that apply (gdpr, uk-gdpr, popia, ccpa, lgpd, "
                                   "pipeda, fadp)", ", ".join(DEFAULT_JURISDICTIONS))])
            except UsageError as err:
                print(err, file=sys.stderr)
        while email is None or not _is_email(email):
            if email is not None:
                print(f"{email!r} is not an email address", file=sys.stderr)
            email = _ask("Privacy contact email", DEFAULT_EMAIL)
    name = (name or DEFAULT_NAME).strip()
    email = (email or DEFAULT_EMAIL).strip()
    if not name:
        raise UsageError("the organisation's name must not be empty")
    if not _is_email(email):
        raise UsageError(f"{email[:80]!r} is not an email address (at most {MAX_EMAIL} "
                         "characters, e.g. privacy@example.org)")
    return name, laws or list(DEFAULT_JURISDICTIONS), email


# --------------------------------------------------------------------------- writing


def _template(name: str) -> str:
    if name == "readthedocs.yaml":
        shared = resources.files("sphinx_policy").joinpath("templates", "readthedocs.yaml")
        if shared.is_file():  # the project's own Read the Docs template, when it ships one
            text = shared.read_text("utf-8")
            return re.sub(r"(?m)^(\s*configuration:\s*).*conf\.py\s*$", r"\1conf.py", text)
    return resources.files("sphinx_policy").joinpath("templates", "init", name).read_text("utf-8")


def _yaml_text(value: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def render_files(name: str, laws: list[str], email: str, *, url: str | None = None,
                 timezone: str = "UTC", git: bool = False) -> dict[str, str]:
    """Relative path → content of every file of a new site."""
    from ..version import __version__
    from .schema import schema_url

    domain = email.rsplit("@", 1)[1]
    values = {
        "org_name": _yaml_text(name),
        "org_name_comment": " ".join(name.split()),
        "project": repr(name),
        "title": repr(f"{name}: privacy"),
        "copyright": repr(f"{dt.date.today().year}, {name}"),
        "url": repr(url or f"https://{domain}/privacy/"),
        "timezone": repr(timezone),
        "email": _yaml_text(email),
        "jurisdictions": "\n".join(f"  - {law}" for law in laws),
        "schema_url": schema_url(),
        "version": __version__,
        "git_settings": "" if git else _template("git-suppress.tmpl"),
    }
    files = {}
    for template, target in FILES.items():
        text = _template(template)
        if template.endswith(".tmpl"):
            text = Template(text).substitute(values)
        files[target] = text
    return files


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return done.stdout.decode("utf-8", "replace").strip()


def _repository_of(folder: Path) -> Path | None:
    """The top folder of the git repository ``folder`` is in, or None outside any.

    When a folder at or above it holds ``.git`` but git refuses it (e.g. "dubious
    ownership"), git's error is raised: a new repository must not be nested in it."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
    except subprocess.CalledProcessError:
        resolved = folder.resolve()
        if any((parent / ".git").exists() for parent in (resolved, *resolved.parents)):
            raise
        return None
    return Path(top) if top else None


def commit_written(folder: Path, written: list[Path]) -> str:
    """Commit exactly the files ``init`` wrote, and say what was done.

    Inside an existing repository (``folder`` or any folder above it) the files are
    committed there: a repository nested in another would be recorded by the outer one as
    a bare link, and its clones would lose the files. Only the written files are staged
    and committed (``git add -- <files>``, ``git commit -- <files>``): the user's other
    changes, staged or not, and untracked files such as ``.env``, stay out of the commit.
    """
    top = _repository_of(folder)
    created = top is None
    if created:
        _git(folder, "init", "-q")
    if not written:
        return ("Created a new git repository; nothing to commit (every file existed)."
                if created else "Nothing committed: every file existed.")
    paths = [os.path.relpath(target, folder) for target in written]
    _git(folder, "add", "--", *paths)
    _git(folder, "commit", "-q", "-m", "First version of our policies",
         "-m", "Policy-Change: First published.", "--", *paths)
    count = f"{len(written)} file{'s' if len(written) != 1 else ''}"
    if created:
        return f"Created a new git repository in {folder} and committed the {count} written."
    return (f"Committed the {count} written to the existing git repository at {top} "
            "(nothing else was staged or committed).")


def run(args: argparse.Namespace) -> int:
    import zoneinfo

    folder = Path(args.directory)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not args.force:
        raise UsageError(f"{folder} is not empty; choose a new folder, or --force to add "
                         "the files that are missing")
    try:
        zoneinfo.ZoneInfo(args.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{args.timezone!r} is not a known time zone; write e.g. UTC or "
                         "Europe/Berlin") from None
    if args.git and shutil.which("git") is None:
        raise UsageError("--git needs git, which is not installed")
    name, laws, email = answers(args)
    files = render_files(name, laws, email, url=args.url, timezone=args.timezone,
                         git=args.git)
    written = []
    for relpath, content in files.items():
        target = folder / relpath
        if target.exists():
            print(f"kept {target} (exists)", file=sys.stderr)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    print(f"Created a policy site for {name} ({', '.join(laws)}) in {folder}:")
    for target in written:
        print(f"  {target.relative_to(folder).as_posix()}")
    if args.git:
        try:
            print(commit_written(folder, written))
        except subprocess.CalledProcessError as err:
            stderr = err.stderr.decode("utf-8", "replace").strip() if err.stderr else ""
            print(f"git failed: {stderr or err}", file=sys.stderr)
            return EXIT_PROBLEMS
    print("\nNext steps:")
    print(f"  sphinx-policy check {folder}")
    print(f"  sphinx-build -W -b html {folder} {folder / '_build' / 'html'}")
    return EXIT_OK
