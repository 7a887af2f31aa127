"""The git layer: everything sphinx-policy learns from git, with no Sphinx import.

- :mod:`.runner` runs git with a pinned configuration and a clean environment;
- :mod:`.scan` reads the whole first-parent history in one streamed ``git log``;
- :mod:`.index` answers per-file questions from that scan (:class:`.index.HistoryIndex`);
- :mod:`.blobs` reads file contents at any commit;
- :mod:`.records`, :mod:`.errors`, :mod:`.text`, :mod:`.ignore_revs` and
  :mod:`.headlines` are the values, failures, cleaned text and commit-message
  reading these share.

The Sphinx integration (``sphinx_policy.history``) builds one index per repository per
build and hands its results on as plain tuples.
"""
