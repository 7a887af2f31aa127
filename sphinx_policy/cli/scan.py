"""``sphinx-policy scan URL… --project DIR``: what a site really stores, against the policy.

A headless Chromium (the system's, driven by Playwright) visits the pages in a fresh,
empty profile, first without consent and then, when ``--accept SELECTOR`` names the
banner's accept button, after clicking it. Every cookie, ``localStorage``,
``sessionStorage`` and IndexedDB name, and every third-party host contacted, is compared
with the project's data (``policy_data_files``, and ``--data`` files). Cookie values are
never read out of the browser's answer, and everything the site sends is treated as
untrusted: control characters are removed before printing, YAML is written by a dumper.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml

from .common import EXIT_OK, EXIT_PROBLEMS, UsageError, shown_path, source_folder

NAME = "scan"
HELP = "visit a live site in headless Chromium and compare its cookies with the policy's data"
DESCRIPTION = """\
Visit URL(s) in headless Chromium with an empty profile and record every cookie,
localStorage, sessionStorage and IndexedDB name and every third-party host contacted.
With --accept SELECTOR the pages are visited twice: before consent, and after clicking
the element SELECTOR (the banner's "accept all" button). Then compare with the cookies
and recipients declared in the project's data and report:

  undeclared       set, but not declared (wildcards such as _ga_* match)
  not-seen         declared, but not seen in any visit
  expiry           the cookie lives longer than declared
  third-party      a host contacted that belongs to no recipient
  before-consent   a declared non-necessary item set before consent

Exit code 0 when the site matches the policy, 1 on findings, 2 on a usage error
(including: Playwright or Chromium not installed; pip install 'sphinx-policy[scan]').
Needs the system Chromium (/usr/bin/chromium, or --chromium PATH).
"""

FINDING_KINDS = ("undeclared", "not-seen", "expiry", "third-party", "before-consent")
#: Categories that need no consent (ePrivacy Art. 5(3): strictly necessary).
NO_CONSENT = frozenset({"necessary", "security"})
STORAGES = ("cookie", "localStorage", "sessionStorage", "IndexedDB")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: The flags the tests use too: no sync, no component updates, no background requests
#: that would show up as "third-party hosts".
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
JSON_VERSION = 1

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_MAX_TEXT = 200

_STORAGE_JS = """async () => {
  const keys = (s) => { try { return Object.keys(s); } catch (e) { return []; } };
  let dbs = [];
  try { dbs = (await indexedDB.databases()).map((d) => d.name); } catch (e) {}
  return {localStorage: keys(localStorage), sessionStorage: keys(sessionStorage),
          IndexedDB: dbs};
}"""
_LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"


def clean(text: object) -> str:
    """Text from the scanned site, safe to print: no control or direction characters,
    bounded length."""
    value = _CONTROL.sub("", str(text))
    return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"


# --------------------------------------------------------------------------- observation


@dataclass(frozen=True)
class Item:
    """A name the site stored, in one consent state (never its value)."""

    storage: str  # cookie, localStorage, sessionStorage, IndexedDB
    name: str
    state: str  # before-consent or after-consent
    host: str  # cookie domain (without the leading dot) or the page's origin
    party: str = "first"  # first or third
    path: str | None = None
    expires_in: int | None = None  # seconds from the visit; None: session
    secure: bool | None = None
    http_only: bool | None = None
    same_site: str | None = None


@dataclass
class Observation:
    pages: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: Third-party host -> the first consent state it was contacted in.
    hosts: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _first_party(domain: str, site_hosts: set[str]) -> bool:
    domain = domain.lstrip(".").lower()
    return any(h == domain or h.endswith("." + domain) for h in site_hosts)


def browser_problem(chromium: str) -> str | None:
    """Why the scan cannot drive a browser here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright for Python is not installed: pip install 'sphinx-policy[scan]' "
                "(the browser itself is the system Chromium)")
    if not Path(chromium).is_file():
        return (f"no Chromium at {chromium}: install it (apt-get install chromium) or give "
                "--chromium")
    return None


def _fresh_profile(playwright: Any, folder: str, chromium: str, ms: int) -> Any:
    """Chromium on an empty profile in ``folder``, set as a desktop browser is by
    default: third-party cookies allowed (Playwright's incognito-like contexts block
    them, and a sweep must see what a default browser receives)."""
    default = Path(folder) / "Default"
    default.mkdir()
    (default / "Preferences").write_text(json.dumps(
        {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}))
    return playwright.chromium.launch_persistent_context(
        folder, executable_path=chromium, args=CHROMIUM_ARGS, timeout=ms * 4)


def _settle(page: Any, ms: int) -> None:
    """Wait until the page stops loading things, for at most 5 seconds."""
    from playwright.sync_api import Error as PlaywrightError

    # A page that keeps polling: take what it has done so far.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=min(ms, 5000))


def observe(urls: list[str], *, accept: str | None = None, max_pages: int = 1,
            timeout: float = 15.0, chromium: str = DEFAULT_CHROMIUM) -> Observation:
    """Visit ``urls`` (and same-origin links, up to ``max_pages`` pages per state) before
    and, with ``accept``, after consent; each state in a new, empty browser context."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    origins = {_origin(u) for u in urls}
    site_hosts = {urlsplit(u).hostname or "" for u in urls}
    result = Observation()
    states = ["before-consent"] + (["after-consent"] if accept else [])
    result.states = states
    ms = int(timeout * 1000)
    with sync_playwright() as playwright:
        for state in states:
            with contextlib.ExitStack() as stack:
                profile = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix="sphinx-policy-scan-"))
                context = _fresh_profile(playwright, profile, chromium, ms)
                stack.callback(context.close)
                context.set_default_timeout(ms)
                page = context.pages[0] if context.pages else context.new_page()

                def on_request(request: Any, state: str = state) -> None:
                    origin = _origin(request.url)
                    if request.url.startswith(("http:", "https:")) and origin not in origins:
                        result.hosts.setdefault(urlsplit(request.url).netloc.lower(), state)

                page.on("request", on_request)
                if state == "after-consent":
                    assert accept is not None
                    try:
                        page.goto(urls[0], timeout=ms, wait_until="load")
                        page.click(accept, timeout=ms)
                        page.wait_for_load_state("load", timeout=ms)
                        _settle(page, ms)
                    except PlaywrightError as err:
                        result.errors.append(clean(f"{urls[0]}: could not accept with "
                                                   f"{accept!r}: {str(err).splitlines()[0]}"))
                queue = list(urls)
                seen: set[str] = set()
                while queue and len(seen) < max_pages:
                    url = urldefrag(queue.pop(0))[0]
                    if url in seen or _origin(url) not in origins:
                        continue  # other sites' links are never followed
                    seen.add(url)
                    visited = time.time()
                    try:
                        page.goto(url, timeout=ms, wait_until="load")
                        _settle(page, ms)
                        stored = page.evaluate(_STORAGE_JS)
                        links = page.evaluate(_LINKS_JS) if max_pages > len(seen) else []
                    except PlaywrightError as err:
                        result.errors.append(clean(f"{url}: {str(err).splitlines()[0]}"))
                        continue
                    if url not in result.pages:
                        result.pages.append(url)
                    queue.extend(urljoin(url, str(link)) for link in links)
                    page_origin = _origin(url)
                    for storage in ("localStorage", "sessionStorage", "IndexedDB"):
                        for name in stored.get(storage) or []:
                            result.items.append(Item(storage, str(name), state, page_origin))
                    for cookie in context.cookies():
                        expires = cookie.get("expires", -1)
                        domain = str(cookie.get("domain", "")).lstrip(".").lower()
                        result.items.append(Item(
                            "cookie", str(cookie.get("name", "")), state, domain,
                            party="first" if _first_party(domain, site_hosts) else "third",
                            path=str(cookie.get("path", "/")),
                            expires_in=None if expires is None or expires < 0
                            else max(0, round(expires - visited)),
                            secure=bool(cookie.get("secure")),
                            http_only=bool(cookie.get("httpOnly")),
                            same_site=str(cookie.get("sameSite") or "") or None,
                        ))
    # One row per (storage, name, host, state); the longest expiry seen wins.
    merged: dict[tuple[str, str, str, str], Item] = {}
    for item in result.items:
        key = (item.storage, item.name, item.host, item.state)
        old = merged.get(key)
        if old is None or (item.expires_in or 0) > (old.expires_in or 0):
            merged[key] = item
    result.items = list(merged.values())
    return result


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Finding:
    kind: str
    storage: str | None
    name: str
    message: str
    state: str | None = None
    category: str | None = None
    declared_at: str | None = None  # data file:line of the declaration


def name_pattern(name: str) -> re.Pattern[str]:
    """A declared name as a pattern: ``*`` stands for any run of characters."""
    return re.compile("^" + ".*".join(re.escape(p) for p in name.split("*")) + "$")


def _declared_seconds(expiry: Any) -> float | None:
    """The declared lifetime in seconds (calendar units at their longest), 0 for a
    session cookie, None when it cannot be compared (free text, persistent)."""
    if expiry is None:
        return None
    if expiry.kind == "session":
        return 0.0
    if expiry.kind != "duration":
        return None
    longest = {"years": 366 * 86400, "months": 31 * 86400, "weeks": 7 * 86400,
               "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
    return float(sum(longest[unit] * n for unit, n in expiry.parts))


def human_seconds(seconds: int | None) -> str:
    """A cookie's life for the table: days up to two years (Chromium caps cookies at 400
    days, which reads best as such), then years; hours and minutes below a day."""
    if seconds is None:
        return "session"
    day = 86400
    if seconds >= 2 * 365 * day:
        return f"{seconds / (365 * day):.1f}y".replace(".0y", "y")
    for unit, size in (("d", day), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{round(seconds / size)}{unit}"
    return f"{seconds}s"


def _recipient_hosts(data: Any) -> dict[str, str]:
    """Host (no port) -> recipient id, from the recipients' website and policy URLs."""
    hosts: dict[str, str] = {}
    for rid, recipient in data.recipients.items():
        for url in (recipient.website, recipient.privacy_policy):
            host = urlsplit(url or "").hostname
            if host:
                hosts.setdefault(host.lower().removeprefix("www."), rid)
    return hosts


def _item_order(item: Item) -> tuple[int, str, str]:
    """Before consent first, so that a finding names the earliest state."""
    return (0 if item.state == "before-consent" else 1, item.storage, item.name)


def compare(observation: Observation, data: Any) -> list[Finding]:
    findings: list[Finding] = []
    declared = [c for c in data.cookies if c.storage in STORAGES and c.name]
    patterns = [(c, name_pattern(c.name)) for c in declared]
    matched: set[int] = set()

    def where(cookie: Any) -> str:
        return f"{cookie.origin.location}:{cookie.origin.line}"

    reported_undeclared: set[tuple[str, str, str]] = set()
    for item in sorted(observation.items, key=_item_order):
        match = None
        for index, (cookie, pattern) in enumerate(patterns):
            if cookie.storage != item.storage or not pattern.match(item.name):
                continue
            domain = (cookie.domain or "").lstrip(".").lower()
            if item.storage == "cookie" and domain and not (
                item.host == domain or item.host.endswith("." + domain)
            ):
                continue
            match = (index, cookie)
            break
        name = clean(item.name)
        if match is None:
            key = (item.storage, item.name, item.host)
            if key not in reported_undeclared:
                reported_undeclared.add(key)
                findings.append(Finding(
                    "undeclared", item.storage, name,
                    f"{item.storage} {name!r} ({item.party} party, {clean(item.host)}) is "
                    f"set {item.state.replace('-', ' ')} but not declared", item.state))
            continue
        index, cookie = match
        matched.add(index)
        if item.state == "before-consent" and cookie.category not in NO_CONSENT:
            findings.append(Finding(
                "before-consent", item.storage, name,
                f"{item.storage} {name!r} ({cookie.category}) is set before consent",
                item.state, cookie.category, where(cookie)))
        limit = _declared_seconds(cookie.expiry)
        # A minute of slack: the clock runs between the response and our reading.
        if (item.storage == "cookie" and limit is not None and item.expires_in is not None
                and item.expires_in > limit + 60):
            declared_text = cookie.expiry.iso or cookie.expiry.kind
            findings.append(Finding(
                "expiry", item.storage, name,
                f"cookie {name!r} lives {human_seconds(item.expires_in)}, longer than "
                f"the declared {declared_text}", item.state, cookie.category, where(cookie)))
    for index, (cookie, _pattern) in enumerate(patterns):
        if index not in matched:
            findings.append(Finding(
                "not-seen", cookie.storage, clean(cookie.name),
                f"{cookie.storage} {cookie.name!r} is declared but was not seen on the pages "
                "visited", None, cookie.category, where(cookie)))
    recipients = _recipient_hosts(data)
    for netloc, state in sorted(observation.hosts.items()):
        host = (urlsplit(f"//{netloc}").hostname or netloc).removeprefix("www.")
        if not any(host == h or host.endswith("." + h) for h in recipients):
            shown = clean(netloc)
            findings.append(Finding(
                "third-party", None, shown,
                f"the host {shown} was contacted ({state.replace('-', ' ')}) but is no "
                "recipient's website",
                state))
    # Several items of one kind and name (two consent states) make one finding each;
    # the same message twice is one.
    unique: dict[tuple[Any, ...], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.kind, finding.storage, finding.name, finding.message), finding)
    return list(unique.values())


# --------------------------------------------------------------------------- output


def report_json(observation: Observation, findings: list[Finding]) -> str:
    counts = {kind: sum(f.kind == kind for f in findings) for kind in FINDING_KINDS}
    document = {
        "version": JSON_VERSION,
        "pages": [clean(p) for p in observation.pages],
        "states": observation.states,
        "items": [
            {k: (clean(v) if isinstance(v, str) else v) for k, v in asdict(item).items()}
            for item in sorted(observation.items, key=_item_order)
        ],
        "third_party_hosts": [
            {"host": clean(h), "state": s} for h, s in sorted(observation.hosts.items())
        ],
        "findings": [asdict(f) for f in findings],
        "errors": observation.errors,
        "summary": {"findings": len(findings), "by_kind": counts},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def report_table(observation: Observation, findings: list[Finding]) -> str:
    rows = [("STATE", "STORAGE", "NAME", "PARTY", "HOST", "EXPIRES", "FLAGS")]
    for item in sorted(observation.items, key=_item_order):
        flags = ",".join(f for f, on in (("Secure", item.secure), ("HttpOnly", item.http_only))
                         if on)
        if item.same_site:
            flags = ",".join(filter(None, [flags, f"SameSite={item.same_site}"]))
        rows.append((item.state, item.storage, clean(item.name), item.party, clean(item.host),
                     human_seconds(item.expires_in) if item.storage == "cookie" else "-",
                     flags or "-"))
    for host, state in sorted(observation.hosts.items()):
        rows.append((state, "host", clean(host), "third", clean(host), "-", "-"))
    widths = [min(40, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    lines = ["  ".join(c[:40].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.append("")
    if findings:
        lines.append(f"{len(findings)} finding(s):")
        width = max(len(f.kind) for f in findings)
        for finding in findings:
            at = f"  [{shown_path(finding.declared_at)}]" if finding.declared_at else ""
            lines.append(f"  {finding.kind.ljust(width)}  {finding.message}{at}")
    else:
        lines.append("The site matches the policy: every item is declared, nothing is set "
                     "before consent that needs it.")
    lines.extend(f"error: {e}" for e in observation.errors)
    return "\n".join(lines) + "\n"


def report_yaml(observation: Observation, findings: list[Finding],
                known: list[dict[str, Any]]) -> str:
    """Stubs in the data format for undeclared items; a row of an Open Cookie Database
    CSV (``known``, converted by ``import-cookies``) fills what it knows."""
    from ..data.durations import plain_duration

    stubs: list[dict[str, Any]] = []
    by_name = {(i.storage, clean(i.name)): i for i in observation.items}
    names: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.kind != "undeclared" or finding.storage is None:
            continue
        key = (finding.storage, finding.name)
        if key in names:
            continue
        names.add(key)
        item = by_name.get(key)
        entry = next((dict(k) for k in known if name_pattern(str(k["name"])).match(
            finding.name)), None)
        stub: dict[str, Any] = {"name": finding.name}
        if entry:
            stub.update({k: v for k, v in entry.items() if k not in ("name", "domain")})
        else:
            stub["category"] = "unclassified"
            stub["purpose"] = "TODO: what this is for"
            seconds = item.expires_in if item else None
            expiry = "session" if seconds is None else plain_duration(
                f"{max(1, round(seconds / 86400))} days")
            stub["expiry"] = expiry or "session"
        if finding.storage != "cookie":
            stub["storage"] = finding.storage
        elif item is not None:
            stub.setdefault("party", item.party)
            if item.party == "third":
                stub["domain"] = clean(item.host)
        stubs.append(stub)
    head = ("# Undeclared items found by sphinx-policy scan; review each one and move it\n"
            "# into your data file. Names come from the scanned site.\n")
    return head + yaml.safe_dump({"cookies": stubs}, sort_keys=False, allow_unicode=True,
                                 width=88, default_flow_style=False)


# --------------------------------------------------------------------------- command


def load_data(project: str, data_files: list[str]) -> Any:
    """The project's data (``policy_data_files``) and the ``--data`` files on top."""
    from ..data.loading import load_project_data, read_part
    from ..data.model import build_policy_data
    from ..data.source import WorkingTreeSource
    from .common import read_config

    srcdir = source_folder(project)
    config = read_config(srcdir)
    source = WorkingTreeSource(srcdir, config.policy_data_max_bytes)
    loaded = load_project_data(source, list(config.policy_data_files))
    parts = list(loaded.parts)
    for name in data_files:
        path = Path(name).resolve()
        if not path.is_file():
            raise UsageError(f"--data {name}: no such file")
        if not path.is_relative_to(srcdir):
            raise UsageError(f"--data {name}: not inside the project {srcdir}")
        problems: list[Any] = []
        part = read_part(source, path.relative_to(srcdir).as_posix(), problems)
        if part is None:
            raise UsageError(f"--data {name}: {problems[0].message if problems else 'unreadable'}")
        parts.append((part, path.relative_to(srcdir).as_posix()))
    data, _problems = build_policy_data(parts)
    return data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="+", metavar="URL", help="pages to visit (http or https)")
    parser.add_argument("-p", "--project", default=".", metavar="DIR",
                        help="the documentation folder, holding conf.py (default: .)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="a data file inside the project to compare with, besides "
                        "policy_data_files (repeatable)")
    parser.add_argument("--accept", metavar="SELECTOR",
                        help="CSS selector of the banner's accept button: scan again after "
                        "clicking it")
    parser.add_argument("--max-pages", type=int, default=1, metavar="N",
                        help="visit up to N pages per consent state, following same-origin "
                        "links from the URLs (default: 1 per URL given)")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                        help="time allowed for each page load and click (default: 15)")
    parser.add_argument("--format", choices=("table", "json", "yaml"), default="table",
                        help="table (default), json (for CI), or yaml (stubs for undeclared "
                        "items, in the data format)")
    parser.add_argument("--json", action="store_const", const="json", dest="format",
                        help="the same as --format json")
    parser.add_argument("--ocd", metavar="CSV",
                        help="an Open Cookie Database CSV: --format yaml fills the stubs of "
                        "the cookies it knows")
    parser.add_argument("--chromium", default=DEFAULT_CHROMIUM, metavar="PATH",
                        help=f"the Chromium executable (default: {DEFAULT_CHROMIUM})")


def run(args: argparse.Namespace) -> int:
    for url in args.urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{url!r} is not an http(s) URL")
    if args.max_pages < 1 or args.timeout <= 0:
        raise UsageError("--max-pages and --timeout must be positive")
    data = load_data(args.project, args.data)
    known: list[dict[str, Any]] = []
    if args.ocd:
        from .import_cookies import convert, read_rows

        path = Path(args.ocd)
        if not path.is_file():
            raise UsageError(f"--ocd {args.ocd}: no such file")
        known = convert(read_rows(path.read_text("utf-8-sig"), path.name),
                        source=path.name).cookies
    problem = browser_problem(args.chromium)
    if problem:
        raise UsageError(problem)
    max_pages = max(args.max_pages, len(args.urls))
    observation = observe(args.urls, accept=args.accept, max_pages=max_pages,
                          timeout=args.timeout, chromium=args.chromium)
    findings = compare(observation, data)
    if args.format == "json":
        sys.stdout.write(report_json(observation, findings) + "\n")
    elif args.format == "yaml":
        sys.stdout.write(report_yaml(observation, findings, known))
    else:
        sys.stdout.write(report_table(observation, findings))
    if not observation.pages:
        print("sphinx-policy scan: no page could be visited", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if findings or observation.errors else EXIT_OK
