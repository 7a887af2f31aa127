"""Controlled vocabularies: canonical values, the vendor aliases accepted for them, labels."""

from __future__ import annotations

from ..locale import N_, Labels

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
CATEGORY_LABELS = Labels({
    "necessary": N_("Strictly necessary"),
    "preferences": N_("Preferences"),
    "statistics": N_("Statistics"),
    "marketing": N_("Marketing"),
    "security": N_("Security"),
    "unclassified": N_("Unclassified"),
})

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
STORAGE_LABELS = Labels({
    "cookie": N_("HTTP cookie"),
    "localStorage": N_("Local storage"),
    "sessionStorage": N_("Session storage"),
    "IndexedDB": N_("IndexedDB"),
    "pixel": N_("Pixel / tracker"),
})

ROLE_ALIASES = {"data-protection-officer": "dpo"}
ROLE_LABELS = Labels({
    "dpo": N_("Data Protection Officer"),
    "information-officer": N_("Information Officer"),
    "deputy-information-officer": N_("Deputy Information Officer"),
    "eu-representative": N_("EU Representative"),
    "uk-representative": N_("UK Representative"),
    "privacy-contact": N_("Privacy contact"),
})

LAWFUL_BASIS_LABELS = Labels({
    "consent": N_("Consent"),
    "contract": N_("Performance of a contract"),
    "legal-obligation": N_("Legal obligation"),
    "vital-interests": N_("Vital interests"),
    "public-task": N_("Public task"),
    "legitimate-interests": N_("Legitimate interests"),
    "data-subject-interest": N_("Legitimate interest of the data subject"),
    "public-law-duty": N_("Public-law duty"),
})
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

REQUIRED_LABELS = Labels({
    True: N_("Required"),
    False: N_("Optional"),
    "statutory": N_("Required by law"),
    "contractual": N_("Required for the contract"),
    "voluntary": N_("Voluntary"),
})

#: Things an organisation can declare it does *not* do (``not_done``), with the sentence
#: a policy says for each. The organisation's own ``text`` replaces the sentence.
NOT_DONE_SENTENCES = Labels({
    "selling": N_("We do not sell, rent or trade your personal information."),
    "analytics": N_("We do not use analytics cookies or analytics tools."),
    "advertising": N_("We do not use advertising cookies and do not show you targeted "
                     "advertising."),
    "tracking": N_("We do not load third-party tracking tools, such as tracking pixels, and "
                  "do not track you across other websites."),
    "profiling": N_("We do not build profiles of the people who visit our website."),
    "marketing": N_("We do not use your personal information for marketing without your "
                   "explicit permission."),
    "special-category": N_("We do not collect special categories of personal information "
                          "(such as health, religious or political data)."),
    "children": N_("We do not knowingly collect personal information from children."),
    "automated-decisions": N_("We do not make decisions about you by automated means alone."),
})
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
    "session": (N_("Session cookies"),
                N_("Kept only while your browser is open, and deleted when you close it. "
                  "They let you move from page to page without signing in again.")),
    "persistent": (N_("Persistent cookies"),
                   N_("Kept on your device after you close the browser, until they expire or "
                     "you delete them. They remember your choices for your next visit.")),
    "first-party": (N_("First-party cookies"),
                    N_("Set by the website you are visiting (the domain in your address bar), "
                      "whoever wrote the script that sets them.")),
    "third-party": (N_("Third-party cookies"),
                    N_("Set by another domain than the one you are visiting, for example by "
                      "an embedded service or a social-media button.")),
    "cookie": (N_("HTTP cookies"),
               N_("Small text files that your browser stores for a website and sends back to "
                 "it with each request.")),
    "localStorage": (N_("Local storage"),
                     N_("Data a website keeps in your browser, without an expiry date; it is "
                       "not sent to the website with each request and stays until you clear "
                       "it.")),
    "sessionStorage": (N_("Session storage"),
                       N_("Data a website keeps in your browser for one tab, deleted when the "
                         "tab is closed.")),
    "IndexedDB": (N_("IndexedDB"),
                  N_("A database in your browser in which a website can keep larger amounts "
                    "of data, until you clear it.")),
    "pixel": (N_("Pixels and web beacons"),
              N_("Tiny invisible images or scripts that tell their provider that a page or an "
                "email was opened.")),
    "flash": (N_("Flash cookies (local shared objects)"),
              N_("Files that Adobe Flash stored, apart from the browser's cookies. Flash is no "
                "longer supported by browsers, so they are obsolete.")),
}
#: What each cookie category is for (the ``cookie-kinds`` directive).
CATEGORY_EXPLANATIONS = Labels({
    "necessary": N_("Needed for the website to work, for example to keep you signed in; they "
                   "need no consent."),
    "preferences": N_("Remember your choices, such as language or layout."),
    "statistics": N_("Help us understand how visitors use the website, by collecting "
                    "information about visits."),
    "marketing": N_("Used to show advertising that is relevant to you, on this and other "
                   "websites."),
    "security": N_("Protect the website and its visitors, for example against fraud and "
                  "abuse."),
    "unclassified": N_("Not yet classified."),
})

#: The role of a recipient (``recipients[].role``), as the ``recipients`` table says it.
RECIPIENT_ROLE_LABELS = Labels({
    "processor": N_("Processor"),
    "sub-processor": N_("Sub-processor"),
    "controller": N_("Independent controller"),
    "joint-controller": N_("Joint controller"),
    "public-authority": N_("Public authority"),
    "other": N_("Other"),
})
