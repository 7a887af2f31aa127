extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence"]
policy_git = False
policy_pages = ["privacy"]
exclude_patterns = ["_build"]
