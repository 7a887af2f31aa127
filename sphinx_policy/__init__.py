"""sphinx-policy: versioned legal documents (privacy, cookie and terms pages) with Sphinx.

``setup()`` stays thin: every feature module registers itself through its own
``setup_<feature>(app)`` function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .version import __version__

# Bump whenever the layout of what sphinx-policy stores on the build environment changes,
# so that Sphinx discards a pickled environment it could not read correctly.
ENV_VERSION = 4  # 4: all state in the policy domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    from .config import setup_config
    from .consent import setup_consent
    from .directives import setup_directives
    from .disclosures import setup_disclosures
    from .history import setup_history
    from .html import setup_html
    from .latex import setup_latex
    from .locale import setup_locale
    from .state.data import setup_data
    from .state.domain import setup_domain
    from .state.placeholders import setup_placeholders
    from .versions import setup_versions

    setup_config(app)
    setup_locale(app)
    setup_domain(app)
    setup_placeholders(app)
    setup_data(app)
    setup_directives(app)
    setup_disclosures(app)
    setup_history(app)
    setup_versions(app)
    setup_html(app)
    setup_latex(app)
    setup_consent(app)  # the consent banner's script, with policy_consent_script
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
