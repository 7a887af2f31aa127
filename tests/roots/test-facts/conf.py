project = "Facts test"
extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".md": "markdown"}
policy_data_files = ["data/policy.yaml"]
policy_git = False
exclude_patterns = ["_build"]
