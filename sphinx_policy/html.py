"""HTML-only polish, kept apart so the directives stay builder-neutral.

- contact blocks become ``<address>`` (a post-transform, HTML builders only);
- header cells of policy tables get ``scope="col"``;
- a small stylesheet keeps wide tables usable on a phone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from .directives.nodes_util import in_policy_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

STATIC = Path(__file__).parent / "static"
CSS_FILE = "sphinx-policy.css"


class policy_address(nodes.General, nodes.Element):
    """A contact block in HTML: rendered as ``<address>``."""


def visit_address(self: HTML5Translator, node: policy_address) -> None:
    self.body.append(self.starttag(node, "address", CLASS="policy-contact"))


def depart_address(self: HTML5Translator, node: policy_address) -> None:
    self.body.append("</address>\n")


class ContactToAddress(SphinxPostTransform):
    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for container in list(self.document.findall(nodes.container)):
            # The contact directive's own wrapper (class "policy", see base.wrap) also
            # carries "policy-contact"; it stays a <div>: <address> must not nest.
            classes = container["classes"]
            if "policy-contact" in classes and "policy" not in classes:
                replacement = policy_address(classes=[c for c in container["classes"]
                                               if c != "policy-contact"])
                replacement.extend(container.children)
                container.replace_self(replacement)


def visit_entry(self: HTML5Translator, node: nodes.entry) -> None:
    HTML5Translator.visit_entry(self, node)
    if isinstance(node.parent.parent, nodes.thead) and in_policy_table(node):
        self.body[-1] = self.body[-1].replace("<th ", '<th scope="col" ', 1)


def depart_entry(self: HTML5Translator, node: nodes.entry) -> None:
    HTML5Translator.depart_entry(self, node)


def _add_static(app: Sphinx, config: Config) -> None:
    # At config-inited, so the pickled configuration has it too and incremental builds
    # do not see a changed html_static_path.
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup_html(app: Sphinx) -> None:
    app.add_node(policy_address, html=(visit_address, depart_address))
    app.add_node(nodes.entry, override=True, html=(visit_entry, depart_entry))
    app.add_post_transform(ContactToAddress)
    app.add_css_file(CSS_FILE)
    app.connect("config-inited", _add_static)
