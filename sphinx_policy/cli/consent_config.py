"""``sphinx-policy consent-config --project DIR``: the consent banner's configuration.

Written from the project's cookie data (the same data as the cookie table), for
orestbida's CookieConsent v3, with Google Consent Mode v2 signals; see
``sphinx_policy/consent.py`` for the mapping.
"""

from __future__ import annotations

import argparse

from .common import EXIT_OK, UsageError, write_output

NAME = "consent-config"
HELP = "write the CookieConsent v3 banner configuration (with Consent Mode v2) from the data"
DESCRIPTION = """\
Write a script that configures orestbida's CookieConsent v3 (npm: vanilla-cookieconsent)
from the project's cookie data: one category per cookie category (necessary read-only),
the cookies of each category in its table and its auto-clear rules (wildcards as regular
expressions), the category descriptions in each --language from sphinx-policy's
catalogs, and a link to the cookie policy. It also sets Google Consent Mode v2 defaults
(denied) and updates them on every choice:

  necessary     -> security_storage (always granted)
  functionality -> functionality_storage, personalization_storage   (our preferences)
  analytics     -> analytics_storage                                 (our statistics)
  marketing     -> ad_storage, ad_user_data, ad_personalization

Load it after cookieconsent.umd.js. Exit code 0, or 2 on a usage error.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--project", default=".", metavar="DIR",
                        help="the documentation folder, holding conf.py (default: .)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="a data file inside the project, besides policy_data_files "
                        "(repeatable)")
    parser.add_argument("--policy-url", required=True, metavar="URL",
                        help="the cookie policy page the banner links to")
    parser.add_argument("-l", "--language", action="append", default=[], metavar="LANG",
                        help="a banner language (repeatable; the first is the default; "
                        "default: conf.py's language, else en)")
    parser.add_argument("-o", "--output", metavar="FILE.js",
                        help="write here instead of to standard output")
    parser.add_argument("-f", "--force", action="store_true",
                        help="overwrite FILE.js when it exists")


def run(args: argparse.Namespace) -> int:
    from ..consent import build_config, consent_script, policy_url_ok
    from .common import read_config, source_folder
    from .scan import load_data

    if not policy_url_ok(args.policy_url):
        raise UsageError(f"--policy-url {args.policy_url!r} is not an http(s) or relative URL")
    data = load_data(args.project, args.data)
    languages = args.language or [read_config(source_folder(args.project)).language or "en"]
    script = consent_script(build_config(data, policy_url=args.policy_url,
                                         languages=languages))
    write_output(script, args.output, args.force)
    return EXIT_OK
