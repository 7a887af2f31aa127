"""The consent banner's configuration, written from the same cookie data as the policy.

The manager is orestbida's CookieConsent v3 (``vanilla-cookieconsent`` on npm, MIT): its
configuration is one documented JavaScript object passed to ``CookieConsent.run()``,
stable across the 3.x releases, with read-only categories, auto-clear rules that take a
name or a regular expression (our wildcards), cookie tables per category, translations
per language, and script blocking by ``data-category``. We write that object and the
Google Consent Mode v2 calls that go with it; the library itself comes from npm.
"""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .state.domain import settings

LOCALE_DIR = Path(__file__).parent / "locale"


def _(message: str) -> str:
    """Marks a message for the catalog (``locale/extract.py`` looks for ``_``); it is
    translated per banner language by :func:`translator`, not in the build's language."""
    return message


#: Our categories -> CookieConsent categories (its documented examples use these names,
#: so ``<script type="text/plain" data-category="analytics">`` works as they show).
#: Security cookies need no consent either, so they join the read-only category.
MANAGER_CATEGORIES = {
    "necessary": "necessary",
    "security": "necessary",
    "preferences": "functionality",
    "statistics": "analytics",
    "marketing": "marketing",
    "unclassified": "unclassified",
}
#: Manager category -> Google Consent Mode v2 signals it grants.
CONSENT_MODE = {
    "necessary": ("security_storage",),
    "functionality": ("functionality_storage", "personalization_storage"),
    "analytics": ("analytics_storage",),
    "marketing": ("ad_storage", "ad_user_data", "ad_personalization"),
    "unclassified": (),
}
SIGNALS = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
           "functionality_storage", "personalization_storage", "security_storage")

#: Title (our category label) and description of each manager category.
CATEGORY_TEXT = {
    "necessary": ("Strictly necessary",
                  _("Needed for the website to work, so they cannot be switched off.")),
    "functionality": ("Preferences",
                      _("Remember your choices, such as your language, for your next visit.")),
    "analytics": ("Statistics",
                  _("Count visits and show how the website is used, so that we can improve "
                    "it.")),
    "marketing": ("Marketing",
                  _("Measure our advertising and show you advertising that is relevant to "
                    "you.")),
    "unclassified": ("Unclassified", _("Cookies we have not classified yet.")),
}
TEXTS = {
    "title": _("We use cookies"),
    "description": _("Some cookies are needed for this website to work. With your consent "
                     "we also use others, as our cookie policy describes."),
    "accept_all": _("Accept all"),
    "reject_all": _("Reject all"),
    "manage": _("Manage preferences"),
    "save": _("Save preferences"),
    "close": _("Close"),
    "preferences_title": _("Cookie preferences"),
    "policy_link": _("Cookie policy"),
}


def translator(language: str) -> gettext.NullTranslations:
    return gettext.translation("sphinx_policy", localedir=str(LOCALE_DIR),
                               languages=[language], fallback=True)


class Regex:
    """A JavaScript regular expression literal in the generated script."""

    def __init__(self, source: str) -> None:
        self.source = source


def wildcard_regex(name: str) -> Regex:
    return Regex("^" + ".*".join(re.escape(part) for part in name.split("*")) + "$")


def to_js(value: Any) -> str:
    """A JavaScript expression for ``value``: JSON, and ``new RegExp(...)`` for
    :class:`Regex`. Strings are JSON-escaped with ``<`` too, so the script is safe inside
    a ``<script>`` element."""
    if isinstance(value, Regex):
        return f"new RegExp({to_js(value.source)})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_js(str(k))}: {to_js(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_js(v) for v in value) + "]"
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _expiry_text(cookie: Any, gt: gettext.NullTranslations) -> str:
    from .data.durations import Duration

    expiry: Duration | None = cookie.expiry
    if expiry is None:
        return ""
    if expiry.kind == "session":
        return gt.gettext("Session")
    if expiry.kind == "persistent":
        return gt.gettext("Persistent")
    return expiry.iso or expiry.text


def build_config(data: Any, *, policy_url: str, languages: Iterable[str]) -> dict[str, Any]:
    """CookieConsent v3's configuration object for ``data`` (a ``PolicyData``)."""
    from .data.vocabulary import CATEGORIES  # not imported by a build without the script

    languages = list(languages) or ["en"]
    by_category: dict[str, list[Any]] = {}
    for cookie in data.cookies:
        by_category.setdefault(MANAGER_CATEGORIES.get(cookie.category, "unclassified"),
                               []).append(cookie)
    order = [c for c in dict.fromkeys(MANAGER_CATEGORIES[c] for c in CATEGORIES)
             if c == "necessary" or c in by_category]
    categories: dict[str, Any] = {}
    for name in order:
        entry: dict[str, Any] = {}
        if name == "necessary":
            entry = {"enabled": True, "readOnly": True}
        clear = [
            {"name": wildcard_regex(c.name) if c.wildcard else c.name,
             **({"domain": c.domain} if c.domain else {})}
            for c in by_category.get(name, [])
            if c.storage == "cookie" and c.party != "third" and name != "necessary"
        ]
        if clear:
            entry["autoClear"] = {"cookies": clear}
        categories[name] = entry
    translations = {lang: _translation(lang, order, by_category, policy_url)
                    for lang in languages}
    return {
        "cookie": {"name": "cc_cookie"},
        "categories": categories,
        "language": {"default": languages[0], "autoDetect": "document",
                     "translations": translations},
    }


def _translation(language: str, order: list[str], by_category: dict[str, list[Any]],
                 policy_url: str) -> dict[str, Any]:
    gt = translator(language)
    t = gt.gettext
    link = f'<a href="{_attr(policy_url)}">{_html(t(TEXTS["policy_link"]))}</a>'
    sections: list[dict[str, Any]] = [{"title": t(TEXTS["preferences_title"]),
                                       "description": _html(t(TEXTS["description"])) + " " +
                                       link}]
    for name in order:
        title, description = CATEGORY_TEXT[name]
        section: dict[str, Any] = {"title": t(title), "description": t(description),
                                   "linkedCategory": name}
        cookies = by_category.get(name, [])
        if cookies:
            section["cookieTable"] = {
                "headers": {"name": t("Name"), "purpose": t("Purpose"), "expiry": t("Expiry")},
                "body": [{"name": _html(c.name), "purpose": _html(c.purpose),
                          "expiry": _html(_expiry_text(c, gt))} for c in cookies],
            }
        sections.append(section)
    return {
        "consentModal": {
            "title": t(TEXTS["title"]),
            "description": _html(t(TEXTS["description"])),
            "acceptAllBtn": t(TEXTS["accept_all"]),
            "acceptNecessaryBtn": t(TEXTS["reject_all"]),
            "showPreferencesBtn": t(TEXTS["manage"]),
            "footer": link,
        },
        "preferencesModal": {
            "title": t(TEXTS["preferences_title"]),
            "acceptAllBtn": t(TEXTS["accept_all"]),
            "acceptNecessaryBtn": t(TEXTS["reject_all"]),
            "savePreferencesBtn": t(TEXTS["save"]),
            "closeIconLabel": t(TEXTS["close"]),
            "sections": sections,
        },
    }


def _html(text: str) -> str:
    """CookieConsent inserts descriptions and table cells as HTML: escape our data."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def policy_url_ok(url: str) -> bool:
    """An http(s) URL, or a relative one (``/cookies.html``); no scripts, no controls."""
    from urllib.parse import urlsplit

    from .directives.nodes_util import safe_url

    if not url.strip() or any(ord(ch) < 32 for ch in url):
        return False
    return bool(safe_url(url)) or urlsplit(url.strip()).scheme == ""


def _attr(url: str) -> str:
    return _html(url.strip() if policy_url_ok(url) else "#")


def consent_script(config: dict[str, Any]) -> str:
    """The script to load after ``cookieconsent.umd.js``: Consent Mode v2 defaults
    (denied until consent), the configuration, and updates on every choice."""
    mapping = {c: list(CONSENT_MODE.get(c, ())) for c in config["categories"]}
    denied = {s: "denied" for s in SIGNALS}
    denied["security_storage"] = "granted"
    return f"""\
/* Generated by sphinx-policy consent-config from the policy's cookie data; do not edit.
   Load after CookieConsent v3 (vanilla-cookieconsent's cookieconsent.umd.js). */
(function () {{
  "use strict";
  window.dataLayer = window.dataLayer || [];
  var gtag = window.gtag || function () {{ window.dataLayer.push(arguments); }};
  window.gtag = gtag;
  /* Google Consent Mode v2: everything that needs consent is denied until given. */
  gtag("consent", "default", {to_js({**denied, "wait_for_update": 500})});
  var signals = {to_js(mapping)};
  function update() {{
    var granted = {{}};
    Object.keys(signals).forEach(function (category) {{
      var on = window.CookieConsent.acceptedCategory(category);
      signals[category].forEach(function (signal) {{
        granted[signal] = on ? "granted" : "denied";
      }});
    }});
    gtag("consent", "update", granted);
  }}
  var config = {to_js(config)};
  config.onConsent = update;
  config.onChange = update;
  window.sphinxPolicyConsentConfig = config;
  window.CookieConsent.run(config);
}})();
"""


def write_build_script(app: Any, exception: BaseException | None) -> None:
    """``build-finished``: the banner script of ``policy_consent_script`` in the HTML
    output, from the project's data, in the build's language."""
    from .diagnostics import Subtype, warn
    from .state.data import project_data

    target = settings(app.env).consent_script
    if exception is not None or not target or app.builder.format != "html":
        return
    outdir = Path(app.outdir).resolve()
    path = (outdir / target).resolve()
    url = settings(app.env).consent_policy_url
    if not path.is_relative_to(outdir) or path == outdir:
        warn(Subtype.CONFIG, f"conf.py: policy_consent_script = {target!r} is not a path "
             "inside the HTML output; no consent script written")
        return
    if not policy_url_ok(url):
        warn(Subtype.CONFIG, f"conf.py: policy_consent_policy_url = {url!r} is not a path or "
             "an http(s) URL; the consent script needs the cookie policy's address")
        return
    config = build_config(project_data(app.env).data, policy_url=url,
                          languages=[app.config.language or "en"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(consent_script(config), encoding="utf-8")


def setup_consent(app: Any) -> None:
    app.connect("build-finished", write_build_script)
