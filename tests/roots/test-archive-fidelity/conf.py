import os
import sys

sys.path.insert(0, os.path.abspath("."))  # quote_file.py, the test-only extension

project = "Acme"
extensions = ["myst_parser", "sphinx_policy", "quote_file"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
html_baseurl = "https://policies.example.org/"
# literalinclude, csv-table and the test directive note plain dependencies: make their
# changes revisions of the page.
policy_git_extra_dependencies = ["legal/snippets/*"]
# The whole site's table of contents in every page's sidebar (other pages' titles).
html_sidebars = {"**": ["globaltoc.html"]}
