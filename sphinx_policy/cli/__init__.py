"""The ``sphinx-policy`` command: start a policy site, check its data, write the JSON
Schemas, show a page's revisions, import cookie lists.

Exit codes, the same for every subcommand, so that CI can rely on them:

- 0: done, nothing wrong;
- 1: problems found (``check``: invalid data; ``history``: git could not be read;
  ``import-cookies``: rows that could not be imported; ``scan``: the site differs from
  the policy);
- 2: usage error (unknown option, missing folder or file, no ``conf.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..version import __version__
from .common import EXIT_OK, EXIT_USAGE, UsageError

#: Subcommand modules; each has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args)``.
COMMANDS = ("init", "check", "schema", "history", "import_cookies", "scan", "consent_config")


def build_parser() -> argparse.ArgumentParser:
    from importlib import import_module

    parser = argparse.ArgumentParser(
        prog="sphinx-policy",
        description="Tools for sphinx-policy sites: start one, check its data, write the "
        "JSON Schemas of its data files, show a page's revisions, import cookie lists.",
        epilog="Exit codes: 0 ok, 1 problems found, 2 usage error. "
        "'sphinx-policy COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"sphinx-policy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = import_module(f".{name}", __name__)
        sub = commands.add_parser(
            module.NAME, help=module.HELP, description=module.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run, parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version (0) or a usage error (2)
        return exit.code if isinstance(exit.code, int) else EXIT_USAGE
    try:
        return int(args.run(args))
    except UsageError as err:
        args.parser.print_usage(sys.stderr)
        print(f"{args.parser.prog}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout.flush()


__all__ = ["EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
