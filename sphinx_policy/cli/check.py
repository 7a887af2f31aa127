"""``sphinx-policy check [DIR]``: validate every data file, and the ``{policy}`` roles of
the pages, without building.

The same code as the build reads and checks the data (``data.store``, ``data.model``),
so the messages are the build's messages. Which files: the ``policy_data_files`` of
``conf.py`` (read the way Sphinx reads it), the files that pages name with ``:file:``
or ``policy-data``, and the YAML bodies of the directives, found by scanning the
MyST and reStructuredText sources. As in the build, a page's files are merged over the
project data, so a reference to a recipient defined in the project data is no error.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..data.parse import DataSyntaxError, parse_data
from .common import EXIT_OK, EXIT_PROBLEMS, Progress, UsageError, shown_path, source_folder

NAME = "check"
HELP = "validate every data file without a full build (file:line messages, exit 1 on errors)"
DESCRIPTION = """\
Validate the data of a sphinx-policy site without building it: the files listed in
policy_data_files in conf.py, the files pages name with :file: or policy-data, and the
YAML bodies of the directives; check that every {policy} role of the pages names a
fact of the data the page reads; and check that each policy page gives every disclosure
the laws under its jurisdictions require (policy.completeness, as the build). Each
problem is printed as

  path:line: message [policy.<subtype>]

with the same message the build gives. Exit code 0 when the data is valid, 1 when a
problem was found, 2 on a usage error (no such folder, no conf.py).

It also reports, for information, the entries of the built-in legal catalogs (rights,
authorities) that the site uses and that were not verified against their source within
--max-age days, or never: check them before you publish. This report never changes the
exit code and is never a build warning.
"""


#: Days after which a verified catalog entry is reported as due for another check.
DEFAULT_MAX_AGE = 365


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of days (0 or more), got {text!r}")
    return value


@dataclass(frozen=True)
class Finding:
    subtype: str
    message: str
    path: str
    line: int

    def format(self) -> str:
        return f"{shown_path(self.path)}:{self.line}: {self.message} [policy.{self.subtype}]"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", default=".", metavar="DIR",
                        help="the documentation folder, holding conf.py (default: .)")
    parser.add_argument("-c", "--conf-dir", metavar="PATH",
                        help="folder of conf.py, when it is not DIR (as sphinx-build -c)")
    parser.add_argument("--json", action="store_true",
                        help="print the problems as a JSON list instead of lines")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only the problems, no summary and no catalog report")
    parser.add_argument("--max-age", type=_days, default=DEFAULT_MAX_AGE, metavar="DAYS",
                        help="report built-in catalog entries the site uses that were last "
                             "verified more than DAYS ago, or never (default: "
                             f"{DEFAULT_MAX_AGE})")


def run(args: argparse.Namespace) -> int:
    if args.conf_dir:
        confdir = source_folder(args.conf_dir)
        srcdir = Path(args.source).resolve()
        if not srcdir.is_dir():
            raise UsageError(f"{args.source} is not a folder")
    else:
        srcdir = confdir = source_folder(args.source)
    result = check(srcdir, confdir)
    if args.json:
        print(json.dumps([dataclasses.asdict(f) for f in result.findings], indent=2,
                         ensure_ascii=False))
    else:
        for finding in result.findings:
            print(finding.format())
    if not args.quiet:
        files = len(result.files)
        summary = (f"{len(result.findings)} problem(s) in the data" if result.findings
                   else "no problems")
        print(f"sphinx-policy check: {summary} ({files} data file(s), "
              f"{result.bodies} directive bodies, {result.documents} documents)",
              file=sys.stderr)
        for line in catalog_report(result, args.max_age):
            print(line, file=sys.stderr)
    return EXIT_PROBLEMS if result.findings else EXIT_OK


def catalog_report(result: Result, max_age: int) -> list[str]:
    """Lines about the built-in catalog entries the site uses whose verification is
    missing, partial or older than ``max_age`` days (information, not problems)."""
    from ..catalogs import stale_entries

    stale = stale_entries(result.laws, result.authorities, result.today, max_age)
    if not stale:
        return []
    lines = [f"sphinx-policy check: {len(stale)} built-in catalog entries this site uses "
             f"were not verified against their source in the last {max_age} days "
             "(information, not a problem: check them before you publish, and correct "
             "them in your data if they are wrong):"]
    for entry in stale:
        source = f"; source: {entry.source[0]}" if entry.source else ""
        lines.append(f"  {entry.label}: {entry.reason()}{source}")
    return lines


# --------------------------------------------------------------------------- conf.py


def read_config(confdir: Path) -> Any:
    """conf.py executed as Sphinx executes it, with the ``policy_*`` settings registered
    (their defaults apply when conf.py does not set them)."""
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    from ..config import PolicyConfig, _default

    try:
        config = Config.read(confdir, overrides={}, tags=Tags())
    except ConfigError as err:
        raise UsageError(str(err)) from None
    for f in dataclasses.fields(PolicyConfig):
        config.add(f"policy_{f.name}", _default(f), "env", ())
    return config


def _front_matter_findings(path: Path, lines: list[str]) -> list[Finding]:
    """The page's front matter as the build reads it: valid YAML (otherwise MyST drops it
    whole, with only "Malformed YAML"), and a ``policy.effective`` that is a date."""
    from ..history.dates import effective_date_problem

    if not lines or lines[0].strip() != "---":
        return []
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return []
    try:
        metadata = yaml.safe_load("\n".join(lines[1:end])) or {}
    except (yaml.YAMLError, ValueError) as err:  # ValueError: a date such as 2024-13-01
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return [Finding(
            "data",
            f"the front matter is not valid YAML ({' '.join(str(err).split())}); the build "
            "ignores all of it. Write dates as YYYY-MM-DD and quote text with a colon",
            str(path), line,
        )]
    problem = effective_date_problem(metadata) if isinstance(metadata, dict) else None
    return [Finding("data", problem, str(path), 1)] if problem else []


def _config_findings(config: Any, conf: str) -> list[Finding]:
    """The build's own ``policy.config`` check of every ``policy_*`` setting."""
    from ..config import config_problems

    return [Finding("config", message, conf, 1) for message in config_problems(config)]


# --------------------------------------------------------------------------- sources


@dataclass
class Directive:
    """A directive found in a source file."""

    name: str
    argument: str
    options: dict[str, str]
    body: list[str]
    body_line: int  # 1-based line of the first body line in the file
    line: int  # 1-based line of the directive itself


# Linear-time patterns (they run on every line of every page): no two adjacent quantified
# parts can match the same character, so a line that does not match fails at once; the
# parts that may hold spaces are stripped afterwards rather than by the pattern.
_MYST_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>[^`~:].*)?$")
_MYST_DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}(?P<arg>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?:\s(?P<value>.*))?$")
_RST_DIRECTIVE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w.-]+(?::[\w.-]+)*)::(?:\s(?P<arg>.*))?$")
#: Directives whose content is text to show, not markup to look into.
_LITERAL = {"code", "code-block", "sourcecode", "literalinclude", "highlight", "parsed-literal",
            "docs-example", "raw", "math", "mermaid"}


def myst_directives(lines: list[str], offset: int = 0) -> Iterator[Directive]:
    """Directives of MyST Markdown (backtick, tilde and colon fences), nested ones too."""
    index = 0
    while index < len(lines):
        match = _MYST_FENCE.match(lines[index])
        info = (match["info"] or "").strip() if match else ""
        if not match or (match["fence"][0] == ":" and not info.startswith("{")):
            index += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        inner = lines[index + 1:end]
        directive = _MYST_DIRECTIVE.match(info)
        if directive:
            name = directive["name"]
            options, skip = _myst_options(inner)
            body = inner[skip:]
            found = Directive(name, directive["arg"].strip(), options, body,
                              offset + index + 2 + skip, offset + index + 1)
            yield found
            if name == "eval-rst":
                yield from rst_directives(body, found.body_line - 1)
            elif name not in _LITERAL:
                yield from myst_directives(body, found.body_line - 1)
        index = end + 1


def _myst_options(inner: list[str]) -> tuple[dict[str, str], int]:
    if inner and inner[0].strip() == "---":
        for end in range(1, len(inner)):
            if inner[end].strip() == "---":
                try:  # with the data files' limits (aliases, merge keys, size)
                    loaded = parse_data("\n".join(inner[1:end]).encode(), "", "yaml").data
                except DataSyntaxError:
                    loaded = {}
                return ({str(k): str(v) for k, v in loaded.items()}
                        if isinstance(loaded, dict) else {}), end + 1
        return {}, 0
    options: dict[str, str] = {}
    count = 0
    for line in inner:
        match = _OPTION.match(line)
        if not match:
            break
        options[match["key"]] = (match["value"] or "").strip()
        count += 1
    return options, count


def rst_directives(lines: list[str], offset: int = 0) -> Iterator[Directive]:
    """Directives of reStructuredText, nested ones too."""
    index = 0
    while index < len(lines):
        match = _RST_DIRECTIVE.match(lines[index])
        if not match:
            index += 1
            continue
        indent = len(match["indent"].expandtabs())
        end = index + 1
        while end < len(lines) and (not lines[end].strip()
                                    or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        block = lines[index + 1:end]
        options: dict[str, str] = {}
        position = 0
        while position < len(block) and block[position].strip():
            option = _OPTION.match(block[position])
            if not option:
                break
            options[option["key"]] = (option["value"] or "").strip()
            position += 1
        while position < len(block) and not block[position].strip():
            position += 1
        body = block[position:]
        while body and not body[-1].strip():
            body.pop()
        widths = [len(b) - len(b.lstrip()) for b in body if b.strip()]
        cut = min(widths, default=0)
        body = [b[cut:] for b in body]
        name = match["name"]
        found = Directive(name, (match["arg"] or "").strip(), options, body,
                          offset + index + 2 + position, offset + index + 1)
        yield found
        if name not in _LITERAL:
            yield from rst_directives(body, found.body_line - 1)
        index = end


# --------------------------------------------------------------------------- checking


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    bodies: int = 0
    documents: int = 0
    #: Built-in laws and authorities the site shows (for the catalog report).
    laws: set[str] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)
    #: The day of the check (SOURCE_DATE_EPOCH honoured, in policy_timezone).
    today: dt.date = field(default_factory=dt.date.today)

    def add(self, finding: Finding) -> None:
        if finding not in self.findings:
            self.findings.append(finding)


def _finding(problem: Any, fallback: str | None = None) -> Finding:
    """A Problem as the build reports it (``Problem.where()``, or the directive's line
    for a file problem without a line)."""
    if problem.line is None and fallback is not None:
        path, _, line = fallback.rpartition(":")
        return Finding(problem.subtype, problem.message, path, int(line))
    return Finding(problem.subtype, problem.message, problem.location, problem.line or 1)


def _documents(srcdir: Path, config: Any) -> list[tuple[str, Path]]:
    from sphinx.project import Project

    suffixes = list(config.source_suffix) if isinstance(config.source_suffix, dict | list) else [
        config.source_suffix]
    extensions = list(getattr(config, "extensions", []) or [])
    if any(e in ("myst_parser", "myst_nb") for e in extensions) and ".md" not in suffixes:
        suffixes.append(".md")
    if ".rst" not in suffixes and not isinstance(config.source_suffix, dict | list):
        suffixes.append(".rst")
    project = Project(srcdir, suffixes)
    exclude = [*config.exclude_patterns, *config.templates_path, "**/_sources", ".#*",
               "**/.#*", "*.lproj/**", "**/_build"]
    docnames = project.discover(exclude, config.include_patterns)
    return sorted((d, Path(project.doc2path(d, absolute=True))) for d in docnames)


def check(srcdir: Path, confdir: Path, *, progress: Progress | None = None) -> Result:
    from ..data.loading import already_read, load_project_data, read_part
    from ..data.model import build_policy_data
    from ..data.parse import ParsedData
    from ..data.source import WorkingTreeSource
    from ..data.validate import Problem
    from ..directives.contact import ContactDirective as Contact
    from ..directives.cookie_table import CookieTable
    from ..directives.in_force import build_date
    from ..directives.nodes_util import split_list
    from ..directives.processing_table import ProcessingTable
    from ..directives.rights import Rights
    from ..state.data import _conf_location, directive_relpath, inside_project

    config = read_config(confdir)
    conf = _conf_location(type("App", (), {"confdir": confdir})())
    result = Result(today=build_date(_timezone(config)))
    for finding in _config_findings(config, str(confdir / "conf.py")):
        result.add(finding)
    source = WorkingTreeSource(srcdir, config.policy_data_max_bytes)
    loaded = load_project_data(source, list(config.policy_data_files))
    result.files.update(loaded.files)
    for problem in loaded.problems:
        if problem.location == "conf.py":
            conf_path, _, line = conf.rpartition(":")
            result.add(Finding(problem.subtype, problem.message, conf_path, int(line)))
        else:
            result.add(_finding(problem))
    sections = {"cookie-table": CookieTable, "processing-table": ProcessingTable,
                "rights": Rights, "contact": Contact}
    documents = _documents(srcdir, config)
    result.documents = len(documents)
    bar = progress or Progress("checking", len(documents))
    with bar:
        for number, (docname, path) in enumerate(documents, 1):
            bar.update(number)
            try:
                text = path.read_text("utf-8-sig")
            except (OSError, UnicodeDecodeError) as err:  # Sphinx will refuse it too
                result.add(Finding("file", f"cannot read this page: {err}", str(path), 1))
                continue
            lines = text.splitlines()
            if path.suffix == ".md":
                for finding in _front_matter_findings(path, lines):
                    result.add(finding)
            found = list(myst_directives(lines) if path.suffix == ".md"
                         else rst_directives(lines))
            page_parts: list[tuple[ParsedData, str | None]] = []
            page_problems: list[Problem] = []
            #: (line of a policy-data directive, the page's parts from there on)
            page_data: list[tuple[int, list[tuple[ParsedData, str | None]]]] = []
            for directive in found:
                where = f"{path}:{directive.line}"
                if directive.name == "policy-data" and directive.argument:
                    new: list[Problem] = []
                    for name in split_list(directive.argument):
                        relpath = directive_relpath(docname, name)
                        relpath = inside_project(relpath) or relpath
                        result.files.add(relpath)
                        if already_read(source, relpath, [*loaded.parts, *page_parts]):
                            continue  # read once, as the build does
                        part = read_part(source, relpath, new)
                        if part is not None:
                            page_parts.append((part, relpath))
                    _, merged = build_policy_data([*loaded.parts, *page_parts])
                    known = set(loaded.problems) | set(page_problems)
                    new.extend(p for p in merged if p not in known)
                    page_problems.extend(new)
                    for problem in new:
                        result.add(_finding(problem, where))
                    page_data.append((directive.line, list(page_parts)))
                    continue
                cls = sections.get(directive.name)
                if cls is None:
                    continue
                problems: list[Problem] = []
                parts = [*loaded.parts, *page_parts]
                if directive.options.get("file"):
                    relpath = directive_relpath(docname, directive.options["file"])
                    file = inside_project(relpath)
                    result.files.add(file or relpath)
                    if file is None or not already_read(source, file, parts):
                        part = read_part(source, file or relpath, problems)
                        if part is not None:
                            parts.append((part, file))
                if any(line.strip() for line in directive.body):
                    result.bodies += 1
                    part = _body_part(directive, cls.body_section, str(path), problems)
                    if part is not None:
                        parts.append((part, None))
                data = loaded.data
                if len(parts) > len(loaded.parts) + len(page_parts):
                    data, merged = build_policy_data(parts)
                    known = set(loaded.problems) | set(page_problems)
                    problems.extend(p for p in merged if p not in known)
                elif page_parts and cls in (Rights, Contact):
                    data, _ = build_policy_data(parts)  # the page's jurisdictions
                _note_catalog_use(result, directive, data)
                for problem in problems:
                    fallback = where if problem.subtype == "file" else None
                    result.add(_finding(problem, fallback))
            for finding in _role_findings(path, lines, found, loaded.parts, page_data):
                result.add(finding)
            if any(d.name == "processing-table" for d in found):  # a privacy notice
                for finding in _completeness_findings(docname, path, lines, config,
                                                      [*loaded.parts, *page_parts]):
                    result.add(finding)
    return result


def _timezone(config: Any) -> str:
    """``policy_timezone``, or UTC when it is no time zone (reported by config_problems)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(config.policy_timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return "UTC"
    return str(config.policy_timezone)


def _note_catalog_use(result: Result, directive: Directive, data: Any) -> None:
    """The built-in laws and authorities a ``rights`` or ``contact`` directive shows, as
    the build resolves them (arguments, or the data's ``jurisdictions``)."""
    from ..catalogs import load_authorities, resolve_law
    from ..directives.contact import law_authority
    from ..directives.nodes_util import split_list

    laws: list[str] = []
    if directive.name == "rights":
        names = split_list(directive.argument)
        laws = [law for law in map(resolve_law, names) if law] if names else [
            j.law for j in data.jurisdictions]
    elif directive.name == "contact":
        kind, _, key = directive.argument.strip().partition(" ")
        if kind.lower() == "authority":
            law = resolve_law(key.strip())
            if law is None and key.strip() in load_authorities():
                result.authorities.add(key.strip())
            elif law is not None:
                result.authorities.add(law_authority(law, data))
    for law in laws:
        result.laws.add(law)
        result.authorities.add(law_authority(law, data))
def _front_matter(lines: list[str]) -> dict[str, Any]:
    if not lines or lines[0].strip() != "---":
        return {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    try:
        metadata = yaml.safe_load("\n".join(lines[1:end])) if end else None
    except (yaml.YAMLError, ValueError):
        return {}  # reported by _front_matter_findings
    return metadata if isinstance(metadata, dict) else {}


def _completeness_findings(docname: str, path: Path, lines: list[str], config: Any,
                           parts: list[Any]) -> Iterator[Finding]:
    """The ``policy.completeness`` warnings the build gives a policy page (same check,
    same messages): its data as the end of the page sees it."""
    import fnmatch

    from ..data.model import build_policy_data
    from ..disclosures.evaluate import MISSING, evaluate, missing_messages, policy_laws

    if not config.policy_disclosures:
        return
    policy = _front_matter(lines).get("policy") if path.suffix == ".md" else None
    if not (any(fnmatch.fnmatchcase(docname, p) for p in config.policy_pages)
            or policy not in (None, False)):
        return
    dated = bool(config.policy_git) or (isinstance(policy, dict) and "effective" in policy)
    data = build_policy_data(parts)[0]
    for law in policy_laws(data):
        for outcome in evaluate(data, law, dated=dated):
            if outcome.status != MISSING:
                continue
            for message, origin in missing_messages(outcome, docname):
                if origin is None:
                    yield Finding("completeness", message, str(path), 1)
                else:
                    yield Finding("completeness", message, origin.location, origin.line)


_MYST_ROLE = re.compile(r"(?<!`)\{policy\}`([^`]+)`")  # not `{policy}` in code
_RST_ROLE = re.compile(r"(?<!`):policy:`([^`]+)`")
_CODE_SPAN = re.compile(r"``.+?``")


def _role_findings(path: Path, lines: list[str], found: list[Directive],
                   project_parts: list[Any],
                   page_data: list[tuple[int, list[Any]]]) -> Iterator[Finding]:
    """The ``{policy}`` roles of a page whose path names no single fact, checked against
    the data the role sees there: the project data and the ``policy-data`` files
    declared above it. Code (fences, literal directives, double-backtick spans) is
    skipped."""
    from ..data.model import build_policy_data
    from ..directives.fact import resolve

    skip: set[int] = set()  # 0-based lines of code
    for directive in found:
        if directive.name in _LITERAL:
            first = directive.line  # the line after the directive's own line, 0-based
            skip.update(range(first, directive.body_line - 1 + len(directive.body) + 1))
    if path.suffix == ".md":
        # Open fences: (fence, whether it holds code rather than a directive's Markdown).
        stack: list[tuple[str, bool]] = []
        for index, line in enumerate(lines):
            match = _MYST_FENCE.match(line)
            in_code = any(code for _fence, code in stack)
            if match:
                fence, info = match["fence"], (match["info"] or "").strip()
                top = stack[-1][0] if stack else None
                if top and not info and fence[0] == top[0] and len(fence) >= len(top):
                    stack.pop()
                    skip.add(index)
                    continue
                if not in_code:
                    stack.append((fence, not info.startswith("{")))
            if in_code or any(code for _fence, code in stack):
                skip.add(index)
    role = _MYST_ROLE if path.suffix == ".md" else _RST_ROLE
    cache: dict[int, Any] = {}
    for index, line in enumerate(lines):
        if index in skip or "policy" not in line:
            continue
        for match in role.finditer(_CODE_SPAN.sub("", line)):
            before = [parts for at, parts in page_data if at <= index]
            key = len(before)
            if key not in cache:
                cache[key] = build_policy_data([*project_parts, *(before[-1] if before
                                                                   else [])])[0]
            _value, _key, problem = resolve(cache[key], match[1].strip())
            if problem is not None:
                yield Finding("reference", problem, str(path), index + 1)


def _body_part(directive: Directive, body_section: str | None, source: str,
               problems: list[Any]) -> Any:
    """The directive body as data, as ``DataDirective._body_part`` reads it."""
    from ..data.parse import parse_data
    from ..data.source import DataFileError
    from ..data.validate import Problem

    text = "\n".join(directive.body)
    first_line = directive.body_line
    try:
        part = parse_data(text.encode("utf-8"), source, "yaml", first_line=first_line)
    except DataFileError as err:
        body_line = getattr(err, "line", None)
        problems.append(Problem(
            "syntax", f"in the body of {directive.name}: {err}", source,
            first_line + body_line - 1 if body_line else first_line,
        ))
        return None
    if isinstance(part.data, list) and body_section:
        part.data = {body_section: part.data}
        part.lines = {(body_section, *k): v for k, v in part.lines.items()}
    return part
