"""Controlled vocabularies: canonical values, the vendor aliases accepted for them, labels."""

from __future__ import annotations

from ..locale import _

#: Canonical cookie categories and the names consent platforms use for them.
CATEGORY_ALIASES: dict[str, str] = {
    "necessary": "necessary",
    "essential": "necessary",
    "strictly-necessary": "necessary",
    "strictly necessary": "necessary",
    "required": "necessary",
    "preferences": "preferences",
    "preference": "preferences",
    "functional": "preferences",
    "functionality": "preferences",
    "personalization": "preferences",
    "personalisation": "preferences",
    "statistics": "statistics",
    "statistic": "statistics",
    "analytics": "statistics",
    "performance": "statistics",
    "marketing": "marketing",
    "targeting": "marketing",
    "advertising": "marketing",
    "social-media": "marketing",
    "social media": "marketing",
    "security": "security",
    "unclassified": "unclassified",
    "unknown": "unclassified",
}
CATEGORIES = ("necessary", "preferences", "statistics", "marketing", "security", "unclassified")
CATEGORY_LABELS = {
    "necessary": _("Strictly necessary"),
    "preferences": _("Preferences"),
    "statistics": _("Statistics"),
    "marketing": _("Marketing"),
    "security": _("Security"),
    "unclassified": _("Unclassified"),
}

STORAGE_ALIASES: dict[str, str] = {
    "cookie": "cookie",
    "http-cookie": "cookie",
    "localstorage": "localStorage",
    "local-storage": "localStorage",
    "sessionstorage": "sessionStorage",
    "session-storage": "sessionStorage",
    "indexeddb": "IndexedDB",
    "pixel": "pixel",
    "tracker": "pixel",
    "web-beacon": "pixel",
}
STORAGE_LABELS = {
    "cookie": _("HTTP cookie"),
    "localStorage": _("Local storage"),
    "sessionStorage": _("Session storage"),
    "IndexedDB": _("IndexedDB"),
    "pixel": _("Pixel / tracker"),
}

ROLE_ALIASES = {"data-protection-officer": "dpo"}
ROLE_LABELS = {
    "dpo": _("Data Protection Officer"),
    "information-officer": _("Information Officer"),
    "deputy-information-officer": _("Deputy Information Officer"),
    "eu-representative": _("EU Representative"),
    "uk-representative": _("UK Representative"),
    "privacy-contact": _("Privacy contact"),
}

LAWFUL_BASIS_LABELS = {
    "consent": _("Consent"),
    "contract": _("Performance of a contract"),
    "legal-obligation": _("Legal obligation"),
    "vital-interests": _("Vital interests"),
    "public-task": _("Public task"),
    "legitimate-interests": _("Legitimate interests"),
    "data-subject-interest": _("Legitimate interest of the data subject"),
    "public-law-duty": _("Public-law duty"),
}
# Where each basis stands in each law; rendered after the label, e.g. "Consent (Art. 6(1)(a) GDPR)".
LAWFUL_BASIS_CITATIONS = {
    "gdpr": {
        "consent": "Art. 6(1)(a) GDPR",
        "contract": "Art. 6(1)(b) GDPR",
        "legal-obligation": "Art. 6(1)(c) GDPR",
        "vital-interests": "Art. 6(1)(d) GDPR",
        "public-task": "Art. 6(1)(e) GDPR",
        "legitimate-interests": "Art. 6(1)(f) GDPR",
    },
    "uk-gdpr": {
        "consent": "Art. 6(1)(a) UK GDPR",
        "contract": "Art. 6(1)(b) UK GDPR",
        "legal-obligation": "Art. 6(1)(c) UK GDPR",
        "vital-interests": "Art. 6(1)(d) UK GDPR",
        "public-task": "Art. 6(1)(e) UK GDPR",
        "legitimate-interests": "Art. 6(1)(f) UK GDPR",
    },
    "popia": {
        "consent": "s11(1)(a) POPIA",
        "contract": "s11(1)(b) POPIA",
        "legal-obligation": "s11(1)(c) POPIA",
        "data-subject-interest": "s11(1)(d) POPIA",
        "public-law-duty": "s11(1)(e) POPIA",
        "legitimate-interests": "s11(1)(f) POPIA",
    },
}

REQUIRED_LABELS = {
    True: _("Required"),
    False: _("Optional"),
    "statutory": _("Required by law"),
    "contractual": _("Required for the contract"),
    "voluntary": _("Voluntary"),
}

#: Things an organisation can declare it does *not* do (``not_done``), with the sentence
#: a policy says for each. The organisation's own ``text`` replaces the sentence.
NOT_DONE_SENTENCES = {
    "selling": _("We do not sell, rent or trade your personal information."),
    "analytics": _("We do not use analytics cookies or analytics tools."),
    "advertising": _("We do not use advertising cookies and do not show you targeted "
                     "advertising."),
    "tracking": _("We do not load third-party tracking tools, such as tracking pixels, and "
                  "do not track you across other websites."),
    "profiling": _("We do not build profiles of the people who visit our website."),
    "marketing": _("We do not use your personal information for marketing without your "
                   "explicit permission."),
    "special-category": _("We do not collect special categories of personal information "
                          "(such as health, religious or political data)."),
    "children": _("We do not knowingly collect personal information from children."),
    "automated-decisions": _("We do not make decisions about you by automated means alone."),
}
#: What the data must not hold when a commitment is declared: cookie categories, and
#: whether a processing activity may have ``special_category: true``.
NOT_DONE_CHECKS: dict[str, tuple[frozenset[str], bool]] = {
    "analytics": (frozenset({"statistics"}), False),
    "advertising": (frozenset({"marketing"}), False),
    "tracking": (frozenset({"statistics", "marketing"}), False),
    "special-category": (frozenset(), True),
}

#: Explanations of the kinds of cookie and similar technologies, for the ``cookie-kinds``
#: directive: by lifetime, by who sets them, and by storage.
COOKIE_KINDS = {
    "session": (_("Session cookies"),
                _("Kept only while your browser is open, and deleted when you close it. "
                  "They let you move from page to page without signing in again.")),
    "persistent": (_("Persistent cookies"),
                   _("Kept on your device after you close the browser, until they expire or "
                     "you delete them. They remember your choices for your next visit.")),
    "first-party": (_("First-party cookies"),
                    _("Set by the website you are visiting (the domain in your address bar), "
                      "whoever wrote the script that sets them.")),
    "third-party": (_("Third-party cookies"),
                    _("Set by another domain than the one you are visiting, for example by "
                      "an embedded service or a social-media button.")),
    "cookie": (_("HTTP cookies"),
               _("Small text files that your browser stores for a website and sends back to "
                 "it with each request.")),
    "localStorage": (_("Local storage"),
                     _("Data a website keeps in your browser, without an expiry date; it is "
                       "not sent to the website with each request and stays until you clear "
                       "it.")),
    "sessionStorage": (_("Session storage"),
                       _("Data a website keeps in your browser for one tab, deleted when the "
                         "tab is closed.")),
    "IndexedDB": (_("IndexedDB"),
                  _("A database in your browser in which a website can keep larger amounts "
                    "of data, until you clear it.")),
    "pixel": (_("Pixels and web beacons"),
              _("Tiny invisible images or scripts that tell their provider that a page or an "
                "email was opened.")),
    "flash": (_("Flash cookies (local shared objects)"),
              _("Files that Adobe Flash stored, apart from the browser's cookies. Flash is no "
                "longer supported by browsers, so they are obsolete.")),
}
#: What each cookie category is for (the ``cookie-kinds`` directive).
CATEGORY_EXPLANATIONS = {
    "necessary": _("Needed for the website to work, for example to keep you signed in; they "
                   "need no consent."),
    "preferences": _("Remember your choices, such as language or layout."),
    "statistics": _("Help us understand how visitors use the website, by collecting "
                    "information about visits."),
    "marketing": _("Used to show advertising that is relevant to you, on this and other "
                   "websites."),
    "security": _("Protect the website and its visitors, for example against fraud and "
                  "abuse."),
    "unclassified": _("Not yet classified."),
}

#: The role of a recipient (``recipients[].role``), as the ``recipients`` table says it.
RECIPIENT_ROLE_LABELS = {
    "processor": _("Processor"),
    "sub-processor": _("Sub-processor"),
    "controller": _("Independent controller"),
    "joint-controller": _("Joint controller"),
    "public-authority": _("Public authority"),
    "other": _("Other"),
}
