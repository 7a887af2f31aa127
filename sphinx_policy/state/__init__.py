"""The build's state: everything sphinx-policy keeps between events and between builds.

- :mod:`.domain`: the ``policy`` domain, the one home of per-document and build-wide state
  on the environment (``clear_doc`` and ``merge_domaindata`` in one place, as
  ``sphinx.ext.todo`` does), plus what one build shares but never pickles;
- :mod:`.data`: the project's data for this build, and the data files each page reads;
- :mod:`.pages`: which pages are policy pages.
"""
